/**
 * JSON Schema validation of plan payloads and observed snapshots (ajv, draft 2020-12, with
 * formats), one compiled validator per process. Errors come back as sorted
 * "instancePath: message" lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { canonicalJson, sha256Hex } from '../common/canonical.js';
import { packageRoot } from '../common/paths.js';

const validators = new Map<string, ValidateFunction>();

/**
 * The ajv options of the plan validator. `discriminator`: `$defs.step` is a `oneOf` over the
 * step kinds with `discriminator: {propertyName: "op"}`, so each step is checked against
 * its own branch only (not against all fifteen): a 10,000-step plan validates several times
 * faster (docs/runtime.md). Part of the key of a compiled validator. scripts/gen-plan-validator.mjs
 * uses the same.
 */
export const PLAN_VALIDATOR_OPTIONS = Object.freeze({ allErrors: true, strict: false, discriminator: true, code: Object.freeze({ source: true }) });

/** The key of a compiled plan validator: the ajv version, the options and the schema text. */
export function planValidatorKey(ajvVersion: string, schemaText: string, options: object = PLAN_VALIDATOR_OPTIONS): string {
  return sha256Hex(`${ajvVersion}\0${canonicalJson(options)}\0${schemaText}`).slice(0, 24);
}

/** The key of the plan validator this installation would compile (installed ajv, schemas/plan.schema.json). */
export function currentPlanValidatorKey(): { key: string; schemaText: string } {
  const root = packageRoot();
  const require = createRequire(join(root, 'package.json'));
  const schemaText = readFileSync(join(root, 'schemas', 'plan.schema.json'), 'utf8');
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  return { key: planValidatorKey(ajvVersion, schemaText), schemaText };
}

let generatedLoader: (() => unknown) | undefined;

/**
 * Hands in how to load generated/plan-validator.cjs: the `plan` cold-start bundle loads it
 * from its part file with V8's code cache (scripts/cold-bundle.mjs), on first use only.
 */
export function usePlanValidatorPart(load: () => unknown): void {
  generatedLoader = load;
  validators.delete('plan.schema.json');
}

/**
 * generated/plan-validator.cjs (`npm run generate`: ajv standalone code of the plan schema,
 * so no process compiles it at start-up, ~0.3 s of CPU) when its KEY is `key`; else null
 * (stale or missing: the caller compiles).
 */
export function generatedPlanValidator(key: string): ValidateFunction | null {
  try {
    const fn = (generatedLoader ? generatedLoader() : createRequire(join(packageRoot(), 'package.json'))('./generated/plan-validator.cjs')) as ValidateFunction & { KEY?: string };
    return fn.KEY === key ? fn : null;
  } catch {
    return null;
  }
}

function validatorFor(file: string): ValidateFunction {
  const cached = validators.get(file);
  if (cached) return cached;
  if (file === 'plan.schema.json') {
    const gen = generatedPlanValidator(currentPlanValidatorKey().key);
    if (gen) {
      validators.set(file, gen);
      return gen;
    }
  }
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv/dist/2020.js').default;
  const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
  const ajv = new Ajv2020({ allErrors: true, strict: false, discriminator: true });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(join(packageRoot(), 'schemas', file), 'utf8')) as object;
  const v = ajv.compile(schema);
  validators.set(file, v);
  return v;
}

export function formatAjvErrors(errors: ErrorObject[] | null | undefined, limit = 20): string[] {
  const out = new Set<string>();
  for (const e of errors ?? []) {
    // oneOf over step kinds reports every branch; keep the messages that say something.
    // A `const` inside such a branch is noise too; a top-level one (schemaVersion) is not.
    if (e.keyword === 'oneOf' || e.keyword === 'if' || (e.keyword === 'const' && /\/(oneOf|anyOf|if|then|else)\//.test(e.schemaPath))) continue;
    out.add(ajvLine(e));
  }
  // Every error was branch noise: say the first of them rather than nothing.
  if (out.size === 0) for (const e of errors ?? []) if (e.keyword !== 'oneOf' && e.keyword !== 'if') out.add(ajvLine(e));
  const list = [...out].sort();
  return list.length ? list.slice(0, limit) : ['does not match the schema'];
}

function ajvLine(e: ErrorObject): string {
  const p = e.params as { additionalProperty?: string; unevaluatedProperty?: string; allowedValue?: unknown };
  const extra =
    e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties'
      ? `: '${p.additionalProperty ?? p.unevaluatedProperty}'`
      : e.keyword === 'const'
        ? ` ${JSON.stringify(p.allowedValue)}`
        : '';
  return `${e.instancePath || '/'}: ${e.message ?? e.keyword}${extra}`;
}

/** Loads the plan validator now (`claude plan` does while the host is observed), so that the first validatePlanPayload does not wait for it. */
export function preloadPlanValidator(): void {
  validatorFor('plan.schema.json');
}

/** Problems of a plan payload against schemas/plan.schema.json ([] when valid). */
export function validatePlanPayload(payload: unknown): string[] {
  const v = validatorFor('plan.schema.json');
  return v(payload) ? [] : formatAjvErrors(v.errors);
}

/** Problems of an observed snapshot against schemas/observed.schema.json ([] when valid). */
export function validateObservedState(observed: unknown): string[] {
  const v = validatorFor('observed.schema.json');
  return v(observed) ? [] : formatAjvErrors(v.errors);
}
