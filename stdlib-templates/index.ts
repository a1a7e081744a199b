/**
 * The standard library of service templates: one YAML file per template beside this module
 * (`nginx.yaml`, `postgres.yaml`, …). A template declares typed parameters with defaults
 * and a service fragment (a `services.yaml` service, plus the `storage.yaml` volumes it
 * mounts). `instantiate` checks the parameters and substitutes them into the parsed data
 * (never into YAML text, so a parameter value can never change the document's structure).
 *
 *   instantiate('postgres', { name: 'db', memory: '1Gi' }) → { service, volumes, … }
 *
 * The offline intent engine builds services from these; tests check every template, with
 * its defaults, against the schemas through the compiler.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../common/paths.js';
import type { Service } from '../generated/services.js';
import type { Volume } from '../generated/storage.js';

export type ParamType = 'name' | 'image' | 'port' | 'ip' | 'size' | 'secret' | 'int' | 'string';

export interface ParamSpec {
  type: ParamType;
  default?: string | number;
  required?: boolean;
  description?: string;
}

export interface Template {
  /** The template's name (its file name without `.yaml`). */
  template: string;
  summary: string;
  /** What the service is for: web, database, cache, monitoring, dashboards, app. */
  role: string;
  /**
   * The protocol its clients speak, when another template speaks it too (`mysql` for MariaDB
   * and MySQL): a client that only needs the protocol takes either.
   */
  wire?: string;
  parameters: Record<string, ParamSpec>;
  service: Record<string, unknown>;
  volumes?: Record<string, unknown>[];
}

export type TemplateParams = Record<string, string | number | undefined>;

export interface Instance {
  template: string;
  role: string;
  service: Service;
  volumes: Volume[];
  /** The parameter values used (defaults filled in). */
  params: Record<string, string | number>;
}

export class TemplateError extends Error {}

const CHECKS: Record<ParamType, (v: string | number) => boolean> = {
  name: (v) => typeof v === 'string' && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v),
  image: (v) => typeof v === 'string' && /^[a-z0-9][a-z0-9._\/:@-]{0,254}$/i.test(v) && !/\s/.test(v),
  port: (v) => Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 65535,
  ip: (v) => typeof v === 'string' && (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) || /^[0-9a-f:]+$/i.test(v)),
  size: (v) => /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/.test(String(v)),
  secret: (v) => typeof v === 'string' && /^[a-z][a-z0-9_]{0,62}$/.test(v),
  int: (v) => Number.isInteger(Number(v)),
  string: (v) => typeof v === 'string',
};

const HINTS: Record<ParamType, string> = {
  name: 'lowercase letters, digits and "-", e.g. web-1',
  image: 'an image reference such as nginx:alpine',
  port: 'a number from 1 to 65535',
  ip: 'an address such as 127.0.0.1',
  size: 'a size such as 512Mi or 2Gi',
  secret: 'a secret name: lowercase letters, digits and "_"',
  int: 'a whole number',
  string: 'text',
};

export function templatesDir(): string {
  return join(packageRoot(), 'stdlib-templates');
}

const cache = new Map<string, Template>();

/** The names of all templates, sorted. */
export function listTemplates(): string[] {
  return readdirSync(templatesDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function loadTemplate(name: string): Template {
  const hit = cache.get(name);
  if (hit) return hit;
  if (!/^[a-z0-9-]+$/.test(name) || !listTemplates().includes(name)) {
    throw new TemplateError(`no template named '${name}'; available: ${listTemplates().join(', ')}`);
  }
  const t = parseYaml(readFileSync(join(templatesDir(), name + '.yaml'), 'utf8')) as Template;
  if (t.template !== name) throw new TemplateError(`stdlib-templates/${name}.yaml: 'template' must be '${name}'`);
  cache.set(name, t);
  return t;
}

/**
 * Fills a template. Unknown parameters, missing required ones and values of the wrong
 * shape are errors that say which parameter and what is expected.
 */
export function instantiate(name: string, params: TemplateParams = {}): Instance {
  const t = loadTemplate(name);
  const values: Record<string, string | number> = {};
  for (const key of Object.keys(params)) {
    if (params[key] !== undefined && !(key in t.parameters)) {
      throw new TemplateError(`template ${name}: unknown parameter '${key}' (it takes ${Object.keys(t.parameters).sort().join(', ')})`);
    }
  }
  for (const [key, spec] of Object.entries(t.parameters)) {
    const v = params[key] ?? spec.default;
    if (v === undefined) {
      if (spec.required) throw new TemplateError(`template ${name}: parameter '${key}' is required (${HINTS[spec.type]})`);
      continue;
    }
    if (!CHECKS[spec.type](v)) throw new TemplateError(`template ${name}: parameter '${key}' is '${v}', expected ${HINTS[spec.type]}`);
    values[key] = spec.type === 'port' || spec.type === 'int' ? Number(v) : String(v);
  }
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = /^\{\{(\w+)\}\}$/.exec(node);
      if (whole) {
        const v = values[whole[1]!];
        if (v === undefined) throw new TemplateError(`template ${name}: '${node}' names no parameter with a value`);
        return v;
      }
      return node.replace(/\{\{(\w+)\}\}/g, (m, k: string) => {
        const v = values[k];
        if (v === undefined) throw new TemplateError(`template ${name}: '${m}' names no parameter with a value`);
        return String(v);
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = fill(v);
      return out;
    }
    return node;
  };
  return {
    template: name,
    role: t.role,
    service: fill(t.service) as Service,
    volumes: (fill(t.volumes ?? []) as Volume[]),
    params: values,
  };
}
