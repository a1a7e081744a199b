import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ErrorObject } from 'ajv';
import { packageRoot } from '../common/paths.js';
import { currentPlanValidatorKey } from './schema.js';

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
