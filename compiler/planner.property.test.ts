/**
 * Property tests of the planner over random desired/observed pairs, executed on the
 * in-memory engine of __fixtures__/fake-engine.ts (the one place a fake engine is allowed).
 *
 * The observed state A is itself made by planning a random "previous" model against an empty
 * system and applying it, then disturbing it (containers stopped, directories deleted, an
 * orphan container, an edited firewall, a stray host file, an unmanaged container, an
 * undeclared volume and network), so A is always a state the real system could be in.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { plan, desiredContainers, desiredNetworks, desiredVolumes, desiredHostFiles, desiredJobs, firewallSpecOf, sortSteps, topoServices, type PlanOptions } from './planner.js';
import { signPlan } from './sign.js';
import { compileFirewall } from './firewall.js';
import type { ResolvedModel, ResolvedService } from './model.js';
import { model as baseModel, service } from './__fixtures__/models.js';
import { applyFailingAt, applyPlan, cloneWorld, emptyWorld, normalize, observeWorld, type World } from './__fixtures__/fake-engine.js';
import { canonicalJson } from '../common/canonical.js';
import { hostFileDigest, scheduleHash } from '../plan/host-state.js';
import { keyIdOf, parseEnvelope, serializeEnvelope } from '../plan/envelope.js';
import { inspectPlan } from '../plan/inspect.js';
import { validatePlanPayload } from '../plan/schema.js';
import { inCanonicalOrder } from '../plan/canonical.js';
import type { PlanPayload, PlanStep } from '../plan/types.js';

const SVC = ['sa', 'sb', 'sc', 'sd', 'se'] as const;
const NETS = ['n1', 'n2', 'n3'] as const;
const VOLS = ['v1', 'v2', 'v3'] as const;
const IMAGES = ['img/x:1', 'img/y:2', 'img/z:3'] as const;
const SSH_KEYS = ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA1 u@a', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB2 u@b'];

const svcGene = fc.record({
  present: fc.boolean(),
  enabled: fc.constantFrom(true, true, true, false),
  state: fc.constantFrom('running', 'running', 'stopped') as fc.Arbitrary<'running' | 'stopped'>,
  replicas: fc.integer({ min: 0, max: 3 }),
  image: fc.constantFrom(...IMAGES),
  env: fc.constantFrom('1', '2'),
  secret: fc.boolean(),
  port: fc.boolean(),
  nets: fc.subarray([...NETS]),
  vols: fc.subarray([...VOLS]),
  deps: fc.subarray([...SVC]),
  health: fc.boolean(),
});

const modelGene = fc.record({
  services: fc.tuple(svcGene, svcGene, svcGene, svcGene, svcGene),
  nets: fc.tuple(...NETS.map(() => fc.record({ present: fc.boolean(), internal: fc.boolean(), subnet: fc.constantFrom(undefined, '10.90.0.0/24') }))),
  vols: fc.tuple(...VOLS.map(() => fc.record({ present: fc.boolean(), alt: fc.boolean(), perm: fc.constantFrom(undefined, '0700', '0750') }))),
  firewall: fc.constantFrom('none', 'disabled', 'open', 'strict'),
  hostname: fc.constantFrom(undefined, 'alpha', 'beta'),
  users: fc.integer({ min: 0, max: 2 }),
  sudo: fc.boolean(),
  jobs: fc.integer({ min: 0, max: 2 }),
  secretVersion: fc.constantFrom('AAAA', 'BBBB'),
});
type ModelGene = typeof modelGene extends fc.Arbitrary<infer T> ? T : never;

function toModel(g: ModelGene): ResolvedModel {
  const nets = NETS.filter((_, i) => g.nets[i]!.present);
  const vols = VOLS.map((v, i) => ({ name: v, gene: g.vols[i]! })).filter((v) => v.gene.present);
  const present = SVC.filter((_, i) => g.services[i]!.present);
  const services: ResolvedService[] = present.map((name) => {
    const s = g.services[SVC.indexOf(name)]!;
    return service(name, {
      image: s.image,
      resolvedImage: s.image,
      replicas: s.replicas,
      state: s.state,
      enabled: s.enabled,
      environment: { MODE: s.env, ...(s.secret ? { PASSWORD: '${secrets.pw}' } : {}) },
      secretRefs: s.secret ? ['pw'] : [],
      ports: s.port ? [{ host: 10000 + SVC.indexOf(name), container: 80, protocol: 'tcp' }] : [],
      networks: s.nets.filter((n) => nets.includes(n)).sort(),
      mounts: vols.filter((v) => s.vols.includes(v.name)).map((v) => ({ source: `/data/${v.name}${v.gene.alt ? '-alt' : ''}`, target: `/mnt/${v.name}`, readonly: false, volume: v.name })),
      dependsOn: s.deps.filter((d) => present.includes(d) && SVC.indexOf(d) < SVC.indexOf(name)).sort(),
      healthcheck: s.health ? { test: ['CMD', 'true'], intervalMs: 1000, timeoutMs: 1000, retries: 2, startPeriodMs: 0 } : null,
    });
  });
  const fw =
    g.firewall === 'none'
      ? null
      : {
          enabled: g.firewall !== 'disabled',
          defaultInputPolicy: g.firewall === 'strict' ? ('drop' as const) : ('accept' as const),
          defaultOutputPolicy: 'accept' as const,
          defaultForwardPolicy: 'accept' as const,
          rules: [
            { name: 'ssh', direction: 'input' as const, protocol: 'tcp' as const, port: 22, action: 'accept' as const },
            ...(g.firewall === 'strict' ? [{ name: 'web', direction: 'input' as const, protocol: 'tcp' as const, port: 10000, source: '10.0.0.0/8', action: 'accept' as const }] : []),
          ],
        };
  const users = ['alice', 'bob'].slice(0, g.users).map((name, i) => ({ name, uid: 1000 + i, ssh_keys: [SSH_KEYS[i]!], ...(g.sudo && i === 0 ? { sudo: true } : {}) }));
  const jobs = [
    { name: 'backup', schedule: '0 2 * * *', container: present[0], command: ['true'], mounts: [], timeoutMs: 60_000, enabled: true },
    { name: 'cleanup', schedule: '0 3 * * 0', image: 'img/job:1', command: ['true'], mounts: [], timeoutMs: 60_000, enabled: true },
  ].slice(0, g.jobs);
  return baseModel({
    files: { 'services.yaml': `# services ${present.join(',')}\n`, 'security.yaml': `secrets:\n  - name: pw\n    value: encrypted:v1:${g.secretVersion}\n` },
    networks: nets.map((n) => ({ name: n, driver: 'bridge' as const, internal: g.nets[NETS.indexOf(n)]!.internal, ...(g.nets[NETS.indexOf(n)]!.subnet ? { subnet: g.nets[NETS.indexOf(n)]!.subnet } : {}) })),
    volumes: vols.map((v) => ({ name: v.name, path: `/data/${v.name}${v.gene.alt ? '-alt' : ''}`, ...(v.gene.perm ? { permissions: v.gene.perm } : {}) })),
    services,
    firewall: fw,
    ...(g.hostname ? { hostname: g.hostname } : {}),
    users,
    secrets: [{ name: 'pw', value: `encrypted:v1:${g.secretVersion}` }],
    jobs: jobs.map((j) => ({ ...j, container: j.container })),
  });
}

const disturbGene = fc.record({
  stop: fc.subarray([...SVC]),
  rmdir: fc.subarray([...VOLS]),
  orphan: fc.boolean(),
  fwEdited: fc.boolean(),
  strayHostFile: fc.boolean(),
  unmanaged: fc.boolean(),
  oldVolume: fc.boolean(),
  oldNetwork: fc.boolean(),
});
type DisturbGene = typeof disturbGene extends fc.Arbitrary<infer T> ? T : never;

const NOW = new Date('2026-11-21T12:00:00Z');
function opts(over: Partial<PlanOptions> = {}): PlanOptions {
  return { request: 'property', now: NOW, nonce: 'ab'.repeat(16), hostId: 'host-test', provenance: { engine: 'user' }, compilerVersion: '0.0.0-test', ...over };
}

/** A reachable system state: the previous model applied to an empty system, then disturbed. */
function worldFrom(prev: ResolvedModel, d: DisturbGene): World {
  const w = emptyWorld();
  applyPlan(w, plan(prev, observeWorld(w), opts()));
  for (const [name, c] of w.containers) if (c.service && d.stop.includes(c.service as (typeof SVC)[number]) && c.status === 'running') c.status = 'exited';
  for (const v of d.rmdir) {
    const rec = w.volumes.get(v);
    if (rec) rec.exists = false;
  }
  if (d.orphan) w.containers.set('zz', { id: 'orphan', managed: true, service: 'zz', replica: 1, configHash: 'e'.repeat(64), image: 'img/old:0', status: 'running', ports: [], networks: [], labels: { 'claude.os/managed': 'true', 'claude.os/service': 'zz' } });
  if (d.fwEdited) w.firewall = { present: true, hash: 'f'.repeat(64) };
  if (d.strayHostFile) w.hostFiles.set('/etc/claude/stale', hostFileDigest('x', '0644'));
  if (d.unmanaged) w.containers.set('u1', { id: 'u1', managed: false, image: 'other:1', status: 'running', ports: [{ host: 20000, container: 80, protocol: 'tcp', hostIp: '0.0.0.0' }], networks: [], labels: {} });
  if (d.oldVolume) w.volumes.set('vold', { path: '/data/vold', exists: true, permissions: '0755' });
  if (d.oldNetwork) w.networks.set('nold', { managed: true, driver: 'bridge', internal: false, labels: { 'claude.os/managed': 'true' } });
  return w;
}

