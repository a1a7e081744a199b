import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { compileFiles, compileStateDir } from './compile.js';
import { DiagnosticSink } from './diagnostics.js';
import fc from 'fast-check';
import { posix } from 'node:path';
import { DEFAULTS, applyAliases, durationMs, findCycles, nanoCpus, normalisePath, parentPaths, resolve, sizeBytes, splitCommand } from './resolve.js';

const HEAD = (kind: string) => `apiVersion: claude.os/v1\nkind: ${kind}\nmetadata:\n  name: t\n`;
const SERVICES = (body: string) => HEAD('ServiceManifest') + 'spec:\n' + body;
const states = join(packageRoot(), 'fixtures', 'states');

function codes(files: Record<string, string>): string[] {
  return compileFiles(files).diagnostics.map((d) => `${d.code}@${d.file}:${d.line}`);
}

describe('units', () => {
  it('durations, sizes and cpu', () => {
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('2d')).toBe(172_800_000);
    expect(sizeBytes('128Mi')).toBe(134_217_728);
    expect(sizeBytes('1.5G')).toBe(1_500_000_000);
    expect(sizeBytes('10k')).toBe(10_000);
    expect(sizeBytes('10Ki')).toBe(10_240);
    expect(sizeBytes('512')).toBe(512);
    expect(nanoCpus('0.5')).toBe(500_000_000);
    expect(nanoCpus('2')).toBe(2_000_000_000);
    expect(nanoCpus('250m')).toBe(250_000_000);
  });
});

describe('splitCommand', () => {
  it('splits like a shell, without expanding anything', () => {
    expect(splitCommand('redis-server --appendonly yes').argv).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(splitCommand(`nginx -g 'daemon off;'`)).toEqual({ argv: ['nginx', '-g', 'daemon off;'] });
    expect(splitCommand(`echo "a \\"b\\" $HOME" c\\ d ''`).argv).toEqual(['echo', 'a "b" $HOME', 'c d', '']);
    expect(splitCommand('  a   b  ').argv).toEqual(['a', 'b']);
  });

  it('reports unclosed quotes and notices shell operators', () => {
    expect(splitCommand(`sh -c 'oops`).error).toMatch(/never closed/);
    expect(splitCommand(`x "y`).error).toMatch(/never closed/);
    expect(splitCommand('x \\').error).toMatch(/backslash/);
    expect(splitCommand('pg_dump app | gzip').operator).toBe('|');
    expect(splitCommand('a && b').operator).toBe('&&');
    expect(splitCommand(`echo '|' ok`).operator).toBeUndefined();
  });
});

describe('defaults', () => {
  it('match the defaults written in the schemas', () => {
    const s = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'services.schema.json'), 'utf8'));
    const n = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'network.schema.json'), 'utf8'));
    const m = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'manifest.schema.json'), 'utf8'));
    const svc = s.$defs.service.properties;
    expect(svc.replicas.default).toBe(DEFAULTS.replicas);
    expect(svc.restart.default).toBe(DEFAULTS.restart);
    expect(svc.state.default).toBe(DEFAULTS.state);
    expect(svc.enabled.default).toBe(DEFAULTS.enabled);
    expect(s.$defs.port.properties.protocol.default).toBe(DEFAULTS.protocol);
    expect(s.$defs.network.properties.driver.default).toBe(DEFAULTS.networkDriver);
    expect(n.$defs.firewall.properties.enabled.default).toBe(DEFAULTS.firewallEnabled);
    expect(n.$defs.firewall.properties.default_input_policy.default).toBe(DEFAULTS.firewallPolicy);
    expect(m.properties.spec.properties.images.properties.pull.default).toBe(DEFAULTS.imagesPull);
    expect(m.properties.spec.properties.safety.properties.require_approval.default).toBe(DEFAULTS.requireApproval);
  });

  it('are filled in for a bare service', () => {
    const r = compileFiles({ 'services.yaml': SERVICES('  services:\n    - name: web\n      image: nginx\n      ports: [{host: 8080, container: 80}]\n      healthcheck: {test: [wget, -q, http://127.0.0.1/]}\n') });
    expect(r.diagnostics).toEqual([]);
    const m = r.model!;
    expect(m.services[0]).toEqual({
      name: 'web',
      image: 'nginx',
      resolvedImage: 'nginx',
      replicas: 1,
      state: 'running',
      enabled: true,
      ports: [{ host: 8080, container: 80, protocol: 'tcp' }],
      mounts: [],
      environment: {},
      secretRefs: [],
      resources: {},
      healthcheck: { test: ['CMD', 'wget', '-q', 'http://127.0.0.1/'], intervalMs: 30_000, timeoutMs: 10_000, retries: 3, startPeriodMs: 0 },
      restart: 'unless-stopped',
      networks: [],
      dependsOn: [],
      labels: {},
    });
    expect(m.api).toEqual({ enabled: false, listen: '127.0.0.1', port: 8420 });
    expect(m.safety).toEqual({ requireApproval: true, autoApproveCategories: [], restrictedFiles: ['security.yaml'], rollbackOnHealthFailure: true, confirmTimeoutMs: 60_000 });
    expect(m.images).toEqual({ aliases: {}, pull: true });
    expect(m.firewall).toBeNull();
    expect(m.reconcile).toEqual({ intervalMs: 60_000, debounceMs: 500, drift: 'self_heal', ignore: [], backoff: { firstMs: 60_000, maxMs: 3_600_000 } });
    expect(m.notifications).toEqual({ minSeverity: 'info' });
  });
});

