/**
 * Planner benchmark (on demand, not a test), side by side with Terraform in one run:
 *
 *   npm run build && node dist/bench/plan.bench.js [--sizes 100,1000,10000] [--runs 3] [--yaml]
 *
 * For each size N, in a fresh child process each (so peak memory is per size):
 *   claude    node child: build the resolved model of N services, plan against an empty
 *             system, sign (DSSE, ed25519) and write plan.json; wall time of the whole
 *             process (start-up included, like Terraform's) and its max RSS, plus the
 *             in-process plan+sign time
 *   terraform `terraform plan -out=tfplan` of N built-in `terraform_data` resources with the
 *             same dependency shape (chains of 10: svc-i depends on svc-(i-1) unless i%10 = 0)
 *             and comparable inputs; `terraform init` once per size, offline (terraform_data
 *             is built in, no provider download)
 *   claude plan  (unless --no-real) the real `bin/claude plan --state-dir S --out FILE` in its own
 *             process, from the state files' YAML (benchStateFiles: 10,000 services make a 5.9 MB
 *             services.yaml, within the 8 MiB limit), observing the local Docker read-only,
 *             printing the review; CLAUDE_DAEMON=0, CLAUDE_COMPILE_CACHE=0 (each run compiles, as
 *             the first plan after an edit does), a data dir of its own (the host key is made
 *             before the timed runs). The figure a person sees, beside Terraform's, which also
 *             reads its configuration.
 * --against DIR: the same real command from another built checkout's bin/claude (the build before
 *             a change, copied as bench/README.md says for `compile --against`), alternated with
 *             this one in the same rounds: an AGAINST line (this / that: wall, CPU, peak memory, and
 *             each against Terraform). --real-runs R: the real command (and DIR's) R times per
 *             size (else as many as the other rows: 1 at 10,000).
 * Peak memory is ru_maxrss of the child (measured by /usr/bin/time -f %M).
 * --yaml: also, once per size, a child that starts from the state files' YAML as `claude plan`
 * does (parse, check, resolve, plan, sign, write, inspect, review; childYaml), timed per stage.
 * Prints a table with the ratios (targets: ≤ 0.25× Terraform's time, ≤ 0.5× its memory,
 * linear growth) and the figures as JSON on the last line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync } from 'node:crypto';
import type { ResolvedModel, ResolvedService } from '../compiler/model.js';
import { ratioLine } from './common.js';

/** The host ports published by containers on this host's Docker (none when docker is not there). */
function dockerPublishedPorts(): Set<number> {
  const r = spawnSync('docker', ['ps', '-a', '--format', '{{.Ports}}'], { encoding: 'utf8', timeout: 20_000 });
  const ports = new Set<number>();
  for (const m of (r.stdout ?? '').matchAll(/:(\d+)(?:-(\d+))?->/g)) for (let p = Number(m[1]); p <= Number(m[2] ?? m[1]); p++) ports.add(p);
  return ports;
}

/** The TCP ports something listens on here (/proc/net/tcp, tcp6: state 0A). */
function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local) ports.add(parseInt(local.split(':')[1]!, 16));
    }
  }
  return ports;
}

let portList: number[] | undefined;
/**
 * The host port of service i: from 1024 up to the start of the kernel's ephemeral range
 * (ip_local_port_range; a port the kernel hands out for `listen(0)`, as the tests' free ports
 * are, is never picked), skipping every port a container on this Docker publishes or something
 * here listens on, and 5432 and 6379. The real plan observes Docker, and a port published by a
 * container Claude.OS does not manage is refused (CLA4002); the bench's 10000 + i published
 * 10000–19999 and collided with other work on the host.
 */
export function benchPort(i: number): number {
  if (!portList) {
    let ephemeral = 32768;
    try {
      ephemeral = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeral;
    } catch {
      // not Linux: the usual start of the range
    }
    // read once, in the bench's own process; its children (the timed plans) are handed the list
    const given = process.env.CLAUDE_BENCH_TAKEN_PORTS;
    const taken = given !== undefined ? new Set(given.split(',').map(Number)) : new Set([...dockerPublishedPorts(), ...listeningPorts(), 5432, 6379]);
    process.env.CLAUDE_BENCH_TAKEN_PORTS = [...taken].filter((p) => p < ephemeral).join(',');
    portList = [];
    for (let p = 1024; p < ephemeral; p++) if (!taken.has(p)) portList.push(p);
  }
  return portList[i % portList.length]!;
}

