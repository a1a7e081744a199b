import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { claude as runClaude } from '../testutil/requests.js';
import { packageRoot } from '../../common/paths.js';
import { parseEnvelope } from '../../plan/envelope.js';
import type { PlanPayload } from '../../plan/types.js';

let dir: string;
const now = new Date('2026-11-21T12:00:00Z');

function claude(argv: string[], env: Record<string, string> = {}, at: Date = now) {
  return runClaude({ dir, env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state'), ...env } }, argv, { now: () => at });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-plan-cli-'));
  cpSync(join(packageRoot(), 'fixtures/states/spec-example'), join(dir, 'state'), { recursive: true });
  // The example's network is 'webstack': name it per run, so a parallel test's stack on the
  // same dockerd (another host id: CLA4003) never meets this one.
  const services = join(dir, 'state', 'services.yaml');
  writeFileSync(services, readFileSync(services, 'utf8').replace(/\bwebstack\b/g, `webstack-${randomBytes(4).toString('hex')}`));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('claude plan / show / verify / sign / keys (real dockerd, temp dirs)', () => {
  it('plans the spec example, signs it with a new host key, and show/verify read it back', async () => {
    const r = await claude(['plan', '--out', 'plan.json', '--detailed-exitcode']);
    if (r.code !== 2) console.log(r.out, r.err);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/generated the host key/);
    expect(r.out).toMatch(/Proposed Changes/);
    const st = statSync(join(dir, 'data/keys/host.key'));
    expect(st.mode & 0o777).toBe(0o600);
    const env = parseEnvelope(readFileSync(join(dir, 'plan.json'), 'utf8'));
    const payload = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as PlanPayload;
    expect(payload.steps.some((s) => s.op === 'firewall.apply')).toBe(true);
    expect(payload.hostId).toBe(readFileSync(join(dir, 'data/host-id'), 'utf8').trim());

    const v = await claude(['verify', 'plan.json']);
    // the spec example changes users/SSH keys: the policy wants an admin signature too
    expect(v.out).toMatch(/✓ signatures/);
    expect(v.out).toMatch(/✗ policy .*admin/);
    expect(v.code).toBe(1);

    const g = await claude(['keys', 'generate', '--out', 'admin.key']);
    expect(g.code).toBe(0);
    expect(statSync(join(dir, 'admin.key')).mode & 0o777).toBe(0o600);
    expect((await claude(['keys', 'add', 'admin.key.pub', '--role', 'admin', '--name', 'alice'])).code).toBe(0);
    const dup = await claude(['keys', 'add', 'admin.key.pub', '--role', 'ci', '--name', 'again']);
    expect(dup.code).toBe(1);
    expect(dup.err).toMatch(/already trusted \(role admin/);
    expect((await claude(['sign', 'plan.json', '--key', 'admin.key'])).out).toMatch(/2 signatures/);
    expect((await claude(['sign', 'plan.json', '--key', 'admin.key'])).out).toMatch(/already signed/);
    const v2 = await claude(['verify', 'plan.json']);
    expect(v2.out).toMatch(/✓ policy/);
    expect(v2.code).toBe(0);

    const s = await claude(["show", "plan.json"]);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/⚠ SECURITY/);
    expect(s.out).toMatch(/admin 'alice': ✓ valid, trusted/);

    const late = await claude(['verify', 'plan.json'], {}, new Date(now.getTime() + 2 * 3600_000));
    expect(late.code).toBe(1);
    expect(late.out).toMatch(/✗ expiry/);

    const list = await claude(['keys', 'list']);
    expect(list.out).toMatch(/host .*host-/);
    expect(list.out).toMatch(/admin +alice/);

    // without --out the plan goes to ./plan.json, and that is said: on stdout in the text
    // mode, on stderr with --json (stdout is the payload) (issue 11, defect 14)
    const text = await claude(['plan']);
    expect(text.out).toContain(`Saved the plan to ${join(dir, 'plan.json')}`);
    const json = await claude(['plan', '--json']);
    expect(JSON.parse(json.out).steps.length).toBeGreaterThan(0);
    expect(json.err).toContain(`claude plan: saved the signed plan to ${join(dir, 'plan.json')}`);
  }, 60_000);

  it('over SSH, a firewall that drops the connection is refused; --i-know-what-i-am-doing plans it with a warning that `claude show` repeats', async () => {
    // the spec example allows SSH from 10.0.0.0/8 only: a session from 203.0.113.7 would be cut off
    const ssh = { SSH_CONNECTION: '203.0.113.7 51234 10.0.1.1 22' };
    const refused = await claude(['plan', '--out', 'lockout.json'], ssh);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/CLA6010: the new firewall would lock you out: SSH: a new TCP connection from 203\.0\.113\.7 to port 22 would be dropped/);
    expect(existsSync(join(dir, 'lockout.json'))).toBe(false);
    const forced = await claude(['plan', '--out', 'lockout.json', '--i-know-what-i-am-doing'], ssh);
    expect(forced.code).toBe(0);
    expect(forced.err).toMatch(/CLA6012: the new firewall would lock you out, and --i-know-what-i-am-doing was given/);
    expect(forced.out).toMatch(/⚠ CLA6012/);
    const shown = await claude(['show', 'lockout.json']);
    expect(shown.out).toMatch(/⚠ CLA6012: the new firewall would lock you out/);
    // from inside 10.0.0.0/8 the same files pass, and the box says the session stays
    const inside = await claude(['plan', '--out', 'inside.json'], { SSH_CONNECTION: '10.0.1.50 51234 10.0.1.1 22' });
    expect(inside.code).toBe(0);
    expect(inside.out).toMatch(/│ Current connection from 10\.0\.1\.50 will remain active +│/);
  }, 60_000);

  it('refuses a broken state dir with diagnostics and writes nothing', async () => {
    writeFileSync(join(dir, 'state', 'services.yaml'), 'apiVersion: claude.os/v1\nkind: ServiceManifest\nspec:\n  services:\n    - name: x\n      image: [\n');
    const b = await claude(['plan', '--out', 'broken.json']);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/services\.yaml:\d+:\d+/);
    expect(existsSync(join(dir, 'broken.json'))).toBe(false);
  }, 60_000);
});
