/**
 * The status bundle's containerd part (scripts/cold-bundle.mjs SPLIT): `claude status` with
 * CLAUDE_ENGINE=containerd, on a private containerd started by this file (testutil/containerd.ts),
 * loads part-status-containerd.cjs and says what status from dist/ says; the part takes the
 * modules it shares with the bundle from the bundle (one instance each), not copies.
 * Everything is removed in afterAll. Needs `npm run build`.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';
import { startContainerd, type TestContainerd } from '../runtime/testutil/containerd.js';

const root = packageRoot();
const bin = join(root, 'bin', 'claude');
const cold = join(root, 'dist', 'bundle', 'cold');
const suffix = randomBytes(4).toString('hex');
let ctd: TestContainerd;
let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  ctd = await startContainerd(`cold-${suffix}`);
  tmp = mkdtempSync(join(tmpdir(), `claude-cold-ctd-${suffix}-`));
  cpSync(join(root, 'fixtures', 'states', 'spec-example'), join(tmp, 'state'), { recursive: true });
  mkdirSync(join(tmp, 'data'));
  env = {
    ...process.env,
    CLAUDE_DATA_DIR: join(tmp, 'data'),
    CLAUDE_ROOT: join(tmp, 'root'),
    CLAUDE_STATE_DIR: join(tmp, 'state'),
    CLAUDE_DAEMON: '0',
    NO_COLOR: '1',
    CLAUDE_ENGINE: 'containerd',
    CLAUDE_CONTAINERD_ADDRESS: ctd.address,
    CLAUDE_CONTAINERD_NAMESPACE: `claude-cold-${suffix}`,
  };
}, 120_000);

afterAll(async () => {
  await ctd?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const run = (args: string[], extra: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> => spawnSync(bin, args, { encoding: 'utf8', env: { ...env, ...extra } });
const viaDist = (args: string[], extra: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href)}).then((m) => m.run(process.argv.slice(1)))`, ...args], { encoding: 'utf8', env: { ...env, ...extra } });

describe('the status bundle on containerd', () => {
  it('loads its containerd part only on the containerd path and says what status from dist/ says', () => {
    const bundled = run(['status', '--json'], { CLAUDE_TRACE: '1', NODE_DEBUG: 'module' });
    expect(bundled.stderr).toContain(join('dist', 'bundle', 'cold', 'status.cjs'));
    expect(bundled.stderr).toContain('cold: loaded part-status-containerd.cjs');
    expect(bundled.stderr).not.toContain('part-status-diagnose');
    const dist = viaDist(['status', '--json']);
    expect(bundled.status, bundled.stderr.slice(-2000)).toBe(dist.status);
    // What may change between two runs a moment apart (times, load, usage, the host's interfaces and ports) is left out.
    const VOLATILE = new Set(['generated_at', 'uptime', 'boot_time', 'usage_percent', 'load_1m', 'used_mb', 'used_gb', 'interfaces', 'listening', 'recent_events', 'cpu_percent', 'memory_mb']);
    const shape = (v: unknown, key = ''): unknown =>
      VOLATILE.has(key) ? typeof v : Array.isArray(v) ? v.map((x) => shape(x)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x, k)])) : v;
    const [a, b] = [JSON.parse(bundled.stdout) as { summary: { services: unknown[] } }, JSON.parse(dist.stdout) as unknown];
    expect(shape(a)).toStrictEqual(shape(b));
    expect(a.summary.services.length).toBe(3);
    // the engine answered: no "cannot reach containerd" alert (it would be there with no part, or a broken one)
    expect(bundled.stdout).not.toContain('cannot reach containerd');
    // and it does say so, from the part, when nothing listens at the address
    const none = { CLAUDE_CONTAINERD_ADDRESS: join(tmp, 'none.sock') };
    const [down, distDown] = [run(['status'], none), viaDist(['status'], none)];
    expect(down.stderr).toContain(`cannot reach containerd at ${join(tmp, 'none.sock')}`);
    expect([down.status, down.stderr]).toStrictEqual([distDown.status, distDown.stderr]);
  }, 120_000);

  it('a Docker status never loads the containerd part; the part takes the modules it shares with the bundle from it', () => {
    const docker = run(['status'], { CLAUDE_ENGINE: '', CLAUDE_TRACE: '1' });
    expect(docker.stderr).toContain('status: observed');
    expect(docker.stderr).not.toContain('part-status-');
    const part = readFileSync(join(cold, 'part-status-containerd.cjs'), 'utf8');
    const bundle = readFileSync(join(cold, 'status.cjs'), 'utf8');
    // common/trace.js (one `on` flag) and the readiness code (runtime/health.js) are the bundle's.
    // The engine client (engine-api.js) is no longer required by the part at all since session 25
    // (the driver reaches it only through shared modules); it must not be inlined either.
    for (const shared of ['common/trace.js', 'runtime/health.js']) expect(part).toContain(`require("claude-shared:${shared}")`);
    // (a 0.1 MB file: a match as a boolean, not the file in the failure)
    const has = (text: string, re: RegExp) => re.test(text);
    expect(has(part, /EngineApiError=class |class EngineApiError/)).toBe(false);
    expect(has(part, /function trace\(/)).toBe(false);
    expect(has(bundle, /function trace\(/)).toBe(true);
    // what moved out of the bundle
    expect(has(bundle, /ContainerdEngine=class /)).toBe(false);
    expect(has(part, /ContainerdEngine=class /)).toBe(true);
  }, 120_000);
});
