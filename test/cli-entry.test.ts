/**
 * The CLI entry (bin/claude → dist/cli/main.js) as a process: version, usage errors, and a
 * closed pipe; and `validate`, `status`, `plan` and `apply`, which bin/claude starts from their
 * cold-start bundles (dist/bundle/cold/, scripts/cold-bundle.mjs), say and exit exactly as
 * dist/cli/main.js does. Needs `npm run build` (npm test does it first).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';
import { expectSameOutput, parityCases, type ParityCase } from './cli-cases.js';

const bin = join(packageRoot(), 'bin', 'claude');
const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };

describe('bin/claude', () => {
  it('prints its version', () => {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`claude-os ${pkg.version}\n`);
    // `claude version`, as a person types it, says the same
    const v = spawnSync(bin, ['version'], { encoding: 'utf8' });
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`claude-os ${pkg.version}\n`);
  });

  it('an unknown command is a usage error (exit 2) naming it', () => {
    const r = spawnSync(bin, ['frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('stops quietly when its reader closes the pipe (claude help | head -1)', () => {
    const r = spawnSync('sh', ['-c', `"${bin}" help | head -1; exit "\${PIPESTATUS:-0}"`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^usage: claude /);
    expect(r.stderr).not.toMatch(/EPIPE|internal error/);
  });
});

/** The commands bin/claude starts from a cold-start bundle (scripts/cold-bundle.mjs lists the same). */
const COLD = ['validate', 'status', 'plan', 'apply'];

