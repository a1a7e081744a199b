import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ErrorObject } from 'ajv';
import { packageRoot } from '../common/paths.js';
import { PLAN_VALIDATOR_OPTIONS, currentPlanValidatorKey } from './schema.js';
import { plan } from '../compiler/planner.js';
import { webStack, emptyObserved } from '../compiler/__fixtures__/models.js';

const root = packageRoot();
const require = createRequire(join(root, 'package.json'));
const ajvUcs2length = (require('ajv/dist/runtime/ucs2length') as { default: (s: string) => number }).default;
type Validate = ((x: unknown) => boolean) & { errors?: ErrorObject[] | null; KEY?: string };
const planValidator = require('./generated/plan-validator.cjs') as Validate;

/** Whether the plan validator finds fault with `hostId` (minLength 1, maxLength 128, counted in code points). */
const hostIdRejected = (hostId: string): boolean => {
  planValidator({ hostId });
  return (planValidator.errors ?? []).some((e) => e.instancePath === '/hostId');
};

// Strings made of BMP letters, astral characters (a high+low pair), lone high and lone low
// surrogates, so that pairs, broken pairs and runs of surrogates all occur.
const unit = fc.constantFrom('a', 'é', '😀', '\uD83D', '\uDE00', '\uDBFF', '\uDC00');

describe('the generated validators count string lengths as ajv does, without its per-character loop', () => {
  it('require no ajv/dist/runtime/ucs2length (scripts/ucs2length.mjs: one regular expression instead)', () => {
    const dir = join(root, 'generated');
    const files = ['plan-validator.cjs', ...readdirSync(join(dir, 'validators')).map((f) => `validators/${f}`)];
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8').includes('ajv/dist/runtime/ucs2length'), f).toBe(false);
    // and the file is the one the runtime uses (its KEY is what it would compile)
    expect(planValidator.KEY).toBe(currentPlanValidatorKey().key);
  });

  it('the plan validator accepts a hostId exactly when ajv counts 1 to 128 characters in it', () => {
    // at the limits: 128 astral characters are 256 UTF-16 units and fit; 129 do not
    expect(hostIdRejected('😀'.repeat(128))).toBe(false);
    expect(hostIdRejected('😀'.repeat(129))).toBe(true);
    expect(hostIdRejected('\uD83D'.repeat(128))).toBe(false);
    expect(hostIdRejected('\uD83D'.repeat(129))).toBe(true);
    expect(hostIdRejected('')).toBe(true);
    fc.assert(
      fc.property(fc.array(unit, { minLength: 0, maxLength: 200 }), (units) => {
        const s = units.join('');
        const n = ajvUcs2length(s);
        expect(hostIdRejected(s)).toBe(n < 1 || n > 128);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the plan validator checks uniqueItems of a list of strings with a Map (scripts/unique-items.mjs)', () => {
  const Ajv2020 = (require('ajv/dist/2020') as { default: new (o: object) => { compile(s: unknown): Validate } }).default;
  const addFormats = (require('ajv-formats') as { default: (a: unknown) => void }).default;
  const ajv = new Ajv2020({ ...PLAN_VALIDATOR_OPTIONS, code: {} });
  addFormats(ajv);
  /** ajv's own code, compiled from the schema now: its index of the strings is a plain object */
  const reference = ajv.compile(JSON.parse(readFileSync(join(root, 'schemas', 'plan.schema.json'), 'utf8')));
  const p = plan(webStack(), emptyObserved(), { request: 'web stack', now: new Date('2026-11-21T12:00:00Z'), nonce: '7'.repeat(32), hostId: 'h1', provenance: { engine: 'user' }, compilerVersion: '0' });
  const withDeps = (i: number, deps: unknown[]) => ({ ...p, steps: p.steps.map((s, k) => (k === i ? { ...s, dependsOn: deps } : s)) });
  const verdict = (v: Validate, x: unknown) => (v(x) ? [] : (v.errors ?? []).map((e) => ({ path: e.instancePath, keyword: e.keyword, params: e.params })));

  it('holds no index object, and the plan as planned is valid', () => {
    const code = readFileSync(join(root, 'generated', 'plan-validator.cjs'), 'utf8');
    expect(code).not.toMatch(/const indices\d+ = \{\}/);
    expect(code).toMatch(/const indices\d+ = new Map\(\)/);
    expect(verdict(planValidator, p)).toEqual([]);
  });

  it('gives ajv\'s own verdict and errors (the same pair i, j) on random lists with repeats', () => {
    const ids = p.steps.map((s) => s.id);
    const item = fc.oneof(fc.constantFrom(...ids, 'constructor', 'toString', 'hasOwnProperty', 'x'), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.nat({ max: p.steps.length - 1 }), fc.array(item, { maxLength: 12 }), (i, deps) => {
        const x = withDeps(i, deps);
        expect(verdict(planValidator, x)).toEqual(verdict(reference, x));
      }),
      { numRuns: 400 },
    );
    // a repeat in a step's dependsOn: the pair found from the end, as ajv reports it
    const dup = verdict(planValidator, withDeps(0, ['a', 'b', 'a']));
    expect(dup).toContainEqual({ path: '/steps/0/dependsOn', keyword: 'uniqueItems', params: { i: 0, j: 2 } });
  });

  it('finds a repeated "__proto__", which the object index missed', () => {
    const x = withDeps(0, ['__proto__', '__proto__']);
    expect(verdict(planValidator, x)).toContainEqual({ path: '/steps/0/dependsOn', keyword: 'uniqueItems', params: { i: 0, j: 1 } });
    expect(verdict(reference, x)).toEqual([]); // ajv's own code: `indices["__proto__"] = 1` sets nothing
  });
});
