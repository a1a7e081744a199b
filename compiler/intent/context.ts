/**
 * Context assembly: what a provider sends to a model, in the spec's six sections.
 *
 *   system message   1. system prompt (compiler/intent/system-prompt.md)
 *                    2. the six state file schemas, as a compact outline
 *   user message     3. the state summary (observed; fenced as untrusted data)
 *                    4. the relevant state files (secret values removed; fenced as data)
 *                    5. a sliding window of the conversation (fenced as data)
 *                    6. the user's message (and, on a repair, the problems to fix)
 *
 * Budget: about 10,000 tokens, estimated at 4 characters a token. When over, the oldest
 * conversation turns go first, then the least relevant files (each replaced by a one-line
 * note), then log lines, then events. Sections 1, 2 and 6 are never trimmed.
 *
 * Never in the context: secret values (security.yaml `value:` is removed, any
 * `encrypted:v1:…` string and plaintext-looking environment values are masked). Text that
 * comes from the machine or from files (log lines, container names, events, file
 * contents, earlier turns) is wrapped in <untrusted-data source="…"> … </untrusted-data>,
 * and a closing tag inside it is neutralised, so it reads as data, never as instructions.
 */
import { hostPortText } from '../../common/host-port.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { packageRoot } from '../../common/paths.js';
import { STATE_FILE_NAMES, type StateFileName } from '../model.js';
import type { ConversationTurn, IntentContext, StateFiles, StateSummary } from './provider.js';

export const DEFAULT_TOKEN_BUDGET = 10_000;
/** What a masked value is replaced with; `validate-proposal` puts the real value back. */
export const REDACTED = '<redacted>';

export type SectionId = 'system' | 'schemas' | 'summary' | 'files' | 'history' | 'message';

export interface ContextSection {
  id: SectionId;
  title: string;
  text: string;
  tokens: number;
}