describe('services.yaml resources', () => {
  const svc = (memory: string) => compileFiles({ 'services.yaml': SERVICES(`  services:\n    - name: redis\n      image: redis:7\n      resources:\n        memory: ${memory}\n`) });
  it("a memory limit under 6Mi (Docker's floor: it refused it at apply, and the apply rolled back) is an error at its file:line:col with the fix, and no model", () => {
    const r = svc('5Mi');
    expect(r.model ?? null).toBeNull();
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.column} ${d.message} | ${d.hint}`)).toEqual([
      "CLA3059 services.yaml:10:17 service redis: memory 5Mi is under 6Mi, the least a container can be given | write memory: 6Mi or more, or remove the limit (Docker refuses less when it creates the container, and the apply is rolled back)",
    ]);
    expect(svc('6000k').diagnostics.map((d) => d.code)).toEqual(['CLA3059']);
    expect(svc('6Mi').model!.services[0]!.resources.memoryBytes).toBe(6 * 1024 * 1024);
    expect(svc('64M').diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('manifest.yaml reconcile and notifications', () => {
  const MANIFEST = (body: string) => HEAD('SystemManifest') + 'spec:\n' + body;
  const SECURITY = HEAD('SecurityConfig') + 'spec:\n  secrets:\n    - name: hook_key\n      value: "encrypted:v1:AAAA"\n';
  it('fills in the written fields and takes the webhook secret as ciphertext', () => {
    const r = compileFiles({
      'manifest.yaml': MANIFEST('  reconcile:\n    interval: 2m\n    debounce: 250ms\n    drift: queue\n    ignore: [firewall/inet-claude, container/dev-*]\n  notifications:\n    min_severity: warning\n    webhook:\n      url: http://127.0.0.1:9/hook\n      secret: hook_key\n      timeout: 2s\n      retries: 1\n'),
      'security.yaml': SECURITY,
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model!.reconcile).toEqual({ intervalMs: 120_000, debounceMs: 250, drift: 'queue', ignore: ['container/dev-*', 'firewall/inet-claude'], backoff: { firstMs: 60_000, maxMs: 3_600_000 } });
    expect(r.model!.notifications).toEqual({ minSeverity: 'warning', webhook: { url: 'http://127.0.0.1:9/hook', timeoutMs: 2000, retries: 1, secret: { name: 'hook_key', value: 'encrypted:v1:AAAA' } } });
  });
  it('reports a webhook secret security.yaml does not declare (CLA3021) and a bad drift policy at its line', () => {
    expect(codes({ 'manifest.yaml': MANIFEST('  notifications:\n    webhook:\n      url: https://example.org/h\n      secret: hook_kye\n'), 'security.yaml': SECURITY })).toEqual(['CLA3021@manifest.yaml:9']);
    const bad = compileFiles({ 'manifest.yaml': MANIFEST('  reconcile:\n    drift: heal\n') });
    expect(bad.model ?? null).toBeNull();
    expect(bad.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(['manifest.yaml:7']);
  });
  it('reconcile.backoff: first and max as written; a longer first alone is a constant wait; bad values at file:line:col, no model', () => {
    const backoff = (body: string) => compileFiles({ 'manifest.yaml': MANIFEST(`  reconcile:\n    backoff:\n${body}`) });
    expect(backoff('      first: 30s\n      max: 10m\n').model!.reconcile.backoff).toEqual({ firstMs: 30_000, maxMs: 600_000 });
    expect(backoff('      max: 5m\n').model!.reconcile.backoff).toEqual({ firstMs: 60_000, maxMs: 300_000 });
    expect(backoff('      first: 2h\n').model!.reconcile.backoff).toEqual({ firstMs: 7_200_000, maxMs: 7_200_000 });
    const render = (r: ReturnType<typeof compileFiles>) => r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.column} ${d.message} | ${d.hint}`);
    // max shorter than first: at max, with both values and the fix
    const short = backoff('      first: 10m\n      max: 2m\n');
    expect(short.model ?? null).toBeNull();
    expect(render(short)).toEqual(['CLA3058 manifest.yaml:9:12 reconcile.backoff.max (2m) is shorter than reconcile.backoff.first (10m) | the wait doubles from first up to max: make max at least 10m, or first at most 2m']);
    // max shorter than the default first
    expect(render(backoff('      max: 30s\n'))).toEqual(['CLA3058 manifest.yaml:8:12 reconcile.backoff.max (30s) is shorter than reconcile.backoff.first (1m) | the wait doubles from first up to max: make max at least 1m, or first at most 30s']);
    // a wait under 1s: at the value
    const zero = backoff('      first: 0s\n      max: 500ms\n');
    expect(zero.model ?? null).toBeNull();
    expect(render(zero).map((l) => l.split(' | ')[0])).toEqual([
      'CLA3057 manifest.yaml:8:14 reconcile.backoff.first is 0s; the wait before a failed apply is tried again must be at least 1s',
      'CLA3057 manifest.yaml:9:12 reconcile.backoff.max is 500ms; the wait before a failed apply is tried again must be at least 1s',
    ]);
    // not a duration, or an unknown key: the schema check, at its line
    expect(codes({ 'manifest.yaml': MANIFEST('  reconcile:\n    backoff:\n      first: 5 minutes\n') })).toEqual([expect.stringMatching(/^CLA20\d\d@manifest\.yaml:8$/)]);
    expect(codes({ 'manifest.yaml': MANIFEST('  reconcile:\n    backoff:\n      frist: 5m\n') })).toEqual(['CLA2001@manifest.yaml:8']);
  });
});

