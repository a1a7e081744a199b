/**
 * Compiler front-end benchmark (on demand, not a test):
 *
 *   npm run build && node dist/bench/compile.bench.js [--runs N] [--cold-only]
 *
 * Prints, each the median of N runs:
 *   1. parse+check+resolve of the spec's full example (6 files), in process (target < 50 ms)
 *   2. the same for a generated state with 1,000 services (target < 1 s)
 *   3. cold start of `claude --version`, `validate`, `status` and `plan` (spec example; a
 *      temp data dir) as fresh processes (`node bin/claude …`, which starts the three from
 *      their cold-start bundles, dist/bundle/cold/), interleaved with `node -e 0`: wall and
 *      CPU time, `RATIO` lines against `node -e 0` for each (target ≤ 1.3×); and, in the same
 *      rounds, the same three run from dist/bundle/main.js as before the cold-start bundles
 *      (`dist`, compiled-state cache off), for the before/after; after an edit of one file
 *      (`edited`: services.yaml of a copy gets a comment line before each run, the other
 *      files' per-file entries serve); and with the compiled-state cache off (`no cache`).
 *      `--against ROOT`: the same commands from another built checkout's bin/claude in the
 *      same rounds (`against` rows; AGAINST lines: this checkout / that one, wall and CPU). `plan` exits 1 when the shared dockerd holds an
 *      unmanaged network of the example's name; it is timed all the same. `--cold-only`
 *      runs this part alone
 *   4. for reference: loading the generated standalone validators vs compiling the schemas
 *      with ajv at start-up (why generated/validators.cjs exists)
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../common/paths.js';
import { loadNow, median, ratioLine } from './common.js';
import { compileFiles } from '../compiler/compile.js';
import { getValidators } from '../compiler/validators.js';
import { STATE_FILE_NAMES } from '../compiler/model.js';


function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** A state with `n` services: ports, volumes, secrets, networks and depends_on chains. */
export function generatedState(n: number): Record<string, string> {
  const head = (kind: string, name: string) => `apiVersion: claude.os/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n`;
  const services: string[] = [head('ServiceManifest', 'big'), 'spec:\n  networks:\n'];
  for (let g = 0; g < 10; g++) services.push(`    - name: net-${g}\n`);
  services.push('  services:\n');
  const volumes: string[] = [head('StorageConfig', 'storage'), 'spec:\n  volumes:\n'];
  for (let i = 0; i < n; i++) {
    const dep = i % 10 === 0 ? '' : `      depends_on: [svc-${i - 1}]\n`;
    services.push(
      `    - name: svc-${i}\n      image: registry.local:5000/app-${i % 7}\n      tag: "1.${i % 13}"\n` +
        `      ports:\n        - host: ${10000 + i}\n          container: 8080\n` +
        `      environment:\n        MODE: production\n        DB_PASSWORD: \${secrets.db_password}\n` +
        `      volumes:\n        - source: data-${i}\n          target: /data\n` +
        `      resources:\n        cpu: "0.25"\n        memory: 64Mi\n` +
        `      healthcheck:\n        test: "wget -q -O- http://127.0.0.1:8080/ || exit 1"\n        interval: 5s\n` +
        `      networks: [net-${i % 10}]\n${dep}`,
    );
    volumes.push(`    - name: data-${i}\n      path: /srv/data/${i}\n      size: 1Gi\n`);
  }
  const security = head('SecurityConfig', 'security') + 'spec:\n  secrets:\n    - name: db_password\n      value: encrypted:v1:YWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n';
  return { 'services.yaml': services.join(''), 'storage.yaml': volumes.join(''), 'security.yaml': security };
}

/**
 * A node process's wall time and CPU time (user + system, /usr/bin/time, 10 ms resolution). Exit 0-2 accepted (plan: 2 = has steps).
 * `program`: args[0] (bin/claude) run as a program, as a person runs it (its sh part picks the client), not under `node`.
 */