describe('the cold-start bundles', () => {
  const root = packageRoot();
  const example = join(root, 'fixtures', 'states', 'spec-example');

  it('validate, status, plan and apply say and exit what dist/cli/main.js says, and bin/claude loads the bundles', () => {
    for (const c of COLD) expect(existsSync(join(root, 'dist', 'bundle', 'cold', `${c}.cjs`)), `${c}.cjs: run npm run build`).toBe(true);
    const tmp = mkdtempSync(join(tmpdir(), 'claude-cold-entry-'));
    try {
      const bad = join(tmp, 'bad');
      mkdirSync(bad);
      writeFileSync(join(bad, 'services.yaml'), 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: x}\nspec:\n  services:\n    - name: a\n      image: [\n');
      writeFileSync(join(bad, 'network.yaml'), 'apiVersion: claude.os/v1\nkind: NetworkConfig\nmetadata: {name: n}\nspec:\n  bogus: 1\n');
      const env = { ...process.env, CLAUDE_DATA_DIR: join(tmp, 'data'), CLAUDE_ROOT: join(tmp, 'root'), CLAUDE_STATE_DIR: bad, NO_COLOR: '1' };
      const viaBin = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...env, ...extra } });
      const viaDist = (args: string[]) =>
        spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href)}).then((m) => m.run(process.argv.slice(1)))`, ...args], { encoding: 'utf8', env });
      const notPlan = join(tmp, 'not-a-plan.json');
      writeFileSync(notPlan, '{"payload": ');
      const cases: ParityCase[] = [
        ...parityCases(example, tmp),
        [['plan', '--help'], 0],
        // apply: its usage, a file that is not there, a file that is not a plan (refused, V1), and a state dir with errors
        [['apply', '--help'], 0],
        [['apply', join(tmp, 'missing.json')], 1],
        [['apply', notPlan, '--yes'], 1],
        [['apply', '--yes'], 1],
      ];
      expectSameOutput(cases, (args) => viaBin(args), viaDist);
      // the invalid files are reported with file:line:col by both
      expect(viaBin(['validate']).stdout).toMatch(/services\.yaml:\d+:\d+: error CLA1/);
      // and bin/claude really loaded each command's bundle (Node's own module log names it)
      for (const c of COLD) {
        const r = viaBin([c, '--help'], { NODE_DEBUG: 'module' });
        expect(r.status).toBe(0);
        expect(r.stderr).toContain(join(root, 'dist', 'bundle', 'cold', `${c}.cjs`));
        expect(r.stderr).not.toContain(join(root, 'dist', 'bundle', 'main.js'));
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  it('plan with a message runs from dist/ (the plan bundle carries no intent engine); no cold start makes process.stdin or loads node:http', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'claude-cold-message-'));
    const devNull = openSync('/dev/null', 'r');
    try {
      mkdirSync(join(tmp, 'state'));
      const env = { ...process.env, CLAUDE_DATA_DIR: join(tmp, 'data'), CLAUDE_ROOT: tmp, CLAUDE_DAEMON: '0', ANTHROPIC_API_KEY: '', OPENAI_BASE_URL: '', NO_COLOR: '1' };
      const bundle = join(root, 'dist', 'bundle', 'cold', 'plan.cjs');
      const run = (args: string[], o: { preload?: string } = {}) =>
        spawnSync(process.execPath, [...(o.preload ? ['-r', o.preload] : []), bin, ...args], { encoding: 'utf8', env: { ...env, NODE_DEBUG: 'module' }, maxBuffer: 256 << 20, stdio: [o.preload ? devNull : 'pipe', 'pipe', 'pipe'] });
      const r = run(['plan', 'add redis', '--state-dir', join(tmp, 'state'), '--out', join(tmp, 'p.json')]);
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
      expect(r.stdout).toContain(`Saved the plan to ${join(tmp, 'p.json')}`);
      expect(r.stderr).not.toContain(bundle);
      // a message after flags, after `--`, or `-`: dist/ too; only flags and their values: the bundle
      for (const [args, cold] of [
        [['plan', '--out', join(tmp, 'q.json'), '--', '--json'], false],
        [['plan', '-', '--state-dir', join(tmp, 'none')], false],
        [['plan', '--ttl', '5m', '--state-dir', join(tmp, 'none'), '--json'], true],
      ] as const) {
        const x = run([...args]);
        expect(x.status, args.join(' ')).not.toBe(70);
        expect(x.stderr.includes(bundle), args.join(' ')).toBe(cold);
      }
      // process.stdin (Node's stream code for a file on fd 0) is made only by commands that read input
      const preload = join(tmp, 'preload.cjs');
      writeFileSync(
        preload,
        "process.on('exit', () => require('node:fs').writeSync(2, '\\nSTREAMS ' + process.moduleLoadList.filter((m) => /internal\\/fs\\/streams/.test(m)).join(',') + '\\nNET ' + process.moduleLoadList.includes('NativeModule net') + '\\nHTTP ' + process.moduleLoadList.includes('NativeModule http') + '\\nCRYPTO ' + process.moduleLoadList.includes('NativeModule crypto') + '\\n'));\n",
      );
      for (const c of ['validate', 'status', 'plan']) {
        const x = run([c, '--state-dir', example], { preload });
        expect(x.stderr, c).toContain(join('dist', 'bundle', 'cold', `${c}.cjs`));
        expect(x.stderr, c).toMatch(/\nSTREAMS \n/);
        // status and plan ask the engine over node:net, one GET a connection (runtime/drivers/engine-get.ts): node:http is ≈ 15 ms of CPU to load
        expect(x.stderr, c).toMatch(/\nHTTP false\n/);
        // no npm yaml package from node_modules (72 files): the bundled one-file copy only (common/yaml.ts loadYaml); plan's
        // security.yaml note (agent/security-changes.ts) imported the package and loaded it on every plan
        expect(x.stderr.match(/node_modules\/yaml\/\S*/)?.[0], c).toBeUndefined();
      }
      // status, and validate on a compiled-state cache hit (and miss), never load node:crypto (≈ 9 ms: common/node-crypto.ts; the
      // cache's keys are Hash64, compiler/compile-cache.ts); plan signs, so it does
      mkdirSync(join(tmp, 'data'), { recursive: true });
      for (const [c, crypto] of [['validate', false], ['validate', false], ['status', false], ['plan', true]] as const) {
        const x = run([c, '--state-dir', example, ...(c === 'plan' ? ['--out', join(tmp, 'crypto.json')] : [])], { preload });
        expect(x.stderr, c).toContain(`\nCRYPTO ${crypto}\n`);
      }
      expect(readdirSync(join(tmp, 'data', 'cache', 'compiled')).filter((n) => n.endsWith('.json')).length).toBeGreaterThan(0);
      // validate, printing to pipes, makes neither process.stdout nor process.stderr (node:net for a pipe; cli/stdio.ts)
      // (without NODE_DEBUG, whose log is written through process.stderr)
      const v = spawnSync(process.execPath, ['-r', preload, bin, 'validate', '--state-dir', example], { encoding: 'utf8', env, stdio: [devNull, 'pipe', 'pipe'] });
      expect(v.stdout).toContain('valid (6 files, 3 services, 1 warning)');
      expect(v.stderr).toMatch(/\nNET false\n/);
    } finally {
      closeSync(devNull);
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);

  /** A copy of the spec example and an empty data dir in a temp dir (removed after), and bin/claude run on them. */
  const inCopy = (prefix: string, body: (c: { tmp: string; state: string; data: string; env: NodeJS.ProcessEnv; run: (args: string[], extra?: NodeJS.ProcessEnv) => SpawnSyncReturns<string> }) => void) => {
    const tmp = mkdtempSync(join(tmpdir(), prefix));
    try {
      const state = join(tmp, 'state');
      cpSync(example, state, { recursive: true });
      const data = join(tmp, 'data');
      mkdirSync(data);
      const env = { ...process.env, CLAUDE_DATA_DIR: data, CLAUDE_ROOT: join(tmp, 'root'), CLAUDE_STATE_DIR: state, CLAUDE_DAEMON: '0', NO_COLOR: '1' };
      const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(bin, args, { encoding: 'utf8', env: { ...env, ...extra }, maxBuffer: 256 << 20 });
      body({ tmp, state, data, env, run });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  };
  /** A plan's output with its id and times masked (they are each run's own). */
  const maskPlan = (t: string) => t.replace(/plan-[0-9a-f]{32}/g, 'plan-ID').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME').replace(/\d+ min left/g, 'N min left');

  it('status from its bundle (GETs over node:net, the warmed code cache) says what status from dist/ (node:http) says', () => {
    inCopy('claude-cold-status-', ({ env, run }) => {
      const viaDist = (args: string[]) =>
        spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'cli', 'main.js')).href)}).then((m) => m.run(process.argv.slice(1)))`, ...args], { encoding: 'utf8', env });
      // What may change between two runs a moment apart on a shared host (times, load, usage, the
      // interfaces and ports of others' containers, and those containers: other tests' come and go) is left out; every other value must be equal,
      // and every key and the type of every value.
      const VOLATILE = new Set(['generated_at', 'uptime', 'boot_time', 'usage_percent', 'load_1m', 'used_mb', 'used_gb', 'interfaces', 'listening', 'recent_events', 'cpu_percent', 'memory_mb', 'other_containers']);
      const shape = (v: unknown, key = ''): unknown =>
        VOLATILE.has(key) ? typeof v : Array.isArray(v) ? v.map((x) => shape(x)) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x, k)])) : v;
      const [bundled, dist] = [run(['status', '--json'], { NODE_DEBUG: 'module' }), viaDist(['status', '--json'])];
      expect(bundled.stderr).toContain(join('dist', 'bundle', 'cold', 'status.cjs'));
      expect(bundled.status).toBe(dist.status);
      const [a, b] = [JSON.parse(bundled.stdout) as { summary: { services: unknown[] } }, JSON.parse(dist.stdout) as { summary: { services: unknown[] } }];
      expect(shape(a)).toStrictEqual(shape(b));
      expect(a.summary.services.length).toBe(3); // the example's three services, desired and not running
      // the text: the same lines but for the volatile values (numbers and times masked)
      const text = (r: { stdout: string }) => r.stdout.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME').replace(/\d+(\.\d+)?/g, 'N').split('\n').filter((l) => !/^\s+(- name: "(veth|br-|docker)|ip: |state: )/.test(l));
      const [ta, tb] = [text(run(['status'])), text(viaDist(['status']))];
      expect(ta[0]).toMatch(/^System: .* \| N services running \| /);
      expect(ta).toStrictEqual(tb);
    });
  }, 120_000);

  it('dist/bundle/main.js (what the daemon\'s CLI worker runs) reads the compiled-state cache too: the same bytes as compiling', () => {
    inCopy('claude-cold-chunk-', ({ env }) => {
      // the code-split bundle: compile-cache.ts is in one of its chunks (dist/ two folders up); its key was null there, so the cache was off
      const viaBundle = (extra: NodeJS.ProcessEnv) =>
        spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(join(root, 'dist', 'bundle', 'main.js')).href)}).then((m) => m.run(process.argv.slice(1)))`, 'validate'], { encoding: 'utf8', env: { ...env, ...extra } });
      const off = viaBundle({ CLAUDE_COMPILE_CACHE: '0' });
      const [first, second] = [viaBundle({ CLAUDE_TRACE: '1' }), viaBundle({ CLAUDE_TRACE: '1' })];
      expect(first.stderr).toContain('compile: parsed and checked (0 of 6 files from the cache)');
      expect(second.stderr).toContain('compile: from the compiled-state cache');
      for (const r of [first, second]) expect([r.status, r.stdout]).toStrictEqual([off.status, off.stdout]);
      expect(off.stdout).toContain('valid (6 files, 3 services, 1 warning)');
    });
  }, 120_000);

  it('validate, status and plan read the compiled-state cache: the same bytes as compiling, and never a stale result', () => {
    inCopy('claude-cold-cache-', ({ tmp, state, data, env, run }) => {
      const cached = () => readdirSync(join(data, 'cache', 'compiled')).filter((n) => n.endsWith('.json'));
      // the first run compiles and stores; the second is served from the cache (its trace says so) and prints the same bytes
      const off = run(['validate'], { CLAUDE_COMPILE_CACHE: '0' });
      expect(existsSync(join(data, 'cache'))).toBe(false);
      const first = run(['validate'], { CLAUDE_TRACE: '1' });
      expect(first.stderr).toContain('compile: parsed');
      expect(cached().length).toBe(1);
      const second = run(['validate'], { CLAUDE_TRACE: '1' });
      expect(second.stderr).toContain('compile: from the compiled-state cache');
      expect(second.stderr).not.toContain('compile: parsed');
      for (const r of [first, second]) expect([r.status, r.stdout]).toStrictEqual([off.status, off.stdout]);
      expect(off.stdout).toContain('valid (6 files, 3 services, 1 warning)');
      for (const json of [['validate', '--json'], ['status', '--json']]) {
        const [a, b] = [run(json, { CLAUDE_COMPILE_CACHE: '0' }), run(json)];
        expect(b.status, json.join(' ')).toBe(a.status);
        // status: the same desired services (its observed part may change between the two runs)
        if (json[0] === 'validate') expect(b.stdout).toBe(a.stdout);
        else expect(JSON.parse(b.stdout).summary.services.map((x: { name: string }) => x.name)).toStrictEqual(JSON.parse(a.stdout).summary.services.map((x: { name: string }) => x.name));
      }
      // plan: served from the cache, its review takes the parse's data from the entry (yaml is never
      // loaded) and prints what a compile prints; the plan's id and times are this run's own
      const planOff = run(['plan', '--out', join(tmp, 'plan-x.json')], { CLAUDE_COMPILE_CACHE: '0' });
      // (each bundle is its own build in the key: plan's first run stores its entry)
      const planMiss = run(['plan', '--out', join(tmp, 'plan-x.json')], { CLAUDE_TRACE: 'mem' });
      expect(planMiss.stderr).toContain('compile: parsed');
      // CLAUDE_TRACE=mem: each mark also gives the RSS, the heap in use and the Buffers
      expect(planMiss.stderr).toMatch(/cpu +\d+ ms  rss +\d+ heap +\d+\/\d+ ext +\d+ ab +\d+ MB  compile: parsed/);
      const planHit = spawnSync(bin, ['plan', '--out', join(tmp, 'plan-x.json')], { encoding: 'utf8', env: { ...env, CLAUDE_TRACE: '1', NODE_DEBUG: 'module' }, maxBuffer: 256 << 20 });
      expect(planOff.status).toBe(0);
      expect(planHit.stderr.split('\n').filter((l) => !l.startsWith('MODULE')).join('\n')).toContain('compile: from the compiled-state cache');
      expect(planHit.stderr).toContain(join('dist', 'bundle', 'cold', 'plan.cjs'));
      expect(planHit.stderr).not.toContain('part-yaml.cjs');
      expect(planOff.stdout).toMatch(/\+ redis \(redis:7-alpine\)/);
      for (const r of [planMiss, planHit]) expect([r.status, maskPlan(r.stdout)]).toStrictEqual([planOff.status, maskPlan(planOff.stdout)]);
      // an edit, one byte, same length: validate and plan see it at once
      const f = join(state, 'services.yaml');
      writeFileSync(f, readFileSync(f, 'utf8').replace('protocol: tcp', 'protocol: tcq'));
      const edited = run(['validate']);
      expect(edited.status).toBe(1);
      expect(edited.stdout).toMatch(/services\.yaml:\d+:\d+: error CLA\d+.*tcq/);
      const plan = run(['plan', '--out', join(tmp, 'plan.json')]);
      expect(plan.status).toBe(1);
      expect(plan.stderr).toContain('has errors; nothing was planned');
      expect(existsSync(join(tmp, 'plan.json'))).toBe(false);
    });
  }, 120_000);

  it('plan observes the host while it compiles (nft spawned once, before the compile): the same output as observing after it; a plan that does not compile makes no host id and says no warning', () => {
    inCopy('claude-cold-early-', ({ tmp, state, data, env, run }) => {
      // a preload that says each child process spawned, in order with the trace marks on fd 2
      const preload = join(tmp, 'spawns.cjs');
      writeFileSync(preload, "const cp = require('node:child_process'); const spawn = cp.spawn; cp.spawn = function (cmd, args, o) { require('node:fs').writeSync(2, 'SPAWN ' + [cmd, ...(args || [])].join(' ') + '\\n'); return spawn.call(this, cmd, args, o); };\n");
      const traced = (args: string[], extra: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, ['-r', preload, bin, ...args], { encoding: 'utf8', env: { ...env, CLAUDE_TRACE: '1', ...extra }, maxBuffer: 256 << 20 });
      const lines = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => l.startsWith('SPAWN') || l.startsWith('[trace]')).map((l) => l.replace(/^\[trace\].* ms {2}/, ''));
      // the first plan makes the host id: it observes after the compile, as before
      const late = traced(['plan', '--out', join(tmp, 'late.json')]);
      expect(late.status, late.stderr).toBe(0);
      expect(lines(late)).not.toContain('plan: observing (started before the compile)');
      expect(lines(late).filter((l) => l.startsWith('SPAWN'))).toEqual(['SPAWN nft -j list table inet claude']);
      expect(lines(late).indexOf('SPAWN nft -j list table inet claude')).toBeGreaterThan(lines(late).indexOf('plan: compiled'));
      // with the host id there: nft is spawned before the compile starts, once, and the plan validator's part is loaded before the observation is used
      const early = traced(['plan', '--out', join(tmp, 'early.json')]);
      expect(early.status, early.stderr).toBe(0);
      const l = lines(early);
      expect(l.filter((x) => x.startsWith('SPAWN'))).toEqual(['SPAWN nft -j list table inet claude']);
      expect(l.indexOf('SPAWN nft -j list table inet claude')).toBeLessThan(l.indexOf('plan: observing (started before the compile)'));
      expect(l.indexOf('plan: observing (started before the compile)')).toBeLessThan(l.findIndex((x) => x.startsWith('compile:')));
      expect(l.indexOf('cold: loaded part-plan-validator.cjs')).toBeLessThan(l.indexOf('plan: observed'));
      // the same review and the same plan (but its id, nonce and times)
      expect(maskPlan(early.stdout).replaceAll('early.json', 'F')).toBe(maskPlan(late.stdout).replaceAll('late.json', 'F'));
      const payload = (f: string) => {
        const p = JSON.parse(Buffer.from(JSON.parse(readFileSync(join(tmp, f), 'utf8')).payload, 'base64').toString('utf8'));
        for (const k of ['id', 'nonce', 'createdAt', 'expiresAt']) delete p[k];
        return p;
      };
      expect(payload('early.json')).toStrictEqual(payload('late.json'));
      // nft missing: its warning is said once when the plan is made, never for files with errors (nor before their diagnostics)
      const path = join(tmp, 'path');
      mkdirSync(path);
      symlinkSync(process.execPath, join(path, 'node'));
      const noNft = run(['plan', '--out', join(tmp, 'no-nft.json')], { PATH: path });
      expect(noNft.status, noNft.stderr).toBe(0);
      expect(noNft.stderr.match(/claude plan: warning: nft is not available/g)).toHaveLength(1);
      writeFileSync(join(state, 'network.yaml'), readFileSync(join(state, 'network.yaml'), 'utf8') + '  bogus: 1\n');
      const bad = run(['plan', '--out', join(tmp, 'bad.json')], { PATH: path });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('has errors; nothing was planned');
      expect(bad.stderr).not.toContain('nft is not available');
      expect(existsSync(join(tmp, 'bad.json'))).toBe(false);
      // files with errors and no host id yet: nothing is made in the data dir
      const fresh = join(tmp, 'fresh-data');
      const none = run(['plan', '--out', join(tmp, 'none.json')], { CLAUDE_DATA_DIR: fresh });
      expect(none.status).toBe(1);
      expect(existsSync(fresh) ? readdirSync(fresh).filter((n) => n !== 'cache') : []).toEqual([]);
      expect(readdirSync(data)).toContain('host-id');
    });
  }, 120_000);

  it('after an edit of one file only that file is parsed: the same bytes and exit status as compiling; plan without the per-file entries parses', () => {
    inCopy('claude-cold-edit-', ({ tmp, state, data, run }) => {
      const edit = (file: string, from: string | RegExp, to: string) => {
        const f = join(state, file);
        const text = readFileSync(f, 'utf8');
        expect(text).toMatch(from);
        writeFileSync(f, text.replace(from, to));
      };
      const same = (args: string[], fromCache: number) => {
        const off = run(args, { CLAUDE_COMPILE_CACHE: '0' });
        const got = run(args, { CLAUDE_TRACE: '1' });
        expect(got.stderr).toContain(`compile: parsed and checked (${fromCache} of 6 files from the cache)`);
        expect([got.status, got.stdout]).toStrictEqual([off.status, off.stdout]);
        return got;
      };
      const args = ['validate'];
      same(args, 0);
      // a comment, a value, then a reference from an unchanged file (services.yaml names the secret) broken
      edit('services.yaml', /\n$/, '\n# edited\n');
      same(args, 5);
      edit('network.yaml', /\n$/, '\n# edited\n');
      same(args, 5);
      edit('services.yaml', 'tag: "7-alpine"', 'tag: "7.2-alpine"');
      expect(same(args, 5).stdout).toMatch(/valid \(6 files, 3 services, 1 warning\)/);
      edit('security.yaml', '- name: postgres_password', '- name: pg_password');
      const broken = same(args, 5);
      expect(broken.status).toBe(1);
      expect(broken.stdout).toMatch(/^services\.yaml:\d+:\d+: error CLA/m);
      // the same in JSON (served from the state's entry the text run wrote: the same diagnostics)
      const json = run(['validate', '--json'], { CLAUDE_TRACE: '1' });
      expect(json.stderr).toContain('compile: from the compiled-state cache');
      expect([json.status, json.stdout]).toStrictEqual([1, run(['validate', '--json'], { CLAUDE_COMPILE_CACHE: '0' }).stdout]);
      cpSync(example, state, { recursive: true });
      // plan: on a hit its review reads the parse's data from the state dir's entry (`raw`: yaml is
      // not loaded, the per-file entries are not needed); from the per-file entries when the
      // entry has none; with neither it parses, and prints the same
      const plan = (extra: NodeJS.ProcessEnv = {}) => run(['plan', '--out', join(tmp, 'plan.json')], { NODE_DEBUG: 'module', ...extra });
      const planOff = plan({ CLAUDE_COMPILE_CACHE: '0' });
      expect(planOff.status).toBe(0);
      plan();
      const hit = plan();
      expect(hit.stderr).not.toContain('part-yaml.cjs');
      const stateEntries = () => readdirSync(join(data, 'cache', 'compiled')).filter((n) => n.endsWith('.json')).map((n) => join(data, 'cache', 'compiled', n));
      const dropRaw = () => {
        for (const f of stateEntries()) writeFileSync(f, JSON.stringify({ ...(JSON.parse(readFileSync(f, 'utf8')) as object), raw: undefined }));
      };
      dropRaw();
      const perFile = plan();
      expect(perFile.stderr).not.toContain('part-yaml.cjs');
      rmSync(join(data, 'cache', 'compiled', 'files'), { recursive: true });
      const parsed = plan();
      expect(parsed.stderr).toContain('part-yaml.cjs');
      // the entry's own data, with no per-file entry left to read
      rmSync(join(data, 'cache', 'compiled'), { recursive: true });
      plan();
      rmSync(join(data, 'cache', 'compiled', 'files'), { recursive: true });
      const fromEntry = plan();
      expect(fromEntry.stderr).not.toContain('part-yaml.cjs');
      for (const r of [hit, perFile, parsed, fromEntry]) expect([r.status, maskPlan(r.stdout)]).toStrictEqual([planOff.status, maskPlan(planOff.stdout)]);
    });
  }, 180_000);

  it('after an edit of each kind of state file only its own schema\'s validator part is loaded: the same bytes and exit status as compiling', () => {
    inCopy('claude-cold-schema-', ({ state, run }) => {
      // the validator parts loaded (part-yaml.cjs too when the file is not in the parse's plain subset)
      const parts = (stderr: string) => [...stderr.matchAll(/cold: loaded (part-validator-[a-z]+)\.cjs/g)].map((m) => m[1]);
      const same = (args: string[]) => {
        const off = run(args, { CLAUDE_COMPILE_CACHE: '0' });
        const got = run(args, { CLAUDE_TRACE: '1' });
        expect([got.status, got.stdout, got.stderr.replace(/^\[trace\].*\n/gm, '')], args.join(' ')).toStrictEqual([off.status, off.stdout, off.stderr]);
        return got;
      };
      run(['validate']);
      for (const name of ['manifest', 'services', 'network', 'storage', 'security', 'scheduled']) {
        const f = join(state, `${name}.yaml`);
        const text = readFileSync(f, 'utf8');
        // a comment (valid), then a key the schema does not have (an error at its line and column)
        for (const [edit, status] of [[`${text}# edited\n`, 0], [`${text}bogus_${name}: 1\n`, 1]] as const) {
          writeFileSync(f, edit);
          const got = same(['validate']);
          expect(got.status, `${name}.yaml: ${got.stdout}`).toBe(status);
          expect(got.stderr).toContain('compile: parsed and checked (5 of 6 files from the cache)');
          expect(parts(got.stderr), name).toStrictEqual([`part-validator-${name}`]);
          if (status) expect(got.stdout).toMatch(new RegExp(`^${name}\\.yaml:${text.split('\n').length}:1: error CLA\\d+.*bogus_${name}`, 'm'));
          // the JSON form of the same state is the state dir's entry the text run wrote
          same(['validate', '--json']);
        }
        writeFileSync(f, text);
      }
    });
  }, 180_000);

  it('validate, status and plan never build a collator (≈ 10 ms of ICU set-up, and a locale order): none calls localeCompare or Intl.Collator', () => {
    inCopy('claude-cold-collator-', ({ tmp, run }) => {
      const preload = join(tmp, 'collator.cjs');
      writeFileSync(
        preload,
        [
          "const say = (what) => process.stderr.write('COLLATOR ' + what + ' ' + new Error().stack.split('\\n')[2].trim() + '\\n');",
          'const lc = String.prototype.localeCompare;',
          "String.prototype.localeCompare = function (...a) { say('localeCompare'); return lc.apply(this, a); };",
          'const C = Intl.Collator;',
          "Intl.Collator = function (...a) { say('Intl.Collator'); return new C(...a); };",
          '',
        ].join('\n'),
      );
      // the preload works: it sees a localeCompare
      expect(spawnSync(process.execPath, ['-r', preload, '-e', "'a'.localeCompare('b')"], { encoding: 'utf8' }).stderr).toContain('COLLATOR localeCompare');
      for (const args of [['validate'], ['status'], ['plan', '--out', join(tmp, 'plan.json')]]) {
        for (const pass of ['miss', 'hit']) {
          const r = run(args, { NODE_OPTIONS: `--require ${preload}` });
          expect(r.status, `${args[0]} ${pass}: ${r.stderr}`).toBe(0);
          expect(r.stderr, `${args[0]} ${pass}`).not.toContain('COLLATOR');
        }
      }
    });
  }, 120_000);

  it('after a bare `tsc` that changed no code the bundles are still used (and marked new again); after one that did, dist/ is', () => {
    // A copy of the package (bin/, dist/; the rest linked), so this checkout's dist/ is not touched.
    const tmp = mkdtempSync(join(tmpdir(), 'claude-cold-fresh-'));
    try {
      cpSync(join(root, 'bin'), join(tmp, 'bin'), { recursive: true, preserveTimestamps: true });
      cpSync(join(root, 'dist'), join(tmp, 'dist'), { recursive: true, preserveTimestamps: true });
      for (const f of ['node_modules', 'generated', 'schemas', 'stdlib-templates', 'package.json']) symlinkSync(join(root, f), join(tmp, f));
      const d = (rel: string) => join(tmp, 'dist', rel);
      const bundles = [d('bundle/main.js'), ...COLD.map((c) => d(`bundle/cold/${c}.cjs`))];
      const age = (files: string[], s: number) => files.forEach((f) => utimesSync(f, new Date(Date.now() - s * 1000), new Date(Date.now() - s * 1000)));
      const run = (args: string[]) => spawnSync(process.execPath, [join(tmp, 'bin', 'claude'), ...args], { encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'module' } });
      // tsc wrote dist/ again, with the same code, after the bundles were made.
      age(bundles, 100);
      age([d('cli/main.js'), d('cli/commands/validate.js')], 10);
      let r = run(['validate', '--help']);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(d('bundle/cold/validate.cjs'));
      for (const b of bundles) expect(statSync(b).mtimeMs).toBeGreaterThanOrEqual(statSync(d('cli/main.js')).mtimeMs);
      // tsc wrote a change: the bundles are stale, and dist/ runs (it says what the change says).
      writeFileSync(d('cli/commands/validate.js'), readFileSync(d('cli/commands/validate.js'), 'utf8').replace('usage: claude validate', 'usage: claude validate (changed)'));
      age(bundles, 100);
      age([d('cli/main.js')], 10);
      r = run(['validate', '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('usage: claude validate (changed)');
      expect(r.stderr).not.toContain(d('bundle/cold/validate.cjs'));
      expect(run(['--version']).stderr).not.toContain(d('bundle/main.js'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
