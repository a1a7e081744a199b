/**
 * Vetting a provider's proposal before anyone sees it as a plan. In this order:
 *
 *   1. names     only the six state file names; a path, `..`, an absolute or unknown name
 *                refuses the whole proposal (no repair: that is not a typo)
 *   2. shape     each file is text; a file that is a plan or a DSSE envelope is refused
 *   3. strip     keys that try to approve or sign (`approved`, `signatures`, `payloadType`, …)
 *                are removed wherever they appear, with a warning: approval is a signature
 *                made by the user, never something a proposal can state
 *   4. protect   manifest.yaml `spec.llm` and `spec.safety` and the secret values in
 *                security.yaml are restored from the current files: a provider cannot
 *                redirect itself, weaken approvals, or invent or change a secret
 *   5. compile   the current files overlaid with the proposal go through the full
 *                compiler (parse → check → resolve); errors go back to the provider for a
 *                repair, at most twice (`proposeValidated`)
 *   6. intent    what the user said must be in the result as said: CIDRs, ports, quoted
 *                names. A firewall opened wider than the user asked stops and asks, and so
 *                does an effect the request never asked about (`beyondRequest`): a port
 *                opened to everyone, a host port published, users/SSH changed, an existing
 *                secret handed to another service.
 *   7. outcome   what the proposal would leave is judged by the outcome guard
 *                (offline/outcome-guard.ts `outcomeHarm`), whatever wrote it: the offline
 *                engine, Anthropic or a local model (round 33). A harm there (no admin left,
 *                ssh shut out, the firewall off, the host mounted or given to a container, a
 *                secret in plain, data destroyed, …) refuses the proposal in one line before
 *                anything is written or sent back for a repair (`proposeValidated`).
 */
import { isGeneratableName, withSecrets } from './generated-secrets.js';
import { isMap, isPair, isScalar, isSeq, parse as parseYaml, parseDocument, visit, type Document } from 'yaml';
import { compileFiles } from '../compile.js';
import { parseFile } from '../parse.js';
import { DiagnosticSink, renderDiagnostic, type Diagnostic } from '../diagnostics.js';
import type { ResolvedModel, StateFileName } from '../model.js';
import { isStateFileName } from '../sources.js';
import { cidrToInterval, parseCidr } from '../ipnet.js';
import { findCidrs, findPorts, findQuoted } from './offline/nlu.js';
import { REDACTED } from './context.js';
import type { IntentContext, IntentProvider, Proposal, StateFiles } from './provider.js';
import { outcomeHarm } from './offline/outcome-guard.js';

/** Keys a proposal may never carry, anywhere (compared case-insensitively). */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  'approved',
  'approval',
  'approvals',
  'approve',
  'approved_by',
  'auto_approve',
  'signature',
  'signatures',
  'sig',
  'keyid',
  'payload',
  'payloadtype',
  'plan',
  'planid',
  'plan_id',
  'steps',
  'confirmed',
]);

export interface VetResult {
  /** True when the merged files compile without errors and nothing was refused. */
  ok: boolean;
  /** Set when the proposal is refused outright (bad file name, a plan in a file). */
  refused?: string;
  /** The proposed files after stripping and restoring; unchanged files left out. */
  files: StateFiles;
  /** The current files overlaid with `files`: what the planner gets. */
  merged: StateFiles;
  model?: ResolvedModel;
  diagnostics: Diagnostic[];
  /** Errors to send back to the provider for a repair (rendered diagnostics and the like). */
  problems: string[];
  /** Things that were ignored or fixed up, for the user. */
  warnings: string[];
  /** Intent-vs-plan mismatches: stop and ask the user. */
  questions: string[];
}

/**
 * Checks one proposal against the current files and the user's message. Never throws on
 * bad input; `proposed` is whatever the provider returned (names and values unchecked).
 */