/** The resolved model of n services: chains of 10 by depends_on, 10 networks, a volume, a port and a secret each. */
export function benchModel(n: number): ResolvedModel {
  const services: ResolvedService[] = [];
  for (let i = 0; i < n; i++) {
    services.push({
      name: `svc-${i}`,
      image: `registry.local:5000/app-${i % 7}:1.${i % 13}`,
      resolvedImage: `registry.local:5000/app-${i % 7}:1.${i % 13}`,
      replicas: 1,
      state: 'running',
      enabled: true,
      ports: [{ host: benchPort(i), container: 8080, protocol: 'tcp' }],
      mounts: [{ source: `/srv/data/${i}`, target: '/data', readonly: false, volume: `data-${i}` }],
      environment: { MODE: 'production', DB_PASSWORD: '${secrets.db_password}' },
      secretRefs: ['db_password'],
      resources: { nanoCpus: 250_000_000, memoryBytes: 64 * 1024 * 1024 },
      healthcheck: { test: ['CMD-SHELL', 'wget -q -O- http://127.0.0.1:8080/ || exit 1'], intervalMs: 5000, timeoutMs: 30_000, retries: 3, startPeriodMs: 0 },
      restart: 'unless-stopped',
      networks: [`net-${i % 10}`],
      dependsOn: i % 10 === 0 ? [] : [`svc-${i - 1}`],
      labels: {},
    });
  }
  return {
    files: { 'services.yaml': `# ${n} services\n` },
    safety: { requireApproval: true, autoApproveCategories: [], restrictedFiles: ['security.yaml'], rollbackOnHealthFailure: true, confirmTimeoutMs: 60_000 },
    reconcile: { intervalMs: 60_000, debounceMs: 500, drift: 'self_heal', ignore: [], backoff: { firstMs: 60_000, maxMs: 3_600_000 } },
    notifications: { minSeverity: 'info' },
    images: { aliases: {}, pull: false },
    api: { enabled: false, port: 7440 },
    networks: Array.from({ length: 10 }, (_, g) => ({ name: `net-${g}`, driver: 'bridge' as const, internal: false })),
    services,
    volumes: Array.from({ length: n }, (_, i) => ({ name: `data-${i}`, path: `/srv/data/${i}` })),
    mounts: [],
    firewall: null,
    interfaces: [],
    users: [],
    secrets: [{ name: 'db_password', value: 'encrypted:v1:YWdlLWVuY3J5cHRpb24ub3JnL3YxCg==' }],
    certificates: [],
    jobs: [],
  };
}

/** Terraform config of n terraform_data resources with the same dependency shape and similar inputs. */
export function terraformConfig(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const dep = i % 10 === 0 ? '' : `  depends_on = [terraform_data.svc-${i - 1}]\n`;
    out.push(
      `resource "terraform_data" "svc-${i}" {\n` +
        `  input = {\n    image = "registry.local:5000/app-${i % 7}:1.${i % 13}"\n    port = ${benchPort(i)}\n    network = "net-${i % 10}"\n` +
        `    volume = "/srv/data/${i}"\n    env = { MODE = "production", DB_PASSWORD = "ref:db_password" }\n    memory = 67108864\n  }\n${dep}}\n`,
    );
  }
  return out.join('');
}

/** Child mode: plan + sign n services, write the plan (fsynced, as `claude plan --out`), print {planSignMs, writeMs, steps, bytes}. */
async function child(n: number, outFile: string): Promise<void> {
  const { plan } = await import('../compiler/planner.js');
  const { signPlan } = await import('../compiler/sign.js');
  const { writeEnvelope } = await import('../plan/envelope.js');
  const { privateKey } = generateKeyPairSync('ed25519');
  const model = benchModel(n);
  const empty = { hostId: 'bench', stateCommit: null, networks: [], volumes: [], images: [], containers: [], firewall: { present: false, hash: null } };
  const t0 = performance.now();
  const payload = plan(model, empty, { request: `bench ${n}`, now: new Date(), nonce: 'ab'.repeat(32), hostId: 'bench', provenance: { engine: 'user' }, compilerVersion: 'bench' });
  const env = signPlan(payload, privateKey);
  const planSignMs = performance.now() - t0;
  writeEnvelope(outFile, env, 0o644); // as `claude plan --out` writes it (cli/commands/plan.ts)
  const writeMs = performance.now() - t0 - planSignMs;
  process.stdout.write(JSON.stringify({ planSignMs, writeMs, steps: payload.steps.length, bytes: statSync(outFile).size }) + '\n');
}

