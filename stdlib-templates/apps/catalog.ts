/**
 * The catalogue of well-known self-hosted apps (`stdlib-templates/apps/catalog.yaml`): for
 * each, the official image and tag, the ports it listens on, its data directories, the
 * environment it needs (passwords as generated secrets) and the data services it cannot run
 * without. The offline intent engine adds an app from here when a request names it and no
 * template covers it ("vaultwarden on 8222", "pihole please"); a template always wins.
 *
 * The file is schema-checked when it is loaded (a malformed entry is an error naming the
 * entry and the field); `instantiateApp` builds the services.yaml service and storage.yaml
 * volumes, and says which secrets must be generated. Product data: no I/O besides reading
 * the file, nothing here talks to Docker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../common/paths.js';
import type { Service } from '../../generated/services.js';
import type { Volume } from '../../generated/storage.js';

export interface AppPort {
  container: number;
  /** The default published port (the container port when not given). */
  host?: number;
  /** A word the request may use for this port ("console", "web", "dashboard"). */
  name?: string;
  /** Published on 127.0.0.1 only (databases, caches, queues). */
  local?: boolean;
}

export interface AppVolume {
  suffix: string;
  target: string;
  size: string;
}

/** The data services an app can be wired to. */
export type DataService = 'postgres' | 'mariadb' | 'redis';

export interface App {
  name: string;
  aliases: string[];
  /** A stdlib template covers it: the template wins. */
  template?: string;
  image?: string;
  role?: string;
  ports?: AppPort[];
  volumes?: AppVolume[];
  env?: Record<string, string>;
  /** Environment variable → secret suffix: the secret <name>_<suffix> is generated. */
  secrets?: Record<string, string>;
  command?: string;
  memory?: string;
  requires?: DataService[];
  uses?: Partial<Record<DataService, Record<string, string>>>;
  unsupported?: string;
  note?: string;
}

export interface AppCatalog {
  version: 1;
  apps: App[];
}

const NAME = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$';
const DATA = { enum: ['postgres', 'mariadb', 'redis'] };
const ENV = { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, additionalProperties: { type: 'string' } };

/** The schema of catalog.yaml. */
export const APP_CATALOG_SCHEMA = {
  type: 'object',
  required: ['version', 'apps'],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    apps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'aliases'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', pattern: NAME },
          aliases: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z0-9][a-z0-9 ._-]*[a-z0-9]$' } },
          template: { type: 'string', pattern: NAME },
          image: { type: 'string', pattern: '^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$' },
          role: { enum: ['app', 'web', 'database', 'cache', 'queue', 'storage', 'monitoring'] },
          ports: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['container'],
              additionalProperties: false,
              properties: {
                container: { type: 'integer', minimum: 1, maximum: 65535 },
                host: { type: 'integer', minimum: 1, maximum: 65535 },
                name: { type: 'string', pattern: '^[a-z]+$' },
                local: { type: 'boolean' },
              },
            },
          },
          volumes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['suffix', 'target', 'size'],
              additionalProperties: false,
              properties: {
                suffix: { type: 'string', pattern: '^[a-z]+$' },
                target: { type: 'string', pattern: '^/' },
                size: { type: 'string', pattern: '^[0-9]+(Mi|Gi|Ti)$' },
              },
            },
          },
          env: ENV,
          secrets: { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, additionalProperties: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,40}$' } },
          command: { type: 'string', minLength: 1 },
          memory: { type: 'string', pattern: '^[0-9]+(Mi|Gi)$' },
          requires: { type: 'array', items: DATA },
          uses: { type: 'object', propertyNames: DATA, additionalProperties: ENV },
          unsupported: { type: 'string', minLength: 10 },
          note: { type: 'string', minLength: 10 },
        },
        // An entry is a template's words, an app that is not run (and why), or an app with an image.
        oneOf: [{ required: ['template'] }, { required: ['unsupported', 'image'] }, { required: ['image', 'role', 'ports'], not: { anyOf: [{ required: ['template'] }, { required: ['unsupported'] }] } }],
      },
    },
  },
} as const;

export class AppCatalogError extends Error {}

export function appCatalogPath(): string {
  return join(packageRoot(), 'stdlib-templates', 'apps', 'catalog.yaml');
}

let cached: AppCatalog | undefined;

/**
 * Reads and checks catalog.yaml. A malformed file is an error that names the entry and the
 * field; names and aliases must be unique across entries.
 */
export function loadAppCatalog(path: string = appCatalogPath()): AppCatalog {
  if (cached && path === appCatalogPath()) return cached;
  const data = parseYaml(readFileSync(path, 'utf8')) as unknown;
  const require = createRequire(import.meta.url);
  const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv/dist/2020.js').default;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(APP_CATALOG_SCHEMA);
  if (!validate(data)) {
    const e = validate.errors![0]!;
    const at = /^\/apps\/(\d+)/.exec(e.instancePath);
    const entry = at ? (data as AppCatalog).apps[Number(at[1])] : undefined;
    throw new AppCatalogError(`${path}: ${entry ? `app ${JSON.stringify(entry.name)} ` : ''}${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`);
  }
  const catalog = data as AppCatalog;
  const seen = new Map<string, string>();
  for (const app of catalog.apps) {
    for (const word of new Set([app.name, ...app.aliases])) {
      const key = word.replace(/[\s_.-]+/g, '');
      const other = seen.get(key);
      if (other && other !== app.name) throw new AppCatalogError(`${path}: "${word}" names both ${other} and ${app.name}; an alias must name one app`);
      seen.set(key, app.name);
    }
  }
  if (path === appCatalogPath()) cached = catalog;
  return catalog;
}