export function vetProposal(current: StateFiles, proposed: Record<string, unknown>, message: string, fresh: readonly string[] = []): VetResult {
  const out: VetResult = { ok: false, files: {}, merged: { ...current }, diagnostics: [], problems: [], warnings: [], questions: [] };
  // The vetting's own findings (CLA5xxx), rendered into refused / problems / warnings.
  const sink = new DiagnosticSink();
  const finish = (): VetResult => {
    const own = sink.sorted();
    out.warnings.push(...own.filter((d) => d.severity === 'warning').map(renderDiagnostic));
    out.diagnostics = [...own, ...out.diagnostics];
    return out;
  };
  const names = Object.keys(proposed);
  const bad = names.filter((n) => !isStateFileName(n));
  if (bad.length > 0) {
    const ds = bad.map((b) => sink.report('CLA5001', undefined, { name: JSON.stringify(b) }));
    out.refused = ds.map(renderDiagnostic).join('\n');
    return finish();
  }
  for (const name of names as StateFileName[]) {
    const text = proposed[name];
    if (text === undefined || text === null) continue;
    if (typeof text !== 'string') {
      out.problems.push(renderDiagnostic(sink.report('CLA5007', { file: name, line: 0, column: 0 }, { found: Array.isArray(text) ? 'a list' : typeof text })));
      continue;
    }
    // The compiler's parse limits (size, nesting, alias expansion) before any other parse:
    // the vetting below reads the file with yaml, which has none of them.
    const limits = new DiagnosticSink();
    parseFile({ name, text }, limits);
    if (limits.hasErrors()) {
      out.problems.push(...limits.sorted().filter((d) => d.severity === 'error').map(renderDiagnostic));
      continue;
    }
    if (looksLikePlan(text)) {
      out.refused = renderDiagnostic(sink.report('CLA5002', { file: name, line: 1, column: 1 }));
      return finish();
    }
    let fixed: string;
    try {
      fixed = sanitise(name, text, current, sink);
    } catch (e) {
      out.refused = renderDiagnostic(sink.report('CLA5008', { file: name, line: 1, column: 1 }, { reason: (e as Error).message }));
      return finish();
    }
    if (fixed === current[name]) continue;
    out.files[name] = fixed;
    out.merged[name] = fixed;
  }
  if (out.problems.length > 0) return finish();
  const result = compileFiles(out.merged as Record<string, string>);
  out.diagnostics = result.diagnostics;
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  out.problems.push(...errors.map(renderDiagnostic));
  if (result.model) out.model = result.model;
  out.ok = errors.length === 0 && result.model !== undefined;
  if (out.ok) out.questions.push(...intentCheck(message, current, out.merged, fresh));
  return finish();
}

function looksLikePlan(text: string): boolean {
  let v: unknown;
  try {
    v = parseYaml(text);
  } catch {
    return false;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v).map((k) => k.toLowerCase());
  return keys.includes('payloadtype') || (keys.includes('payload') && keys.includes('signatures')) || (keys.includes('steps') && !keys.includes('spec'));
}

/** Strips forbidden keys, restores protected settings and secret values. */
function sanitise(name: StateFileName, text: string, current: StateFiles, sink: DiagnosticSink): string {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) return text; // the compiler reports it, with positions
  let changed = false;
  // Aliases are expanded first, so that what is checked and restored below is what the
  // compiler will read (`spec: *x` or `safety: *y` hide the protected paths from getIn).
  // An alias bomb makes toJS throw (yaml's maxAliasCount): vetProposal refuses the file.
  let hasAlias = false;
  visit(doc, {
    Alias() {
      hasAlias = true;
      return visit.BREAK;
    },
  });
  if (hasAlias) {
    doc.contents = doc.createNode(doc.toJS({ maxAliasCount: 100 }), { aliasDuplicateObjects: false }) as typeof doc.contents;
    changed = true;
  }
  const stripped: string[] = [];
  visit(doc, {
    Pair(_key, pair, path) {
      const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (k === undefined || !FORBIDDEN_KEYS.has(k.toLowerCase())) return undefined;
      // Environment variable names are the user's business (APPROVED=1 is just a value).
      const parentPair = path[path.length - 2];
      if (isPair(parentPair) && isScalar(parentPair.key) && parentPair.key.value === 'environment') return undefined;
      stripped.push(k);
      changed = true;
      return visit.REMOVE;
    },
  });
  if (stripped.length > 0) sink.report('CLA5003', { file: name, line: 0, column: 0 }, { keys: [...new Set(stripped)].join(', ') });
  if (name === 'manifest.yaml') changed = protect(doc, current[name], ['spec', 'llm'], sink, 'the LLM provider settings (spec.llm) are changed by hand only') || changed;
  if (name === 'manifest.yaml') changed = protect(doc, current[name], ['spec', 'safety'], sink, 'the approval policy (spec.safety) is changed by hand only') || changed;
  if (name === 'security.yaml') changed = restoreSecrets(doc, current[name], sink) || changed;
  if (name === 'services.yaml') changed = restoreMasked(doc, current[name], sink) || changed;
  return changed ? doc.toString({ lineWidth: 0 }) : text;
}

function currentValue(text: string | undefined, path: string[]): unknown {
  if (text === undefined) return undefined;
  try {
    let v: unknown = parseYaml(text);
    for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    return v;
  } catch {
    return undefined;
  }
}

function protect(doc: Document, currentText: string | undefined, path: string[], sink: DiagnosticSink, why: string): boolean {
  const before = currentValue(currentText, path);
  const node = doc.getIn(path, true) as { toJSON?: () => unknown } | undefined;
  const after = node && typeof node.toJSON === 'function' ? node.toJSON() : node;
  if (JSON.stringify(before ?? null) === JSON.stringify(after ?? null)) return false;
  if (before === undefined) doc.deleteIn(path);
  else doc.setIn(path, doc.createNode(before));
  sink.report('CLA5004', { file: 'manifest.yaml', line: 0, column: 0 }, { path: path.join('.'), why });
  return true;
}

