/**
 * The runtime-only CLI (issue 20, part 2): the commands a device needs load and run without
 * compiler/. The compiled CLI (dist/, made by `npm run build`, which `npm test` runs first)
 * is copied to a temp dir with dist/compiler removed and no bundle (so bin/claude runs
 * dist/cli/main.js), next to the package's other files; then, in a child node:
 *  - every device command's module is imported (apply, recover, verify, rollback, status,
 *    services, logs, events, history, keys, confirm, and the daemons supervise, observe,
 *    reconcile) and the API's entry (server/main.js, `claude serve`);
 *  - `claude plan`'s module is imported too and must fail for want of compiler/: the copy
 *    really lacks it, so the test can fail;
 *  - the real bin/claude of the copy runs `--version`, `keys` and `verify` of a plan signed
 *    here (the plan is made with the test helpers; only the device side runs compiler-less);
 *  - the copy's node_modules (hard links to this checkout's) is pruned by
 *    image/prune-modules.mjs as the image build prunes it (CLAUDE_IMAGE_COMPILER=0): the
 *    compiler's packages and the dev ones go, and all of the above runs on what is left.
 * Everything lives in one temp dir, removed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, realpathSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../common/paths.js';
import { makePlan, S, setupTestHost, signPlan } from '../runtime/testutil/plans.js';

const root = packageRoot();
const DEVICE_COMMANDS = ['apply', 'recover', 'verify', 'rollback', 'status', 'services', 'logs', 'events', 'history', 'keys', 'confirm', 'upgrade', 'supervise', 'observe', 'reconcile'];
let tmp = '';
let pkg = '';
let prune: { code: number | null; stdout: string; stderr: string } = { code: null, stdout: '', stderr: '' };

function node(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error(`no ${join(root, 'dist')}: run npm run build first (npm test does)`);
  tmp = mkdtempSync(join(tmpdir(), 'claude-runtime-cli-'));
  pkg = join(tmp, 'pkg');
  mkdirSync(pkg);
  // The package as the image ships it ("files" of package.json), minus the compiler.
  const files = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }).files;
  for (const f of files) {
    if (!existsSync(join(root, f))) continue;
    if (f === 'dist') cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true, filter: (src) => !src.startsWith(join(root, 'dist', 'compiler')) && !src.startsWith(join(root, 'dist', 'bundle')) });
    else if (!f.startsWith('compiler/')) cpSync(join(root, f), join(pkg, f), { recursive: true });
  }
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  // What the image build leaves out before it prunes (image/build.sh).
  for (const d of ['runtime/testutil', 'fixtures', 'test', 'bench', 'scripts']) rmSync(join(pkg, 'dist', d), { recursive: true, force: true });
  // Hard links (fast, and pruning the copy leaves this checkout's node_modules alone); a copy
  // where the temp dir is on another filesystem.
  // From the real directory: a checkout whose node_modules is a symlink (a git worktree sharing
  // another's) would otherwise copy the link, and the prune below would empty the original.
  const modules = realpathSync(join(root, 'node_modules'));
  const cp = spawnSync('cp', ['-al', modules, join(pkg, 'node_modules')]);
  if (cp.status !== 0) cpSync(modules, join(pkg, 'node_modules'), { recursive: true });
  prune = node([join(root, 'image', 'prune-modules.mjs'), pkg]);
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the runtime-only CLI: device commands without compiler/', () => {
  it("the image's prune leaves out the compiler's packages and the dev ones, and keeps the runtime's", () => {
    expect(prune.code, prune.stderr).toBe(0);
    for (const gone of ['wink-nlp', 'chrono-node', '@anthropic-ai/sdk', 'typescript', 'vitest', 'esbuild']) {
      expect(prune.stdout, gone).toMatch(new RegExp(`^pruned ${gone.replace('/', '\\/')} `, 'm'));
      expect(existsSync(join(pkg, 'node_modules', gone)), gone).toBe(false);
    }
    for (const kept of ['@grpc/grpc-js', 'yaml', 'isomorphic-git', 'ajv', 'cron-parser', 'dockerode']) expect(existsSync(join(pkg, 'node_modules', kept, 'package.json')), kept).toBe(true);
    expect(existsSync(join(root, 'node_modules', 'wink-nlp', 'package.json'))).toBe(true); // this checkout's is untouched
  });

  it('the copy has no compiler; each device command and the API entry import; `plan` does not', () => {
    expect(existsSync(join(pkg, 'dist', 'compiler'))).toBe(false);
    expect(existsSync(join(pkg, 'dist', 'cli', 'commands', 'apply.js'))).toBe(true);
    const modules = [...DEVICE_COMMANDS.map((c) => `dist/cli/commands/${c}.js`), 'dist/server/main.js', 'dist/cli/main.js', 'dist/cli/commands/plan.js'];
    const script = `
const out = {};
for (const m of JSON.parse(process.argv[1])) {
  try { await import(new URL(m, process.argv[2]).href); out[m] = 'ok'; }
  catch (e) { out[m] = String(e && e.message || e).split('\\n')[0]; }
}
process.stdout.write(JSON.stringify(out));`;
    const r = node(['--input-type=module', '-e', script, JSON.stringify(modules), pathToFileURL(pkg + '/').href]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, string>;
    const plan = result['dist/cli/commands/plan.js'];
    delete result['dist/cli/commands/plan.js'];
    expect(result).toEqual(Object.fromEntries(modules.filter((m) => !m.endsWith('/plan.js')).map((m) => [m, 'ok'])));
    expect(plan).toMatch(/Cannot find module .*dist\/compiler\//);
  });

  it('bin/claude of the copy runs --version, keys and verify of a plan signed elsewhere', () => {
    const dataDir = join(tmp, 'data');
    mkdirSync(dataDir);
    const host = setupTestHost(dataDir);
    const planFile = join(tmp, 'plan.json');
    writeFileSync(planFile, signPlan(makePlan([S.network('runtime-cli-net')], { hostId: host.hostId, base: {} }), host.key.privateKey));
    const env = { CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: join(tmp, 'root'), CLAUDE_STATE_DIR: join(tmp, 'state'), NO_COLOR: '1' };
    const bin = join(pkg, 'bin', 'claude');
    const version = node([bin, '--version'], env);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^claude-os \d+\.\d+\.\d+/);
    const keys = node([bin, 'keys'], env);
    expect(keys.code, keys.stderr).toBe(0);
    expect(keys.stdout).toContain('test admin');
    const verify = node([bin, 'verify', planFile], env);
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toContain(`${planFile}: OK`);
    expect(verify.code).toBe(0);
    // and the planning commands say the compiler is missing instead of pretending
    const plan = node([bin, 'plan'], env);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('claude plan: this installation has no compiler (a device image built without it), so it cannot plan.');
    expect(plan.stderr).toContain('make the plan on another machine for this host id');
  });
});
