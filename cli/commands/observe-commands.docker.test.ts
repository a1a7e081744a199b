/**
 * Golden tests of `claude status`, `services`, `logs` and `events` (text and --json) on
 * real containers named for this run. Volatile fields (suffix, host port, times, host
 * figures, memory) are normalised before the comparison with __golden__/observe/*.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../main.js';

const sfx = randomBytes(4).toString('hex');
const web = `goldweb-${sfx}`;
const job = `goldjob-${sfx}`;
const other = `goldother-${sfx}`;
let dir: string;
let port: number;

function sh(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

async function claude(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await main(argv, {
    stdout,
    stderr,
    stdin: new PassThrough(),
    isTTY: false,
    env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'no-state'), CLAUDE_OBSERVE_SCOPE: `-${sfx}$` },
    cwd: dir,
    now: () => new Date(),
  });
  return { code, out, err };
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
  return norm(s.replace(/^System: \S+ \|/m, 'System: HOST |').replace(/\nsystem:\n[\s\S]*?\nservices:/, '\n<system, network, resources>\nservices:'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-observe-cli-'));
  mkdirSync(join(dir, 'data'));
  port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const labels = (svc: string) => ['-l', 'claude.os/managed=true', '-l', `claude.os/service=${svc}`, '-l', 'claude.os/replica=1'];
  sh('run', '-d', '--name', web, ...labels(web), '-p', `127.0.0.1:${port}:8000`, 'claude-os-local/busybox:latest', 'sh', '-c', 'echo "serving on :8000"; exec httpd -f -p 8000');
  sh('run', '-d', '--name', job, ...labels(job), 'claude-os-local/busybox:latest', 'sh', '-c', 'echo "starting job"; sleep 1; echo "job failed: disk quota exceeded" >&2; exit 3');
  for (let i = 0; i < 100 && sh('inspect', '-f', '{{.State.Status}}', job) !== 'exited'; i++) await new Promise((r) => setTimeout(r, 100));
  sh('run', '-d', '--name', other, 'claude-os-local/busybox:latest', 'sleep', '300');
  for (let i = 0; i < 50 && !sh('logs', web).includes('serving'); i++) await new Promise((r) => setTimeout(r, 100));
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
  execFileSync('docker', ['rm', '-f', web, job, other], { stdio: 'ignore' });
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
      env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_OBSERVE_SCOPE: `-${sfx}$` },
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
    await expect(norm(t.out)).toMatchFileSnapshot('__golden__/observe/events.txt');
    const j = await claude(['events', '--since', '10m', '--json']);
    await expect(norm(j.out)).toMatchFileSnapshot('__golden__/observe/events.json');
    const bad = await claude(['events', '--since', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--since 'yesterday-ish' is neither a duration/);
  });

  it('claude status', async () => {
    const t = await claude(['status']);
    expect(t.code).toBe(0);
    await expect(normStatus(t.out)).toMatchFileSnapshot('__golden__/observe/status.txt');
    const j = await claude(['status', '--json']);
    const data = JSON.parse(j.out) as { banner: unknown; summary: Record<string, unknown> };
    expect(Object.keys(data.summary)).toEqual(['generated_at', 'notice', 'system', 'network', 'resources', 'services', 'other_containers', 'recent_events', 'alerts', 'anomalies', 'log_snippets']);
    const { system: _s, network: _n, resources: _r, ...rest } = data.summary;
    await expect(norm(JSON.stringify({ banner: { ...(data.banner as object), hostname: 'HOST' }, summary: rest }, null, 2))).toMatchFileSnapshot('__golden__/observe/status.json');
  });
});
