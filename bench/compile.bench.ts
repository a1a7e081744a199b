/**
 * Compiler front-end benchmark (on demand, not a test):
 *
 *   npm run build && node dist/bench/compile.bench.js [--runs N]
 *
 * Prints, each the median of N runs:
 *   1. parse+check+resolve of the spec's full example (6 files), in process (target < 50 ms)
 *   2. the same for a generated state with 1,000 services (target < 1 s)
 *   3. `claude validate` cold start: `bin/claude validate --state-dir fixtures/states/spec-example`
 *      as a fresh process (target < 150 ms), side by side with `node -e 0` and
 *      `claude --version`
 *   4. for reference: loading the generated standalone validators vs compiling the schemas
 *      with ajv at start-up (why generated/validators.cjs exists)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../common/paths.js';
import { compileFiles } from '../compiler/compile.js';
import { getValidators } from '../compiler/validators.js';
import { STATE_FILE_NAMES } from '../compiler/model.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

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

function spawnMs(cmd: string, args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: 'pipe' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr?.toString()}`);
  return ms;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 20;
  const root = packageRoot();
  const dir = join(root, 'fixtures', 'states', 'spec-example');
  const example = Object.fromEntries(STATE_FILE_NAMES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

  const rows: string[][] = [['what', 'median', 'target', 'peer']];

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

  // 3. Cold start, as a fresh process each time.
  const bin = join(root, 'bin', 'claude');
  const node0: number[] = [];
  const version: number[] = [];
  const validate: number[] = [];
  spawnMs(process.execPath, [bin, 'validate', '--state-dir', dir], root); // warm the file cache
  for (let i = 0; i < runs; i++) {
    node0.push(spawnMs(process.execPath, ['-e', '0'], root));
    version.push(spawnMs(process.execPath, [bin, '--version'], root));
    validate.push(spawnMs(process.execPath, [bin, 'validate', '--state-dir', dir], root));
  }
  const mm = (xs: number[]) => `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)})`;
  rows.push(['`claude validate` of the spec example, cold', mm(validate), '< 150 ms', `node -e 0: ${mm(node0)}`]);
  rows.push(['`claude --version`, cold', mm(version), '< 150 ms', `node -e 0: ${mm(node0)}`]);

  // 4. Why the validators are generated.
  const compile: number[] = [];
  for (let i = 0; i < 3; i++) compile.push(time(() => getValidators({ forceCompile: true })));
  rows.push(['(ajv compile of the 6 schemas, avoided at start-up)', `${median(compile).toFixed(0)} ms`, '', '']);

  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  console.log(`(median of ${runs} runs; 1,000 services: ${bigRuns.length} runs; node ${process.version})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
