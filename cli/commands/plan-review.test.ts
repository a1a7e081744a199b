/** Offline commands (no Docker): keys, sign, verify and show on a plan made in process. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../testutil/cli.js';
import { plan } from '../../compiler/planner.js';
import { signPlan } from '../../compiler/sign.js';
import { serializeEnvelope } from '../../plan/envelope.js';
import { loadOrCreateHostId, loadOrCreateHostKey } from '../../plan/keys.js';
import { webStack, emptyObserved } from '../../compiler/__fixtures__/models.js';

let dir: string;
const NOW = new Date('2026-11-21T12:00:00Z');

function claude(argv: string[]) {
  return runCli(argv, { env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root') }, cwd: dir, now: () => NOW });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-review-'));
  const hostId = loadOrCreateHostId(join(dir, 'data'), join(dir, 'root'));
  const key = loadOrCreateHostKey(join(dir, 'data'), hostId);
  const p = plan(webStack(), emptyObserved(), { request: 'set up a web stack', now: NOW, nonce: '9'.repeat(32), hostId, provenance: { engine: 'offline' }, compilerVersion: '0' });
  writeFileSync(join(dir, 'plan.json'), serializeEnvelope(signPlan(p, key.privateKey)));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('claude show / verify / sign / keys', () => {
  it('verify prints one line per check and exits 0 for a good plan', async () => {
    const r = await claude(['verify', 'plan.json']);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => /^[✓✗] /.test(l)).map((l) => l.split(/\s+/)[1])).toEqual(['envelope', 'schema', 'signatures', 'trust', 'policy', 'expiry', 'host']);
  });
  it('verify fails on a tampered plan, naming the check', async () => {
    const env = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as { payload: string };
    const payload = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { request: string };
    payload.request = 'something else';
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify({ ...env, payload: Buffer.from(JSON.stringify(payload)).toString('base64') }, null, 2));
    const r = await claude(['verify', 'tampered.json']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ signatures .*does not verify/);
    expect(r.out).toMatch(/NOT OK/);
  });
  it('show --json gives the payload, the checks and the signatures', async () => {
    const r = await claude(['show', 'plan.json', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { payload: { steps: unknown[] }; signatures: { status: string; role: string }[] };
    expect(j.payload.steps).toHaveLength(13);
    expect(j.signatures).toEqual([expect.objectContaining({ status: 'valid', role: 'host' })]);
    const bad = await claude(['show', 'missing.json']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cannot read .*missing\.json/);
  });
  it('keys generate refuses to overwrite; remove untrusts; sign refuses an open key file', async () => {
    expect((await claude(['keys', 'generate', '--out', 'ci.key'])).code).toBe(0);
    const again = await claude(['keys', 'generate', '--out', 'ci.key']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists; not overwriting/);
    const add = await claude(['keys', 'add', 'ci.key.pub', '--role', 'ci', '--name', 'pipeline']);
    const keyid = /trusted ([0-9a-f]{64})/.exec(add.out)![1]!;
    expect((await claude(['keys', 'list', '--json'])).out).toContain(keyid);
    expect((await claude(['keys', 'remove', keyid.slice(0, 12)])).out).toMatch(/removed .* \(ci 'pipeline'\)/);
    expect((await claude(['keys', 'list'])).out).not.toContain(keyid);
    writeFileSync(join(dir, 'open.key'), readFileSync(join(dir, 'ci.key')), { mode: 0o644 });
    const s = await claude(['sign', 'plan.json', '--key', 'open.key']);
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/readable by others[\s\S]*chmod 600/);
    expect((await claude(['keys', 'add', 'ci.key.pub', '--role', 'root', '--name', 'x'])).code).toBe(2);
  });

  it('sign says whether its key is trusted here; a trusted-key file it cannot read leaves that unknown, not a failure after the write', async () => {
    writeFileSync(join(dir, 'copy.json'), readFileSync(join(dir, 'plan.json')));
    const plain = await claude(['sign', 'copy.json', '--key', 'ci.key']);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/not trusted on this host/);
    writeFileSync(join(dir, 'copy2.json'), readFileSync(join(dir, 'plan.json')));
    const bad = join(dir, 'data', 'keys', 'trusted', 'broken.json');
    writeFileSync(bad, '{ not json');
    try {
      const r = await claude(['sign', 'copy2.json', '--key', 'ci.key']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/signed .*copy2\.json .*could not tell whether it is trusted here/);
      expect(readFileSync(join(dir, 'copy2.json'), 'utf8')).not.toBe(readFileSync(join(dir, 'plan.json'), 'utf8'));
    } finally {
      rmSync(bad);
    }
  });
});