/** Secret values come from the current file by name; new names are dropped. */
function restoreSecrets(doc: Document, currentText: string | undefined, sink: DiagnosticSink): boolean {
  const seq = doc.getIn(['spec', 'secrets'], true);
  if (!isSeq(seq)) return false;
  const known = new Map<string, string>();
  const cur = currentValue(currentText, ['spec', 'secrets']);
  if (Array.isArray(cur)) for (const s of cur) if (s && typeof s.name === 'string' && typeof s.value === 'string') known.set(s.name, s.value);
  let changed = false;
  for (let i = seq.items.length - 1; i >= 0; i--) {
    const item = seq.items[i];
    const name = isMap(item) ? item.get('name') : undefined;
    if (typeof name !== 'string' || !known.has(name)) {
      seq.items.splice(i, 1);
      sink.report('CLA5005', { file: 'security.yaml', line: 0, column: 0 }, { name: typeof name === 'string' ? name : '(unnamed)' });
      changed = true;
      continue;
    }
    if (isMap(item) && item.get('value') !== known.get(name)) {
      item.set('value', known.get(name));
      changed = true;
    }
  }
  return changed;
}

/**
 * Environment values the context masked (plaintext-looking passwords) come back as
 * <redacted>: put the real value back from the current file, by service and variable.
 */
function restoreMasked(doc: Document, currentText: string | undefined, sink: DiagnosticSink): boolean {
  const seq = doc.getIn(['spec', 'services'], true);
  if (!isSeq(seq)) return false;
  const cur = currentValue(currentText, ['spec', 'services']);
  const curEnv = new Map<string, Record<string, unknown>>();
  if (Array.isArray(cur)) for (const sv of cur) if (sv && typeof sv.name === 'string') curEnv.set(sv.name, (sv.environment ?? {}) as Record<string, unknown>);
  let changed = false;
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const env = item.get('environment', true);
    if (!isMap(env)) continue;
    const svcName = String(item.get('name'));
    for (const pair of [...env.items]) {
      if (!isScalar(pair.value) || pair.value.value !== REDACTED) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const original = curEnv.get(svcName)?.[key];
      if (typeof original === 'string') pair.value.value = original;
      else {
        env.delete(key);
        sink.report('CLA5006', { file: 'services.yaml', line: 0, column: 0 }, { service: svcName, key });
      }
      changed = true;
    }
  }
  return changed;
}

// ── intent vs plan ─────────────────────────────────────────────────────────

const ANYWHERE = /\b(anywhere|anyone|everyone|everybody|the world|world|public(ly)?|the internet|internet|all addresses|any address|any source|all sources)\b/i;
const REMOVING = /\b(remove|delete|close|block|deny|drop|revoke|stop allowing|disallow|forbid|no longer)\b/i;

interface RuleLike {
  name?: string;
  action?: string;
  source?: string | string[];
  port?: unknown;
  state?: string;
  interface?: string;
  direction?: string;
}

/**
 * A rule that cannot let a new connection in from outside: replies only (state without
 * `new`), the loopback interface, or another direction than input.
 */
function admitsNothingNew(r: RuleLike): boolean {
  if (r.direction && r.direction !== 'input') return true;
  if (r.interface === 'lo') return true;
  if (r.state && !r.state.split(',').includes('new')) return true;
  return false;
}

/** The ports a rule names, as [lo, hi] ranges; undefined when it names none (every port). */
function portRanges(port: unknown): [number, number][] | undefined {
  if (port === undefined || port === null) return undefined;
  const out: [number, number][] = [];
  for (const p of Array.isArray(port) ? port : [port]) {
    if (typeof p === 'number') out.push([p, p]);
    else {
      const m = /^(\d+)(?:\s*[-:]\s*(\d+))?$/.exec(String(p).trim());
      if (m) out.push([Number(m[1]), Number(m[2] ?? m[1])]);
      else return undefined;
    }
  }
  return out;
}

/** Whether two rules name a port in common (a rule that names none names every port). */
function portsOverlap(x: RuleLike, y: RuleLike): boolean {
  const a = portRanges(x.port);
  const b = portRanges(y.port);
  return a === undefined || b === undefined || a.some(([p, q]) => b.some(([r, s]) => p <= s && r <= q));
}

function sourcesOf(r: RuleLike): string[] {
  return r.source === undefined ? [] : (Array.isArray(r.source) ? r.source : [r.source]).map(String);
}

function sameCidr(a: ReturnType<typeof parseCidr>, b: ReturnType<typeof parseCidr>): boolean {
  return a !== undefined && b !== undefined && a.family === b.family && a.addr === b.addr && a.prefix === b.prefix;
}