export interface AssembledContext {
  /** The system message: sections 1 and 2. */
  system: string;
  /** The user message: sections 3 to 6. */
  user: string;
  sections: ContextSection[];
  tokens: number;
  budget: number;
  /** What was left out to fit the budget, in words. */
  trimmed: string[];
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

// ── untrusted data ─────────────────────────────────────────────────────────

/**
 * Wraps text as data. Tags that could end (or fake) the fence are broken up with a
 * zero-width-free escape (`<\/untrusted-data`), so the fence always ends where we end it.
 */
export function fenceUntrusted(source: string, text: string): string {
  const src = source.replace(/[^A-Za-z0-9:._\/-]/g, '_').slice(0, 80);
  return `<untrusted-data source="${src}">\n${neutralise(text)}\n</untrusted-data>`;
}

export function neutralise(text: string): string {
  // Any "<"-like character (ASCII, fullwidth, small, angle quotes) followed — after spaces,
  // zero-width characters and a "/"-like character — by something that reads "untrusted"
  // once folded (NFKC, lower case) gets a backslash after it, so no variant a model might
  // take for our closing tag (`< /untrusted-data>`, `＜／untrusted-data＞`, `<\u200b/untrusted`)
  // survives. Folding happens on a short window only, so offsets never drift.
  return text.replace(FENCE_OPEN_LIKE, (bracket: string, offset: number, whole: string) => {
    const window = whole.slice(offset + bracket.length, offset + bracket.length + 48).normalize('NFKC').toLowerCase();
    const rest = window.replace(FENCE_FILLER, '');
    return rest.startsWith('untrusted') ? '<\\' : bracket;
  });
}

const FENCE_OPEN_LIKE = /[<\uFF1C\uFE64\u2039\u3008\u27E8\u2329]/g;
const FENCE_FILLER = /[\s\/\u2044\u2215\uFF0F\u200B-\u200F\u2060-\u2064\uFEFF\u00AD\u034F\u180E]/g;

// ── secrets ────────────────────────────────────────────────────────────────

/**
 * A value typed after "password", "secret", "token" or "api key" in free text is masked:
 * "the db password is hunter2" → "the db password is <redacted>". Used on the message and
 * the conversation before they go into a context, and on what the history stores.
 */
export function maskTypedSecrets(text: string): string {
  return text.replace(
    /\b((?:pass(?:word|phrase)?|secret|token|api[_ -]?key|private[_ -]?key|credentials?)\s*(?:is|=|:|to|of|as)\s*)(['"“‘`]?)([^\s'"”’`]{3,})\2/gi,
    (m, lead: string, q: string, value: string) => (/^(the|a|an|for|set|from|secret|secrets|claude|\$\{secrets\.)/i.test(value) ? m : `${lead}${q}${REDACTED}${q}`),
  );
}

const SECRETISH_KEY = /pass(word)?|secret|token|api_?key|private_?key|credential/i;

/**
 * A state file with every secret value removed: security.yaml secrets keep only their
 * names, `encrypted:v1:…` strings anywhere become <redacted>, and environment values whose
 * name looks secret (PASSWORD, TOKEN, …) and that are not ${secrets.…} references too.
 */
export function redactFile(name: StateFileName, text: string): string {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    // Unparseable: mask line by line rather than risk sending a value.
    return text
      .split('\n')
      .map((l) => (/^\s*-?\s*value\s*:/.test(l) || /encrypted:v1:/.test(l) ? l.replace(/(:\s*).*$/, `$1${REDACTED}`) : l))
      .join('\n');
  }
  if (name === 'security.yaml') {
    const secrets = doc.getIn(['spec', 'secrets'], true);
    if (isSeq(secrets)) for (const item of secrets.items) if (isMap(item)) item.delete('value');
  }
  visit(doc, {
    Scalar(_k, node) {
      if (typeof node.value === 'string' && /encrypted:v1:/.test(node.value)) node.value = REDACTED;
    },
    Pair(_k, pair, path) {
      const parent = path[path.length - 2];
      const inEnv = parent && typeof parent === 'object' && 'key' in parent && isScalar((parent as { key: unknown }).key) && ((parent as { key: { value: unknown } }).key.value === 'environment');
      if (!inEnv || !isScalar(pair.key) || !isScalar(pair.value)) return;
      const v = pair.value.value;
      if (typeof v === 'string' && SECRETISH_KEY.test(String(pair.key.value)) && !/^\$\{secrets\.[a-z][a-z0-9_]*\}$/.test(v) && v !== '' && v !== 'trust') {
        pair.value.value = REDACTED;
      }
    },
  });
  return doc.toString({ lineWidth: 0 });
}

// ── schemas, compact ───────────────────────────────────────────────────────

type Schema = Record<string, unknown>;
let compactCache: string | undefined;

const FILE_SCHEMAS: [StateFileName, string][] = [
  ['manifest.yaml', 'manifest.schema.json'],
  ['services.yaml', 'services.schema.json'],
  ['network.yaml', 'network.schema.json'],
  ['storage.yaml', 'storage.schema.json'],
  ['security.yaml', 'security.schema.json'],
  ['scheduled.yaml', 'scheduled.schema.json'],
];

/** The six schemas as an indented outline: `*` marks required keys; types from common.schema.json are named. */
export function compactSchemas(): string {
  if (compactCache) return compactCache;
  const dir = join(packageRoot(), 'schemas');
  const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Schema;
  const schemas = new Map<string, Schema>();
  for (const f of ['common.schema.json', ...FILE_SCHEMAS.map(([, s]) => s)]) schemas.set(f, load(f));
  const common = schemas.get('common.schema.json')!.$defs as Record<string, Schema>;
  const lines: string[] = ['Types used below (from common.schema.json):'];
  for (const [k, v] of Object.entries(common)) {
    if (k === 'metadata' || k === 'apiVersion') continue;
    lines.push(`  ${k}: ${short(String(v.description ?? ''), 110)}`);
  }
  lines.push('Every file: apiVersion*: "claude.os/v1", kind*, metadata*: {name*: name, description, labels}, spec*. Unknown keys are errors.');
  for (const [file, sf] of FILE_SCHEMAS) {
    const s = schemas.get(sf)!;
    const spec = (s.properties as Record<string, Schema>).spec!;
    const kind = ((s.properties as Record<string, Schema>).kind as Schema).const;
    lines.push('', `${file} (kind: ${String(kind)}) — ${short(String(s.description ?? ''), 140)}`);
    render(spec, 1, sf, schemas, lines, new Set());
  }
  compactCache = lines.join('\n');
  return compactCache;
}

function short(s: string, n: number): string {
  const first = s.split(/(?<=\.)\s(?=[A-Z])/)[0] ?? s;
  return first.length > n ? first.slice(0, n - 1) + '…' : first;
}

function deref(ref: string, file: string, schemas: Map<string, Schema>): { schema: Schema; file: string; name?: string } {
  const [f, pointer] = ref.split('#');
  const target = f ? f : file;
  const root = schemas.get(target)!;
  let node: unknown = root;
  for (const p of (pointer ?? '').split('/').filter(Boolean)) node = (node as Record<string, unknown>)[p];
  const name = target === 'common.schema.json' ? (pointer ?? '').split('/').pop() : undefined;
  return { schema: node as Schema, file: target, ...(name ? { name } : {}) };
}

function typeName(s: Schema, file: string, schemas: Map<string, Schema>): string | undefined {
  if (typeof s.$ref === 'string') {
    const d = deref(s.$ref, file, schemas);
    if (d.name) return d.name;
    return undefined;
  }
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((e) => JSON.stringify(e)).join('|');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.oneOf)) {
    const parts = (s.oneOf as Schema[]).map((o) => typeName(o, file, schemas) ?? (o.type === 'array' ? `list of ${typeName(o.items as Schema, file, schemas) ?? 'object'}` : String(o.type ?? 'object')));
    return parts.join(' or ');
  }
  if (s.type === 'array' && s.items) {
    const inner = typeName(s.items as Schema, file, schemas);
    return inner ? `list of ${inner}` : undefined;
  }
  if (s.type === 'object' && !s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') {
    return `map of ${typeName(s.additionalProperties as Schema, file, schemas) ?? 'string'}`;
  }
  if (s.type === 'object' && !s.properties) return 'map';
  if (typeof s.type === 'string' && s.type !== 'object' && s.type !== 'array') return s.type + (s.pattern ? '' : '');
  return undefined;
}

function render(s: Schema, depth: number, file: string, schemas: Map<string, Schema>, lines: string[], seen: Set<string>): void {
  if (typeof s.$ref === 'string') {
    const d = deref(s.$ref, file, schemas);
    if (seen.has(s.$ref)) return;
    render(d.schema, depth, d.file, schemas, lines, new Set([...seen, s.$ref]));
    return;
  }
  const props = s.properties as Record<string, Schema> | undefined;
  if (!props) return;
  const req = new Set((s.required as string[] | undefined) ?? []);
  const pad = '  '.repeat(depth);
  for (const [key, sub] of Object.entries(props)) {
    let node = sub;
    let f = file;
    if (typeof node.$ref === 'string' && !deref(node.$ref, f, schemas).name) {
      const d = deref(node.$ref, f, schemas);
      node = d.schema;
      f = d.file;
    }
    const t = typeName(node, f, schemas);
    const def = node.default !== undefined ? ` (default ${JSON.stringify(node.default)})` : '';
    const desc = node.description ? `  # ${short(String(node.description), 90)}` : '';
    if (t) {
      lines.push(`${pad}${key}${req.has(key) ? '*' : ''}: ${t}${def}${desc}`);
      continue;
    }
    if (node.type === 'array') {
      let items = node.items as Schema;
      let itemFile = f;
      if (typeof items.$ref === 'string') {
        const d = deref(items.$ref, f, schemas);
        items = d.schema;
        itemFile = d.file;
      }
      lines.push(`${pad}${key}${req.has(key) ? '*' : ''}: list of${desc}`);
      render(items, depth + 1, itemFile, schemas, lines, seen);
      continue;
    }
    lines.push(`${pad}${key}${req.has(key) ? '*' : ''}:${def}${desc}`);
    render(node, depth + 1, f, schemas, lines, seen);
    if (node.if && node.then) lines.push(`${pad}  (${short(JSON.stringify({ if: node.if, then: node.then }), 100)})`);
  }
}

// ── summary ────────────────────────────────────────────────────────────────

/** Section 3 as text: the facts plain, everything that came from the machine fenced. */
export function renderSummary(summary: StateSummary | undefined, opts: { logs: boolean; events: boolean } = { logs: true, events: true }): string {
  if (!summary) return 'No observation available (the runtime has not reported yet).';
  const facts: string[] = [];
  if (summary.generatedAt) facts.push(`generated_at: ${summary.generatedAt}`);
  if (summary.uptime) facts.push(`uptime: ${summary.uptime}`);
  const r = summary.resources;
  if (r) {
    if (r.cpuCores !== undefined) facts.push(`cpu: ${r.cpuPercent ?? '?'}% of ${r.cpuCores} cores`);
    if (r.memoryTotalMb !== undefined) facts.push(`memory: ${r.memoryUsedMb ?? '?'} MB of ${r.memoryTotalMb} MB`);
    if (r.diskTotalGb !== undefined) facts.push(`disk: ${r.diskUsedGb ?? '?'} GB of ${r.diskTotalGb} GB`);
  }
  const observed: string[] = [];
  if (summary.hostname) observed.push(`hostname: ${summary.hostname}`);
  if (summary.primaryIp) observed.push(`primary_ip: ${summary.primaryIp}`);
  observed.push(`services (${summary.services.length}):`);
  for (const s of summary.services) {
    const bits = [s.state, s.health && s.health !== 'none' ? s.health : undefined, s.memoryMb !== undefined ? `${s.memoryMb}MB RAM` : undefined, s.ports?.length ? `ports ${s.ports.map(hostPortText).join(',')}` : undefined, s.restartCount ? `${s.restartCount} restarts` : undefined, s.exitCode !== undefined && s.state !== 'running' ? `exit ${s.exitCode}` : undefined].filter(Boolean);
    observed.push(`  - ${s.name} (${s.image}): ${bits.join(', ')}`);
  }
  if (summary.images?.length) observed.push(`local images: ${summary.images.join(', ')}`);
  if (opts.events && summary.events?.length) {
    observed.push('recent events:');
    for (const e of summary.events.slice(-10)) observed.push(`  - ${e.time} ${e.type}${e.service ? ` ${e.service}` : ''}${e.text ? `: ${e.text}` : ''}`);
  }
  observed.push(`alerts: ${summary.alerts?.length ? summary.alerts.map((a) => `${a.severity}: ${a.message}`).join('; ') : 'none'}`);
  const parts = [...facts, fenceUntrusted('observed-state', observed.join('\n'))];
  if (opts.logs && summary.logs) {
    for (const name of Object.keys(summary.logs).sort()) {
      const lines = summary.logs[name]!.slice(-5);
      if (lines.length) parts.push(`last log lines of ${name.replace(/[^a-z0-9-]/g, '_')}:`, fenceUntrusted(`logs:${name}`, lines.join('\n')));
    }
  }
  return parts.join('\n');
}

// ── relevance ──────────────────────────────────────────────────────────────

const RELEVANCE: Record<StateFileName, RegExp> = {
  'services.yaml': /\b(services?|containers?|images?|replicas?|memory|cpu|restart|stop|start|scale|add|remove|nginx|postgres\w*|redis|mysql|maria\w*|grafana|prometheus|web|database|db|cache|app)\b/i,
  'network.yaml': /firewall|port|ssh|allow|block|open|close|traffic|network|dns|ip|cidr|\d+\.\d+\.\d+\.\d+|interface|hostname/i,
  'storage.yaml': /volume|backup|storage|disk|data|mount|snapshot|database|postgres|redis|mysql|maria/i,
  'security.yaml': /user|ssh|key|secret|password|certificate|tls|ssl|https|audit|sudo|security|login/i,
  'scheduled.yaml': /backup|schedule|cron|job|every|daily|hourly|weekly|nightly|task/i,
  'manifest.yaml': /hostname|timezone|time zone|llm|model|image|alias|safety|backup|api/i,
};

/** File names in order of relevance to the message: mentioned by name first, then by topic. */
export function rankFiles(message: string, files: StateFiles): StateFileName[] {
  const present = STATE_FILE_NAMES.filter((n) => files[n] !== undefined);
  const score = (n: StateFileName) => (message.includes(n) ? 3 : 0) + (RELEVANCE[n].test(message) ? 2 : 0) + (n === 'services.yaml' ? 1 : 0);
  return [...present].sort((a, b) => score(b) - score(a) || STATE_FILE_NAMES.indexOf(a) - STATE_FILE_NAMES.indexOf(b));
}

// ── assembly ───────────────────────────────────────────────────────────────

let promptCache: string | undefined;
export function systemPrompt(): string {
  if (!promptCache) promptCache = readFileSync(join(packageRoot(), 'compiler', 'intent', 'system-prompt.md'), 'utf8').trim();
  return promptCache;
}

function renderHistory(turns: ConversationTurn[]): string {
  return turns.map((t) => `${t.role === 'user' ? 'User' : 'Assistant'}: ${maskTypedSecrets(t.text)}`).join('\n');
}

export function assembleContext(ctx: IntentContext, opts: { budget?: number } = {}): AssembledContext {
  const budget = opts.budget ?? DEFAULT_TOKEN_BUDGET;
  const trimmed: string[] = [];
  const sys = systemPrompt();
  const schemas = compactSchemas();
  const secretLine = ctx.secretNames.length ? `Secrets that exist (names only; reference them as \${secrets.NAME}): ${[...ctx.secretNames].sort().join(', ')}` : 'No secrets exist yet; to use one, tell the user to run `claude secret set NAME`.';

  const ranked = rankFiles(ctx.message, ctx.files);
  const redacted = new Map(ranked.map((n) => [n, redactFile(n, ctx.files[n]!)]));
  const fileText = (included: StateFileName[]) => {
    const parts: string[] = [];
    for (const n of ranked) {
      if (included.includes(n)) parts.push(`${n}:`, fenceUntrusted(`file:${n}`, redacted.get(n)!.trimEnd()));
      else parts.push(`${n}: (left out to fit the context; ${ctx.files[n]!.split('\n').length} lines. Do not propose this file.)`);
    }
    const missing = STATE_FILE_NAMES.filter((n) => ctx.files[n] === undefined);
    if (missing.length) parts.push(`Not present yet: ${missing.join(', ')}`);
    parts.push(secretLine);
    return parts.join('\n');
  };

  let included = [...ranked];
  let history = ctx.history.slice(-12);
  let sumOpts = { logs: true, events: true };

  const messageText = (() => {
    const parts = [neutralise(maskTypedSecrets(ctx.message))];
    if (ctx.repair) {
      parts.push(
        '',
        `Your previous proposal (attempt ${ctx.repair.attempt}) was rejected by the compiler. Fix these problems and propose the complete corrected files again:`,
        fenceUntrusted('compiler-diagnostics', ctx.repair.problems.join('\n')),
      );
    }
    return parts.join('\n');
  })();

  const build = (): ContextSection[] => {
    const sections: ContextSection[] = [];
    const add = (id: SectionId, title: string, text: string) => sections.push({ id, title, text, tokens: estimateTokens(text) });
    add('system', 'System prompt', sys);
    add('schemas', 'Schema definitions', schemas);
    add('summary', 'Current state summary', renderSummary(ctx.summary, sumOpts));
    add('files', 'Relevant state files', fileText(included));
    add('history', 'Conversation history', history.length ? fenceUntrusted('conversation-history', renderHistory(history)) : '(no earlier turns)');
    add('message', 'Current user message', messageText);
    return sections;
  };

  let sections = build();
  const total = (s: ContextSection[]) => s.reduce((a, x) => a + x.tokens, 0) + 40;
  while (total(sections) > budget) {
    if (history.length > 0) {
      history = history.slice(1);
      if (!trimmed.includes('older conversation turns')) trimmed.push('older conversation turns');
    } else if (included.length > 1) {
      const dropped = included.pop()!;
      trimmed.push(`${dropped} (least relevant)`);
    } else if (sumOpts.logs) {
      sumOpts = { ...sumOpts, logs: false };
      trimmed.push('log lines');
    } else if (sumOpts.events) {
      sumOpts = { ...sumOpts, events: false };
      trimmed.push('recent events');
    } else if (included.length === 1) {
      trimmed.push(`${included.pop()!} (over budget)`);
    } else break;
    sections = build();
  }
  const head = (s: ContextSection) => `## ${s.title}`;
  const system = sections.filter((s) => s.id === 'system' || s.id === 'schemas').map((s) => (s.id === 'system' ? s.text : `${head(s)}\n${s.text}`)).join('\n\n');
  const user = sections.filter((s) => s.id !== 'system' && s.id !== 'schemas').map((s) => `${head(s)}\n${s.text}`).join('\n\n');
  return { system, user, sections, tokens: estimateTokens(system) + estimateTokens(user), budget, trimmed };
}
