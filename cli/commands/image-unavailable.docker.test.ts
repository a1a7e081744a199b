/**
 * An image this host cannot get is said before the approval, not after a failed apply: the
 * real bin/claude plans a service whose image is not here and whose registry (a free
 * loopback port nobody listens on) refuses every connection. `claude plan` prints the
 * warning with the service, the image and the fixes; `claude apply` in a real terminal
 * (tmux) shows it above the question, `no` changes nothing, and `yes` fails at that image
 * and rolls back, as the warning said. Once the image is on the host the warning is gone.
 * Needs dockerd, tmux and `npm run build`. Names carry this run's tag; the containers, the
 * network, the image tag, the tmux server and the temp dir are removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CLAUDE_BIN, seedSleepers, tempHost, tmuxTerminal, type TempHost } from '../../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';
import { freePort } from '../../runtime/testutil/ports.js';

const tag = `imgw${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-imgwarn-${tag}`);
let host: TempHost;
let image: string;

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const containers = () => execFileSync('docker', ['ps', '-a', '--filter', `name=${tag}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  host = tempHost('imgwarn', tag);
  // A registry on a loopback port nobody listens on: every pull is refused at once (Docker
  // treats 127.0.0.0/8 as an insecure registry, so it tries plain http and gets ECONNREFUSED).
  image = `127.0.0.1:${await freePort()}/claude-test/web-${tag}:1`;
  seedSleepers(host, tag, [{ name: `${tag}-ok` }, { name: `${tag}-web`, image }]);
}, 60_000);

afterAll(() => {
  term.kill();
  removeDockerByName(tag);
  docker('rmi', image);
  host?.remove();
});

describe('an image this host cannot get is warned about before the approval', () => {
  it('claude plan names the service, the image, why, and the fixes', () => {
    const r = host.claude('plan');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const warnings = r.stdout.slice(r.stdout.indexOf('Warnings:'));
    expect(r.stdout).toContain('Warnings:');
    expect(warnings).toContain(`service ${tag}-web needs image ${image}, which this host cannot get: it is not on this host and its registry ${image.split('/')[0]} cannot be reached from this host`);
    expect(warnings).toContain('connection refused');
    expect(warnings).toContain('the apply would fail at this image and roll back');
    expect(warnings).toContain('`docker load -i <file>.tar` here');
    // the Docker way only: the containerd backend's tarball dir is said on containerd (agent/images.ts)
    expect(warnings).not.toContain(`${host.dataDir}/images`);
    expect(warnings).toContain('fix the image name in services.yaml');
    // The image the host has is not warned about.
    expect(warnings).not.toContain('claude-os-local/busybox');
  }, 120_000);

  it('the engine is asked about the image it lacks before the plan is made (its round trips overlap the planner: agent/images.ts askAboutImages)', () => {
    const r = spawnSync(CLAUDE_BIN, ['plan'], { env: { ...host.env, CLAUDE_TRACE: '1' }, cwd: host.base, encoding: 'utf8', timeout: 180_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const marks = r.stderr.split('\n').map((l) => l.replace(/^\[trace\].*?cpu\s+\d+ ms\s+/, ''));
    const asked = marks.indexOf('plan: asked the engine about 1 image(s) it lacks');
    expect(asked, r.stderr).toBeGreaterThan(-1);
    expect(asked).toBeLessThan(marks.indexOf('plan: planned'));
    expect(marks.indexOf('plan: planned')).toBeLessThan(marks.indexOf('plan: images checked'));
    // the same warning as without the early question
    expect(r.stdout).toContain(`service ${tag}-web needs image ${image}, which this host cannot get`);
  }, 120_000);

  it('claude apply in a terminal shows it above the question; no changes nothing; yes fails at the image and rolls back', async () => {
    term.start([CLAUDE_BIN, 'apply'], { env: host.env, cwd: host.base, width: 200, height: 60 });
    await term.waitFor('the approval question', (s) => s.includes('Apply these changes? [yes/no]'));
    let s = term.screen();
    const warned = s.indexOf(`service ${tag}-web needs image ${image}`);
    expect(warned, s).toBeGreaterThan(-1);
    expect(warned).toBeLessThan(s.indexOf('Apply these changes? [yes/no]'));
    term.type('no');
    await term.waitFor('Nothing changed', (x) => x.includes('Nothing changed.'));
    expect(containers()).toBe('');

    term.start([CLAUDE_BIN, 'apply'], { env: host.env, cwd: host.base, width: 200, height: 60 });
    await term.waitFor('the approval question', (x) => x.includes('Apply these changes? [yes/no]'));
    term.type('yes');
    await term.waitFor('the apply to end', (x) => /rolled back/i.test(x.split('Apply these changes?')[1] ?? ''), 180_000);
    s = term.screen().split('Apply these changes?')[1]!;
    expect(s).toContain(`image '${image}' is not present locally`);
    expect(containers()).toBe('');
  }, 300_000);

  it('once the image is on this host, the plan has no such warning', () => {
    execFileSync('docker', ['tag', 'claude-os-local/busybox:latest', image]);
    const r = host.claude('plan');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`Create container '${tag}-web' from ${image}`);
    expect(r.stdout).not.toContain('which this host cannot get');
  }, 120_000);
});