const pairs = fc.record({ prev: modelGene, next: modelGene, disturb: disturbGene, allowDestructive: fc.boolean() });

function closure(steps: readonly PlanStep[]): Map<string, Set<string>> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const memo = new Map<string, Set<string>>();
  const reach = (id: string): Set<string> => {
    const m = memo.get(id);
    if (m) return m;
    const out = new Set<string>();
    for (const d of byId.get(id)!.dependsOn) {
      out.add(d);
      for (const x of reach(d)) out.add(x);
    }
    memo.set(id, out);
    return out;
  };
  for (const s of steps) reach(s.id);
  return memo;
}

const RUNS = { numRuns: 150 };

// Property runs are CPU-bound: on a busy 2-core CI machine they take many times their quiet
// duration (measured up to 5x), so the budget is generous.
describe('planner properties (in-memory engine)', { timeout: 300_000 }, () => {
  it('(1) every step comes after what it depends on: networks/volumes/images before containers, dependencies before dependents, stops before removes', () => {
    fc.assert(
      fc.property(pairs, ({ prev, next, disturb, allowDestructive }) => {
        const D = toModel(next);
        const A = worldFrom(toModel(prev), disturb);
        const p = plan(D, observeWorld(A), opts({ allowDestructive }));
        expect(validatePlanPayload(p)).toEqual([]);
        // every key in canonical order, as the planner writes the steps it keeps as they are
        // (addInOrder): signing then needs no copy and no replacer
        expect(inCanonicalOrder(p)).toBe(true);
        const reach = closure(p.steps);
        const index = new Map(p.steps.map((s, i) => [s.id, i]));
        p.steps.forEach((s, i) => {
          for (const d of s.dependsOn) expect(index.get(d)!).toBeLessThan(i); // file order is topological
          if (i > 0) expect(p.steps[i - 1]!.phase).toBeLessThanOrEqual(s.phase); // phases in order
        });
        const has = (id: string) => index.has(id);
        for (const s of p.steps) {
          if (s.op !== 'container.create' && s.op !== 'container.replace') continue;
          const spec = s.op === 'container.create' ? s.params : s.params.spec;
          const deps = reach.get(s.id)!;
          for (const n of spec.networks) if (has(`network.create:${n.name}`)) expect(deps).toContain(`network.create:${n.name}`);
          const svc = D.services.find((x) => x.name === spec.service)!;
          for (const m of svc.mounts) if (has(`volume.create:${m.volume}`)) expect(deps).toContain(`volume.create:${m.volume}`);
          expect([...deps].some((d) => d.startsWith('image.ensure:'))).toBe(true);
          if (has(`container.stop:${spec.name}`)) expect(deps).toContain(`container.stop:${spec.name}`);
          // A create waits for what depends_on names only when it holds a secret; a replace always.
          const depStarts = p.steps.filter((t) => t.op === 'container.start' && svc.dependsOn.includes(desiredContainers(D).find((c) => c.name === t.params.name)?.service ?? ''));
          const gated = s.op === 'container.replace' || (spec.secretRefs ?? []).length > 0;
          for (const t of depStarts) expect(deps.has(t.id), `${s.id} ${gated ? 'waits' : 'does not wait'} for ${t.id}`).toBe(gated);
        }
        for (const s of p.steps) {
          if (s.op === 'container.remove' && has(`container.stop:${s.params.name}`)) expect(s.dependsOn).toContain(`container.stop:${s.params.name}`);
          if (s.op === 'container.start') {
            const svc = D.services.find((x) => x.name === desiredContainers(D).find((c) => c.name === s.params.name)!.service)!;
            for (const dep of svc.dependsOn) for (const t of p.steps) if (t.op === 'container.start' && desiredContainers(D).find((c) => c.name === t.params.name)?.service === dep) expect(reach.get(s.id)).toContain(t.id);
          }
          if ((s.op === 'network.remove' && s.phase === 7) || s.op === 'volume.remove') for (const t of p.steps) if (t.op === 'container.remove') expect(s.dependsOn).toContain(t.id);
        }
      }),
      RUNS,
    );
  });

  it('(2) applying the plan to A yields exactly the desired state B, and (3) planning B against B is empty', () => {
    fc.assert(
      fc.property(pairs, ({ prev, next, disturb, allowDestructive }) => {
        const D = toModel(next);
        const A = worldFrom(toModel(prev), disturb);
        const w = cloneWorld(A);
        applyPlan(w, plan(D, observeWorld(A), opts({ allowDestructive })));
        const specs = desiredContainers(D);
        const managed = [...w.containers.entries()].filter(([, c]) => c.managed);
        expect(managed.map(([n]) => n).sort()).toEqual(specs.map((c) => c.name).sort());
        for (const spec of specs) {
          const c = w.containers.get(spec.name)!;
          expect(c.configHash).toBe(spec.configHash);
          expect(c.status === 'running').toBe(spec.state === 'running');
        }
        expect([...w.containers.entries()].filter(([, c]) => !c.managed)).toEqual([...A.containers.entries()].filter(([, c]) => !c.managed));
        const nets = desiredNetworks(D);
        expect([...w.networks.entries()].filter(([, n]) => n.managed).map(([n]) => n).sort()).toEqual(nets.map((n) => n.name));
        for (const n of nets) {
          const have = w.networks.get(n.name)!;
          expect(have.internal).toBe(n.internal);
          if (n.subnet) expect(have.subnet).toBe(n.subnet);
        }
        const vols = desiredVolumes(D);
        for (const v of vols) {
          expect(w.volumes.get(v.name)).toMatchObject({ path: v.path, exists: true, ...(v.permissions ? { permissions: v.permissions } : {}) });
        }
        for (const [name, v] of A.volumes) if (!vols.some((x) => x.name === name)) expect(w.volumes.get(name)).toEqual(allowDestructive ? undefined : v);
        const fw = firewallSpecOf(D.firewall);
        expect(w.firewall).toEqual(fw.enabled === false ? { present: false, hash: null } : { present: true, hash: compileFirewall(fw).hash });
        const files = desiredHostFiles(D);
        expect(Object.fromEntries(w.hostFiles)).toEqual(Object.fromEntries([...files.system, ...files.security].map((f) => [f.path, hostFileDigest(f.content, f.mode)])));
        expect(w.schedule).toBe(scheduleHash(desiredJobs(D)));
        expect(w.held.size).toBe(0);
        // (3)
        const again = plan(D, observeWorld(w), opts({ allowDestructive }));
        expect(again.steps.map((s) => s.id)).toEqual([]);
        expect(again.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
      }),
      RUNS,
    );
  });

  it('(4) the payload is deterministic byte for byte, whatever the order of the observed lists', () => {
    fc.assert(
      fc.property(pairs, fc.integer(), ({ prev, next, disturb, allowDestructive }, seed) => {
        const D = toModel(next);
        const o = observeWorld(worldFrom(toModel(prev), disturb));
        const shuffled = structuredClone(o);
        const rnd = (n: number) => Math.abs((seed * 2654435761 + n * 40503) % 1000);
        for (const k of ['containers', 'networks', 'volumes', 'images'] as const) (shuffled[k] as unknown[]).sort((x, y) => rnd(JSON.stringify(x).length) - rnd(JSON.stringify(y).length));
        shuffled.containers.reverse();
        const a = canonicalJson(plan(D, o, opts({ allowDestructive })));
        const b = canonicalJson(plan(structuredClone(D), shuffled, opts({ allowDestructive })));
        expect(b).toBe(a);
      }),
      RUNS,
    );
  });

  it('(5) a failure at any step k, then rollback (inverses in reverse order, snapshot for the rest), restores A exactly', () => {
    fc.assert(
      fc.property(pairs, ({ prev, next, disturb, allowDestructive }) => {
        const D = toModel(next);
        const A = worldFrom(toModel(prev), disturb);
        const p = plan(D, observeWorld(A), opts({ allowDestructive }));
        for (let k = 0; k <= p.steps.length; k++) {
          const w = cloneWorld(A);
          applyFailingAt(w, p, k);
          expect(normalize(w)).toEqual(normalize(A));
        }
      }),
      { numRuns: 80 },
    );
  });

  it('(6) a canary secret value never appears in the envelope bytes', async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const { privateKey } = generateKeyPairSync('ed25519');
    await fc.assert(
      fc.asyncProperty(modelGene, fc.stringMatching(/^[A-Za-z0-9]{12,24}$/), async (g, canary) => {
        const e = new Encrypter();
        e.addRecipient(recipient);
        const ct = Buffer.from(await e.encrypt(`canary-${canary}`)).toString('base64');
        const D = toModel({ ...g, services: g.services.map((s) => ({ ...s, secret: true })) as ModelGene['services'] });
        D.secrets = [{ name: 'pw', value: `encrypted:v1:${ct}` }];
        D.files['security.yaml'] = `secrets:\n  - name: pw\n    value: encrypted:v1:${ct}\n`;
        const env = signPlan(plan(D, observeWorld(emptyWorld()), opts()), privateKey);
        const text = serializeEnvelope(env);
        const payload = Buffer.from(env.payload, 'base64').toString('utf8');
        for (const hay of [text, payload]) {
          expect(hay).not.toContain(`canary-${canary}`);
          expect(hay).not.toContain(Buffer.from(`canary-${canary}`).toString('base64').slice(0, 16));
        }
        if (D.services.some((s) => s.enabled && s.replicas > 0)) expect(payload).toContain('${secrets.pw}');
      }),
      { numRuns: 40 },
    );
  });

  it('(7) changing any byte of the envelope, the payloadType or a signature makes verify fail', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const trusted = [{ keyid: keyIdOf(publicKey), role: 'host' as const, name: 'h', publicKey }];
    const D = toModel(fc.sample(modelGene, { numRuns: 1, seed: 7 })[0]!);
    const payload: PlanPayload = plan(D, observeWorld(emptyWorld()), opts());
    const env = signPlan(payload, privateKey);
    const text = serializeEnvelope(env);
    const ok = (t: string) => inspectPlan(t, { trusted, now: NOW }).ok;
    expect(ok(text)).toBe(true);
    // every significant byte of plan.json (JSON whitespace between tokens carries no meaning)
    const significant = [...text].map((c, i) => ({ c, i })).filter(({ i }) => !isInsignificantWhitespace(text, i));
    fc.assert(
      fc.property(fc.constantFrom(...significant), fc.integer({ min: 1, max: 94 }), ({ c, i }, delta) => {
        const replacement = String.fromCharCode(((c.charCodeAt(0) - 32 + delta) % 95) + 32);
        expect(ok(text.slice(0, i) + replacement + text.slice(i + 1))).toBe(false);
      }),
      { numRuns: 400 },
    );
    // any byte of the decoded payload, re-encoded as valid base64
    const bytes = Buffer.from(env.payload, 'base64');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const b = Buffer.from(bytes);
        b[i] = b[i]! ^ x;
        expect(ok(serializeEnvelope({ ...env, payload: b.toString('base64') }))).toBe(false);
      }),
      { numRuns: 300 },
    );
    // the payloadType, and any byte of a signature
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (t) => {
        fc.pre(t !== env.payloadType);
        expect(ok(serializeEnvelope({ ...env, payloadType: t }))).toBe(false);
      }),
      { numRuns: 100 },
    );
    const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: sig.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const s = Buffer.from(sig);
        s[i] = s[i]! ^ x;
        expect(ok(serializeEnvelope({ ...env, signatures: [{ keyid: env.signatures[0]!.keyid, sig: s.toString('base64') }] }))).toBe(false);
      }),
      { numRuns: 200 },
    );
    expect(parseEnvelope(text).signatures).toHaveLength(1);
  });
});

