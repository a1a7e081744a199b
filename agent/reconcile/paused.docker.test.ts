/**
 * A self-heal whose apply keeps failing backs off, on the real Docker Engine: the reconciler
 * (the one the daemon runs, wired to the host by openReconcileHost) restores a removed
 * container whose image is gone and whose registry (a free loopback port nobody listens on)
 * refuses every pull. Its passes run on an injected clock, 20 s apart, so ten minutes of
 * passes take seconds: the apply is attempted 1, 3 and 7 min after the first failure (the
 * back-off 1, 2, 4 min), never in between, and notified once. `claude status`, `--json` and
 * `claude events` (the real bin/claude) show the pause. Another drift starts a new episode at
 * once (notified once more); a person's `claude reconcile` tries at once, counted in the same
 * episode; a person's `claude apply` that succeeds ends the pause. manifest.yaml
 * `reconcile.backoff` sets the schedule (30 s, 1 min, 1 min …), and a bad one is refused by
 * `claude validate` at its file:line:col.
 * Needs dockerd and `npm run build`. Names carry this run's tag; the containers, the
 * network, the image tag and the temp dir are removed afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../common/fsutil.js';
import { tempHost, type TempHost } from '../../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';
import { freePort } from '../../runtime/testutil/ports.js';
import { openReconcileHost } from './host.js';
import { PAUSED_FILE, readPaused } from './paused.js';
import { Reconciler, type PassOutcome } from './reconciler.js';

const tag = `bko${randomBytes(3).toString('hex')}`;
const web = `${tag}-web`;
const ok = `${tag}-ok`;
let host: TempHost;
let image: string;
let r: Reconciler;
const logs: string[] = [];
/**
 * The injected clock the reconciler and its host read: it starts an hour back, so the minutes
 * it moves on stay behind the real clock that a person's `claude apply` reads (the audit log
 * refuses a clock that went back).
 */
