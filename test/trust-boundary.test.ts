/**
 * The trust boundary (issue 14), offline parts driven through the real CLI (no Docker):
 * dangerous host mounts, secrets given to a new service, and the policy that follows.
 * docs/security.md lists each rule and where it is enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/testutil/cli.js';
import { compileFiles } from '../compiler/compile.js';
import { plan } from '../compiler/planner.js';
import { signPlan } from '../compiler/sign.js';
import { serializeEnvelope } from '../plan/envelope.js';
import { loadOrCreateHostId, loadOrCreateHostKey } from '../plan/keys.js';
import { emptyObserved } from '../compiler/__fixtures__/models.js';

let dir: string;
const NOW = new Date('2026-11-21T12:00:00Z');

function claude(argv: string[]) {
  return runCli(argv, { env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state') }, cwd: dir, now: () => NOW });
}

const HEAD = (kind: string) => `apiVersion: claude.os/v1\nkind: ${kind}\nmetadata:\n  name: test\n`;
const SOCK_SERVICE = HEAD('ServiceManifest') + 'spec:\n  services:\n    - name: portainer\n      image: nginx:latest\n      user: "0:0"\n      volumes:\n        - {source: /var/run/docker.sock, target: /var/run/docker.sock}\n        - {source: /, target: /host}\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-trust-'));
  mkdirSync(join(dir, 'state'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dangerous host mounts', () => {
  it('validate refuses the engine socket and / with file:line:col and the allow-list hint', async () => {
    writeFileSync(join(dir, 'state', 'services.yaml'), SOCK_SERVICE);
    const r = await claude(['validate']);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toMatch(/services\.yaml:11:\d+: error CLA3022: service portainer mounts host path \/var\/run\/docker\.sock/);
    expect(r.out + r.err).toMatch(/services\.yaml:12:\d+: error CLA3022: service portainer mounts host path \/: the whole host file system/);
    expect(r.out + r.err).toContain('spec.safety.allow_host_mounts');
  });

  it('allowed by manifest.yaml: a security step naming the mount, needing an admin signature and a confirmation', async () => {
    const files = {
      'manifest.yaml': HEAD('SystemManifest') + 'spec:\n  safety:\n    allow_host_mounts: [/var/run/docker.sock, /]\n',
      'services.yaml': SOCK_SERVICE,
    };
    const c = compileFiles(files);
    expect(c.diagnostics).toEqual([]);
    const hostId = loadOrCreateHostId(join(dir, 'data'), join(dir, 'root'));
    const key = loadOrCreateHostKey(join(dir, 'data'), hostId);
    const p = plan(c.model!, emptyObserved(), { request: 'add portainer', now: NOW, nonce: '7'.repeat(32), hostId, provenance: { engine: 'user' }, compilerVersion: '0' });
    const create = p.steps.find((s) => s.op === 'container.create')!;
    expect(create.risk).toBe('security');
    expect(create.description).toContain("mounts host path / (the whole host file system), /var/run/docker.sock (a container engine socket (root on the host))");
    writeFileSync(join(dir, 'sock-plan.json'), serializeEnvelope(signPlan(p, key.privateKey)));

    const show = await claude(['show', 'sock-plan.json']);
    expect(show.code).toBe(0);
    // the box itself names the mount, not only the step list
    const box = show.out.slice(0, show.out.indexOf('└'));
    expect(box).toContain('/var/run/docker.sock');
    expect(show.out).toMatch(/P2 admin signature \(mounts host paths \/, \/var\/run\/docker\.sock\): missing/);

    const verify = await claude(['verify', 'sock-plan.json']);
    expect(verify.code).toBe(1);
    expect(verify.out).toMatch(/NOT OK/);
    expect(verify.out).toMatch(/admin/);
  });
});