describe('the fixtures', () => {
  it('spec-example: valid, with the one documented warning for image + tag', () => {
    const r = compileStateDir(join(states, 'spec-example'));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file, d.line, d.column])).toEqual([['CLA3001', 'warning', 'services.yaml', 23, 12]]);
    const m = r.model!;
    expect(m.services.map((s) => [s.name, s.image])).toEqual([
      ['nginx', 'nginx:1.25'],
      ['postgres', 'postgres:16-alpine'],
      ['redis', 'redis:7-alpine'],
    ]);
    const [nginx, postgres, redis] = m.services;
    expect(nginx!.resources).toEqual({ nanoCpus: 500_000_000, memoryBytes: 134_217_728 });
    expect(nginx!.healthcheck).toEqual({ test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], intervalMs: 30_000, timeoutMs: 10_000, retries: 3, startPeriodMs: 10_000 });
    expect(nginx!.mounts.map((x) => [x.source, x.volume ?? null, x.readonly])).toEqual([
      ['/data/www', 'www', true],
      ['/data/nginx/conf.d', null, true],
      ['/data/certs', 'certs', true],
    ]);
    expect(postgres!.secretRefs).toEqual(['postgres_password']);
    expect(postgres!.environment['POSTGRES_PASSWORD']).toBe('${secrets.postgres_password}');
    expect(redis!.command).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(m.volumes.map((v) => [v.name, v.sizeBytes])).toEqual([
      ['certs', 100 * 1024 ** 2],
      ['postgres', 50 * 1024 ** 3],
      ['redis', 5 * 1024 ** 3],
      ['www', 10 * 1024 ** 3],
    ]);
    expect(m.jobs.map((j) => [j.name, j.container ?? null, j.command[0], j.timeoutMs])).toEqual([
      ['certificate-check', null, '/bin/sh', 300_000],
      ['cleanup-logs', null, '/bin/sh', 600_000],
      ['postgres-backup', 'postgres', '/bin/sh', 3_600_000],
      ['security-updates', null, '/bin/sh', 1_800_000],
    ]);
    expect(m.secrets.map((s) => s.name)).toEqual(['llm_api_key', 'postgres_password', 'redis_password']);
    expect(m.secrets.every((s) => s.value.startsWith('encrypted:v1:'))).toBe(true);
    expect(m.hostname).toBe('webserver-prod');
    expect(m.firewall!.rules.map((x) => x.name)).toEqual(['allow-ssh-internal', 'allow-http', 'allow-https', 'allow-established', 'allow-loopback']);
    expect(Object.keys(m.files).sort()).toEqual(['manifest.yaml', 'network.yaml', 'scheduled.yaml', 'security.yaml', 'services.yaml', 'storage.yaml']);
  });

  it('web-stack and minimal: valid, images mapped to the local test images', () => {
    const web = compileStateDir(join(states, 'web-stack'));
    expect(web.diagnostics).toEqual([]);
    expect(web.model!.services.map((s) => [s.name, s.resolvedImage, s.dependsOn])).toEqual([
      ['postgres', 'claude-os-local/postgres:latest', []],
      ['redis', 'claude-os-local/redis:latest', []],
      ['web', 'claude-os-local/web:latest', ['postgres', 'redis']],
    ]);
    const min = compileStateDir(join(states, 'minimal'));
    expect(min.diagnostics).toEqual([]);
    expect(min.model!.services.map((s) => s.resolvedImage)).toEqual(['claude-os-local/web:latest']);
  });
});