/** An alias as a pattern: words joined by a space, "-", "_", "." or nothing ("pi hole", "pi-hole", "pihole"). */
function aliasPattern(alias: string): string {
  return alias
    .split(/[\s_.-]+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join(String.raw`[\s_.-]?`);
}

export interface AppMention {
  app: App;
  /** What the request said. */
  text: string;
  index: number;
}

let matcher: { app: App; re: RegExp }[] | undefined;
/** Every alias in one pattern: a text that names no app is read once, not once per alias. */
let anyApp: RegExp | undefined;

/** The catalogue apps a text names, in order (the longest alias wins where two overlap). */
export function findAppMentions(text: string): AppMention[] {
  matcher ??= loadAppCatalog()
    .apps.flatMap((app) => [...new Set([app.name, ...app.aliases])].map((a) => ({ app, alias: a })))
    .sort((a, b) => b.alias.length - a.alias.length)
    .map(({ app, alias }) => ({ app, re: new RegExp(String.raw`(?<![\w./:@-])${aliasPattern(alias)}(?![\w/:@]|-\w|\.\w)`, 'gi') }));
  anyApp ??= new RegExp(matcher.map((m) => `(?:${m.re.source})`).join('|'), 'i');
  if (!anyApp.test(text)) return [];
  const out: AppMention[] = [];
  const taken: [number, number][] = [];
  for (const { app, re } of matcher) {
    for (const m of text.matchAll(re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      // "home assistant …, name it hass", "a mongodb called mongo": the service's own name is no second app.
      if (/\b(?:called|named|name\s+it|call\s+it)\s+['"“‘`]?$/i.test(text.slice(Math.max(0, start - 24), start))) continue;
      taken.push([start, end]);
      out.push({ app, text: m[0], index: start });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

export interface AppInstance {
  service: Service;
  volumes: Volume[];
  /** Secrets to generate (name, what for). */
  secrets: { name: string; purpose: string }[];
}

export interface AppParams {
  /** The service name (default: the app's name). */
  name?: string;
  /** Published ports asked for: by port word ("console") or, with no word, the main port. */
  hostPorts?: { port: number; word?: string }[];
  memory?: string;
  /** The data services it is wired to (their service names and password references). */
  data?: Partial<Record<DataService, { service: string; password: string }>>;
}

/** The secret name for an app's variable: <service>_<suffix>, lowercase with "_". */
export function appSecretName(service: string, suffix: string): string {
  return `${service.replace(/-/g, '_')}_${suffix}`.slice(0, 63);
}

/** Builds the service and volumes of a catalogue app (not a template or unsupported one). */
export function instantiateApp(app: App, params: AppParams = {}): AppInstance {
  if (!app.image || !app.ports) throw new AppCatalogError(`app ${app.name} is ${app.template ? `the template ${app.template}` : 'not run by Claude.OS'}; it has no image of its own`);
  const name = params.name ?? app.name;
  const ports = app.ports.map((p) => ({ ...p, hostPort: p.host ?? p.container }));
  const unnamed: number[] = [];
  for (const asked of params.hostPorts ?? []) {
    const byWord = asked.word ? ports.find((p) => p.name === asked.word) : undefined;
    if (byWord) byWord.hostPort = asked.port;
    else unnamed.push(asked.port);
  }
  if (unnamed.length > 0) ports[0]!.hostPort = unnamed[0]!;
  const service: Service = {
    name,
    image: app.image,
    ports: ports.map((p) => ({ host: p.hostPort, container: p.container, ...(p.local ? { host_ip: '127.0.0.1' } : {}) })),
  };
  if (app.command) service.command = app.command;
  const volumes: Volume[] = (app.volumes ?? []).map((v) => ({ name: `${name}-${v.suffix}`, path: `/data/${name}${app.volumes!.length > 1 ? `/${v.suffix}` : ''}`, size: v.size }));
  if (volumes.length > 0) service.volumes = (app.volumes ?? []).map((v) => ({ source: `${name}-${v.suffix}`, target: v.target }));
  const env: Record<string, string> = { ...(app.env ?? {}) };
  const secrets: { name: string; purpose: string }[] = [];
  for (const [variable, suffix] of Object.entries(app.secrets ?? {})) {
    const secret = appSecretName(name, suffix);
    env[variable] = `\${secrets.${secret}}`;
    secrets.push({ name: secret, purpose: `${name} (${variable})` });
  }
  const deps: string[] = [];
  for (const [kind, vars] of Object.entries(app.uses ?? {}) as [DataService, Record<string, string>][]) {
    const d = params.data?.[kind];
    if (!d) continue;
    deps.push(d.service);
    for (const [k, v] of Object.entries(vars)) env[k] = v.replaceAll(`{{${kind}}}`, d.service).replaceAll(`{{${kind}_password}}`, d.password);
  }
  if (Object.keys(env).length > 0) service.environment = env;
  service.resources = { memory: params.memory ?? app.memory ?? '256Mi' };
  if (deps.length > 0) service.depends_on = deps;
  service.restart = 'unless-stopped';
  return { service, volumes, secrets };
}