/** The state files (YAML) of n services shaped as benchModel's: what a person would write for `claude plan` (compiler/linear.test.ts plans them with ports of its own). */
export function benchStateFiles(n: number, port: (i: number) => number = benchPort): Record<string, string> {
  const svc: string[] = ['apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: bench\nspec:\n  networks:\n'];
  for (let g = 0; g < 10; g++) svc.push(`    - name: net-${g}\n      driver: bridge\n`);
  svc.push('  services:\n');
  for (let i = 0; i < n; i++) {
    svc.push(
      `    - name: svc-${i}\n      image: registry.local:5000/app-${i % 7}\n      tag: "1.${i % 13}"\n      ports:\n        - host: ${port(i)}\n          container: 8080\n` +
        `      volumes:\n        - source: /srv/data/${i}\n          target: /data\n      environment:\n        MODE: production\n        DB_PASSWORD: \${secrets.db_password}\n` +
        `      resources:\n        cpu: "0.25"\n        memory: 64Mi\n      healthcheck:\n        test: "wget -q -O- http://127.0.0.1:8080/ || exit 1"\n        interval: 5s\n        timeout: 30s\n        retries: 3\n` +
        `      restart: unless-stopped\n      networks:\n        - net-${i % 10}\n      depends_on: [${i % 10 === 0 ? '' : `svc-${i - 1}`}]\n`,
    );
  }
  const vol: string[] = ['apiVersion: claude.os/v1\nkind: StorageConfig\nmetadata:\n  name: storage\nspec:\n  volumes:\n'];
  for (let i = 0; i < n; i++) vol.push(`    - name: data-${i}\n      path: /srv/data/${i}\n`);
  return {
    'manifest.yaml': 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: bench\nspec:\n  images:\n    pull: false\n',
    'security.yaml': 'apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  secrets:\n    - name: db_password\n      value: encrypted:v1:YWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n',
    'services.yaml': svc.join(''),
    'storage.yaml': vol.join(''),
  };
}

/**
 * Child mode --yaml: what `claude plan` does after reading the state dir, in-process and timed
 * per stage: parse/check/resolve the YAML of n services (10,000 services make a 5.9 MB
 * services.yaml, within a state file's 8 MiB),
 * plan, sign, write (writeEnvelopeDurably), the plan check (inspectPlan, while the disk flushes
 * the file) and the review (plan/review.ts, as the proposed-changes box shows it, against no
 * earlier state), in `claude plan`'s order. Observing Docker and
 * drawing the box are left out. Prints the stage times and the largest file's size.
 */
