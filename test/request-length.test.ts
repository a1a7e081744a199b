/**
 * A request is at most MAX_REQUEST_CHARS (4000) characters, through the real CLI (offline
 * engine, no Docker): a longer paste is not read (the offline engine's time grows with a
 * request's length), and says so in one line with the count, the limit and what to do; nothing
 * is written to the state or the data dir. One at the limit is read as usual.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/testutil/cli.js';
import { MAX_REQUEST_CHARS } from '../compiler/intent/provider.js';

let dir: string;
const NOW = new Date('2026-12-06T12:00:00Z');
const claude = (argv: string[]) =>
  runCli(argv, { env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state') }, cwd: dir, now: () => NOW });
const filler = (n: number) => 'add redis and '.repeat(Math.ceil(n / 14)).slice(0, n);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-reqlen-'));
  mkdirSync(join(dir, 'state'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a request longer than the limit', () => {
  it(`${MAX_REQUEST_CHARS + 1} characters: not read, one plain line, exit 1, nothing written`, async () => {
    const message = `set up nginx ${filler(MAX_REQUEST_CHARS)}`.slice(0, MAX_REQUEST_CHARS + 1);
    const r = await claude(['plan', message]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`the request is ${MAX_REQUEST_CHARS + 1} characters long; at most ${MAX_REQUEST_CHARS} are read, so it was not read and nothing was changed`);
    expect(r.err).toMatch(/hint: say it in fewer words or in several requests/);
    expect(readdirSync(join(dir, 'state'))).toEqual([]);
    expect(existsSync(join(dir, 'data', 'conversations'))).toBe(false);
  }, 30_000);

  it('40 000 characters: the same line', async () => {
    const r = await claude(['plan', filler(40_000)]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('the request is 40000 characters long');
  }, 30_000);

  it(`exactly ${MAX_REQUEST_CHARS} characters (spaces around it not counted) is read as a request`, async () => {
    const message = `restart nginx${' '.repeat(MAX_REQUEST_CHARS - 14)}x`;
    expect(message.length).toBe(MAX_REQUEST_CHARS);
    const r = await claude(['plan', `  ${message}  `]);
    expect(r.err).not.toContain('characters long');
  }, 60_000);
});