describe('images', () => {
  it('aliases: exact reference first, then repository, Docker Hub short names', () => {
    const aliases = { 'nginx:1.25': 'local/exact', nginx: 'local/repo', 'registry.local:5000/app': 'local/app' };
    expect(applyAliases('nginx:1.25', aliases)).toBe('local/exact');
    expect(applyAliases('nginx:alpine', aliases)).toBe('local/repo');
    expect(applyAliases('docker.io/library/nginx:1.24', aliases)).toBe('local/repo');
    expect(applyAliases('registry.local:5000/app:2', aliases)).toBe('local/app');
    expect(applyAliases('redis', aliases)).toBe('redis');
    expect(applyAliases(`nginx@sha256:${'a'.repeat(64)}`, aliases)).toBe(`nginx@sha256:${'a'.repeat(64)}`);
  });

  it('a digest wins over tag, with a warning; the same tag twice is fine', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const r = compileFiles({ 'services.yaml': SERVICES(`  services:\n    - {name: a, image: "nginx@${digest}", tag: "1"}\n    - {name: b, image: "nginx:1.25", tag: "1.25"}\n`) });
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['CLA3001', 7]]);
    expect(r.model!.services.map((s) => s.image)).toEqual([`nginx@${digest}`, 'nginx:1.25']);
  });
});

