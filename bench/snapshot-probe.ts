/**
 * What a V8 startup snapshot (`node --snapshot-blob`) of a cold-start bundle would save at
 * start-up, beside the code cache the bundles use now (bin/cold.cjs). A probe for the next
 * step of issue 21's cold start (docs/runtime.md, "The cold CLI's apply, session 35"), not a
 * feature: nothing in bin/claude uses a snapshot.
 *
 *   node dist/bench/snapshot-probe.js [--bundle apply] [--runs 15]
 *
 * It builds two snapshots of dist/bundle/cold/<bundle>.cjs in a temp dir (removed at the end):
 * `executed`, whose build ran the bundle's top level (its modules initialised, the Node
 * modules they require at load time loaded), and `compiled`, whose build only compiled it
 * (every function, `--no-lazy`; the top level runs at start). Then, alternately, `--runs`
 * times each: `node` on a script that only reads its CPU time (the floor), the bundle loaded
 * with its code cache as bin/claude loads it, and each snapshot started with its main
 * function. Each prints the process's CPU time (user + system) once the bundle's exports are
 * there; the medians are printed with the wall time of each process. Only the bundle's load
 * is compared: a snapshot's main does not run the command.
 *
 * Why it is not used (yet): a snapshot taken after the top level ran keeps what the top
 * level read then (common/trace.ts reads CLAUDE_TRACE, compiler/compile-cache.ts the time,
 * the banner the bundle's own path), Node refuses a blob made by another Node version (so
 * bin/claude's sh part would need to know which `node` made it), and node:vm and node:module
 * are "not yet fully verified" in a snapshot's build.
 * A dev tool (not a test, not in CI; bench/README.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { median } from './common.js';

const arg = (name: string, dflt: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : dflt);
const bundle = arg('--bundle', 'apply');
const runs = Number(arg('--runs', '15'));
const root = packageRoot();
const file = join(root, 'dist', 'bundle', 'cold', `${bundle}.cjs`);
const usage = (what: string) => {
  console.error(`snapshot-probe: ${what}\nusage: node dist/bench/snapshot-probe.js [--bundle apply|status|plan|validate] [--runs N ≥ 1]`);
  process.exit(2);
};
if (!['apply', 'status', 'plan', 'validate'].includes(bundle)) usage(`--bundle ${JSON.stringify(bundle)} is not a cold-start bundle (apply, status, plan or validate)`);
if (!Number.isInteger(runs) || runs < 1) usage(`--runs ${JSON.stringify(arg('--runs', ''))} is not a whole number of at least 1`);
if (!existsSync(file)) usage(`${file} is missing: run \`npm run build\` first`);
const cache = join(root, 'dist', 'bundle', 'cold', `${bundle}.cache`);
const dir = mkdtempSync(join(tmpdir(), 'claude-snapshot-probe-'));
const CPU = "const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000) + '\\n');";

/** The snapshot's build script: compile the bundle (and run its top level when `execute`), then set the main that reports. */
const entry = (execute: boolean) => `
const v8 = require('node:v8');
const { readFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { Script } = require('node:vm');
const file = ${JSON.stringify(file)};
const src = readFileSync(file, 'utf8');
${execute ? '' : "v8.setFlagsFromString('--no-lazy');"}
const fn = new Script('(function (exports, require, module, __filename, __dirname) {' + src + '\\n})', { filename: file }).runInThisContext();
${execute ? '' : "v8.setFlagsFromString('--lazy');"}
let runtimeRequire;
const req = (id) => (runtimeRequire ?? require)(id);
const module = { exports: {} };
${execute ? 'fn(module.exports, req, module, file, dirname(file));' : ''}
v8.startupSnapshot.setDeserializeMainFunction(() => {
  runtimeRequire = require('node:module').createRequire(file);
  ${execute ? '' : 'fn(module.exports, req, module, file, dirname(file));'}
  if (typeof module.exports.run !== 'function') throw new Error('the bundle has no run()');
  ${CPU}
});
`;

try {
  const blobs: Record<string, string> = {};
  for (const kind of ['executed', 'compiled'] as const) {
    const script = join(dir, `${kind}.js`);
    writeFileSync(script, entry(kind === 'executed'));
    blobs[kind] = join(dir, `${kind}.blob`);
    const r = spawnSync(process.execPath, ['--snapshot-blob', blobs[kind]!, '--build-snapshot', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`snapshot-probe: building the ${kind} snapshot failed (${r.status}): ${r.stderr}`);
  }
  writeFileSync(join(dir, 'floor.js'), CPU);
  writeFileSync(join(dir, 'cache.js'), `require(${JSON.stringify(join(root, 'bin', 'cold.cjs'))}).load(${JSON.stringify(file)}, ${JSON.stringify(cache)});\n${CPU}`);
  const rows: [string, string[]][] = [
    ['node, a script that reads its CPU (floor)', [join(dir, 'floor.js')]],
    ['the bundle with its code cache (bin/cold.cjs, now)', [join(dir, 'cache.js')]],
    ['snapshot, top level run at build', ['--snapshot-blob', blobs.executed!]],
    ['snapshot, compiled at build (--no-lazy)', ['--snapshot-blob', blobs.compiled!]],
  ];
  const got = rows.map(() => ({ cpu: [] as number[], wall: [] as number[] }));
  for (let i = 0; i < runs; i++) {
    rows.forEach(([, args], k) => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
      const wall = performance.now() - t0;
      const cpu = Number(r.stdout.trim());
      if (r.status !== 0 || !Number.isFinite(cpu)) throw new Error(`snapshot-probe: ${rows[k]![0]} failed (${r.status}): ${r.stderr}`);
      got[k]!.cpu.push(cpu);
      got[k]!.wall.push(wall);
    });
  }
  const [l1] = (await import('node:os')).loadavg();
  console.log(`${bundle}.cjs loaded, ${runs} runs each alternately (load ${l1!.toFixed(1)}): median CPU ms when the exports are there / wall ms of the process`);
  rows.forEach(([name], k) => console.log(`  ${name.padEnd(52)} ${median(got[k]!.cpu).toFixed(1).padStart(7)} / ${median(got[k]!.wall).toFixed(1).padStart(7)}`));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