/**
 * Whether the current files already let a new connection from anywhere reach every port of `r`:
 * no firewall (or one disabled), or an accepting default that no drop/reject rule narrows for
 * those ports, or a drop default with an accepting rule from anywhere for the same ports. Such a
 * rule opens nothing that is not open now ("only allow ssh from 10.0.0.0/8 and keep the website
 * open" on a host whose firewall accepts by default): it is not wider than asked.
 */
function openToAllNow(current: StateFiles, r: RuleLike): boolean {
  const fw = currentValue(current['network.yaml'], ['spec', 'firewall']) as { enabled?: unknown; default_input_policy?: unknown } | undefined;
  if (fw === undefined || fw === null || typeof fw !== 'object' || fw.enabled === false) return true;
  const want = portRanges(r.port);
  const rules = rulesOf(current).filter((x) => !admitsNothingNew(x));
  if (rules.some((x) => (x.action === 'drop' || x.action === 'reject') && portsOverlap(x, r))) return false;
  if ((fw.default_input_policy ?? 'accept') === 'accept') return true;
  const fromAnywhere = (x: RuleLike) => x.source === undefined || (Array.isArray(x.source) ? x.source : [x.source]).some((src) => /^(0\.0\.0\.0\/0|::\/0|any(where)?)$/.test(String(src)));
  return want !== undefined && rules.some((x) => x.action === 'accept' && fromAnywhere(x) && JSON.stringify(portRanges(x.port)) === JSON.stringify(want));
}

/** The words of the one vetting question a plain yes may answer (agent/request.ts acceptVettedTurn). */
const WIDER_THAN_NAMED = 'wider than the';

/**
 * Whether a question is the vetting's "opens rule X to everyone, wider than the range you named":
 * the one stop a plain yes answers (the proposal is complete; only its width is in doubt). Every
 * other stop (a range or port the proposal does not use, users or secrets or ports the request
 * did not ask for, the firewall off) needs the request said again.
 */
export function isWiderThanNamedQuestion(q: string): boolean {
  return /^The proposal opens firewall rule \S+ to \S+, wider than the .+ you named\. I stopped here/.test(q);
}

/** Questions when the proposal does not match what the user said. Empty when it does. */
export function intentCheck(message: string, current: StateFiles, merged: StateFiles, fresh: readonly string[] = []): string[] {
  const questions: string[] = [];
  const removing = REMOVING.test(message);
  const allText = Object.values(merged).join('\n');
  const cidrs = findCidrs(message);
  if (!removing) {
    for (const c of cidrs) {
      const want = parseCidr(c);
      const found = findCidrs(allText).some((x) => {
        const p = parseCidr(x);
        return p && want && p.family === want.family && p.addr === want.addr && p.prefix === want.prefix;
      });
      if (!found) questions.push(`You named ${c}, but the proposed files do not use it. Should I try again, or is it not needed?`);
    }
    const ports = new Set(portsIn(merged));
    for (const p of findPorts(message)) {
      if (!ports.has(p)) questions.push(`You named port ${p}, but no service or firewall rule in the proposal uses it.`);
    }
    for (const q of findQuoted(message)) {
      if (/^[A-Za-z0-9][A-Za-z0-9._\/:@-]*$/.test(q) && q.length <= 128 && !allText.includes(q)) {
        questions.push(`You asked for "${q}", but it does not appear in the proposed files as written.`);
      }
    }
  }
  // Wider than asked: a new or changed accepting rule open to more than the user named.
  if (cidrs.length > 0 && !ANYWHERE.test(message)) {
    const named = cidrs.map(parseCidr).filter((c): c is NonNullable<typeof c> => c !== undefined);
    const before = new Map(rulesOf(current).map((r) => [r.name, JSON.stringify(r)]));
    // The rules that carry a range the user named (the narrowing asked for).
    const narrowing = rulesOf(merged).filter((x) => x.action === 'accept' && sourcesOf(x).some((src) => named.some((n) => sameCidr(parseCidr(String(src)), n))));
    // A rule for other ports than the narrowed ones, open now to everyone, stays so ("only allow
    // ssh from 10.0.0.0/8 and keep the website open"); one for the narrowed ports never does.
    const keptOpen = (r: RuleLike) => narrowing.length > 0 && openToAllNow(current, r) && !narrowing.some((x) => portsOverlap(x, r));
    for (const r of rulesOf(merged)) {
      if (r.action !== 'accept' || before.get(r.name) === JSON.stringify(r) || admitsNothingNew(r) || keptOpen(r)) continue;
      const sources = r.source === undefined ? ['0.0.0.0/0', '::/0'] : Array.isArray(r.source) ? r.source : [r.source];
      for (const s of sources) {
        const p = parseCidr(String(s));
        if (!p) continue;
        const iv = cidrToInterval(p);
        const inside = named.some((n) => {
          if (n.family !== p.family) return false;
          const nv = cidrToInterval(n);
          return iv.lo >= nv.lo && iv.hi <= nv.hi;
        });
        if (!inside && named.some((n) => n.family === p.family)) {
          questions.push(
            `The proposal opens firewall rule ${r.name ?? '(unnamed)'} to ${r.source === undefined ? 'everyone' : s}, ${WIDER_THAN_NAMED} ${cidrs.join(', ')} you named. I stopped here: say "open it to everyone" if that is what you want, or rephrase.`,
          );
          break;
        }
      }
    }
    const pol = (f: StateFiles) => currentValue(f['network.yaml'], ['spec', 'firewall', 'default_input_policy']);
    if (pol(current) === 'drop' && pol(merged) !== 'drop') {
      questions.push('The proposal changes the firewall default from drop to accept, which opens every port. I stopped here; say so explicitly if that is what you want.');
    }
  }
  const fwOn = (f: StateFiles) => currentValue(f['network.yaml'], ['spec', 'firewall', 'enabled']);
  if (fwOn(current) !== false && current['network.yaml'] !== undefined && fwOn(merged) === false && !/\bfirewall\b/i.test(message)) {
    questions.push('The proposal turns the firewall off, which you did not ask for. I stopped here.');
  }
  questions.push(...beyondRequest(message, current, merged, fresh));
  return [...new Set(questions)];
}