/** Whitespace outside strings in JSON text. */
function isInsignificantWhitespace(text: string, i: number): boolean {
  if (!/\s/.test(text[i]!)) return false;
  let inString = false;
  for (let j = 0; j < i; j++) {
    if (text[j] === '\\' && inString) {
      j++;
      continue;
    }
    if (text[j] === '"') inString = !inString;
  }
  return !inString;
}

describe('sortSteps', () => {
  /** The order written out: one sort by (phase, depth among the same phase's dependencies, id). */
  function reference(steps: PlanStep[]): string[] {
    const byId = new Map(steps.map((s) => [s.id, s]));
    const depth = new Map<string, number>();
    const depthOf = (s: PlanStep): number => {
      const known = depth.get(s.id);
      if (known !== undefined) return known;
      let d = 0;
      for (const id of s.dependsOn) {
        const t = byId.get(id)!;
        if (t.phase === s.phase) d = Math.max(d, depthOf(t) + 1);
      }
      depth.set(s.id, d);
      return d;
    };
    return [...steps].sort((a, b) => a.phase - b.phase || depthOf(a) - depthOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((s) => s.id);
  }

  it('gives the one-sort order for random step graphs in any order they come', () => {
    const graph = fc
      .array(fc.record({ phase: fc.integer({ min: 1, max: 7 }), deps: fc.array(fc.nat(), { maxLength: 3 }), name: fc.string({ minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 40 })
      .chain((raw) => fc.tuple(fc.constant(raw), fc.shuffledSubarray(raw.map((_, i) => i), { minLength: raw.length, maxLength: raw.length })));
    fc.assert(
      fc.property(graph, ([raw, order]) => {
        // step i may depend on earlier steps of the same or an earlier phase (a DAG, as the planner makes)
        const steps: PlanStep[] = raw.map((r, i) => {
          const deps = i === 0 ? [] : r.deps.map((d) => d % i).filter((j) => raw[j]!.phase <= r.phase);
          return { id: `s${r.name}-${i}`, op: 'container.start', target: 'container/x', params: {}, dependsOn: [...new Set(deps.map((j) => `s${raw[j]!.name}-${j}`))], risk: 'safe', phase: r.phase, inverse: null, description: '' } as unknown as PlanStep;
        });
        const given = order.map((i) => steps[i]!);
        expect(sortSteps(given.map((s) => ({ ...s, dependsOn: [...s.dependsOn] }))).map((s) => s.id)).toEqual(reference(steps));
      }),
      { numRuns: 500 },
    );
  });
});

describe('topoServices', () => {
  /** Kahn's algorithm written out with names: every service whose dependencies are all out, by name, level after level. */
  function reference(services: { name: string; dependsOn: string[] }[]): string[] {
    const names = new Set(services.map((s) => s.name));
    const left = new Map(services.map((s) => [s.name, s.dependsOn.filter((d) => names.has(d))]));
    const out: string[] = [];
    const done = new Set<string>();
    while (left.size) {
      const level = [...left].filter(([, deps]) => deps.every((d) => done.has(d))).map(([n]) => n).sort();
      if (!level.length) throw new Error('cycle');
      for (const n of level) {
        out.push(n);
        left.delete(n);
      }
      for (const n of level) done.add(n);
    }
    return out;
  }

  it('orders random depends_on graphs as Kahn by levels, ties by name, whatever order the services come in', () => {
    const graph = fc
      .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 40 })
      .chain((names) => fc.tuple(fc.constant(names), fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: names.length, maxLength: names.length }), fc.shuffledSubarray(names.map((_, i) => i), { minLength: names.length, maxLength: names.length }), fc.boolean()));
    fc.assert(
      fc.property(graph, ([names, deps, order, unknown]) => {
        // service i depends on earlier ones (a DAG, as resolve leaves it), now and then twice or on a name nobody has
        const services = names.map((name, i) => ({ name, dependsOn: [...(i === 0 ? [] : deps[i]!.map((d) => names[d % i]!)), ...(unknown && i % 3 === 0 ? ['no-such-service'] : [])] }));
        const given = order.map((i) => services[i]!);
        expect(topoServices(given as unknown as ResolvedService[])).toEqual(reference(given));
      }),
      { numRuns: 500 },
    );
  });

  it('throws on a cycle', () => {
    const services = [
      { name: 'a', dependsOn: ['b'] },
      { name: 'b', dependsOn: ['a'] },
      { name: 'c', dependsOn: [] },
    ];
    expect(() => topoServices(services as unknown as ResolvedService[])).toThrow(/cycle/);
  });
});
