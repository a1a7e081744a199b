/**
 * Golden tests of `claude status`, `services`, `logs` and `events` (text and --json) on
 * real containers named for this run. Volatile fields (suffix, host port, times, host
 * figures, memory) are normalised before the comparison with __golden__/observe/*.
 *
 * The run is its own Claude.OS instance (its own data dir, so its own host id): its
 * "managed" containers carry that id in `claude.os/host`, so other runs' managed containers
 * are not its services. Containers no Claude.OS manages (and their events) are everyone's:
 * those of other test files sharing the dockerd are left out of the comparison (`thisRun`),
 * and the clock is pinned just after the last container of the set-up started, so later events
 * (other test files' churn, made here too) do not count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../main.js';
import { claude as runClaude } from '../testutil/requests.js';
import { loadOrCreateHostId } from '../../plan/keys.js';
import { freePort } from '../../runtime/testutil/ports.js';
import { until } from '../../runtime/testutil/cli-host.js';

const sfx = randomBytes(4).toString('hex');
const web = `goldweb-${sfx}`;
const job = `goldjob-${sfx}`;
const other = `goldother-${sfx}`;
/** Containers of "someone else" (another per-run suffix, so `thisRun` leaves them out). */
const churn = Array.from({ length: 6 }, (_, i) => `goldchurn${i}-${randomBytes(4).toString('hex')}`);
let dir: string;
let port: number;
let hostId: string;
/** Just after the set-up's last container event: the commands' clock. */
let setUpAt: Date;

function sh(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** The CLI in process, as this run's instance, at the end of the set-up. */
function claude(argv: string[]) {
  return runClaude({ dir, env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'no-state') } }, argv, { now: () => setUpAt });
}

/** Replaces what changes from run to run. */
function norm(s: string): string {
  return s
    .replaceAll(sfx, 'SFX')
    .replaceAll(String(port), 'PORT!')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
    .replace(/\b\d\d:\d\d\b/g, 'HH:MM')
    .replace(/"(id|planId)": "[^"]+"/g, '"$1": "ID"')
    .replace(/│ \d+MB +│/g, '│ MEM    │')
    .replace(/("memoryMb"|memory_mb|"memory_mb"): \d+/g, '$1: N')
    .replace(/("cpu_percent"|cpu_percent): [\d.]+/g, '$1: N')
    .replace(/(uptime|"uptime"): "?[\dhdms ]+"?/g, '$1: UPTIME');
}

/** The status YAML without the host facts (system, network, resources): those are this machine's. */
function normStatus(s: string): string {
  return norm(thisRunYaml(s.replace(/^System: \S+ \|/m, 'System: HOST |').replace(/\nsystem:\n[\s\S]*?\nservices:/, '\n<system, network, resources>\nservices:')));
}

/** Whether an entry (a container, an event) is this run's: named for it, or not about a container at all. */
function thisRun(e: { name?: string; container?: string; service?: string }): boolean {
  const who = e.name ?? e.container ?? e.service;
  return who === undefined || who.includes(sfx);
}

/** Leaves out other runs' unmanaged containers from status JSON and events JSON. */
function thisRunJson<T>(v: T): T {
  const o = v as Record<string, unknown>;
  for (const k of ['other_containers', 'recent_events', 'events']) if (Array.isArray(o[k])) o[k] = (o[k] as { name?: string }[]).filter(thisRun);
  if (o.log_snippets && typeof o.log_snippets === 'object') o.log_snippets = Object.fromEntries(Object.entries(o.log_snippets).filter(([k]) => k.includes(sfx)));
  return v;
}