// ── effects beyond the request ─────────────────────────────────────────────

/** Names people use for a port; a message naming one asked about that port. */
const PORT_NAMES: Readonly<Record<number, readonly string[]>> = {
  21: ['ftp'],
  22: ['ssh', 'sshd'],
  23: ['telnet'],
  25: ['smtp', 'mail'],
  53: ['dns'],
  80: ['http', 'https', 'web', 'website', 'site'], // https: the ACME HTTP-01 check and the redirect need 80
  443: ['https', 'tls', 'ssl', 'web', 'website', 'site'],
  2375: ['docker'],
  2376: ['docker'],
  3306: ['mysql', 'mariadb', 'database', 'db'],
  3389: ['rdp'],
  5432: ['postgres', 'postgresql', 'database', 'db'],
  5900: ['vnc'],
  6379: ['redis', 'cache'],
  8080: ['http', 'web'],
  8443: ['https', 'web'],
  9200: ['elasticsearch'],
  27017: ['mongo', 'mongodb', 'database', 'db'],
};
const FIREWALL_WORDS = /\b(firewall|ports?|open|opens|expose|exposes|allow|allows|inbound|incoming|reachable|unblock)\b/i;
const PUBLISH_WORDS = /\b(ports?|expose|exposes|publish|publishes|public|publicly|reach|reachable|access|accessible|browser|outside|internet|world|anywhere|everyone|from my (laptop|machine|computer))\b/i;
const ACCOUNT_WORDS = /\b(users?|ssh|sshd|sudo|sudoers|logins?|log in|accounts?|keys?|admins?|administrators?|root|passwords?|authentication|auth|2fa|mfa)\b/i;

