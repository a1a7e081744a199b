/**
 * Issue 14 item 8: every security.yaml change needs an explicit confirmation, also one that
 * makes no security step (a rotated or swapped secret). Drives the real CLI against the real
 * Docker Engine (observed read-only: the state declares no container, so nothing is created)
 * and a real state repo: `claude apply plan.json` without --yes and without a terminal is
 * refused (V9) when the plan changes security.yaml, and goes through with --yes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/testutil/cli.js';

let dir: string;
const env = () => ({ CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state'), HOME: dir });
const claude = (argv: string[], input?: string) => runCli(argv, { env: env(), cwd: dir, ...(input !== undefined ? { input } : {}) });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-secyaml-'));
  mkdirSync(join(dir, 'state'));
  writeFileSync(join(dir, 'state', 'manifest.yaml'), 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: t\nspec:\n  images:\n    pull: false\n');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a security.yaml change always needs a confirmation', () => {
  it('a rotated secret (no step at all) is refused without --yes, applied with it; an unchanged security.yaml is not asked', { timeout: 120_000 }, async () => {
    expect((await claude(['secret', 'set', 'api_token'], 'first-value\n')).code).toBe(0);
    const planned = await claude(['plan', '--out', 'p1.json']);
    expect(planned.code).toBe(0);
    // The plan says before the apply that it will ask (a reviewer in CI sees it too): no step
    // is security, only the file.
    expect(planned.out).toContain('P3 confirmation for the security.yaml change: needed at apply');
    expect(planned.out).toContain('⚠ SECURITY: The plan creates security.yaml');
    // Not "No Changes" (a plan whose only change is security.yaml has no step): the box says it.
    expect(planned.out).not.toContain('No Changes');
    expect(planned.out).toMatch(/Proposed Changes \(security-sensitive\)[\s\S]*⚠ The plan creates security\.yaml/);
    const shown = await claude(['show', 'p1.json']);
    expect(shown.out).toContain('P3 confirmation for the security.yaml change: needed at apply');
    // The first security.yaml ever: a change too.
    const first = await claude(['apply', 'p1.json']);
    expect(first.code).toBe(1);
    expect(first.err).toMatch(/refused \(V9 confirmation\)/);
    expect(first.err).toContain('The plan creates security.yaml');
    expect((await claude(['apply', 'p1.json', '--yes'])).code).toBe(0);

    // Rotate the secret: the ciphertext changes, no service uses it, so the plan has no security step.
    const before = readFileSync(join(dir, 'state', 'security.yaml'), 'utf8');
    expect((await claude(['secret', 'set', 'api_token'], 'second-value\n')).code).toBe(0);
    expect(readFileSync(join(dir, 'state', 'security.yaml'), 'utf8')).not.toBe(before);
    expect((await claude(['plan', '--out', 'p2.json'])).code).toBe(0);
    const payload = JSON.parse(Buffer.from((JSON.parse(readFileSync(join(dir, 'p2.json'), 'utf8')) as { payload: string }).payload, 'base64').toString()) as { steps: { risk: string }[] };
    expect(payload.steps.filter((s) => s.risk !== 'safe')).toEqual([]);
    const refused = await claude(['apply', 'p2.json']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refused \(V9 confirmation\)/);
    expect(refused.err).toContain('The plan changes security.yaml');
    expect(refused.err).toContain('Nothing was changed.');
    // the state repo still holds the old security.yaml
    const log = await claude(['history']);
    expect(log.out.match(/plan-/g)?.length ?? 0).toBe(1);
    const ok = await claude(['apply', 'p2.json', '--yes']);
    expect(ok.code, ok.out + ok.err).toBe(0);

    // A plan that leaves security.yaml alone needs nothing.
    writeFileSync(join(dir, 'state', 'manifest.yaml'), readFileSync(join(dir, 'state', 'manifest.yaml'), 'utf8') + '  timezone: UTC\n');
    expect((await claude(['plan', '--out', 'p3.json'])).code).toBe(0);
    expect((await claude(['show', 'p3.json'])).out).not.toContain('security.yaml change');
    const plain = await claude(['apply', 'p3.json']);
    expect(plain.code, plain.out + plain.err).toBe(0);
  });
});
