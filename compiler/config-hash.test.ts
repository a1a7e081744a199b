/**
 * containerConfigHashes writes the spec's canonical JSON once and hashes it twice, with the
 * limits and with `resources: {}` (compiler/planner.ts; docs/plans.md, "Fewer allocations while
 * planning"). The hashes are labels on running containers, so they must stay byte for byte what
 * the formula of the module comment gives: here that formula written out with the reference
 * canonicalizer (common/canonical.ts, the `canonicalize` library), over the planner's own specs
 * and random ones (keys out of order, integer-like or "__proto__" label keys, the hash labels
 * themselves, undefined values, no resources, empty parts before and after "resources").
 * desiredContainers hashes the specs it makes from one JSON text of what is hashed, the base hash
 * from the same text with the limits as `{}` (specHashes; docs/plans.md, "Plan and sign at 10,000
 * services"): its labels are checked against the formula on random services too.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { containerConfigHash, containerConfigHashes, desiredContainers } from './planner.js';
import { model, service, webStack } from './__fixtures__/models.js';
import { canonicalJson, sha256Hex } from '../common/canonical.js';
import { LABEL_BASE_HASH, LABEL_CONFIG_HASH, type ContainerSpec } from '../plan/types.js';

/** The module comment's formula, the slow way: every field but configHash and state, the hash labels dropped. */
function reference(spec: ContainerSpec, digests: Record<string, string>, resources?: object): string {
  const { configHash: _h, state: _s, ...rest } = spec;
  const labels = { ...rest.labels };
  delete labels[LABEL_CONFIG_HASH];
  delete labels[LABEL_BASE_HASH];
  const hashed: Record<string, unknown> = { ...rest, labels };
  if (resources) hashed.resources = resources;
  return sha256Hex(canonicalJson(JSON.parse(JSON.stringify({ secrets: digests, spec: hashed }))));
}

function expectSame(spec: ContainerSpec, digests: Record<string, string>): void {
  const both = containerConfigHashes(spec, digests);
  expect(both.configHash).toBe(reference(spec, digests));
  expect(both.baseHash).toBe(reference(spec, digests, {}));
  expect(containerConfigHash(spec, digests)).toBe(both.configHash);
}

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('0', '17', '__proto__', LABEL_CONFIG_HASH, LABEL_BASE_HASH, 'resources', 'a', 'z'));
const record = fc.dictionary(key, fc.string({ maxLength: 4 }), { maxKeys: 4 });

describe('containerConfigHashes: one canonical pass, the same bytes as the formula', () => {
  it('the planner\'s own specs, and the config-hash label it puts on each', () => {
    for (const spec of desiredContainers(webStack())) expectSame(spec, { db_password: 'ab'.repeat(32) });
    // no secrets: the labels' hashes are the formula's with no digests
    const specs = desiredContainers(model({ services: [service('web', { environment: { B: '2', A: '1' }, replicas: 2 }), service('db', { labels: { zz: '1', aa: '2' } })] }));
    expect(specs.length).toBe(3);
    for (const spec of specs) {
      expectSame(spec, {});
      expect(spec.labels[LABEL_CONFIG_HASH]).toBe(reference(spec, {}));
      expect(spec.labels[LABEL_BASE_HASH]).toBe(reference(spec, {}, {}));
    }
  });

  it('random specs: keys in and out of order, odd label keys, with and without the limits', () => {
    const [base] = desiredContainers(model({ services: [service('web', { environment: { A: '1' } })] }));
    fc.assert(
      fc.property(
        record,
        record,
        record,
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<'keep' | 'drop' | 'empty' | 'undefined'>('keep', 'drop', 'empty', 'undefined'),
        fc.boolean(),
        (labels, env, digests, shuffle, tailOnly, resources, undef) => {
          const spec = { ...base!, labels, env } as Record<string, unknown>;
          if (resources === 'drop') delete spec.resources;
          if (resources === 'empty') spec.resources = {};
          if (resources === 'undefined') spec.resources = undefined;
          if (undef) spec.user = undefined;
          if (tailOnly) for (const k of Object.keys(spec)) if (k < 'resources' && k !== 'labels') delete spec[k];
          const s = (shuffle ? Object.fromEntries(Object.entries(spec).reverse()) : spec) as unknown as ContainerSpec;
          expectSame(s, digests);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('desiredContainers\' own hashes of random services (odd label and variable names, a "resources" key anywhere, limits or none) are the formula\'s', () => {
    const text = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('"resources":{}', '}', '\\"', 'resources'));
    fc.assert(
      fc.property(
        record,
        record,
        fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
        fc.option(text, { nil: undefined }),
        fc.constantFrom<Record<string, number>>({}, { memoryBytes: 1 << 26 }, { nanoCpus: 5e8 }, { memoryBytes: 1 << 20, nanoCpus: 1e9 }),
        fc.option(fc.record({ keep: fc.integer({ min: 1, max: 9 }) }), { nil: undefined }),
        fc.integer({ min: 1, max: 3 }),
        (labels, environment, command, user, resources, logs, replicas) => {
          const svc = service('web', { labels, environment, resources, replicas, ...(command ? { command } : {}), ...(user !== undefined ? { user, workingDir: user } : {}), ...(logs ? { logs } : {}) });
          for (const spec of desiredContainers(model({ services: [svc] }))) {
            expect(spec.configHash).toBe(reference(spec, {}));
            expect(spec.labels[LABEL_CONFIG_HASH]).toBe(spec.configHash);
            expect(spec.labels[LABEL_BASE_HASH]).toBe(reference(spec, {}, {}));
            expectSame(spec, {});
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('what desiredContainers does not put in order itself is checked: integer-like secret names, ports and limits that are not finite numbers', () => {
    // secrets and variables under integer-like names (JavaScript lists '9' before '10', the canonical order is '10', '9'): the formula's hash
    const secrets = [
      { name: '9', value: 'encrypted:v1:AAAA' },
      { name: '10', value: 'encrypted:v1:BBBB' },
    ];
    const digests = { '9': sha256Hex('encrypted:v1:AAAA'), '10': sha256Hex('encrypted:v1:BBBB') };
    for (const over of [{ secretRefs: ['9', '10'] }, { secretRefs: ['9', '10'], environment: { '9': 'x', '12': 'y', A: 'z' } }, { labels: { '9': 'x', '12': 'y' } }]) {
      const [spec] = desiredContainers(model({ secrets, services: [service('web', over)] }));
      const d = over.secretRefs ? digests : {};
      expect(spec!.labels[LABEL_CONFIG_HASH]).toBe(reference(spec!, d));
      expect(spec!.labels[LABEL_BASE_HASH]).toBe(reference(spec!, d, {}));
    }
    // a number JSON cannot hold is refused, as the canonicalizer refuses it, not hashed as null
    expect(() => desiredContainers(model({ services: [service('web', { resources: { memoryBytes: Number.NaN } })] }))).toThrow(/not allowed/);
    expect(() => desiredContainers(model({ services: [service('web', { ports: [{ host: Number.POSITIVE_INFINITY, container: 80, protocol: 'tcp' }] })] }))).toThrow(/not allowed/);
  });

  it('a spec with nothing after "resources"', () => {
    const [c] = desiredContainers(model({ services: [service('web')] }));
    const spec = { ...c! } as Record<string, unknown>;
    for (const k of Object.keys(spec)) if (k > 'resources') delete spec[k];
    expectSame(spec as unknown as ContainerSpec, {});
  });
});
