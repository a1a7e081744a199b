/**
 * The JSON Schema validators of the six state files, loaded once per process.
 *
 * Normally they come from `generated/validators.cjs`, ajv standalone code written by
 * `npm run generate` (scripts/gen-validators.mjs): loading it costs a few ms, where ajv's
 * compile of the schemas costs ~150 ms, which matters for `claude validate`'s cold start.
 * If that file is missing (a checkout where `npm run generate` has not run), the schemas are
 * compiled with ajv here, with the same options.
 *
 * The schemas themselves are also loaded (they are small): check walks them to type
 * scalars the way the schema wants, and reads descriptions for messages.
 */
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { CUSTOM_FORMATS } from './formats.js';

export type StateSchemaName = 'manifest' | 'services' | 'network' | 'storage' | 'security' | 'scheduled';
export const STATE_SCHEMA_NAMES: readonly StateSchemaName[] = ['manifest', 'services', 'network', 'storage', 'security', 'scheduled'];

/** The subset of ajv's ErrorObject that check reads (`verbose: true` adds schema/parentSchema/data). */
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  propertyName?: string;
  schema?: unknown;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

export interface ValidateFn {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** The ajv options; scripts/gen-validators.mjs uses the same ones. */
export const AJV_OPTIONS = { allErrors: true, strict: true, strictRequired: false, verbose: true } as const;

export type JsonSchema = Record<string, unknown>;

let validators: Record<StateSchemaName, ValidateFn> | undefined;
let schemas: Map<string, JsonSchema> | undefined;

const require = createRequire(import.meta.url);

/** Every schema of `schemas/` by its file name (`services.schema.json`). */
export function loadSchemas(): Map<string, JsonSchema> {
  if (schemas) return schemas;
  const dir = join(packageRoot(), 'schemas');
  schemas = new Map();
  for (const base of ['common', ...STATE_SCHEMA_NAMES]) {
    const file = `${base}.schema.json`;
    schemas.set(file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonSchema);
  }
  return schemas;
}

/** What generated/validators.cjs exports: the factory of the standalone validators. */
export type ValidatorFactory = ((f: Record<string, (s: string) => boolean>) => Record<StateSchemaName, ValidateFn>) & { FORMATS: string[] };

/** What the cold-start bundles (cli/cold.ts) hand in. */
export interface BundledValidators {
  factory: ValidatorFactory;
  fullFormats: Record<string, unknown>;
}
let bundledLoader: (() => BundledValidators) | undefined;
let bundledParts: BundledValidators | undefined;
const bundledValidators = (): BundledValidators | undefined => (bundledParts ??= bundledLoader?.());

/**
 * The cold-start bundles (cli/cold.ts) load generated/validators.cjs and ajv-formats' formats
 * from their own part file with its code cache, on first use only, and hand in how here.
 */
export function useBundledValidators(load: () => BundledValidators): void {
  bundledLoader = load;
  bundledParts = undefined;
  validators = undefined;
}

/** Format validators by name: ours and ajv-formats' (date-time, email, uri), each a function. */
function formatFunctions(): Record<string, (s: string) => boolean> {
  const full = bundledValidators()?.fullFormats ?? (require('ajv-formats/dist/formats') as { fullFormats: Record<string, unknown> }).fullFormats;
  const out: Record<string, (s: string) => boolean> = {};
  for (const [name, f] of Object.entries(full)) {
    if (typeof f === 'function') out[name] = f as (s: string) => boolean;
    else if (f instanceof RegExp) out[name] = (s) => f.test(s);
    else if (f && typeof f === 'object' && 'validate' in f) {
      const v = (f as { validate: unknown }).validate;
      out[name] = v instanceof RegExp ? (s) => v.test(s) : (v as (s: string) => boolean);
    }
  }
  return { ...out, ...CUSTOM_FORMATS };
}

/** The validator of each state file, loaded on first use. */
export function getValidators(opts: { forceCompile?: boolean } = {}): Record<StateSchemaName, ValidateFn> {
  if (validators && !opts.forceCompile) return validators;
  const file = join(packageRoot(), 'generated', 'validators.cjs');
  const bundled = opts.forceCompile ? undefined : bundledValidators();
  if (!opts.forceCompile && (bundled || existsSync(file))) {
    const make = bundled?.factory ?? (require(file) as ValidatorFactory);
    const fmts = formatFunctions();
    const missing = make.FORMATS.filter((n) => !(n in fmts));
    if (missing.length) throw new Error(`claude-os: no validator for the schema format(s) ${missing.join(', ')}`);
    validators = make(fmts);
    return validators;
  }
  const compiled = compileValidators();
  if (!opts.forceCompile) validators = compiled;
  return compiled;
}

function compileValidators(): Record<StateSchemaName, ValidateFn> {
  type AjvLike = {
    addFormat(name: string, f: (s: string) => boolean): void;
    addSchema(s: JsonSchema): void;
    getSchema(id: string): ValidateFn | undefined;
  };
  const Ajv2020 = (require('ajv/dist/2020') as { default: new (o: object) => AjvLike }).default;
  const ajv = new Ajv2020({ ...AJV_OPTIONS });
  for (const [name, f] of Object.entries(formatFunctions())) ajv.addFormat(name, f);
  for (const s of loadSchemas().values()) ajv.addSchema(s);
  const out = {} as Record<StateSchemaName, ValidateFn>;
  for (const name of STATE_SCHEMA_NAMES) {
    const v = ajv.getSchema(`https://claude-os.dev/schemas/${name}.schema.json`);
    if (!v) throw new Error(`claude-os: schema ${name} did not compile`);
    out[name] = v;
  }
  return out;
}
