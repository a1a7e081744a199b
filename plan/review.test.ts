/**
 * The plan review model (plan/review.ts): per resource the fields that change old → new,
 * named by the resource (never "configuration changed"), with the risk of its steps.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';
import { compareCodePoints } from '../common/order.js';
import fc from 'fast-check';
import { fieldChanges, planReview, stateChanges, stepIndex, touches } from './review.js';
import type { PlanPayload, PlanStep } from './types.js';

const services = (replicas: number, level: string, extra = '') => `apiVersion: claude.os/v1
kind: ServiceSet
metadata:
  name: web
spec:
  services:
    - name: web
      image: nginx:alpine
      replicas: ${replicas}
      environment:
        LOG_LEVEL: ${level}
        DB_PASSWORD: hunter2
      ports:
        - host: 8080
          container: 80
${extra}`;

const network = (rules: string) => `apiVersion: claude.os/v1
kind: NetworkConfig
metadata:
  name: network
spec:
  firewall:
    enabled: true
    default_input_policy: drop
    rules:
${rules}`;

function step(id: string, op: PlanStep['op'], target: string, risk: PlanStep['risk'], params: Record<string, unknown> = {}): PlanStep {
  return { id, op, target, risk, params, dependsOn: [], phase: 6, inverse: null, description: id } as unknown as PlanStep;
}

describe('plan review', () => {
  it('names the service and each changed field old → new; a scale shows replicas 1 → 3, an env change its variable', () => {
    const c = stateChanges({ 'services.yaml': services(1, 'info') }, { 'services.yaml': services(3, 'debug') });
    expect(c).toEqual([
      {
        kind: 'service',
        name: 'web',
        file: 'services.yaml',
        action: 'update',
        fields: [
          { field: 'environment.LOG_LEVEL', old: 'info', new: 'debug' },
          { field: 'replicas', old: '1', new: '3' },
        ],
      },
    ]);
  });

  it('new and removed entries, firewall rules by name, secret-looking plaintext hidden, comments and formatting ignored', () => {
    const old = { 'services.yaml': services(1, 'info'), 'network.yaml': network('      - name: ssh\n        port: 22\n        protocol: tcp\n') };
    const next = {
      'services.yaml': '# reformatted\n' + services(1, 'info').replace('DB_PASSWORD: hunter2', 'DB_PASSWORD: "hunter3"'),
      'network.yaml': network('      - name: web\n        port: 8080\n        protocol: tcp\n'),
    };
    const c = stateChanges(old, next);
    expect(c.map((r) => [r.kind, r.name, r.action])).toEqual([
      ['firewall rule', 'ssh', 'delete'],
      ['firewall rule', 'web', 'create'],
      ['service', 'web', 'update'],
    ]);
    expect(c[2]!.fields).toEqual([{ field: 'environment.DB_PASSWORD', old: '(hidden)', new: '(hidden)' }]);
    expect(c[1]!.fields).toContainEqual({ field: 'port', old: null, new: '8080' });
    expect(stateChanges(old, old)).toEqual([]);
  });

  it('secret references stay visible; lists of scalars read as lists, a command as a command line', () => {
    expect(fieldChanges({ env: { DB_PASSWORD: '${secrets.db}' }, command: ['a', 'b'], depends_on: ['x'] }, { env: { DB_PASSWORD: '${secrets.db2}' }, command: ['a', 'c d'], depends_on: ['x', 'y'] })).toEqual([
      { field: 'command', old: 'a b', new: 'a "c d"' },
      { field: 'depends_on', old: 'x', new: 'x, y' },
      { field: 'env.DB_PASSWORD', old: '${secrets.db}', new: '${secrets.db2}' },
    ]);
  });

  it('each resource gets the steps that carry it out and their highest risk; the exposure map and warnings come along', () => {
    const payload = {
      desired: { files: { 'services.yaml': services(2, 'info'), 'network.yaml': network('      - name: web\n        port: 8080\n') } },
      steps: [
        step('image.ensure:nginx', 'image.ensure', 'image/nginx', 'safe'),
        step('container.replace:web-1', 'container.replace', 'container/web-1', 'disruptive', { spec: { labels: { 'claude.os/service': 'web' } } }),
        step('container.create:web-2', 'container.create', 'container/web-2', 'safe', { labels: { 'claude.os/service': 'web' } }),
        step('firewall.apply:inet-claude', 'firewall.apply', 'firewall/inet-claude', 'security'),
        step('container.remove:old', 'container.remove', 'container/old', 'disruptive', { name: 'old' }),
      ],
      summary: { create: 1, update: 2, delete: 1 },
      display: { exposure: ['web 8080/tcp ← anywhere'], warnings: ['security: Load the firewall table'] },
    } as unknown as PlanPayload;
    const r = planReview(payload, { 'services.yaml': services(1, 'info') });
    const web = r.resources.find((x) => x.kind === 'service')!;
    expect(web).toMatchObject({ name: 'web', action: 'update', risk: 'disruptive', steps: ['container.replace:web-1', 'container.create:web-2'] });
    expect(web.fields).toEqual([{ field: 'replicas', old: '1', new: '2' }]);
    expect(r.resources.find((x) => x.kind === 'firewall rule')).toMatchObject({ name: 'web', action: 'create', risk: 'security' });
    expect(r.otherSteps).toEqual([{ id: 'container.remove:old', description: 'container.remove:old', risk: 'disruptive' }]);
    expect(r.exposure).toEqual(['web 8080/tcp ← anywhere']);
    expect(r.warnings).toEqual(['security: Load the firewall table']);
  });
});

describe('fieldChanges of a resource set on one side only', () => {
  // what fieldChanges did for every resource before session 33: both sides flattened into maps
  // (a path given twice keeps its first place and its last value), the union sorted
  type J = null | boolean | number | string | J[] | { [k: string]: J };
  const flatRef = (v: J, prefix: string, out: Map<string, J>): void => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0 && prefix) out.set(prefix, {});
      for (const k of keys) flatRef(v[k]!, prefix ? `${prefix}.${k}` : k, out);
    } else if (Array.isArray(v) && v.length > 0 && v.every((e) => e && typeof e === 'object' && !Array.isArray(e) && typeof (e as { name?: unknown }).name === 'string')) {
      for (const e of v as { [k: string]: J }[]) flatRef(e, `${prefix}[${String(e.name)}]`, out);
    } else out.set(prefix, v);
  };
  const reference = (oldV: J | undefined, newV: J | undefined) => {
    const a = new Map<string, J>();
    const b = new Map<string, J>();
    if (oldV !== undefined) flatRef(oldV, '', a);
    if (newV !== undefined) flatRef(newV, '', b);
    const fields = [...new Set([...a.keys(), ...b.keys()])].filter((f) => f !== 'name').sort();
    // the shown text is fieldChanges' own (compared through a two-sided call with nothing in common)
    return fields.map((f) => ({ field: f, o: a.get(f), n: b.get(f) }));
  };
  it('gives the fields, their order and their values of the two-map reference, paths given twice included (random values)', () => {
    const key = fc.constantFrom('a', 'b', 'a.b', 'b.a', 'name', 'x[y]', 'password', 'ports', 'volumes', 'command', 'Z', 'é', '');
    const json: fc.Arbitrary<J> = fc.letrec<{ v: J }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.constantFrom<J>(null, true, 1, 'v', '${secrets.x}', 'secret'),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.array(fc.record({ name: fc.constantFrom('y', 'a', 'a.b'), v: tie('v') }), { maxLength: 3 }) as fc.Arbitrary<J>,
        fc.dictionary(key, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(json, fc.boolean(), (v, created) => {
        const got = created ? fieldChanges(undefined, v) : fieldChanges(v, undefined);
        const want = reference(created ? undefined : v, created ? v : undefined);
        expect(got.map((f) => f.field)).toEqual(want.map((f) => f.field));
        for (let i = 0; i < got.length; i++) {
          const value = created ? want[i]!.n : want[i]!.o;
          // the shown value of that path's value, as the two-sided path shows it
          const shown = fieldChanges({ [want[i]!.field]: '\u0000' }, { [want[i]!.field]: value as J }).find((f) => f.field === want[i]!.field)?.new;
          expect(created ? got[i]!.old : got[i]!.new).toBeNull();
          if (!want[i]!.field.includes('.') && !want[i]!.field.includes('[') && want[i]!.field !== '') expect(created ? got[i]!.new : got[i]!.old).toBe(shown);
        }
      }),
      { numRuns: 2000 },
    );
    // a path given twice keeps the later value
    expect(fieldChanges(undefined, { a: { b: 1 }, 'a.b': 2 })).toEqual([{ field: 'a.b', old: null, new: '2' }]);
    expect(fieldChanges({ 'a.b': 2, a: { b: 1 } }, undefined)).toEqual([{ field: 'a.b', old: '1', new: null }]);
  });
});

describe('stepIndex', () => {
  it('gives each resource exactly the steps touches() matches, in plan order (random steps and resources)', () => {
    const name = fc.array(fc.constantFrom('a', 'b', 'web', 'db', '1', '2', ''), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('-'));
    const op = fc.constantFrom('container.create', 'container.start', 'container.stop', 'volume.create', 'network.create', 'firewall.apply', 'host.apply', 'schedule.apply', 'mount.apply', 'image.ensure');
    const target = fc.oneof(name.map((n) => `container/${n}`), name.map((n) => `volume/${n}`), name.map((n) => `network/${n}`), fc.constant('firewall/inet-claude'), name.map((n) => `mount/${n}`), fc.constant('host/files'), fc.constant('schedule/jobs'), name.map((n) => `image/${n}`));
    const params = fc.oneof(
      fc.constant({}),
      name.map((n) => ({ labels: { 'claude.os/service': n } })),
      name.map((n) => ({ spec: { labels: { 'claude.os/service': n } } })),
      fc.constant({ labels: { other: 'x' } }),
    );
    const stepArb = fc.tuple(op, target, params, fc.constantFrom('safe', 'disruptive', 'security', 'destructive') as fc.Arbitrary<PlanStep['risk']>);
    const kind = fc.constantFrom('service', 'firewall rule', 'user', 'group', 'SSH key', 'job', 'volume', 'network', 'settings', 'secret', 'certificate');
    const resource = fc.record({ kind, name: fc.oneof(name, fc.constantFrom('storage', 'network', 'manifest', 'security', 'services')) });
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), fc.array(resource, { minLength: 1, maxLength: 20 }), (specs, resources) => {
        const steps = specs.map(([o, t, p, r], i) => step(`s${i}`, o as PlanStep['op'], t, r, p));
        const stepsOf = stepIndex(steps);
        for (const r of resources) expect(stepsOf(r).map((x) => x.id)).toEqual(steps.filter((x) => touches(x, r)).map((x) => x.id));
      }),
      { numRuns: 400 },
    );
  });
});

describe('the review reuses the compiler’s parse of the same text', () => {
  it('gives the same changes from the compiler’s values as from a parse of its own, and parses nothing for unchanged files', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { packageRoot } = await import('../common/paths.js');
    const { compileFiles } = await import('../compiler/compile.js');
    const { parsedValueOf } = await import('../common/yaml.js');
    const dir = join(packageRoot(), 'fixtures', 'states', 'spec-example');
    const files = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    const old = { 'services.yaml': services(1, 'info') };
    const own = stateChanges(old, files); // nothing parsed these texts yet: the review parses them itself
    expect(parsedValueOf(files['services.yaml']!)).toBeUndefined();
    const compiled = compileFiles(files);
    expect(compiled.model).toBeDefined();
    const value = parsedValueOf(files['services.yaml']!);
    expect(value).toBeDefined();
    expect(stateChanges(old, files)).toEqual(own);
    // the cached value is what the review reads: a changed copy shows in the review
    ((value as { spec: { services: { image: string }[] } }).spec.services[0]!).image = 'changed:1';
    expect(JSON.stringify(stateChanges(old, files))).toContain('changed:1');
    // the same text on both sides: no entity is looked at
    expect(stateChanges(files, files)).toEqual([]);
  });
});

describe('the order of the changes', () => {
  it('is by code point, the same under LANG=C, tr_TR, de_DE, da_DK and lt_LT (a collator orders them differently there)', () => {
    const names = ['ya', 'ja', 'aab', 'zz', 'ia', 'ch', 'hz', 'Ia', 'ıb', 'äa', 'b-1', 'b1'];
    const files = {
      'services.yaml': `spec:\n  services:\n${names.map((n) => `    - name: "${n}"\n      image: x\n`).join('')}`,
      'network.yaml': 'spec:\n  hostname: h\n',
    };
    // plan/review.ts as it is now (bundled from the source), not dist/, which may be an older
    // build; in a temp dir under node_modules/.cache, where its npm imports and the package root resolve
    mkdirSync(join(packageRoot(), 'node_modules', '.cache'), { recursive: true });
    const tmp = mkdtempSync(join(packageRoot(), 'node_modules', '.cache', 'claude-review-locale-'));
    const bundled = join(tmp, 'review.mjs');
    buildSync({ entryPoints: [join(packageRoot(), 'plan', 'review.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundled, logLevel: 'error' });
    const review = pathToFileURL(bundled).href;
    const script = `import(${JSON.stringify(review)}).then((m) => {
      const files = ${JSON.stringify(files)};
      const collated = [...${JSON.stringify(names)}].sort(new Intl.Collator().compare);
      console.log(JSON.stringify({ review: m.stateChanges({}, files).map((c) => c.file + ' ' + c.name), collated }));
    })`;
    let runs: { review: string[]; collated: string[] }[];
    try {
      runs = ['C', 'tr_TR.UTF-8', 'de_DE.UTF-8', 'da_DK.UTF-8', 'lt_LT.UTF-8'].map((lang) => {
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, LANG: lang, LC_ALL: lang } });
        expect(r.status, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as { review: string[]; collated: string[] };
      });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const want = [...names.map((n) => `services.yaml ${n}`).sort(compareCodePoints), 'network.yaml network'].sort((a, b) => Number(a.endsWith(' network')) - Number(b.endsWith(' network')) || compareCodePoints(a, b));
    for (const r of runs) expect(r.review).toStrictEqual(want);
    // the locales do order these names differently with a collator (the test would see a locale order)
    expect(new Set(runs.map((r) => JSON.stringify(r.collated))).size).toBeGreaterThan(1);
  });
});