describe('cross-file checks', () => {
  it('findCycles reports each cycle once, from its smallest name', () => {
    const g = (o: Record<string, string[]>) => new Map(Object.entries(o));
    expect(findCycles(g({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
    expect(findCycles(g({ c: ['a'], a: ['b'], b: ['c'] }))).toEqual([['a', 'b', 'c', 'a']]);
    expect(findCycles(g({ x: ['x'] }))).toEqual([['x', 'x']]);
    expect(findCycles(g({ a: ['b'], b: ['a'], c: ['d'], d: ['c'], e: ['a'] }))).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'c'],
    ]);
  });

  it('findCycles finds a cycle exactly when there is one (random graphs, edges to unknown names and duplicates among them)', () => {
    // the reference: a depth-first search that meets a node still on its path
    const hasCycle = (edges: Map<string, string[]>): boolean => {
      const state = new Map<string, 1 | 2>();
      const visit = (u: string): boolean => {
        state.set(u, 1);
        for (const m of edges.get(u)!) {
          if (!edges.has(m)) continue;
          if (state.get(m) === 1 || (!state.has(m) && visit(m))) return true;
        }
        state.set(u, 2);
        return false;
      };
      return [...edges.keys()].some((u) => !state.has(u) && visit(u));
    };
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'zz');
    fc.assert(
      fc.property(fc.dictionary(name, fc.array(name, { maxLength: 4 }), { maxKeys: 8 }), (o) => {
        delete (o as Record<string, unknown>).zz; // 'zz' only ever as an edge to a name that is no node
        const edges = new Map(Object.entries(o));
        const cycles = findCycles(edges);
        expect(cycles.length > 0).toBe(hasCycle(edges));
        for (const c of cycles) {
          expect(c[0]).toBe(c[c.length - 1]);
          for (let i = 0; i + 1 < c.length; i++) expect(edges.get(c[i]!)).toContain(c[i + 1]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('normalisePath gives what posix.normalize gives, without a trailing slash (random paths of /, ., .. and names)', () => {
    const byNormalize = (p: string) => {
      const n = posix.normalize(p);
      return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
    };
    const part = fc.constantFrom('/', '.', '..', 'a', 'b.', '.c', '...', '-');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 10 }), (parts) => {
        expect(normalisePath(parts.join(''))).toBe(byNormalize(parts.join('')));
      }),
      { numRuns: 2000 },
    );
    for (const p of ['/srv/data/1', '/', '//srv', '/srv/', '/srv/./a', '/srv/../a', '/srv/.a', 'srv/a', '/a/..']) expect(normalisePath(p)).toBe(byNormalize(p));
  });

  it('host ports: protocol and host_ip decide whether two claims overlap', () => {
    const svc = (name: string, port: string) => `    - name: ${name}\n      image: nginx\n      ports: [${port}]\n`;
    const conflict = (a: string, b: string) => codes({ 'services.yaml': SERVICES('  services:\n' + svc('a', a) + svc('b', b)) });
    expect(conflict('{host: 53, container: 53, protocol: udp}', '{host: 53, container: 53}')).toEqual([]);
    expect(conflict('{host: 80, container: 80, host_ip: 127.0.0.1}', '{host: 80, container: 80, host_ip: 10.0.0.1}')).toEqual([]);
    expect(conflict('{host: 80, container: 80, host_ip: 127.0.0.1}', '{host: 80, container: 80}')).toEqual(['CLA3007@services.yaml:12']);
    expect(conflict('{host: 80, container: 80, host_ip: 0.0.0.0}', '{host: 80, container: 80, host_ip: "::1"}')).toEqual([]);
    expect(conflict('{host: 80, container: 80}', '{container: 80}')).toEqual([]);
  });

  it('volumes: by name, by path inside a volume, or a host path', () => {
    const r = compileFiles({
      'storage.yaml': HEAD('StorageConfig') + 'spec:\n  volumes:\n    - {name: data, path: /srv/data/}\n',
      'services.yaml': SERVICES('  services:\n    - name: a\n      image: nginx\n      volumes:\n        - {source: data, target: /a}\n        - {source: /srv/data/www/, target: /b, readonly: true}\n        - {source: /opt/hosts, target: /c}\n'),
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.model!.services[0]!.mounts).toEqual([
      { source: '/srv/data', target: '/a', readonly: false, volume: 'data' },
      { source: '/srv/data/www', target: '/b', readonly: true, volume: 'data' },
      { source: '/opt/hosts', target: '/c', readonly: false },
    ]);
  });

  it('volume paths looked up by path give what comparing every pair gives: clashes (CLA3020) and the volume holding a mount', () => {
    expect(parentPaths('/srv/data/1')).toEqual(['/srv/data', '/srv']);
    expect(parentPaths('/')).toEqual([]);
    // paths made of few segments, so that equal, nested and prefix-but-not-nested paths (/a, /ab) are common
    const path = fc.array(fc.constantFrom('a', 'ab', 'b'), { minLength: 0, maxLength: 4 }).map((p) => '/' + p.join('/'));
    fc.assert(
      fc.property(fc.array(path, { minLength: 1, maxLength: 12 }), fc.array(path, { maxLength: 8 }), (volumePaths, sources) => {
        const volumes = volumePaths.map((p, i) => ({ name: `v${i}`, path: p }));
        const sink = new DiagnosticSink();
        const model = resolve(
          {
            sources: {},
            storage: { apiVersion: 'claude.os/v1', kind: 'StorageConfig', metadata: { name: 's' }, spec: { volumes } },
            services: { apiVersion: 'claude.os/v1', kind: 'ServiceManifest', metadata: { name: 's' }, spec: { services: [{ name: 'a', image: 'nginx', volumes: sources.map((source, i) => ({ source: source === '/' ? '/a/b/a/b/a' : source, target: `/m${i}` })) }] } },
          },
          sink,
        );
        // the reference: every pair compared, as before the lookup by path
        const clashes: string[] = [];
        volumes.forEach((v, i) => {
          const o = volumes.slice(0, i).find((o) => o.path === v.path || v.path.startsWith(o.path + '/') || o.path.startsWith(v.path + '/'));
          if (o) clashes.push(`volume ${v.name}: path ${v.path} is inside volume ${o.name} (${o.path})`);
        });
        expect(sink.sorted().filter((d) => d.code === 'CLA3020').map((d) => d.message).sort()).toEqual(clashes.sort());
        const mounts = model.services[0]!.mounts;
        for (const m of mounts) {
          let best: { name: string; path: string } | undefined;
          for (const v of volumes) if ((m.source === v.path || m.source.startsWith(v.path + '/')) && (!best || v.path.length > best.path.length)) best = v;
          expect(m.volume).toBe(best?.name);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses the engine socket, / and host system paths unless manifest.yaml allows them', () => {
    const mounts = (list: string[], allow?: string[]) =>
      compileFiles({
        ...(allow ? { 'manifest.yaml': HEAD('SystemManifest') + `spec:\n  safety:\n    allow_host_mounts: [${allow.join(', ')}]\n` } : {}),
        'services.yaml': SERVICES('  services:\n    - name: a\n      image: nginx\n      volumes:\n' + list.map((s, i) => `        - {source: ${s}, target: /m${i}, readonly: true}\n`).join('')),
      });
    const refused = mounts(['/var/run/docker.sock', '/', '/etc', '/proc/1', '/sys', '/dev/sda', '/var/lib/docker/volumes', '/var', '/run/containerd/containerd.sock', '/root/.ssh', '/srv/data']);
    expect(refused.diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['CLA3022@10', 'CLA3022@11', 'CLA3022@12', 'CLA3022@13', 'CLA3022@14', 'CLA3022@15', 'CLA3022@16', 'CLA3022@17', 'CLA3022@18', 'CLA3022@19']);
    expect(refused.diagnostics[0]!.message).toBe("service a mounts host path /var/run/docker.sock: a container engine socket (root on the host); a container with it can take over the host");
    expect(refused.diagnostics[0]!.hint).toContain('spec.safety.allow_host_mounts in manifest.yaml');
    expect(refused.diagnostics[7]!.message).toMatch(/^service a mounts host path \/var: \/var\/run\/docker.sock .* is inside it;/);
    const allowed = mounts(['/var/run/docker.sock', '/etc/ssl/certs'], ['/var/run/docker.sock', '/etc/ssl/certs']);
    expect(allowed.diagnostics).toEqual([]);
    // the allow-list names exact paths: allowing /etc/ssl/certs does not allow /etc
    expect(mounts(['/etc'], ['/etc/ssl/certs']).diagnostics.map((d) => d.code)).toEqual(['CLA3022']);
  });

  it("refuses the device image's data places (/data/claude, /data/containerd, …) and /data, not a service's own /data dir", () => {
    const r = compileFiles({
      'services.yaml': SERVICES('  services:\n    - name: a\n      image: nginx\n      volumes:\n' + ['/data/claude/keys', '/data/claude.d', '/data/containerd', '/data/system', '/data', '/data/www'].map((s, i) => `        - {source: ${s}, target: /m${i}, readonly: true}\n`).join('')),
    });
    expect(r.diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['CLA3022@10', 'CLA3022@11', 'CLA3022@12', 'CLA3022@13', 'CLA3022@14']);
    expect(r.diagnostics[0]!.message).toMatch(/^service a mounts host path \/data\/claude\/keys: the Claude.OS device's keys, journal and audit log;/);
    expect(r.diagnostics[2]!.message).toMatch(/^service a mounts host path \/data\/containerd: the Claude.OS device's containerd data/);
    expect(r.diagnostics[4]!.message).toMatch(/^service a mounts host path \/data: \/data\/claude \(.*\) is inside it;/);
  });

  it('secret references: only ${secrets.name}; $${…} is literal', () => {
    const r = compileFiles({
      'services.yaml': SERVICES('  services:\n    - name: a\n      image: nginx\n      environment:\n        A: "$${secrets.nope}"\n        B: "${HOME}"\n'),
    });
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['CLA3015', 11]]);
  });

  it('depends_on a stopped service is a warning, and names are unique across kinds', () => {
    const r = compileFiles({
      'services.yaml': SERVICES('  networks: [{name: web}, {name: web}]\n  services:\n    - {name: a, image: nginx, depends_on: [b]}\n    - {name: b, image: nginx, state: stopped}\n'),
    });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['CLA3009', 'error', 6],
      ['CLA3019', 'warning', 8],
    ]);
  });

  it('manifest hostname that disagrees with network.yaml is a warning', () => {
    const r = compileFiles({
      'manifest.yaml': HEAD('SystemManifest') + 'spec:\n  hostname: one\n',
      'network.yaml': HEAD('NetworkConfig') + 'spec:\n  hostname: two\n',
    });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file, d.line])).toEqual([['CLA3012', 'warning', 'manifest.yaml', 6]]);
    expect(r.model!.hostname).toBe('two');
  });

  it('the model does not depend on the order things are written in', () => {
    const a = compileFiles({ 'services.yaml': SERVICES('  services:\n    - {name: b, image: nginx, environment: {Z: "1", A: "2"}}\n    - {name: a, image: redis}\n') });
    const b = compileFiles({ 'services.yaml': SERVICES('  services:\n    - {name: a, image: redis}\n    - {name: b, image: nginx, environment: {A: "2", Z: "1"}}\n') });
    const strip = (m: typeof a.model) => JSON.stringify({ ...m, files: {} });
    expect(strip(a.model)).toBe(strip(b.model));
    expect(Object.keys(a.model!.services[1]!.environment)).toEqual(['A', 'Z']);
  });

  it('an environment variable named __proto__ is data in the model', () => {
    const r = compileFiles({ 'services.yaml': SERVICES('  services:\n    - name: a\n      image: nginx\n      environment: {__proto__: "1", B: "2"}\n') });
    const env = r.model!.services[0]!.environment;
    expect(Object.keys(env)).toEqual(['B', '__proto__']);
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
  });

  it('works without positions (a state built in code): file only, line 0', () => {
    const sink = new DiagnosticSink();
    resolve({ sources: {}, services: { apiVersion: 'claude.os/v1', kind: 'ServiceManifest', metadata: { name: 'x' }, spec: { services: [{ name: 'a', image: 'nginx', depends_on: ['zz'] }] } } }, sink);
    expect(sink.sorted().map((d) => [d.code, d.file, d.line])).toEqual([['CLA3005', 'services.yaml', 0]]);
  });
});

describe('compileFiles', () => {
  it('refuses file names that are not one of the six: paths, "..", other spellings', () => {
    const text = HEAD('ServiceManifest') + 'spec: {}\n';
    const r = compileFiles({ '../services.yaml': text, 'a/services.yaml': text, 'Services.yaml': text, 'services.yml': text, '/etc/services.yaml': text });
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['CLA9004', '../services.yaml'],
      ['CLA9004', '/etc/services.yaml'],
      ['CLA9004', 'Services.yaml'],
      ['CLA9004', 'a/services.yaml'],
      ['CLA9004', 'services.yml'],
    ]);
  });
});