async function childYaml(n: number, outFile: string): Promise<void> {
  const { parse } = await import('../compiler/parse.js');
  const { check } = await import('../compiler/check.js');
  const { resolve } = await import('../compiler/resolve.js');
  const { DiagnosticSink } = await import('../compiler/diagnostics.js');
  const { plan } = await import('../compiler/planner.js');
  const { signPlan } = await import('../compiler/sign.js');
  const { keyIdOf, writeEnvelopeDurably } = await import('../plan/envelope.js');
  const { planReview } = await import('../plan/review.js');
  const { inspectPlan } = await import('../plan/inspect.js');
  const files = benchStateFiles(n);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const empty = { hostId: 'bench', stateCommit: null, networks: [], volumes: [], images: [], containers: [], firewall: { present: false, hash: null } };
  const ms: Record<string, number> = {};
  // CPU (user+sys) and heap after each stage beside the wall time: on a shared machine the wall time is mostly the wait for a core
  const cpuMs: Record<string, number> = {};
  const heapMb: Record<string, number> = {};
  let t = performance.now();
  let cpu = process.cpuUsage();
  const lap = (stage: string): void => {
    const now = performance.now();
    const c = process.cpuUsage(cpu);
    ms[stage] = Math.round(now - t);
    cpuMs[stage] = Math.round((c.user + c.system) / 1000);
    heapMb[stage] = Math.round(process.memoryUsage().heapUsed / 1e6);
    t = now;
    cpu = process.cpuUsage();
  };
  const sink = new DiagnosticSink();
  const parsed = parse(Object.keys(files).sort().map((name) => ({ name, text: files[name]! })), sink);
  lap('parse');
  const written = check(parsed, sink);
  lap('check');
  const model = resolve(written, sink);
  lap('resolve');
  if (sink.hasErrors()) throw new Error(`the bench's state files do not compile:\n${sink.sorted().map((d) => `${d.code} ${d.message}`).join('\n')}`);
  const payload = plan(model, empty, { request: `bench ${n}`, now: new Date(), nonce: 'ab'.repeat(32), hostId: 'bench', provenance: { engine: 'user' }, compilerVersion: 'bench' });
  lap('plan');
  const env = signPlan(payload, privateKey);
  lap('sign');
  // as `claude plan` does (cli/commands/plan.ts): the file written, its fsync and rename waited
  // for while the plan is checked, then the review
  const durable = writeEnvelopeDurably(outFile, env, 0o644);
  durable.catch(() => undefined);
  lap('write');
  const report = inspectPlan(env, { trusted: [{ keyid: keyIdOf(publicKey), role: 'host', publicKey }], now: new Date() });
  await durable;
  lap('inspect');
  const review = planReview(payload, {});
  lap('review');
  const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`);
  if (failed.length) throw new Error(`the bench plan does not check: ${failed.join('; ')}`);
  if (review.resources.length < n) throw new Error(`the review has ${review.resources.length} resources for ${n} services`);
  const servicesBytes = Buffer.byteLength(files['services.yaml']!);
  process.stdout.write(JSON.stringify({ ms, cpuMs, heapMb, steps: payload.steps.length, servicesYamlBytes: servicesBytes, failedChecks: failed }) + '\n');
}

interface Run {
  wallMs: number;
  /** user + system CPU of the process (/usr/bin/time). */
  cpuMs: number;
  maxRssKb: number;
  stdout: string;
}

function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Run {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  const lines = r.stderr.trim().split('\n');
  const [user = 0, sys = 0, rss = 0] = lines[lines.length - 1]!.split(' ').map(Number);
  return { wallMs, cpuMs: Math.round((user + sys) * 1000), maxRssKb: rss, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(Number(argv[1]), argv[2]!);
  if (argv[0] === '--child-yaml') return childYaml(Number(argv[1]), argv[2]!);
  const opt = (name: string, def: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : def;
  };
  const sizes = opt('--sizes', '100,1000,10000').split(',').map(Number);
  const runs = Number(opt('--runs', '3'));
  const self = fileURLToPath(import.meta.url);
  const tfEnv = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_ARGS: '-no-color' };
  const rows: Record<string, number>[] = [];
  const fromYaml = argv.includes('--yaml');
  const real = !argv.includes('--no-real');
  const claudeBin = join(fileURLToPath(new URL('../../bin/claude', import.meta.url)));
  // --against DIR: the real command of another built checkout (the build before a change, copied
  // as for `compile --against`, bench/README.md), alternated with this one in the same rounds
  const againstDir = argv.includes('--against') ? opt('--against', '') : '';
  if (argv.includes('--against') && !(againstDir && existsSync(join(againstDir, 'bin', 'claude')))) {
    throw new Error(`--against ${againstDir || '(no directory)'}: no bin/claude there; copy a built checkout as bench/README.md says ("a change to the cold paths") and name its directory`);
  }
  const againstRows: string[] = [];
  const yamlRows: Record<string, number>[] = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `claude-plan-bench-${n}-`));
    try {
      writeFileSync(join(dir, 'main.tf'), terraformConfig(n));
      timed('terraform', ['init', '-input=false', '-backend=false'], dir, tfEnv);
      const k = n >= 10_000 ? 1 : runs;
      // --real-runs R: the real command (and --against's) R times per size, alternated, the rest k times
      const realK = argv.includes('--real-runs') ? Number(opt('--real-runs', '1')) : k;
      const againstRuns: Run[] = [];
      const claude: Run[] = [];
      const tf: Run[] = [];
      const inproc: number[] = [];
      const realRuns: Run[] = [];
      // the real command: the state files written once, its own data dir, the host key made untimed
      const stateDir = join(dir, 'state');
      // CLAUDE_COMPILE_CACHE=0: every run compiles the files, as the first plan after an edit does (compiler/compile-cache.ts)
      const realEnv = { ...process.env, CLAUDE_DAEMON: '0', CLAUDE_COMPILE_CACHE: '0', CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root') };
      const realArgs = [claudeBin, 'plan', '--state-dir', stateDir, '--out', join(dir, 'plan-real.json')];
      const againstArgs = [join(againstDir, 'bin', 'claude'), ...realArgs.slice(1, -1), join(dir, 'plan-against.json')];
      if (real) {
        mkdirSync(stateDir);
        for (const [name, text] of Object.entries(benchStateFiles(n))) writeFileSync(join(stateDir, name), text);
        timed(process.execPath, realArgs, dir, realEnv);
        if (againstDir) timed(process.execPath, againstArgs, dir, realEnv);
      }
      for (let r = 0; r < Math.max(k, real ? realK : 0); r++) {
        // alternate, so all see the same machine conditions
        if (r < k) {
          const c = timed(process.execPath, [self, '--child', String(n), join(dir, 'plan.json')], dir);
          claude.push(c);
          inproc.push((JSON.parse(c.stdout.trim().split('\n').pop()!) as { planSignMs: number }).planSignMs);
          tf.push(timed('terraform', ['plan', '-input=false', '-lock=false', '-out=tfplan'], dir, tfEnv));
        }
        if (real && r < realK) {
          // this build and the other in turn, the first of the pair swapped each round
          const pair = [() => realRuns.push(timed(process.execPath, realArgs, dir, realEnv)), ...(againstDir ? [() => againstRuns.push(timed(process.execPath, againstArgs, dir, realEnv))] : [])];
          for (const run of r % 2 ? pair.reverse() : pair) run();
        }
      }
      if (againstRuns.length) {
        const med = (rs: Run[], f: (x: Run) => number) => Math.round(median(rs.map(f)));
        const [tw, aw, tc, ac, tm, am] = [med(realRuns, (x) => x.wallMs), med(againstRuns, (x) => x.wallMs), med(realRuns, (x) => x.cpuMs), med(againstRuns, (x) => x.cpuMs), med(realRuns, (x) => x.maxRssKb / 1024), med(againstRuns, (x) => x.maxRssKb / 1024)];
        againstRows.push(
          `AGAINST real \`claude plan\` of ${n} services, this / ${againstDir} (medians of ${realRuns.length}, alternated): wall ${(tw / aw).toFixed(3)}× (${tw} vs ${aw} ms), CPU ${(tc / ac).toFixed(3)}× (${tc} vs ${ac} ms), peak ${tm} vs ${am} MB; ` +
            `each / terraform plan -out (${Math.round(median(tf.map((x) => x.wallMs)))} ms): ${(tw / median(tf.map((x) => x.wallMs))).toFixed(3)}× vs ${(aw / median(tf.map((x) => x.wallMs))).toFixed(3)}×; ` +
            `CPU runs this ${realRuns.map((x) => x.cpuMs).join(', ')}, that ${againstRuns.map((x) => x.cpuMs).join(', ')} ms`,
        );
      }
      if (fromYaml) {
        // once per size, after the side-by-side runs: from the YAML, as `claude plan` starts
        try {
          const y = timed(process.execPath, [self, '--child-yaml', String(n), join(dir, 'plan-yaml.json')], dir);
          const out = JSON.parse(y.stdout.trim().split('\n').pop()!) as { ms: Record<string, number>; servicesYamlBytes: number };
          yamlRows.push({ n, wallMs: Math.round(y.wallMs), rssMb: Math.round(y.maxRssKb / 1024), terraformMs: Math.round(median(tf.map((x) => x.wallMs))), servicesYamlBytes: out.servicesYamlBytes, ...out.ms });
        } catch (e) {
          console.log(`from YAML at N=${n} failed: ${(e as Error).message.slice(0, 600)}`); // the side-by-side figures above still count
        }
      }
      const row = {
        n,
        claudeMs: Math.round(median(claude.map((c) => c.wallMs))),
        claudePlanSignMs: Math.round(median(inproc)),
        claudeRssMb: Math.round(median(claude.map((c) => c.maxRssKb)) / 1024),
        terraformMs: Math.round(median(tf.map((t) => t.wallMs))),
        terraformRssMb: Math.round(median(tf.map((t) => t.maxRssKb)) / 1024),
        ...(real ? { realMs: Math.round(median(realRuns.map((c) => c.wallMs))), realRssMb: Math.round(median(realRuns.map((c) => c.maxRssKb)) / 1024) } : {}),
      };
      rows.push({
        ...row,
        timeRatio: +(row.claudeMs / row.terraformMs).toFixed(3),
        memRatio: +(row.claudeRssMb / row.terraformRssMb).toFixed(3),
        ...(row.realMs !== undefined ? { realTimeRatio: +(row.realMs / row.terraformMs).toFixed(3), realMemRatio: +(row.realRssMb! / row.terraformRssMb).toFixed(3) } : {}),
      });
      process.stderr.write(`  N=${n} done\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const top = rows[rows.length - 1];
  if (top) {
    ratioLine(`plan+sign of ${top.n} services, claude / terraform plan -out, wall`, top.timeRatio!, 0.05, `${top.claudeMs} vs ${top.terraformMs} ms; in-process plan+sign ${top.claudePlanSignMs} ms`);
    ratioLine(`plan+sign of ${top.n} services, claude / terraform, peak memory`, top.memRatio!, 0.4, `${top.claudeRssMb} vs ${top.terraformRssMb} MB`);
    if (top.realMs !== undefined) {
      ratioLine(`real \`claude plan\` of ${top.n} services from YAML / terraform plan -out, wall`, top.realTimeRatio!, 0.05, `${top.realMs} vs ${top.terraformMs} ms`);
      ratioLine(`real \`claude plan\` of ${top.n} services / terraform, peak memory`, top.realMemRatio!, 0.4, `${top.realRssMb} vs ${top.terraformRssMb} MB`);
    }
  }
  if (rows.length >= 2) {
    const a = rows[rows.length - 2]!;
    const b = rows[rows.length - 1]!;
    if (b.realMs !== undefined) ratioLine(`real \`claude plan\` growth ${a.n}→${b.n} / ×${b.n! / a.n!} (1 = linear)`, b.realMs / a.realMs! / (b.n! / a.n!), 1.2);
    ratioLine(`plan+sign growth ${a.n}→${b.n} / ×${b.n! / a.n!} (1 = linear)`, b.claudePlanSignMs! / a.claudePlanSignMs! / (b.n! / a.n!), 1.2);
  }
  for (const a of againstRows) console.log(a);
  const line = (cells: (string | number)[]) => cells.map((c, i) => String(c).padStart(i === 0 ? 6 : 13)).join(' ');
  console.log(line(['N', 'claude ms', 'plan+sign ms', 'claude MB', 'terraform ms', 'terraform MB', 'time ratio', 'mem ratio', 'real plan ms', 'real MB', 'real ratio']));
  for (const r of rows) console.log(line([r.n!, r.claudeMs!, r.claudePlanSignMs!, r.claudeRssMb!, r.terraformMs!, r.terraformRssMb!, r.timeRatio!, r.memRatio!, r.realMs ?? '-', r.realRssMb ?? '-', r.realTimeRatio ?? '-']));
  if (rows.length >= 2) {
    const a = rows[rows.length - 2]!;
    const b = rows[rows.length - 1]!;
    console.log(`growth ${a.n}→${b.n} (×${b.n! / a.n!}): claude plan+sign ×${(b.claudePlanSignMs! / a.claudePlanSignMs!).toFixed(1)}, terraform ×${(b.terraformMs! / a.terraformMs!).toFixed(1)}`);
  }
  if (yamlRows.length) {
    const stages = ['parse', 'check', 'resolve', 'plan', 'sign', 'write', 'review', 'inspect'];
    console.log('\nfrom YAML, in-process per stage (ms), the whole child process (wall, peak MB), beside terraform plan -out of the same size:');
    console.log(line(['N', ...stages, 'wall ms', 'MB', 'terraform ms', 'ratio']));
    for (const y of yamlRows) console.log(line([y.n!, ...stages.map((k) => y[k]!), y.wallMs!, y.rssMb!, y.terraformMs!, (y.wallMs! / y.terraformMs!).toFixed(3)]));
    const big = yamlRows.filter((y) => y.servicesYamlBytes! > 8 * 1024 * 1024).map((y) => `${y.n} (${(y.servicesYamlBytes! / 1048576).toFixed(1)} MiB)`);
    if (big.length) console.log(`services.yaml over the 8 MiB limit of a state file at N = ${big.join(', ')}: \`claude plan\` refuses it (CLA1002)`);
    const top = yamlRows[yamlRows.length - 1]!;
    ratioLine(`plan of ${top.n} services from YAML (parse … inspect, no Docker) / terraform plan -out, wall`, top.wallMs! / top.terraformMs!, 0.05, `${top.wallMs} vs ${top.terraformMs} ms`);
  }
  console.log(JSON.stringify(rows));
  if (yamlRows.length) console.log(JSON.stringify(yamlRows));
}

if (process.argv[1]?.endsWith("plan.bench.js")) await main();