function timedCpu(args: string[], cwd: string, env: NodeJS.ProcessEnv, program = false): { wallMs: number; cpuMs: number; status: number } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', ...(program ? [] : [process.execPath]), ...args], { cwd, env, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status === 70 && env.CLAUDE_DAEMON === 'require' && /still starting|no such socket/.test(r.stderr)) return { wallMs, cpuMs: 0, status: 70 };
  if (r.status === null || r.status > 2) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [u, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (u! + sys!) * 1000, status: r.status };
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 20;
  const coldOnly = argv.includes('--cold-only');
  // `--against ROOT`: another built checkout (e.g. a copy of main's, before a change); its
  // bin/claude runs the same commands in the same rounds, in `(against)` rows, for a
  // before/after measured side by side (bench/README.md)
  const againstArg = argv.indexOf('--against');
  const against = againstArg >= 0 ? argv[againstArg + 1] : undefined;
  const root = packageRoot();
  const dir = join(root, 'fixtures', 'states', 'spec-example');
  const example = Object.fromEntries(STATE_FILE_NAMES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

  const rows: string[][] = [['what', 'median', 'target', 'peer']];

  if (!coldOnly) inProcess(example, runs, rows);

  // 3. Cold start, as a fresh process each time, interleaved with `node -e 0` (same machine
  //    conditions): wall time and CPU time (user + system, from /usr/bin/time), since on a
  //    shared machine the wall time mostly measures the wait for a CPU.
  const bin = join(root, 'bin', 'claude');
  const tmp = mkdtempSync(join(tmpdir(), 'claude-cold-'));
  mkdirSync(join(tmp, 'root'));
  const env = { ...process.env, CLAUDE_DATA_DIR: join(tmp, 'data'), CLAUDE_ROOT: join(tmp, 'root'), CLAUDE_STATE_DIR: dir };
  // The same command from dist/bundle/main.js, as bin/claude ran it before the cold-start bundles.
  const viaDist = ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'bundle', 'main.js')).href)}).then((m) => m.run(process.argv.slice(1)))`];
  const commandsOn = (d: string): [string, string[]][] => [
    ['validate', ['validate', '--state-dir', d]],
    ['status', ['status']],
    ['plan', ['plan', '--state-dir', d, '--out', join(tmp, 'plan.json')]],
  ];
  const commands = commandsOn(dir);
  // The `(edited)` rows: a copy of the example whose services.yaml gets a new comment line before
  // each run, so the state's entry is new and the other five files' per-file entries serve.
  const edited = join(tmp, 'edited');
  cpSync(dir, edited, { recursive: true });
  let edits = 0;
  const editOne = () => appendFileSync(join(edited, 'services.yaml'), `# edit ${++edits}\n`);
  const editedArgs = new Map(commandsOn(edited));
  // The `(daemon)` rows: the same commands handed to the warm worker of a `claude serve` on
  // this data dir (docs/architecture.md, "The CLI socket"); CLAUDE_DAEMON=require, so a row
  // never silently runs in-process. The cold rows run with CLAUDE_DAEMON=0.
  const daemonEnv = { CLAUDE_DAEMON: 'require' };
  /** [row, args, env, before each run, run bin/claude as a program (the `(daemon)` rows: bin/client.pl)] */
  type Case = [string, string[], Record<string, string>?, (() => void)?, boolean?];
  const cases: Case[] = [
    ['node -e 0', ['-e', '0']],
    ['claude --version', [bin, '--version']],
    ...commands.flatMap(([k, a]): Case[] => [
      [`claude ${k}`, [bin, ...a]],
      // the first run after an edit of one file: the per-file entries of the other five serve
      [`claude ${k} (edited)`, [bin, ...editedArgs.get(k)!], { CLAUDE_STATE_DIR: edited }, editOne],
      // nothing cached: the compiled-state cache (compiler/compile-cache.ts) off
      [`claude ${k} (no cache)`, [bin, ...a], { CLAUDE_COMPILE_CACHE: '0' }],
      [`claude ${k} (dist)`, [...viaDist, ...a], { CLAUDE_COMPILE_CACHE: '0' }],
      // as a person runs it: bin/claude's sh part hands it over with bin/client.pl (no Node in the client)
      [`claude ${k} (daemon)`, [bin, ...a], daemonEnv, undefined, true],
      // the same through `node bin/claude` (bin/client.cjs: the client until session 24)
      [`claude ${k} (daemon, Node client)`, [bin, ...a], daemonEnv],
    ]),
  ];
  if (against) {
    const otherBin = join(against, 'bin', 'claude');
    cases.push(
      ...commands.flatMap(([k, a]): Case[] => [
        [`claude ${k} (against)`, [otherBin, ...a]],
        [`claude ${k} (edited, against)`, [otherBin, ...editedArgs.get(k)!], { CLAUDE_STATE_DIR: edited }, editOne],
      ]),
    );
  }
  const cold = new Map(cases.map(([k]) => [k, { wall: [] as number[], cpu: [] as number[] }]));
  mkdirSync(join(tmp, 'data'));
  const daemon = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env, stdio: 'ignore' });
  let notTaken = 0;
  const timed = (a: string[], extra?: Record<string, string>, program = false) => {
    for (;;) {
      const r = timedCpu(a, root, { ...env, CLAUDE_DAEMON: '0', ...extra }, program);
      if (r.status !== 70) return r;
      // the worker was still loading after the previous daemon row (the client waited 5 s): again
      notTaken++;
      if (notTaken > 50) throw new Error('the CLI socket never took a command');
      spawnSync('sleep', ['0.5']);
    }
  };
  const loadBefore = loadNow();
  try {
    for (const [, a, extra, before, program] of cases) {
      before?.();
      timed(a, extra, program); // warm the file cache; makes the host key; the daemon's worker loads
    }
    for (let i = 0; i < runs; i++) {
      for (const [k, a, extra, before, program] of cases) {
        before?.();
        const r = timed(a, extra, program);
        cold.get(k)!.wall.push(r.wallMs);
        cold.get(k)!.cpu.push(r.cpuMs);
      }
    }
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
    rmSync(tmp, { recursive: true, force: true });
  }
  const loadAfter = loadNow();
  const n0 = cold.get('node -e 0')!;
  for (const [k] of cases.slice(1)) {
    if (k.endsWith('(dist)') || k.endsWith('against)')) continue;
    const c = cold.get(k)!;
    const how = k.endsWith('(daemon)') ? 'through the daemon' : k.endsWith('(daemon, Node client)') ? 'through the daemon, Node client' : k.endsWith('(no cache)') ? 'cold, compiled-state cache off' : k.endsWith('(edited)') ? 'cold, one file edited' : 'cold';
    ratioLine(`\`${k}\` ${how} / \`node -e 0\`, wall`, median(c.wall) / median(n0.wall), 1.3, `${median(c.wall).toFixed(0)} vs ${median(n0.wall).toFixed(0)} ms`);
    ratioLine(`\`${k}\` ${how} / \`node -e 0\`, CPU (client)`, median(c.cpu) / median(n0.cpu), 1.3, `${median(c.cpu).toFixed(0)} vs ${median(n0.cpu).toFixed(0)} ms`);
  }
  if (against) {
    for (const [k] of cases.filter(([k]) => k.endsWith('against)'))) {
      const other = cold.get(k)!;
      const mine = cold.get(k.replace(/(, )?against\)$/, ')').replace(' ()', ''))!;
      console.log(`AGAINST \`${k}\`: this checkout / ${against}: wall ${(median(mine.wall) / median(other.wall)).toFixed(3)}× (${median(mine.wall).toFixed(0)} vs ${median(other.wall).toFixed(0)} ms), CPU ${(median(mine.cpu) / median(other.cpu)).toFixed(3)}× (${median(mine.cpu).toFixed(0)} vs ${median(other.cpu).toFixed(0)} ms)`);
    }
  }
  const mm = (xs: number[]) => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;
  const ratio = (k: string) => `${(median(cold.get(k)!.wall) / median(n0.wall)).toFixed(2)}× wall, ${(median(cold.get(k)!.cpu) / median(n0.cpu)).toFixed(2)}× CPU`;
  for (const [k] of cases) rows.push([`${k}, ${k.includes('(daemon') ? 'client' : 'cold'} (wall; CPU)`, `${mm(cold.get(k)!.wall)}; ${median(cold.get(k)!.cpu).toFixed(0)} ms`, k === 'node -e 0' ? '' : k.endsWith('(dist)') ? 'before' : '≤ 1.3× node', k === 'node -e 0' ? '' : ratio(k)]);
  rows.push([`((daemon) rows: the client process's CPU; the worker's, loaded before the command came, is not in it. Not taken at once (worker still loading, run again): ${notTaken})`, '', '', '']);
  rows.push([`(cold starts: load average before ${loadBefore.text}, after ${loadAfter.text})`, '', '', '']);
  if (loadBefore.busy || loadAfter.busy) console.log(`WARNING: load average above 1 during the cold starts (${loadBefore.one.toFixed(2)} → ${loadAfter.one.toFixed(2)}): compare the ratios, measured side by side, not the times`);

  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log(`(median of ${runs} runs; node ${process.version})`);
}