/** The same for the status YAML: entries under other_containers / recent_events and log_snippets keys that are not this run's. */
function thisRunYaml(s: string): string {
  const out: string[] = [];
  let section = '';
  let entry: string[] = [];
  let who: string | undefined;
  const flush = () => {
    if (entry.length && thisRun(who === undefined ? {} : { name: who })) out.push(...entry);
    entry = [];
    who = undefined;
  };
  for (const l of s.split('\n')) {
    if (/^\S/.test(l)) {
      flush();
      section = l.replace(/:.*$/, '');
      out.push(l);
    } else if (section === 'other_containers' || section === 'recent_events') {
      if (/^  - /.test(l)) flush();
      who ??= /^ +(?:- )?(?:name|container|service): "?([^"]*)"?$/.exec(l)?.[1];
      entry.push(l);
    } else if (section === 'log_snippets') {
      const key = /^  ("?)(.+)\1:$/.exec(l);
      if (key) {
        flush();
        who = key[2];
      }
      entry.push(l);
    } else out.push(l);
  }
  flush();
  return out.join('\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-observe-cli-'));
  mkdirSync(join(dir, 'data'));
  port = await freePort();
  hostId = loadOrCreateHostId(join(dir, 'data'), join(dir, 'root'));
  const labels = (svc: string) => ['-l', 'claude.os/managed=true', '-l', `claude.os/service=${svc}`, '-l', 'claude.os/replica=1', '-l', `claude.os/host=${hostId}`];
  sh('run', '-d', '--name', web, ...labels(web), '-p', `127.0.0.1:${port}:8000`, 'claude-os-local/busybox:latest', 'sh', '-c', 'echo "serving on :8000"; exec httpd -f -p 8000');
  sh('run', '-d', '--name', job, ...labels(job), 'claude-os-local/busybox:latest', 'sh', '-c', 'echo "starting job"; sleep 1; echo "job failed: disk quota exceeded" >&2; exit 3');
  await until('the job container to exit', () => sh('inspect', '-f', '{{.State.Status}}', job) === 'exited', { ms: 60_000, everyMs: 100 });
  await until('the web container to log "serving"', () => sh('logs', web).includes('serving'), { ms: 60_000, everyMs: 100 });
  sh('run', '-d', '--name', other, 'claude-os-local/busybox:latest', 'sleep', '300');
  // The commands' clock: just after goldother's start event (`docker run -d` returns after the
  // engine logged it; + 1 ms, as the engine's times have nanoseconds). Every later event on the
  // shared engine is after it: recent_events keeps the newest 10 events of containers this
  // instance does not manage, so a second of other test files' churn before the clock used to
  // push goldother's two out of the golden (the CI run of c24fddc).
  setUpAt = new Date(Date.now() + 1);
  // Other containers' churn after it, as other test files make on a shared engine: more than
  // recent_events keeps of containers this instance does not manage (summary.ts recentOf).
  for (const c of churn) {
    sh('create', '--name', c, 'claude-os-local/busybox:latest', 'true');
    sh('rm', c);
  }
  // a runtime event, as apply.ts writes them
  const ts = new Date(Date.now() - 60_000).toISOString();
  writeFileSync(
    join(dir, 'data', 'events.jsonl'),
    [
      { ts, type: 'reconcile.started', planId: 'plan-1', steps: 2, trigger: 'apply' },
      { ts, type: 'reconcile.step', planId: 'plan-1', step: 's1', op: 'container.start', target: `container/${web}`, status: 'started', durationMs: 0, message: 'Start' },
      { ts, type: 'reconcile.step', planId: 'plan-1', step: 's1', op: 'container.start', target: `container/${web}`, status: 'done', durationMs: 120, message: `Started ${web}` },
      { ts, type: 'reconcile.completed', planId: 'plan-1', success: true, changes: 1, durationMs: 300 },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n') + '\n',
  );
}, 60_000);