function words(message: string): Set<string> {
  return new Set(message.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
}

/** What people call a well-known image ("a database" is postgres). */
const IMAGE_WORDS: Readonly<Record<string, readonly string[]>> = {
  postgres: ['database', 'db', 'sql', 'pg'],
  mysql: ['database', 'db', 'sql'],
  mariadb: ['database', 'db', 'sql', 'mysql'],
  mongo: ['database', 'db'],
  redis: ['cache', 'queue'],
  memcached: ['cache'],
  valkey: ['cache', 'redis'],
  nginx: ['web', 'website', 'site', 'proxy', 'server'],
  httpd: ['web', 'website', 'site', 'apache', 'server'],
  caddy: ['web', 'website', 'site', 'proxy', 'server'],
  traefik: ['proxy'],
  haproxy: ['proxy'],
};

/**
 * The message names `name` as a word ("my-app" also as "my app" or "my_app"), as a longer
 * form of it ("postgresql" names postgres), or by what a well-known image is ("database").
 */
function mentions(message: string, ws: Set<string>, name: string | undefined): boolean {
  if (!name) return false;
  const n = name.toLowerCase();
  if (ws.has(n)) return true;
  if (n.length >= 4 && [...ws].some((w) => w.startsWith(n))) return true;
  if ((IMAGE_WORDS[n] ?? []).some((w) => ws.has(w))) return true;
  const parts = n.split(/[^a-z0-9]+/).filter(Boolean);
  if (parts.length > 1) {
    const flat = message.toLowerCase().replace(/[^a-z0-9]+/g, ' ');
    return ` ${flat} `.includes(` ${parts.join(' ')} `) || ws.has(parts.join(''));
  }
  return false;
}

/** `registry/library/nginx:1.25@sha…` → `nginx`. */
function imageBase(image: unknown): string | undefined {
  if (typeof image !== 'string') return undefined;
  const last = image.split('@')[0]!.split('/').pop()!;
  return last.split(':')[0];
}

interface ServiceLike {
  name?: string;
  image?: string;
  ports?: { host?: number; container?: number; protocol?: string; host_ip?: string }[];
  environment?: Record<string, unknown>;
}

function servicesOf(files: StateFiles): ServiceLike[] {
  const s = currentValue(files['services.yaml'], ['spec', 'services']);
  return Array.isArray(s) ? (s.filter((x) => x && typeof x === 'object') as ServiceLike[]) : [];
}

function secretRefsOf(s: ServiceLike | undefined): Set<string> {
  const out = new Set<string>();
  for (const v of Object.values(s?.environment ?? {})) if (typeof v === 'string') for (const m of v.matchAll(/\$\{secrets\.([A-Za-z0-9_.-]+)\}/g)) out.add(m[1]!);
  return out;
}

function anywhereSource(r: RuleLike): boolean {
  if (r.source === undefined) return true;
  const list = Array.isArray(r.source) ? r.source : [r.source];
  return list.some((x) => {
    const p = parseCidr(String(x));
    return p !== undefined && p.prefix === 0;
  });
}

function rulePorts(r: RuleLike): number[] {
  const out: number[] = [];
  for (const p of Array.isArray(r.port) ? r.port : [r.port]) {
    if (typeof p === 'number') out.push(p);
    else if (typeof p === 'string') out.push(...p.split('-').map(Number).filter((x) => Number.isInteger(x)));
  }
  return out;
}

function portLabel(p: number): string {
  const n = PORT_NAMES[p];
  return n ? `${p} (${n[0]})` : String(p);
}

/**
 * What the proposal does that the message never asked about: a firewall rule opened to
 * everyone, a port newly published on the host, a change to users/SSH/sudo, an existing
 * secret handed to a service that did not hold it, the firewall default turned to accept.
 * Each becomes a question, so the change stops and asks. A request "about" the effect (it
 * names the port, the service, the rule, or says "firewall"/"expose"/"ssh"…) asked for it.
 * `fresh` are secrets generated for this proposal (not a grant of anything that existed).
 */
export function beyondRequest(message: string, current: StateFiles, merged: StateFiles, fresh: readonly string[] = []): string[] {
  const out: string[] = [];
  const ws = words(message);
  const namesPort = (p: number) => ws.has(String(p)) || (PORT_NAMES[p] ?? []).some((n) => ws.has(n));

  // A firewall rule, new or changed, that lets new connections in from everyone.
  if (findCidrs(message).length === 0 && !ANYWHERE.test(message)) {
    const before = new Map(rulesOf(current).map((r) => [r.name, JSON.stringify(r)]));
    for (const r of rulesOf(merged)) {
      if (r.action !== 'accept' || before.get(r.name) === JSON.stringify(r) || admitsNothingNew(r) || !anywhereSource(r)) continue;
      const ports = rulePorts(r);
      const asked = FIREWALL_WORDS.test(message) || mentions(message, ws, r.name) || ports.some(namesPort);
      if (!asked) {
        out.push(
          `The proposal opens ${ports.length ? `port ${ports.map(portLabel).join(', ')}` : 'every port'} to everyone (firewall rule ${r.name ?? '(unnamed)'}), which your request did not ask for. I stopped here: say so explicitly if that is what you want.`,
        );
      }
    }
  }
  const pol = (f: StateFiles) => currentValue(f['network.yaml'], ['spec', 'firewall', 'default_input_policy']);
  if (pol(current) === 'drop' && pol(merged) !== undefined && pol(merged) !== 'drop' && !/\b(firewall|policy|default)\b/i.test(message)) {
    out.push('The proposal changes the firewall default from drop to accept, which opens every port. I stopped here; say so explicitly if that is what you want.');
  }

  // A host port published that was not before (on all addresses, or a non-loopback one).
  const curServices = new Map(servicesOf(current).map((s) => [s.name, s]));
  for (const s of servicesOf(merged)) {
    const had = new Set((curServices.get(s.name)?.ports ?? []).map((p) => `${p.host}/${p.protocol ?? 'tcp'}/${p.host_ip ?? ''}`));
    for (const p of s.ports ?? []) {
      if (typeof p?.host !== 'number' || had.has(`${p.host}/${p.protocol ?? 'tcp'}/${p.host_ip ?? ''}`)) continue;
      if (p.host_ip !== undefined && /^(127\.|::1$)/.test(p.host_ip)) continue;
      const asked = PUBLISH_WORDS.test(message) || mentions(message, ws, s.name) || mentions(message, ws, imageBase(s.image)) || namesPort(p.host) || (typeof p.container === 'number' && namesPort(p.container));
      if (!asked) {
        out.push(`The proposal publishes port ${p.host} of service ${s.name} on the host${p.host_ip ? ` (${p.host_ip})` : ''}, which your request did not ask for. I stopped here: say so explicitly if that is what you want.`);
      }
    }
  }

  // Users, SSH, sudo: any change at all, when the request is not about accounts.
  for (const key of ['users', 'ssh'] as const) {
    const a = JSON.stringify(currentValue(current['security.yaml'], ['spec', key]) ?? null);
    const b = JSON.stringify(currentValue(merged['security.yaml'], ['spec', key]) ?? null);
    if (a !== b && !ACCOUNT_WORDS.test(message)) {
      out.push(`The proposal changes ${key === 'users' ? 'the users (accounts, SSH keys or sudo)' : 'the SSH server settings'} in security.yaml, which your request did not ask for. I stopped here: say so explicitly if that is what you want.`);
    }
  }

  // An existing secret handed to a service that did not hold it, not named by the request.
  const freshSet = new Set(fresh);
  for (const s of servicesOf(merged)) {
    const had = secretRefsOf(curServices.get(s.name));
    const gets = [...secretRefsOf(s)].filter((n) => !had.has(n) && !freshSet.has(n));
    if (gets.length && !mentions(message, ws, s.name) && !mentions(message, ws, imageBase(s.image))) {
      out.push(`The proposal gives service ${s.name} the secret${gets.length > 1 ? 's' : ''} ${gets.sort().join(', ')}, which it did not have, and your request did not name ${s.name}. I stopped here: say so explicitly if that is what you want.`);
    }
  }
  return out;
}

function rulesOf(files: StateFiles): RuleLike[] {
  const r = currentValue(files['network.yaml'], ['spec', 'firewall', 'rules']);
  return Array.isArray(r) ? (r as RuleLike[]) : [];
}

function portsIn(files: StateFiles): number[] {
  const out: number[] = [];
  const svcs = currentValue(files['services.yaml'], ['spec', 'services']);
  if (Array.isArray(svcs)) {
    for (const s of svcs) for (const p of (s?.ports ?? []) as { host?: number; container?: number }[]) out.push(...[p.host, p.container].filter((x): x is number => typeof x === 'number'));
  }
  for (const r of rulesOf(files)) {
    for (const p of Array.isArray(r.port) ? r.port : [r.port]) {
      if (typeof p === 'number') out.push(p);
      else if (typeof p === 'string') {
        const [lo, hi] = p.split('-').map(Number);
        if (lo !== undefined && hi !== undefined) for (let x = lo; x <= hi && x - lo < 70000; x++) out.push(x);
      }
    }
  }
  const ssh = currentValue(files['security.yaml'], ['spec', 'ssh', 'port']);
  if (typeof ssh === 'number') out.push(ssh);
  out.push(22);
  return out;
}

// ── the repair loop ────────────────────────────────────────────────────────

export const MAX_REPAIRS = 2;

export type IntentStatus =
  /** Valid files, ready to plan. */
  | 'proposed'
  /** Nothing to change: an answer, a question or "did not understand". */
  | 'answer'
  /** The provider or the vetting refused. */
  | 'refused'
  /** Still invalid after the repairs. */
  | 'invalid'
  /** Valid, but it does not match what the user said: ask before planning. */
  | 'ask';

export interface IntentResult {
  status: IntentStatus;
  /** The last proposal the provider made. */
  proposal: Proposal;
  /** Vetted changed files (empty unless proposed/ask). */
  files: StateFiles;
  /** Current files overlaid with `files`. */
  merged: StateFiles;
  model?: ResolvedModel;
  diagnostics: Diagnostic[];
  warnings: string[];
  questions: string[];
  /** Why it was refused or is invalid (rendered). */
  problems: string[];
  /** Provider calls made (1 + repairs). */
  attempts: number;
}

/**
 * Asks the provider, vets the proposal, and sends compiler errors back for a repair up to
 * `MAX_REPAIRS` times. The result says what to do next; nothing here plans or applies.
 */
export async function proposeValidated(provider: IntentProvider, ctx: IntentContext): Promise<IntentResult> {
  let attempt = 0;
  const generatedValues = new Map<string, string>();
  let repair = ctx.repair;
  for (;;) {
    attempt++;
    const proposal = await provider.propose(repair ? { ...ctx, repair } : ctx);
    const base = { proposal, files: {}, merged: { ...ctx.files }, diagnostics: [], attempts: attempt };
    const pw = proposal.warnings ?? [];
    const pq = proposal.questions ?? [];
    if (proposal.refused) return { ...base, status: 'refused', warnings: pw, questions: pq, problems: [proposal.refused.reason] };
    const names = Object.keys(proposal.files);
    if (proposal.problems?.length) {
      if (attempt > MAX_REPAIRS) return { ...base, status: 'invalid', warnings: pw, questions: pq, problems: proposal.problems };
      repair = { attempt, previous: proposal.files, problems: boundProblems(proposal.problems) };
      continue;
    }
    if (names.length === 0) return { ...base, status: 'answer', warnings: pw, questions: pq, problems: [] };
    // Secrets the proposal needs and nobody has set: generated here, by the caller's
    // generator (it holds the host key), and stored encrypted; the provider only named them.
    let current = ctx.files;
    let proposedFiles = proposal.files as Record<string, unknown>;
    const wanted = (proposal.generatedSecrets ?? []).filter((g) => isGeneratableName(g.name) && !ctx.secretNames.includes(g.name));
    if (wanted.length > 0) {
      if (!ctx.generateSecret) {
        const q = `This needs the secret${wanted.length > 1 ? 's' : ''} ${wanted.map((g) => g.name).join(', ')}. Run ${wanted.map((g) => `\`claude secret set ${g.name}\``).join(', ')}, then ask again.`;
        return { ...base, status: 'answer', warnings: pw, questions: [...pq, q], problems: [] };
      }
      const entries: { name: string; value: string }[] = [];
      for (const g of wanted) {
        if (!generatedValues.has(g.name)) generatedValues.set(g.name, await ctx.generateSecret(g.name));
        entries.push({ name: g.name, value: generatedValues.get(g.name)! });
      }
      current = { ...current, 'security.yaml': withSecrets(current['security.yaml'], entries) };
      const sec = proposedFiles['security.yaml'];
      proposedFiles = { ...proposedFiles, 'security.yaml': typeof sec === 'string' ? withSecrets(sec, entries) : current['security.yaml'] };
    }
    const vet0 = vetProposal(current, proposedFiles, ctx.message, wanted.map((g) => g.name));
    // The generated secrets are a change to security.yaml even though "current" has them.
    const vet = wanted.length > 0 && vet0.ok ? { ...vet0, files: { ...vet0.files, 'security.yaml': vet0.merged['security.yaml'] } } : vet0;
    const warnings = [...pw, ...vet.warnings];
    if (vet.refused) return { ...base, status: 'refused', warnings, questions: pq, problems: [vet.refused] };
    // 7. The outcome guard on every proposal, whatever wrote it (round 33): judged on the files as
    // vetted (stripped, protected settings restored), compiled or not, so a harmful proposal is
    // refused at once, never sent back for a repair. Nothing is written: the files are dropped.
    const harm = outcomeHarm(ctx.files, vet.files, ctx.message);
    if (harm !== undefined) return { ...base, proposal: refusedProposal(proposal, harm), status: 'refused', warnings: pw, questions: [], problems: [harm] };
    if (vet.ok) {
      const questions = [...pq, ...vet.questions];
      const common = { proposal, files: vet.files, merged: vet.merged, diagnostics: vet.diagnostics, warnings, problems: [], attempts: attempt };
      if (vet.model) Object.assign(common, { model: vet.model });
      if (Object.keys(vet.files).length === 0) return { ...common, status: 'answer', questions };
      return { ...common, status: vet.questions.length > 0 ? 'ask' : 'proposed', questions };
    }
    if (attempt > MAX_REPAIRS) {
      return { ...base, status: 'invalid', diagnostics: vet.diagnostics, warnings, questions: pq, problems: vet.problems };
    }
    repair = { attempt, previous: proposal.files, problems: boundProblems(vet.problems) };
  }
}

/** A proposal the outcome guard refused: nothing of it kept, its explanation the one line of why. */
export function refusedProposal(proposal: Proposal, reason: string): Proposal {
  return { provider: proposal.provider, files: {}, explanation: `I won't do that: ${reason}`, refused: { reason }, understood: true };
}

/** The most bytes of problems sent back to the model in one repair round. */
export const MAX_REPAIR_PROBLEM_BYTES = 32 * 1024;

/** The problems for a repair, cut to MAX_REPAIR_PROBLEM_BYTES (each repair round stays bounded in bytes). */
export function boundProblems(problems: readonly string[]): string[] {
  const out: string[] = [];
  let bytes = 0;
  for (const p of problems) {
    const n = Buffer.byteLength(p, 'utf8') + 1;
    if (bytes + n > MAX_REPAIR_PROBLEM_BYTES) {
      if (out.length === 0) out.push(p.slice(0, MAX_REPAIR_PROBLEM_BYTES / 4) + ' …');
      out.push(`… ${problems.length - out.length} more problems not shown; fix these first`);
      break;
    }
    out.push(p);
    bytes += n;
  }
  return out;
}