/** Parts 1, 2 and 4: the compiler in this process. */
function inProcess(example: Record<string, string>, runs: number, rows: string[][]): void {
  // 1. The spec example, in process. The first call includes loading the validators.
  const first = time(() => compileFiles(example));
  const ex: number[] = [];
  for (let i = 0; i < runs; i++) ex.push(time(() => compileFiles(example)));
  const r = compileFiles(example);
  if (!r.model) throw new Error('the spec example does not compile');
  rows.push(['spec example (6 files), parse+check+resolve', `${median(ex).toFixed(1)} ms`, '< 50 ms', `first call ${first.toFixed(1)} ms`]);

  // 2. 1,000 services.
  const big = generatedState(1000);
  const bigRuns: number[] = [];
  for (let i = 0; i < Math.max(3, Math.ceil(runs / 4)); i++) bigRuns.push(time(() => compileFiles(big)));
  const b = compileFiles(big);
  if (!b.model || b.model.services.length !== 1000) throw new Error(`the 1,000-service state does not compile: ${b.diagnostics[0]?.message}`);
  const kb = Object.values(big).reduce((n, t) => n + t.length, 0) / 1024;
  rows.push([`1,000 services (${kb.toFixed(0)} KiB of YAML)`, `${median(bigRuns).toFixed(0)} ms`, '< 1000 ms', '']);

  // 4. Why the validators are generated.
  const compile: number[] = [];
  for (let i = 0; i < 3; i++) compile.push(time(() => getValidators({ forceCompile: true })));
  rows.push(['(ajv compile of the 6 schemas, avoided at start-up)', `${median(compile).toFixed(0)} ms`, '', '']);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