afterAll(() => {
  execFileSync('docker', ['rm', '-f', web, job, other, ...churn], { stdio: 'ignore' });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('observation commands: golden text and --json', () => {
  it('claude services', async () => {
    const t = await claude(['services']);
    expect(t.code).toBe(0);
    await expect(norm(t.out)).toMatchFileSnapshot('__golden__/observe/services.txt');
    const j = await claude(['services', '--json']);
    await expect(norm(j.out)).toMatchFileSnapshot('__golden__/observe/services.json');
  });

  it('claude logs', async () => {
    const t = await claude(['logs', job, '-n', '5']);
    expect(t.code).toBe(0);
    await expect(norm(t.out)).toMatchFileSnapshot('__golden__/observe/logs.txt');
    // docker logs' --tail is the same as -n; both at once is a usage error
    const tail = await claude(['logs', job, '--tail', '5']);
    expect(tail.code).toBe(0);
    expect(tail.out).toBe(t.out);
    const both = await claude(['logs', job, '-n', '5', '--tail', '5']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/-n and --tail say the same thing/);
    const j = await claude(['logs', job, '--json']);
    await expect(norm(j.out)).toMatchFileSnapshot('__golden__/observe/logs.json');
    const bad = await claude(['logs', `nope-${sfx}`]);
    expect(bad.code).toBe(1);
    expect(norm(bad.err)).toBe(`claude logs: no service or container named 'nope-SFX'; services: goldjob-SFX, goldweb-SFX\n  run \`claude services\` to see the services\n`);
    const usage = await claude(['logs']);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/name the service/);
  });

  it('claude logs -f follows new lines until stdout closes', async () => {
    const stdout = new PassThrough();
    const lines: string[] = [];
    let buf = '';
    stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      lines.splice(0, lines.length, ...buf.split('\n').filter(Boolean));
      if (lines.some((l) => l.includes('GET / '))) stdout.destroy();
    });
    const run = main(['logs', other, '-f', '-n', '1'], {
      stdout,
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      isTTY: false,
      env: { CLAUDE_DATA_DIR: join(dir, 'data') },
      cwd: dir,
      now: () => new Date(),
    });
    await new Promise((r) => setTimeout(r, 300));
    // write to the container's stdout from outside (a container by name: not a managed service)
    sh('exec', other, 'sh', '-c', 'echo "GET / 200" > /proc/1/fd/1');
    expect(await run).toBe(0);
    expect(lines).toEqual(['  GET / 200']);
  });

  it('claude events', async () => {
    const t = await claude(['events', '--since', '10m']);
    expect(t.code).toBe(0);
    const lines = t.out.split('\n').filter((l) => thisRun({ container: /^\S+\s+container\.\S+\s+(\S+)/.exec(l)?.[1] }));
    await expect(norm(lines.join('\n'))).toMatchFileSnapshot('__golden__/observe/events.txt');
    const j = await claude(['events', '--since', '10m', '--json']);
    await expect(norm(JSON.stringify(thisRunJson(JSON.parse(j.out)), null, 2) + '\n')).toMatchFileSnapshot('__golden__/observe/events.json');
    const bad = await claude(['events', '--since', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--since 'yesterday-ish' is neither a duration/);
  });

  it('claude status --yaml', async () => {
    const t = await claude(['status', '--yaml']);
    expect(t.code).toBe(0);
    await expect(normStatus(t.out)).toMatchFileSnapshot('__golden__/observe/status.txt');
    const j = await claude(['status', '--json']);
    const data = JSON.parse(j.out) as { banner: unknown; summary: Record<string, unknown> };
    expect(Object.keys(data.summary)).toEqual(['generated_at', 'notice', 'system', 'network', 'resources', 'services', 'other_containers', 'recent_events', 'alerts', 'anomalies', 'log_snippets']);
    const { system: _s, network: _n, resources: _r, ...rest } = thisRunJson(data.summary);
    await expect(norm(JSON.stringify({ banner: { ...(data.banner as object), hostname: 'HOST' }, summary: rest }, null, 2))).toMatchFileSnapshot('__golden__/observe/status.json');
  });

  it('claude status: a short view by default (services, firewall, jobs, last apply, alerts), the document behind --yaml', async () => {
    // A state dir with a firewall, a job schedule and its last run, and a last apply, as an apply leaves them in the data dir.
    const stateDir = join(dir, 'short-state');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'manifest.yaml'), 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: short\nspec:\n  images:\n    pull: false\n');
    writeFileSync(
      join(stateDir, 'network.yaml'),
      'apiVersion: claude.os/v1\nkind: NetworkConfig\nmetadata:\n  name: network\nspec:\n  firewall:\n    enabled: true\n    default_input_policy: drop\n    rules:\n      - name: ssh\n        protocol: tcp\n        port: 22\n        action: accept\n      - name: web\n        protocol: tcp\n        port: 80\n        action: accept\n',
    );
    const data = join(dir, 'data');
    writeFileSync(join(data, 'schedule.json'), JSON.stringify({ jobs: [{ name: `nightly-${sfx}`, schedule: '0 3 * * *', command: ['true'], container: web, mounts: [], timeoutMs: 60_000 }] }));
    mkdirSync(join(data, 'jobs'), { recursive: true });
    writeFileSync(join(data, 'jobs', 'last-runs.json'), JSON.stringify({ jobs: { [`nightly-${sfx}`]: { job: `nightly-${sfx}`, runId: 'r1', trigger: 'schedule', startedAt: '2026-01-02T03:00:00.000Z', finishedAt: '2026-01-02T03:00:04.000Z', durationMs: 4000, status: 'failed', exitCode: 2, where: web, output: [] } } }));
    const appliedAt = new Date(setUpAt.getTime() - 2 * 3600_000).toISOString();
    writeFileSync(join(data, 'last-applied.json'), JSON.stringify({ planId: 'plan-short-view', stateCommit: 'abcdef0123456789', appliedAt, fingerprints: {}, resources: {} }));
    try {
      const run = (argv: string[]) => runClaude({ dir, env: { CLAUDE_DATA_DIR: data, CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: stateDir } }, argv, { now: () => setUpAt });
      const t = await run(['status']);
      expect(t.code, t.err).toBe(0);
      const lines = t.out.split('\n');
      expect(lines[0]).toMatch(/^System: \S+ \| 1 service running \| \d+ alerts?$/);
      expect(lines).toContain('Services:');
      expect(lines.find((l) => l.trimStart().startsWith('SERVICE'))).toMatch(/^ {2}SERVICE +STATE +HEALTH +PORTS$/);
      // published on 127.0.0.1 only: said so, so nobody reads the port as public (80d7ee1)
      expect(lines.find((l) => l.includes(web))).toMatch(new RegExp(`^ {2}${web} +running \\S.* +- +127\\.0\\.0\\.1:${port} \\(this machine only\\)$`));
      expect(lines.find((l) => l.includes(job))).toMatch(new RegExp(`^ {2}${job} +exited \\(exit 3\\) +- +-$`));
      // The firewall network.yaml asks for, not loaded yet (no apply wrote its record).
      expect(lines).toContain('Firewall: on, incoming dropped by default; 2 input rules: ssh accept, web accept (not applied yet: claude apply)');
      expect(lines).toContain('Jobs:');
      expect(lines.find((l) => l.includes(`nightly-${sfx}`))).toMatch(/^ {2}nightly-\S+ +0 3 \* \* \* +last failed 2026-01-02T03:00Z$/);
      expect(lines).toContain(`Last apply: ${appliedAt.replace(/:\d\d\.\d+Z$/, 'Z')} (2 h ago), plan plan-short-view, state commit abcdef0`);
      expect(lines).toContain(`  critical: ${job} is exited (exit code 3)`);
      expect(lines).toContain('The whole observed state (resources, events, anomalies, log lines): claude status --yaml, or --json.');
      // The document is not printed by default: no YAML keys, no log lines.
      expect(t.out).not.toMatch(/^(services|recent_events|log_snippets):/m);
      expect(t.out).not.toContain('job failed: disk quota exceeded');
      expect(lines.length).toBeLessThan(25);
      // --yaml prints it, and --yaml with --json is a usage error.
      const y = await run(['status', '--yaml']);
      expect(y.out).toMatch(/^services:$/m);
      expect(y.out).toContain('job failed: disk quota exceeded');
      const both = await run(['status', '--yaml', '--json']);
      expect(both.code).toBe(2);
      expect(both.err).toContain('--yaml and --json are two forms of the same document; give one');
    } finally {
      for (const f of ['schedule.json', 'last-applied.json', 'jobs']) rmSync(join(data, f), { recursive: true, force: true });
    }
  });
});
