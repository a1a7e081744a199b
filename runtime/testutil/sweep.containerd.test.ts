/**
 * A containerd test or bench stopped half-way (runtime/testutil/containerd.ts): one stopped by
 * SIGTERM or SIGINT removes what it made (its containerd and shims, its log writer, the network
 * namespace and bridge it made, its dirs) before it exits; one killed outright (SIGKILL) leaves
 * them, and the next run's start sweeps them, while a run still alive keeps its own. Each run is
 * a child node process on the built testutil (dist/); the namespaces are named per run, and the
 * bridges live inside them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { sweepDeadRuns } from './containerd.js';
import { transpileForChild, type ChildBuild } from './transpile-child.js';

const suffix = randomBytes(3).toString('hex');
const children: ChildProcess[] = [];
let child: ChildBuild;
beforeAll(() => {
  child = transpileForChild(['runtime/testutil/containerd.ts', 'runtime/drivers/containerd/engine.ts'], RUN);
});

/** A run: containerd, an engine whose host is a namespace of its own, a network (its bridge there), its log writer; then it waits. */
const RUN = `
import { startContainerd } from './runtime/testutil/containerd.js';
import { ContainerdEngine } from './runtime/drivers/containerd/engine.js';
const { execFileSync } = await import('node:child_process');
const { mkdtempSync } = await import('node:fs');
const [tag, ns] = process.argv.slice(2);
execFileSync('ip', ['netns', 'add', ns]);
const ctd = await startContainerd('sweep-' + tag);
ctd.track({ netns: ns });
const dataDir = mkdtempSync('/tmp/claude-sweep-data-');
const engine = new ContainerdEngine({ address: ctd.address, namespace: 'claude-sweep-' + tag, root: dataDir, dataDir, hostId: 'h', hostNetns: ns });
ctd.track({ engine, dir: dataDir });
await engine.createNetwork({ name: 'n-' + tag, driver: 'bridge', internal: false, labels: {} });
await engine.ensureLogWriter();
const bridge = JSON.parse((await import('node:fs')).readFileSync(engine.stateDir + '/networks/n-' + tag + '.json', 'utf8')).bridge;
process.stdout.write(JSON.stringify({ dir: ctd.dir, dataDir, stateDir: engine.stateDir, bridge, writer: Number((await import('node:fs')).readFileSync(engine.stateDir + '/log-writer.pid', 'utf8')) }) + '\\n');
setInterval(() => undefined, 1000);
`;

interface Made {
  child: ChildProcess;
  ns: string;
  dir: string;
  dataDir: string;
  bridge: string;
  writer: number;
  containerd: number[];
}

async function run(tag: string): Promise<Made> {
  const ns = `claude-sweep-${suffix}-${tag}`;
  const proc = spawn(process.execPath, [child.script, `${suffix}${tag}`, ns], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const line = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    proc.once('exit', (code) => reject(new Error(`the run exited (${code}) before it was ready: ${err}`)));
  });
  const m = JSON.parse(line) as Omit<Made, 'child' | 'ns' | 'containerd'>;
  return { ...m, child: proc, ns, containerd: pidsWith(`${m.dir}/`) };
}

function pidsWith(text: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(text))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
const netnsExists = (ns: string) => existsSync(`/run/netns/${ns}`);
/** What a run left: its containerd processes, its writer, its namespace (and the bridge in it), its dirs. */
function left(m: Made): string[] {
  const out: string[] = [];
  if (m.containerd.some(alive)) out.push('containerd');
  if (alive(m.writer)) out.push('log writer');
  if (netnsExists(m.ns)) {
    out.push('netns');
    if (execFileSync('ip', ['-n', m.ns, '-o', 'link', 'show'], { encoding: 'utf8' }).includes(m.bridge)) out.push('bridge');
  }
  if (existsSync(m.dir)) out.push('containerd dir');
  if (existsSync(m.dataDir)) out.push('data dir');
  return out;
}
async function exited(c: ChildProcess): Promise<number | null> {
  if (c.exitCode !== null || c.signalCode !== null) return c.exitCode;
  return new Promise((r) => c.once('exit', (code) => r(code)));
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sweepDeadRuns();
  for (const t of ['term', 'kill', 'live']) if (netnsExists(`claude-sweep-${suffix}-${t}`)) execFileSync('ip', ['netns', 'del', `claude-sweep-${suffix}-${t}`]);
  child?.cleanup();
}, 120_000);

describe.sequential('a containerd run stopped half-way', () => {
  it('stopped by SIGTERM, it removes what it made before it exits', async () => {
    const m = await run('term');
    expect(left(m)).toEqual(['containerd', 'log writer', 'netns', 'bridge', 'containerd dir', 'data dir']);
    m.child.kill('SIGTERM');
    expect(await exited(m.child)).toBe(143);
    expect(left(m)).toEqual([]);
  }, 120_000);

  it('killed outright, it leaves them; the next run sweeps them, and leaves a live run alone', async () => {
    const dead = await run('kill');
    const live = await run('live');
    dead.child.kill('SIGKILL');
    await exited(dead.child);
    expect(left(dead)).toEqual(['containerd', 'log writer', 'netns', 'bridge', 'containerd dir', 'data dir']);
    const swept = await sweepDeadRuns();
    expect(swept).toContain(dead.dir);
    expect(swept).not.toContain(live.dir);
    expect(left(dead)).toEqual([]);
    expect(left(live)).toEqual(['containerd', 'log writer', 'netns', 'bridge', 'containerd dir', 'data dir']);
    live.child.kill('SIGINT');
    expect(await exited(live.child)).toBe(130);
    expect(left(live)).toEqual([]);
  }, 180_000);
});