let clock = Date.now() - 3_600_000;
const now = () => new Date(clock);

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });
const running = (name: string) => docker('inspect', '-f', '{{.State.Running}}', name).stdout.trim();
const events = () => readFileSync(join(host.dataDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const notices = () => (existsSync(join(host.dataDir, 'notifications.jsonl')) ? readFileSync(join(host.dataDir, 'notifications.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; title: string; detail?: string[] }) : []);
const applyAttempts = () => events().filter((e) => e.type === 'reconcile.started').length;

/** A pass at `clock`, as the daemon's periodic timer runs it. */
async function pass(trigger = 'interval'): Promise<PassOutcome> {
  const rec = await r.trigger(trigger);
  await r.idle();
  return rec.outcome;
}

beforeAll(async () => {
  host = tempHost('paused', tag);
  // A registry on a loopback port nobody listens on: a pull of the image is refused at once.
  image = `127.0.0.1:${await freePort()}/claude-test/web-${tag}:1`;
  execFileSync('docker', ['tag', 'claude-os-local/busybox:latest', image]);
  const doc = (kind: string, spec: string) => `apiVersion: claude.os/v1\nkind: ${kind}\nmetadata:\n  name: ${tag}\nspec:\n${spec}`;
  writeFileAtomic(join(host.stateDir, 'manifest.yaml'), doc('SystemManifest', '  safety: {require_approval: false}\n  reconcile: {drift: self_heal}\n'));
  const service = (name: string, img: string) => `    - {name: ${name}, image: "${img}", command: [sleep, "3600"], networks: [${tag}-net]}\n`;
  writeFileAtomic(join(host.stateDir, 'services.yaml'), doc('ServiceManifest', `  networks: [{name: ${tag}-net}]\n  services:\n${service(ok, 'claude-os-local/busybox:latest')}${service(web, image)}`));
  const rh = await openReconcileHost({ paths: { stateDir: host.stateDir, dataDir: host.dataDir, root: host.root }, env: host.env, now });
  r = new Reconciler({ host: rh, now, log: (l) => logs.push(l) });
}, 120_000);

afterAll(() => {
  removeDockerByName(tag);
  docker('rmi', image);
  host?.remove();
}, 120_000);

describe('a self-heal whose apply keeps failing', () => {
  it('is tried again after 1, 2, 4 min, not at every pass, and notified once; status and events show the pause', async () => {
    expect((await pass('startup')).status).toBe('applied');
    expect(running(web)).toBe('true');
    // The container and its image go; the image's registry cannot be reached: every restore fails.
    docker('rm', '-f', web);
    docker('rmi', image);
    const attemptsBefore = applyAttempts();

    const first = await pass();
    expect(first.status).toBe('rolled-back');
    const t0 = clock;
    expect(readPaused(host.dataDir)).toMatchObject({ kind: 'drift', attempts: 1, since: new Date(t0).toISOString(), until: new Date(t0 + 60_000).toISOString() });
    expect(logs.join('\n')).toContain(`self-heal paused until ${new Date(t0 + 60_000).toISOString()}, 1 attempt failed: `);

    // Ten minutes of passes, 20 s apart: attempts only when the pause is over (1, 3 and 7 min after).
    const attemptedAt: number[] = [];
    const statuses: string[] = [];
    for (let k = 1; k <= 30; k++) {
      clock = t0 + k * 20_000;
      const o = await pass(k % 3 === 0 ? 'container-event' : 'interval');
      statuses.push(o.status);
      if (o.status !== 'paused') attemptedAt.push((clock - t0) / 1000);
    }
    expect(attemptedAt).toEqual([60, 180, 420]);
    expect(statuses.filter((s) => s === 'rolled-back')).toHaveLength(3);
    expect(statuses.filter((s) => s === 'paused')).toHaveLength(27);
    expect(applyAttempts() - attemptsBefore).toBe(4);
    const paused = readPaused(host.dataDir)!;
    expect(paused).toMatchObject({ kind: 'drift', attempts: 4, since: new Date(t0).toISOString(), until: new Date(t0 + 420_000 + 480_000).toISOString() });
    expect(paused.reason).toContain(image);
    // One notification for the episode (and one for the drift itself), however many attempts.
    const failed = notices().filter((n) => n.kind === 'reconcile.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail![0]).toContain(`self-heal paused until ${new Date(t0 + 60_000).toISOString()}, 1 attempt failed`);
    expect(notices().filter((n) => n.kind === 'drift.detected')).toHaveLength(1);
    // Each attempt says so in the events: four reconcile.paused, with the count and the next time.
    const pausedEvents = events().filter((e) => e.type === 'reconcile.paused');
    expect(pausedEvents.map((e) => e.attempts)).toEqual([1, 2, 3, 4]);
    expect(pausedEvents.map((e) => e.until)).toEqual([60, 180, 420, 900].map((s) => new Date(t0 + s * 1000).toISOString()));
    expect(running(web)).toBe('');

    // What a person sees, through the real bin/claude.
    const status = host.claude('status');
    expect(status.stdout).toContain(`\nSelf-heal paused until ${paused.until}, 4 attempts failed: ${paused.reason}\n`);
    expect(status.stdout).toContain(`plan ${paused.planId}, failing since ${paused.since}`);
    const json = JSON.parse(host.claude('status', '--json').stdout) as { paused: { attempts: number; until: string } | null };
    expect(json.paused).toMatchObject({ attempts: 4, until: paused.until });
    const shown = host.claude('events', '--since', '1h').stdout;
    expect(shown).toMatch(new RegExp(`reconcile\\.paused.*self-heal paused until ${paused.until.replace(/\./g, '\\.')}, 4 attempts failed`));
  }, 600_000);

  it('another drift is tried at once, as a new episode, notified once more', async () => {
    clock += 20_000;
    docker('stop', '-t', '1', ok);
    const o = await pass('container-event');
    expect(o.status).toBe('rolled-back');
    expect(logs.join('\n')).toMatch(/self-heal resumes: the drift changed \(it was paused after 4 failed attempts since \S+\)/);
    expect(events().filter((e) => e.type === 'reconcile.resumed').map((e) => e.why)).toEqual(['the drift changed']);
    expect(readPaused(host.dataDir)).toMatchObject({ attempts: 1, since: now().toISOString() });
    expect(notices().filter((n) => n.kind === 'reconcile.failed')).toHaveLength(2);
    // Its next passes wait again.
    clock += 20_000;
    expect((await pass()).status).toBe('paused');
    expect(notices().filter((n) => n.kind === 'reconcile.failed')).toHaveLength(2);
    // A person's `claude reconcile` is never held back: it tries now (and fails the same way: counted, not notified).
    const manual = host.claude('reconcile');
    expect(manual.status).toBe(1);
    expect(manual.stdout).toContain('Failed and rolled back:');
    expect(manual.stderr).toContain('`claude reconcile` tries it now, during its pause (self-heal paused until');
    expect(readPaused(host.dataDir)).toMatchObject({ attempts: 2 });
    expect(notices().filter((n) => n.kind === 'reconcile.failed')).toHaveLength(2);
  }, 300_000);

  it("a person's apply that succeeds ends the pause; the next pass finds nothing to do", async () => {
    execFileSync('docker', ['tag', 'claude-os-local/busybox:latest', image]);
    const applied = host.claude('apply', '--yes');
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(running(web)).toBe('true');
    expect(running(ok)).toBe('true');
    // The pause is over as soon as the apply succeeded: status no longer shows it.
    expect(existsSync(join(host.dataDir, PAUSED_FILE))).toBe(true);
    expect(host.claude('status').stdout).not.toMatch(/^Self-heal paused until/m);
    expect((JSON.parse(host.claude('status', '--json').stdout) as { paused: unknown }).paused).toBeNull();
    clock += 20_000;
    expect((await pass()).status).toBe('noop');
    expect(existsSync(join(host.dataDir, PAUSED_FILE))).toBe(false);
    expect(events().filter((e) => e.type === 'reconcile.resumed').map((e) => e.why)).toEqual(['the drift changed', 'the system matches the state files']);
  }, 300_000);

  it('manifest.yaml reconcile.backoff sets the schedule: first 30s, doubling, at most 1m', async () => {
    writeFileAtomic(join(host.stateDir, 'manifest.yaml'), `apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: ${tag}\nspec:\n  safety: {require_approval: false}\n  reconcile:\n    drift: self_heal\n    backoff: {first: 30s, max: 1m}\n`);
    // applied by a person (the reconciler leaves a hand edit of manifest.yaml's safety to one)
    const applied = host.claude('apply', '--yes');
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    // From here the injected clock runs ahead of the real one: the audit log now holds that apply's real time.
    clock = Date.now() + 5_000;
    const settled = await pass();
    expect(['noop', 'applied'], JSON.stringify(settled)).toContain(settled.status);
    docker('rm', '-f', web);
    docker('rmi', image);
    const failedBefore = notices().filter((n) => n.kind === 'reconcile.failed').length;
    clock += 20_000;
    expect((await pass()).status).toBe('rolled-back');
    const t0 = clock;
    expect(readPaused(host.dataDir)).toMatchObject({ attempts: 1, until: new Date(t0 + 30_000).toISOString() });
    // Three minutes of passes, 10 s apart: attempts 30 s, then 60 s (doubled), then 60 s (the max) apart.
    const attemptedAt: number[] = [];
    for (let k = 1; k <= 18; k++) {
      clock = t0 + k * 10_000;
      if ((await pass()).status !== 'paused') attemptedAt.push((clock - t0) / 1000);
    }
    expect(attemptedAt).toEqual([30, 90, 150]);
    expect(readPaused(host.dataDir)).toMatchObject({ attempts: 4, until: new Date(t0 + 210_000).toISOString() });
    const failed = notices().filter((n) => n.kind === 'reconcile.failed');
    expect(failed).toHaveLength(failedBefore + 1);
    expect(failed.at(-1)!.detail![0]).toContain('less often after each failure (at most every 1m)');
    // A schedule the compiler refuses says where and why, through the real bin/claude; nothing is applied.
    writeFileAtomic(join(host.stateDir, 'manifest.yaml'), `apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: ${tag}\nspec:\n  reconcile:\n    backoff:\n      first: 10m\n      max: 2m\n`);
    const v = host.claude('validate');
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/manifest\.yaml:9:12: error CLA3058: reconcile\.backoff\.max \(2m\) is shorter than reconcile\.backoff\.first \(10m\)/);
  }, 300_000);
});
