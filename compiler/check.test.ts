import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import { parse } from './parse.js';
import { check, closest, displayPath, selectErrors } from './check.js';
import { explainCidr, explainCron, explainImageRef, parseImageRef, CUSTOM_FORMATS } from './formats.js';
import { getValidators } from './validators.js';
import type { WrittenState } from './model.js';
import type { JsonObject } from './parse.js';

const HEAD = (kind: string) => `apiVersion: claude.os/v1\nkind: ${kind}\nmetadata:\n  name: t\n`;

function run(files: Record<string, string>): { written: WrittenState; diagnostics: Diagnostic[] } {
  const sink = new DiagnosticSink();
  const parsed = parse(
    Object.entries(files).map(([name, text]) => ({ name, text })),
    sink,
  );
  const written = check(parsed, sink);
  return { written, diagnostics: sink.sorted() };
}

function services(body: string): string {
  return HEAD('ServiceManifest') + 'spec:\n  services:\n    - name: web\n      image: nginx\n' + body;
}

describe('check: schema-directed scalars', () => {
  it('keeps the source text of plain scalars where the schema wants a string', () => {
    const { written, diagnostics } = run({
      'services.yaml': services('      tag: 1.10\n      resources:\n        cpu: 1\n      environment:\n        DEBUG: on\n        PORT: 8080\n        RATIO: 0.50\n        OFF: NO\n        FLAG: true\n'),
      'storage.yaml': HEAD('StorageConfig') + 'spec:\n  volumes:\n    - name: www\n      path: /data/www\n      permissions: 0755\n',
    });
    expect(diagnostics).toEqual([]);
    const web = written.services!.spec.services![0]!;
    expect(web.tag).toBe('1.10');
    expect(web.resources!.cpu).toBe('1');
    expect(web.environment).toEqual({ DEBUG: 'on', PORT: '8080', RATIO: '0.50', OFF: 'NO', FLAG: 'true' });
    expect(written.storage!.spec.volumes![0]!.permissions).toBe('0755');
  });

  it('does not coerce a quoted number where the schema wants an integer', () => {
    const { diagnostics, written } = run({ 'services.yaml': services('      replicas: "2"\n') });
    expect(written.services).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'CLA2003', file: 'services.yaml', line: 9, column: 17, hint: expect.stringContaining('remove the quotes') }),
    ]);
  });

  it('keeps numbers where the schema accepts a number (a firewall port can be 22 or "8000-8100")', () => {
    const { written, diagnostics } = run({
      'network.yaml': HEAD('NetworkConfig') + 'spec:\n  firewall:\n    rules:\n      - {name: ssh, protocol: tcp, port: 22, action: accept}\n      - {name: r, protocol: tcp, port: "8000-8100", action: accept}\n',
    });
    expect(diagnostics).toEqual([]);
    expect(written.network!.spec.firewall!.rules!.map((r) => r.port)).toEqual([22, '8000-8100']);
  });

  it('reports an empty value instead of turning it into a string', () => {
    const { diagnostics } = run({ 'services.yaml': services('      user:\n') });
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['CLA2017', 9, 12]]);
  });
});

