/**
 * The JSON Schema validators of the six state files, each loaded when first needed.
 *
 * Normally they come from `generated/validators/<schema>.cjs`, ajv standalone code written by
 * `npm run generate` (scripts/gen-validators.mjs), one file per schema: loading one costs a
 * few ms, where ajv's compile of the schemas costs ~150 ms, which matters for `claude
 * validate`'s cold start; and checking one edited file loads only its own schema's code. If
 * those files are missing (a checkout where `npm run generate` has not run), the schemas are
 * compiled with ajv here, with the same options.
 *
 * The schemas themselves are also loaded, one file at a time (they are small): check walks
 * them to type scalars the way the schema wants, and reads descriptions for messages.
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

let compiled: Record<StateSchemaName, ValidateFn> | undefined;
const made = new Map<StateSchemaName, ValidateFn>();
const schemas = new Map<string, JsonSchema | null>();

const require = createRequire(import.meta.url);
const SCHEMA_FILES = ['common', ...STATE_SCHEMA_NAMES].map((b) => `${b}.schema.json`);

/** One schema of `schemas/` by its file name (`services.schema.json`), read on first use; undefined for another name. */
export function loadSchema(file: string): JsonSchema | undefined {
  let s = schemas.get(file);
  if (s === undefined) {
    s = SCHEMA_FILES.includes(file) ? (JSON.parse(readFileSync(join(packageRoot(), 'schemas', file), 'utf8')) as JsonSchema) : null;
    schemas.set(file, s);
  }
  return s ?? undefined;
}

/** Every schema of `schemas/` by its file name (`services.schema.json`). */
export function loadSchemas(): Map<string, JsonSchema> {
  return new Map(SCHEMA_FILES.map((f) => [f, loadSchema(f)!]));
}

/** What generated/validators/<schema>.cjs exports: the factory of one standalone validator and the formats it needs. */
export type ValidatorFactory = ((f: Record<string, (s: string) => boolean>) => ValidateFn) & { FORMATS: string[] };

/** What the cold-start bundles (cli/cold.ts) hand in for one schema: its part file's exports. */
export interface BundledValidator {
  factory: ValidatorFactory;
  fullFormats: Record<string, unknown>;
}
let bundledLoader: ((name: StateSchemaName) => BundledValidator) | undefined;
let formats: Record<string, (s: string) => boolean> | undefined;

/**
 * The cold-start bundles (cli/cold.ts) load each schema's generated validator, with ajv-formats'
 * formats, from its own part file with its code cache, on first use only, and hand in how here.
 */
export function useBundledValidators(load: (name: StateSchemaName) => BundledValidator): void {
  bundledLoader = load;
  made.clear();
  formats = undefined;
  compiled = undefined;
}

/** Format validators by name: ours and ajv-formats' (date-time, email, uri), each a function. */
function formatFunctions(full: Record<string, unknown>): Record<string, (s: string) => boolean> {
  if (formats) return formats;
  const out: Record<string, (s: string) => boolean> = {};
  for (const [name, f] of Object.entries(full)) {
    if (typeof f === 'function') out[name] = f as (s: string) => boolean;
    else if (f instanceof RegExp) out[name] = (s) => f.test(s);
    else if (f && typeof f === 'object' && 'validate' in f) {
      const v = (f as { validate: unknown }).validate;
      out[name] = v instanceof RegExp ? (s) => v.test(s) : (v as (s: string) => boolean);
    }
  }
  return (formats = { ...out, ...CUSTOM_FORMATS });
}

const ajvFormats = (): Record<string, unknown> => (require('ajv-formats/dist/formats') as { fullFormats: Record<string, unknown> }).fullFormats;

/** The validator of one state file's schema, loaded on first use (generated/validators/<schema>.cjs, or its part file). */
export function getValidator(name: StateSchemaName): ValidateFn {
  const known = made.get(name) ?? compiled?.[name];
  if (known) return known;
  const file = join(packageRoot(), 'generated', 'validators', `${name}.cjs`);
  const bundled = bundledLoader?.(name);
  if (!bundled && !existsSync(file)) {
    compiled = compileValidators();
    return compiled[name];
  }
  const make = bundled?.factory ?? (require(file) as ValidatorFactory);
  const fmts = formatFunctions(bundled?.fullFormats ?? ajvFormats());
  const missing = make.FORMATS.filter((n) => !(n in fmts));
  if (missing.length) throw new Error(`claude-os: no validator for the schema format(s) ${missing.join(', ')}`);
  const v = make(fmts);
  made.set(name, v);
  return v;
}

/** The validator of each state file (all six loaded), or with forceCompile, the six compiled by ajv now. */
export function getValidators(opts: { forceCompile?: boolean } = {}): Record<StateSchemaName, ValidateFn> {
  if (opts.forceCompile) return compileValidators();
  return Object.fromEntries(STATE_SCHEMA_NAMES.map((n) => [n, getValidator(n)])) as Record<StateSchemaName, ValidateFn>;
}

function compileValidators(): Record<StateSchemaName, ValidateFn> {
  type AjvLike = {
    addFormat(name: string, f: (s: string) => boolean): void;
    addSchema(s: JsonSchema): void;
    getSchema(id: string): ValidateFn | undefined;
  };
  const Ajv2020 = (require('ajv/dist/2020') as { default: new (o: object) => AjvLike }).default;
  const ajv = new Ajv2020({ ...AJV_OPTIONS });
  for (const [name, f] of Object.entries(formatFunctions(ajvFormats()))) ajv.addFormat(name, f);
  for (const s of loadSchemas().values()) ajv.addSchema(s);
  const out = {} as Record<StateSchemaName, ValidateFn>;
  for (const name of STATE_SCHEMA_NAMES) {
    const v = ajv.getSchema(`https://claude-os.dev/schemas/${name}.schema.json`);
    if (!v) throw new Error(`claude-os: schema ${name} did not compile`);
    out[name] = v;
  }
  return out;
}
