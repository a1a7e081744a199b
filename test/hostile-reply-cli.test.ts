/**
 * Issue 14, item 10, as a person meets it: `claude ask` against a model server whose reply
 * is malformed (tool_calls an object, arguments an object) prints one clear line and a hint
 * and exits 1, where it used to crash with a stack trace (exit 70). Real CLI, real
 * OpenAI-compatible client, a local replay server.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/testutil/cli.js';
import { startReplayServer, type ReplayServer } from '../compiler/intent/replay.js';

let dir: string;
let server: ReplayServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-hostile-'));
  mkdirSync(join(dir, 'state'));
  server = await startReplayServer([
    { body: { choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: { id: 'c', function: { name: 'propose_changes' } } }, finish_reason: 'tool_calls' }] } },
    { body: { choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'propose_changes', arguments: { files: {} } } }] }, finish_reason: 'tool_calls' }] } },
  ]);
  writeFileSync(join(dir, 'state', 'manifest.yaml'), `apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: test\nspec:\n  llm:\n    provider: local\n    base_url: ${server.origin}/v1\n`);
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('claude ask: a malformed reply is one line and a hint, exit 1, nothing changed', async () => {
  const env = { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state') };
  for (const field of ['/choices/0/message/tool_calls: must be array,null', '/choices/0/message/tool_calls/0/function/arguments: must be string']) {
    const r = await runCli(['ask', 'add nginx on port 8080'], { env, cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toMatch(/^claude: the model's reply is malformed \(not an OpenAI chat completion\): /);
    expect(lines[0]).toContain(field);
    expect(lines[1]).toMatch(/^ {2}hint: check that spec\.llm\.base_url points at an OpenAI-compatible/);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
  }
  expect(server.requests).toHaveLength(2);
});