describe('check: diagnostics', () => {
  it('points an unknown property at the key, with a suggestion', () => {
    const { diagnostics } = run({ 'services.yaml': services('      helthcheck:\n        test: "true"\n') });
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'CLA2001', line: 9, column: 7, message: 'unknown property "helthcheck" in services[web]', hint: expect.stringMatching(/^did you mean "healthcheck"\?/) }),
    ]);
  });

  it('points a missing property at the parent mapping', () => {
    const { diagnostics } = run({ 'services.yaml': HEAD('ServiceManifest') + 'spec:\n  services:\n    - name: web\n      tag: "1"\n' });
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'CLA2002', line: 7, column: 7, message: 'services[web] is missing the required property "image"' })]);
  });

  it('collapses oneOf noise into the one useful error', () => {
    const { diagnostics } = run({
      'network.yaml': HEAD('NetworkConfig') + 'spec:\n  firewall:\n    rules:\n      - {name: a, protocol: tcp, port: 70000, action: accept}\n      - {name: b, action: accept, source: [10.0.0.0/8, "10.0.0.0/40"]}\n      - {name: c, protocol: tcp, port: {x: 1}, action: accept}\n',
    });
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['CLA2006', 8, 'firewall.rules[a].port is 70000, but it must be at most 65535'],
      ['CLA2005', 9, 'firewall.rules[b].source[1]: "10.0.0.0/40" is not an IPv4 or IPv6 address or CIDR: prefix length 40 is over 32 for an IPv4 address'],
      ['CLA2012', 10, expect.stringMatching(/^firewall\.rules\[c\]\.port must be an integer from 1 to 65535, a port range .* or a list of .*, found a mapping$/)],
    ]);
  });

  it('names the file a kind belongs to, and refuses unknown file names', () => {
    const { diagnostics, written } = run({
      'storage.yaml': HEAD('NetworkConfig') + 'spec: {}\n',
      'extra.yaml': HEAD('NetworkConfig') + 'spec: {}\n',
    });
    expect(diagnostics.map((d) => [d.file, d.code])).toEqual([
      ['extra.yaml', 'CLA9004'],
      ['storage.yaml', 'CLA2015'],
    ]);
    expect(written.storage).toBeUndefined();
    expect(written.network).toBeUndefined();
  });

  it('reports a __proto__ key as an unknown property and never pollutes', () => {
    const { diagnostics } = run({ 'services.yaml': services('      __proto__: {polluted: true}\n') });
    expect(diagnostics.map((d) => d.code)).toEqual(['CLA2001']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('accepts the spec example (apart from its placeholder keys) and records sources', () => {
    const dir = join(packageRoot(), 'fixtures', 'states', 'spec-example');
    const files = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    const { diagnostics, written } = run(files);
    expect(diagnostics).toEqual([]);
    expect(Object.keys(written.sources).sort()).toEqual(Object.keys(files).sort());
    expect(written.services!.spec.services!.map((s) => s.name)).toEqual(['nginx', 'postgres', 'redis']);
  });
});

describe('selectErrors', () => {
  it('keeps one error per location, the most specific', () => {
    const e = (keyword: string, instancePath: string) => ({ keyword, instancePath, schemaPath: '#', params: {} });
    const out = selectErrors([e('pattern', '/a'), e('type', '/a'), e('maxLength', '/a'), e('required', '/'), e('required', '/')]);
    expect(out.map((x) => x.keyword)).toEqual(['type', 'required', 'required']);
  });
});

describe('helpers', () => {
  it('closest finds typos and prefixes only', () => {
    expect(closest('imgae', ['image', 'tag'])).toBe('image');
    expect(closest('restart_policy', ['restart', 'replicas'])).toBe('restart');
    expect(closest('zzz', ['image', 'tag'])).toBeUndefined();
  });

  it('displayPath names list items by their name', () => {
    const v = JSON.parse('{"spec":{"services":[{"name":"web","ports":[{"host":1}]},{"image":"x"}]}}') as JsonObject;
    expect(displayPath(v, ['spec', 'services', 0, 'ports', 0, 'host'])).toBe('services[web].ports[0].host');
    expect(displayPath(v, ['spec', 'services', '1', 'image'])).toBe('services[1].image');
    expect(displayPath(v, [])).toBe('the top level');
  });
});

describe('formats', () => {
  it('cidr: v4 and v6 addresses and prefixes with bounds', () => {
    for (const ok of ['10.0.0.0/8', '192.168.1.10', '0.0.0.0/0', '2001:db8::/32', '::1', '::/0', 'fe80::1/128']) expect(explainCidr(ok), ok).toBeUndefined();
    expect(explainCidr('10.0.0.0/33')).toMatch(/over 32/);
    expect(explainCidr('2001:db8::/129')).toMatch(/over 128/);
    expect(explainCidr('10.0.0.256')).toMatch(/0-255/);
    expect(explainCidr('10.0.0.0/-1')).toMatch(/not a number/);
    expect(explainCidr('10.0.0.0/08')).toMatch(/not a number/);
    expect(CUSTOM_FORMATS['ip']!('10.0.0.0/8')).toBe(false);
  });

  it('cron: fields, ranges, steps, lists, names and macros', () => {
    for (const ok of ['0 2 * * *', '*/15 * * * *', '0 9-17/2 * * MON-FRI', '0 0 1,15 JAN,jul 0', '59 23 31 12 7', '@daily', '@annually', '@midnight']) expect(explainCron(ok), ok).toBeUndefined();
    expect(explainCron('60 * * * *')).toBe('minute 60 is out of range 0-59');
    expect(explainCron('0 0 0 * *')).toBe('day of month 0 is out of range 1-31');
    expect(explainCron('0 0 * 13 *')).toBe('month 13 is out of range 1-12');
    expect(explainCron('0 0 * * 8')).toBe('day of week 8 is out of range 0-7');
    expect(explainCron('*/0 * * * *')).toMatch(/step/);
    expect(explainCron('0 17-9 * * *')).toMatch(/backwards/);
    expect(explainCron('0 0 * * FUN')).toMatch(/not a number or a name/);
    expect(explainCron('* * * *')).toMatch(/4 fields/);
    expect(explainCron('@reboot')).toMatch(/not one of/);
  });

  it('image-ref: Docker reference grammar', () => {
    expect(parseImageRef('nginx')).toEqual({ path: 'nginx' });
    expect(parseImageRef('nginx:alpine')).toEqual({ path: 'nginx', tag: 'alpine' });
    expect(parseImageRef('team/app:1.2')).toEqual({ path: 'team/app', tag: '1.2' });
    expect(parseImageRef('registry.local:5000/app:1.2')).toEqual({ domain: 'registry.local:5000', path: 'app', tag: '1.2' });
    expect(parseImageRef('localhost/app')).toEqual({ domain: 'localhost', path: 'app' });
    expect(parseImageRef(`app@sha256:${'a'.repeat(64)}`)).toEqual({ path: 'app', digest: `sha256:${'a'.repeat(64)}` });
    for (const bad of ['Nginx', 'nginx:', 'nginx:-x', 'a//b', 'https://x/y', 'app@sha256:zz', 'ng inx', '']) expect(explainImageRef(bad), bad).toBeDefined();
  });

  it('image-ref: a text matched once is answered again the same, each caller with its own copy', () => {
    // parseImageRef remembers up to 1,024 texts (a state names the same few images many times)
    const first = parseImageRef('registry.local:5000/app-3:1.7')!;
    first.tag = 'changed by a caller';
    delete first.domain;
    expect(parseImageRef('registry.local:5000/app-3:1.7')).toEqual({ domain: 'registry.local:5000', path: 'app-3', tag: '1.7' });
    expect(parseImageRef('Bad/Ref')).toBeUndefined();
    expect(parseImageRef('Bad/Ref')).toBeUndefined();
    // past the bound: still every answer, matched each time
    for (let i = 0; i < 3000; i++) {
      expect(parseImageRef(`r${i}.example:5000/app-${i}:v${i}`)).toEqual({ domain: `r${i}.example:5000`, path: `app-${i}`, tag: `v${i}` });
      expect(parseImageRef(`App-${i}`)).toBeUndefined();
    }
    expect(CUSTOM_FORMATS['image-ref']!('r2999.example:5000/app-2999:v2999')).toBe(true);
    expect(CUSTOM_FORMATS['image-ref']!('App-2999')).toBe(false);
  });
});

describe('validators', () => {
  it('the generated standalone validators agree with a fresh ajv compile on every invalid fixture', () => {
    const standalone = getValidators();
    const compiled = getValidators({ forceCompile: true });
    const root = join(packageRoot(), 'fixtures', 'invalid');
    let compared = 0;
    for (const c of readdirSync(root)) {
      for (const f of ['services.yaml', 'network.yaml', 'scheduled.yaml', 'security.yaml', 'storage.yaml', 'manifest.yaml'] as const) {
        let text: string;
        try {
          text = readFileSync(join(root, c, f), 'utf8');
        } catch {
          continue;
        }
        const sink = new DiagnosticSink();
        const p = parse([{ name: f, text }], sink)[0];
        if (!p) continue;
        const name = f.replace('.yaml', '') as keyof typeof standalone;
        const a = standalone[name](p.value);
        const b = compiled[name](p.value);
        expect(a, `${c}/${f}`).toBe(b);
        expect(standalone[name].errors ?? null, `${c}/${f}`).toEqual(compiled[name].errors ?? null);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});

describe('check: prototype safety', () => {
  it('keeps an environment variable named __proto__ as data, in a plain object', () => {
    const { written, diagnostics } = run({ 'services.yaml': services('      environment:\n        __proto__: x\n        A: b\n') });
    expect(diagnostics).toEqual([]);
    const env = written.services!.spec.services![0]!.environment!;
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
    expect(Object.keys(env)).toEqual(['__proto__', 'A']);
    expect(Object.getOwnPropertyDescriptor(env, '__proto__')?.value).toBe('x');
  });
});
