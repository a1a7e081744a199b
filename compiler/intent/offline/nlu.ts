/**
 * The offline engine's lexical layer: turns a request into entities, without deciding what
 * to do with them. Pure functions, no I/O.
 *
 *   numbers      "3", "three", "a dozen"
 *   sizes        "512MB", "2 GB", "1.5g", "256 megabytes"          → Kubernetes-style 512Mi, 2Gi
 *   cpus         "half a cpu", "2 cpus", "1.5 cores", "500m"       → "0.5", "2", "1.5", "500m"
 *   CIDRs / IPs  "10.0.0.0/8", "192.168.1.10", "2001:db8::/32"
 *   ports        "port 8080", "ports 80 and 443", ":8080"
 *   (schedules are read in schedule.ts)
 *   quoted       'broken', "nonexistent:latest"
 *   services     "web server" → nginx, "database" → postgres, "cache" → redis, …
 *
 * Units (one rule, docs/intent.md "Units as typed"): a size typed in the schema's own form
 * (512M, 1G, 1.5G, 64Mi, 2Gi, 100k) is kept exactly as typed: the user wrote a valid value, and
 * M/G are then decimal as the schema says. Every other way of saying it (512MB, 1gb, 4g,
 * 2 gigs, 256 megabytes, half a gig) is read as MiB/GiB, what Docker's `-m 512m` and most people
 * mean for memory, and written with the binary suffix (512Mi); a bare number of memory is MiB.
 */

import { MONTH_LIST_SAID, NUMBER_WORDS, QUOTED, TIME_LIST } from './language.js';

/** The number words (language.ts) and the words of counting ("no", "a single", "a couple", "a dozen"). */
const WORD_NUMBERS: Record<string, number> = { ...NUMBER_WORDS, no: 0, none: 0, a: 1, an: 1, single: 1, couple: 2, dozen: 12, hundred: 100 };

/** A number written as digits or (small) words. */
export function parseNumberWord(s: string): number | undefined {
  const t = s.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t in WORD_NUMBERS) return WORD_NUMBERS[t];
  return undefined;
}

const NUM = String.raw`(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|half|a half|a quarter|quarter)`;

export interface Size {
  /** As the user wrote it, e.g. "512MB". */
  text: string;
  /** Schema form, e.g. "512Mi". */
  value: string;
  bytes: number;
}

const SIZE_UNITS: [RegExp, string, number][] = [
  [/^(k|ki|kb|kib|kilobytes?|kibibytes?)$/i, 'Ki', 1024],
  [/^(m|mi|mb|mib|megs?|megas?|megabytes?|mebibytes?)$/i, 'Mi', 1024 ** 2],
  [/^(g|gi|gb|gib|gigs?|gigas?|gigabytes?|gibibytes?)$/i, 'Gi', 1024 ** 3],
  [/^(t|ti|tb|tib|terabytes?|tebibytes?)$/i, 'Ti', 1024 ** 4],
];

/** Suffixes the schema's size pattern takes, as typed (case matters: "g" and "GB" are not among them). */
const SCHEMA_SUFFIX: Record<string, number> = {
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12,
};

/** Every size in the text ("512MB", "2 GB", "1.5g of ram"). */
export function findSizes(text: string): Size[] {
  const out: Size[] = [];
  // Every unit of SIZE_UNITS, the longest first (the table is the one place a unit is added).
  const re = /(?<![\w.])(\d+(?:\.\d+)?)\s?(kibibytes?|kilobytes?|kib|ki|kb|k|mebibytes?|megabytes?|megas?|megs?|mib|mi|mb|m|gibibytes?|gigabytes?|gigas?|gigs?|gib|gi|gb|g|tebibytes?|terabytes?|tib|ti|tb|t)(?![\w])/gi;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    const unit = SIZE_UNITS.find(([r]) => r.test(m[2]!));
    if (!unit) continue;
    // "500m" right after cpu words is millicores, not memory.
    const after = text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 12).toLowerCase();
    if (/^\s*(of\s+)?(v?cpus?|cores?|millicores?)/.test(after)) continue;
    // "cpu limit to 500m", "cpu: 250m": the Kubernetes way of writing millicores, after a cpu word.
    const before = text.slice(Math.max(0, (m.index ?? 0) - 30), m.index ?? 0).toLowerCase();
    if (/^m$/i.test(m[2]!) && /\b(?:v?cpus?|cores?|millicores?)\b[^.;,\d]{0,25}$/.test(before)) continue;
    let value: string;
    let bytes: number;
    const typed = SCHEMA_SUFFIX[m[2]!];
    if (typed !== undefined) {
      // Already the schema's form ("1G", "512M", "64Mi"): keep what the user typed.
      value = `${m[1]}${m[2]}`;
      bytes = Math.round(n * typed);
    } else if (Number.isInteger(n)) {
      value = `${n}${unit[1]}`;
      bytes = n * unit[2];
    } else {
      // 1.5Gi → 1536Mi: the schema allows decimals, but whole numbers read better.
      const idx = SIZE_UNITS.indexOf(unit);
      const lower = SIZE_UNITS[idx - 1];
      if (lower) {
        const v = Math.round(n * 1024);
        value = `${v}${lower[1]}`;
        bytes = v * lower[2];
      } else {
        value = `${n}${unit[1]}`;
        bytes = Math.round(n * unit[2]);
      }
    }
    out.push({ text: m[0], value, bytes });
  }
  return out;
}

/** Bytes of a schema size string ("512Mi", "1G", "1073741824"). */
export function sizeToBytes(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|K|M|G|T|P)?$/.exec(s);
  if (!m) return undefined;
  const mult: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
  return Math.round(Number(m[1]) * (m[2] ? mult[m[2]]! : 1));
}

/** What a cpu is called: "cpu", "vcpu", "core", "processor" (and their plurals). */
const CPU_NOUN = String.raw`(?:v?cpus?|cores?|processors?)`;
/** A thousandth of a cpu: "250m", "250 millicores", "300 millicpu", "250mcpu". */
const MILLI = String.raw`(?:millicores?|millicpus?|milli-?cores?|milli-?cpus?|mcpus?)`;
/** Parts of one cpu said as words: "half a cpu", "a quarter of one core", "three quarters of a vcpu". */
const CPU_PARTS: [RegExp, string][] = [
  [new RegExp(String.raw`\b(?:3|three)\s+quarters?\s+(?:of\s+)?(?:a|an|one|1)?\s*${CPU_NOUN}\b`), '0.75'],
  [new RegExp(String.raw`\b(?:a\s+)?half\s+(?:of\s+)?(?:a|an|one|1)?\s*${CPU_NOUN}\b`), '0.5'],
  [new RegExp(String.raw`\b(?:a\s+|one\s+|1\s+)?quarter\s+(?:of\s+)?(?:a|an|one|1)?\s*${CPU_NOUN}\b`), '0.25'],  // "a full cpu", "an entire core", "a whole vcpu", "a dedicated core": one (round 35).
  [new RegExp(String.raw`\b(?:a|an)\s+(?:full|whole|entire|dedicated|complete|single)\s+${CPU_NOUN}\b`), '1'],
];

/** CPU amounts: "half a cpu" → "0.5", "2 cpus" → "2", "1.5 cores", "500m", "250 millicores". */
export function findCpu(text: string): { text: string; value: string } | undefined {
  const t = text.toLowerCase();
  for (const [re, value] of CPU_PARTS) {
    const part = re.exec(t);
    if (part) return { text: part[0], value };
  }
  let m = new RegExp(String.raw`\b(\d+)\s?${MILLI}\b(?:\s+(?:of\s+)?(?:a\s+)?${CPU_NOUN}\b)?`).exec(t);
  if (m) return { text: m[0], value: `${m[1]}m` };
  m = new RegExp(String.raw`\b(\d+)m\s+(?:of\s+)?${CPU_NOUN}\b`).exec(t);
  if (m) return { text: m[0], value: `${m[1]}m` };
  // "50% of a core", "25 percent of one cpu": that part of one.
  m = new RegExp(String.raw`\b(\d{1,3})\s*(?:%|percent)\s+of\s+(?:a|an|one|1)\s+(?:single\s+)?${CPU_NOUN}\b`).exec(t);
  if (m && Number(m[1]) > 0 && Number(m[1]) <= 100) return { text: m[0], value: formatCpu(Number(m[1]) / 100) };
  m = new RegExp(String.raw`\b${NUM}\s*(?:(?:full|whole|entire|dedicated)\s+)?${CPU_NOUN}\b`).exec(t);
  if (m) {
    const n = parseNumberWord(m[1]!);
    if (n !== undefined && n > 0) return { text: m[0], value: formatCpu(n) };
  }
  // "set the api's cpu limit to 500m", "cpu: 250m": millicores written the Kubernetes way.
  m = /\b(?:v?cpus?|cores?)\b[^.;,\d]{0,25}?\b(\d+)m\b/.exec(t);
  if (m) return { text: m[0], value: `${m[1]}m` };
  m = /\b(?:v?cpus?|cores?)\s*(?:limit\s+)?(?:of|to|=|:)?\s*(\d+(?:\.\d+)?)(?!\s*%)(?![\d.]|\s*(?:[kmgt]i?b?|megs?|gigs?)\b)/.exec(t);
  if (m) return { text: m[0], value: formatCpu(Number(m[1])) };
  return undefined;
}

function formatCpu(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

const IPV4 = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}`;

/** IPv4/IPv6 addresses and CIDRs, as written. */
export function findCidrs(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(String.raw`(?<![\w.])${IPV4}(?:/(?:3[0-2]|[12]?\d))?(?![\w.]*\d)`, 'g'))) out.push(m[0]);
  for (const m of text.matchAll(/(?<![\w:])(?:[0-9a-f]{1,4}:){1,7}:?(?:[0-9a-f]{0,4}(?::[0-9a-f]{1,4})*)(?:\/(?:12[0-8]|1[01]\d|\d?\d))?(?![\w:])/gi)) {
    if (m[0].includes('::') || (m[0].match(/:/g) ?? []).length >= 7) out.push(m[0].toLowerCase());
  }
  return out;
}

/** Port numbers named as ports: "port 8080", "ports 80 and 443", "on :8080", "8080/tcp". */
export function findPorts(text: string): number[] {
  const out: number[] = [];
  const t = text.toLowerCase();
  // "port 8080", "ports 80 and 443", "the port number 8888", "port no. 25", "port #9000".
  for (const m of t.matchAll(/\bports?\s+(?:(?:number|num|no\.?|nr\.?|#)\s*)?((?:\d{1,5}(?:\s*(?:,|and|&|\/|or)\s*)?)+)/g)) {
    for (const n of m[1]!.match(/\d{1,5}/g) ?? []) out.push(Number(n));
  }
  // "port to 8080", "port = 8080"; never the first part of an address ("the postgres port to 192.168.10.0/24": a source).
  for (const m of t.matchAll(/\bport\b(?:\s+(?:of|for|on)\s+[^.\d]{1,40}?)?\s+(?:to|=|at)\s+(\d{1,5})\b(?!\.\d)/g)) out.push(Number(m[1]));
  for (const m of t.matchAll(/\blisten(?:s|ing)?\s+on\s+(?:port\s+)?(\d{1,5})\b/g)) out.push(Number(m[1]));
  // A bare number that can only be a port: "nginx on 8080", "open 443 to everyone", "close 3306".
  // Two digits at least, and not a size, a count or a time ("on 16 cores", "open 10 connections").
  const notPort = String.raw`(?!\s*(?:%|[kmgt]i?b?\b|megs?|gigs?|cpus?|cores?|replicas?|instances|copies|connections?|times|minutes?|hours?|days?|am\b|pm\b|:|\.\d))`;
  for (const m of t.matchAll(new RegExp(String.raw`\bon\s+(\d{2,5})\b${notPort}`, 'g'))) out.push(Number(m[1]));
  // "all inbound traffic to 11211", "connections to 3306", "everything for 23": the traffic a rule is about (round 26).
  for (const m of t.matchAll(new RegExp(String.raw`\b(?:traffic|connections?|packets|requests|incoming|inbound|everything|anything)\s+(?:to|on|at|for)\s+(\d{2,5})\b${notPort}`, 'g'))) out.push(Number(m[1]));
  for (const m of t.matchAll(new RegExp(String.raw`\b(?:open|close|block|unblock|expose|deny|allow|permit|accept|drop|reject|ban|reach|hit|access|connect\s+to)\s+(?:up\s+)?(?:port\s+)?(\d{2,5})\b${notPort}`, 'g'))) out.push(Number(m[1]));
  // "only allow 22 80 443", "open 80, 443 and 8443": a list of bare numbers after the verb.
  const item = String.raw`\d{2,5}(?![.:/]\d)`;
  for (const m of t.matchAll(new RegExp(String.raw`\b(?:open|close|block|unblock|deny|allow|permit|accept)\s+(?:up\s+)?(?:ports?\s+)?(${item}(?:(?:\s*,\s*(?:and\s+)?|\s+|\s+(?:and|&|or)\s+)${item})+)\b${notPort}`, 'g'))) {
    for (const n of m[1]!.match(/\d{2,5}/g) ?? []) out.push(Number(n));
  }
  for (const m of t.matchAll(/(?:^|\s):(\d{1,5})\b/g)) out.push(Number(m[1]));
  for (const m of t.matchAll(/\b(\d{1,5})\/(tcp|udp)\b/g)) out.push(Number(m[1]));
  // "udp/514", "tcp/8883": the protocol first, then the number (round 30).
  for (const m of t.matchAll(/\b(?:tcp|udp)\s*\/\s*(\d{1,5})\b(?![.:/]\d)/g)) out.push(Number(m[1]));
  // "postgres (5432)", "telnet (port 23)", "(27015/udp)": a number in brackets beside what it is.
  for (const m of t.matchAll(/\(\s*(?:port\s+)?(\d{2,5})\s*(?:\/\s*(?:tcp|udp))?\s*\)/g)) out.push(Number(m[1]));
  // "udp 51820", "tcp port 25565": a protocol before the number.
  for (const m of t.matchAll(/\b(?:tcp|udp)\s+(?:port\s+)?(\d{2,5})\b/g)) out.push(Number(m[1]));
  // "53 udp", "(27015 tcp)": the number before its protocol.
  for (const m of t.matchAll(/\b(\d{2,5})\s+(?:tcp|udp)\b/g)) out.push(Number(m[1]));
  return [...new Set(out.filter((p) => p >= 1 && p <= 65535))];
}

/** Strings in single, double or curly quotes or backticks (language.ts `QUOTED`), without their quotes. */
export function findQuoted(text: string): string[] {
  return [...text.matchAll(new RegExp(QUOTED, 'g'))].map((m) => m[0].slice(1, -1).trim()).filter((q) => q.length > 0 && q.length <= 200);
}

/** Image-looking tokens: contain ':' or '/' and look like a reference (nginx:1.25, ghcr.io/x/y:1). */
export function findImageRefs(text: string): string[] {
  const out: string[] = [];
  // A registry's port only before a path ("registry:5000/x"): "httpd:2.4" is a tag, kept whole.
  for (const m of text.matchAll(/(?<![\w@./:-])([a-z0-9][a-z0-9._-]*(?:\.[a-z0-9-]+)*(?::\d+(?=\/))?(?:\/[a-z0-9._-]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?)(?![\w/:@-])/gi)) {
    const s = m[1]!;
    if (!/[:/]/.test(s)) continue;
    if (/^\d+(\.\d+){3}/.test(s)) continue; // an address, not an image
    if (/^\d+\/(tcp|udp)$/i.test(s)) continue;
    if (/^\d+:\d+$/.test(s)) continue; // 3:00
    out.push(s);
  }
  return out;
}

// ── services ────────────────────────────────────────────────────────────────

export interface ServiceMention {
  /** The stdlib template it names. */
  template: string;
  /** Generic words (web server, database, cache) are weaker than a product name. */
  generic: boolean;
  /** What the user wrote. */
  text: string;
  index: number;
}

/** Phrase → template. Product names first (specific), then generic role words. */
const SERVICE_WORDS: { re: RegExp; template: string; generic: boolean }[] = [
  { re: /\bnginx\b|\bengine-?x\b/g, template: 'nginx', generic: false },
  { re: /\bcaddy\b/g, template: 'caddy', generic: false },
  { re: /\bpostgres(?:ql|s)?\b|\bpostgre\s?sql\b|\bpsql\b|\bpg\b/g, template: 'postgres', generic: false },
  { re: /\bmaria\s?db\b/g, template: 'mariadb', generic: false },
  { re: /\bmysql\b/g, template: 'mysql', generic: false },
  { re: /\bredis\b/g, template: 'redis', generic: false },
  { re: /\bprometheus\b/g, template: 'prometheus', generic: false },
  { re: /\bgrafana\b/g, template: 'grafana', generic: false },
  { re: /\bword\s?press\b/g, template: 'wordpress', generic: false },
  { re: /\bweb\s?servers?\b|\bweb\s+app(?:lication)?s?\b|\bwebsites?\b|\bweb\s?sites?\b|\bweb\s?front[\s-]?ends?\b|\bfront[\s-]?ends?\b|\breverse\s?prox(?:y|ies)\b|\b(?<![\w.\/:-])prox(?:y|ies)\b(?![\w.\/:-])|\bstatic\s+(?:site|website|pages?)\b|\bhttp\s+server\b/g, template: 'nginx', generic: true },
  { re: /\b(?:sql\s+|relational\s+)?databases?\b|\bdbs?\b/g, template: 'postgres', generic: true },
  { re: /\bcach(?:e|es|ing)\b|\bkey[-\s]?value\s+store\b/g, template: 'redis', generic: true },
  { re: /\bmonitoring\b|\bmetrics\b/g, template: 'prometheus', generic: true },
  { re: /\bdashboards?\b/g, template: 'grafana', generic: true },
  { re: /\bblog\b/g, template: 'wordpress', generic: true },
];

/** The words before a service's own name: "called X", "named 'X'", "name it X". */
export const SAID_AS_NAME = /(?<!\b(?:user|account|owner|role|group|login|volume|dir|directory|folder|disk|storage)\s+)\b(?:called|named|name\s+it|call\s+it)\s+['"“‘`]?$/;

/** Service mentions in order of appearance (a template may appear more than once). */
export function findServiceMentions(text: string): ServiceMention[] {
  const t = text.toLowerCase();
  const out: ServiceMention[] = [];
  const taken: [number, number][] = [];
  for (const w of SERVICE_WORDS) {
    for (const m of t.matchAll(w.re)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      // "a mongodb called mongo", "… named pg": the name said for a service is no product (round 26);
      // "bakery-db", "edge-proxy": a role word inside a hyphenated name is no role.
      if (SAID_AS_NAME.test(t.slice(Math.max(0, start - 32), start)) || (w.generic && (/\w-$/.test(t.slice(0, start)) || /^-\w/.test(t.slice(end))))) continue;
      // "database password" is not a database.
      if (w.template === 'postgres' && w.generic && /^\s*(password|user|name|connections?|limit)/.test(t.slice(end))) continue;
      // "a db admin ui", "the cache browser", "a database gui": a role word before a tool's kind only
      // says what the tool is for (round 38: "delete adminer, we shouldn't have a db admin ui lying
      // around" also removed postgres).
      if (w.generic && /^\s+(?:admin(?:istration)?\s+)?(?:ui|gui|web\s?ui|interface|panel|console|client|browser|viewer|explorer|tool)s?\b/.test(t.slice(end))) continue;
      taken.push([start, end]);
      out.push({ template: w.template, generic: w.generic, text: m[0], index: start });
    }
  }
  // "mariadb (the mysql fork)": said beside MariaDB, "mysql" only describes it.
  if (out.some((m) => m.template === 'mariadb')) for (const m of out) if (m.template === 'mysql') m.template = 'mariadb';
  return out.sort((a, b) => a.index - b.index);
}

// ── clauses ─────────────────────────────────────────────────────────────────

/**
 * Splits a request into clauses at sentence ends, ';', ',', and joining words ("and",
 * "then", "also", "plus"). A clause with no verb and no topic of its own (a bare list item
 * such as "Redis for caching" or "192.168.0.0/16") is glued back onto the one before it.
 */
/** KEY=a,b,c: a value whose commas have no space after them and start no other KEY=. */
const COMMA_VALUE = String.raw`(?<![\w$])[A-Za-z_][A-Za-z0-9_]*=[^\s,;=]+(?:,(?![A-Za-z_][A-Za-z0-9_]*=)[^\s,;=]+)+`;

const SAID_COMMA_VALUE = /(?<=(?:(?<![\w$])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|\b(?:env(?:ironment)?\s+var(?:iable)?|variable)\s+[A-Z]{2,}[0-9]*)\b[^,;.\u0000]{0,60}?\s)[^\s,;=\u0000]+(?:,(?![A-Za-z_][A-Za-z0-9_]*=)[^\s,;=\u0000]+)+/g;

export function splitClauses(text: string, hasOwnMeaning: (clause: string, before?: string) => boolean): string[] {
  // A quoted value is one thing whatever it holds: `FEATURE_FLAGS="beta,new-ui"` or
  // `motd 'up, and running'` is never split at its comma or its "and". Masked while splitting.
  const quoted: string[] = [];
  // So is a list of times of day ("at 6am and 6pm", "noon and midnight"): one schedule.
  // And a variable's value with commas and no space ("FEATURE_FLAGS=beta,newui"): one value.
  // Round 24: so is a variable's value with commas said after its name in words ("set
  // FEATURE_FLAGS to beta,search", "CORS_ORIGINS on api to https://a.io,https://b.io"): a name in
  // capitals earlier in the same clause, then a token with commas and no space.
  const masked = text
    .replace(new RegExp(`${QUOTED}|${TIME_LIST}|${MONTH_LIST_SAID}|${COMMA_VALUE}`, 'gi'), (m) => `\u0000${quoted.push(m) - 1}\u0000`)
    .replace(SAID_COMMA_VALUE, (m) => `\u0000${quoted.push(m) - 1}\u0000`);
  const unmask = (s: string): string => s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => quoted[Number(i)] ?? '');
  const parts = masked
    // A dash with spaces round it ends a clause when a subject follows ("… noah@work - he needs
    // sudo", "close 8080 - api doesn't need to be public"); "… env var - generate a random one"
    // goes on, and one between two numbers is a range ("8000 - 8010").
    // "add mariadb; then wordpress on 8081", "… . Then grafana on 3001": the "then" after a sentence's end is no part
    // of the clause it starts (round 35: the clause was glued to the one before, and mariadb got wordpress's port).
    .split(/(?:[;!?]|\.(?=\s|$))\s*(?:(?:and\s+)?then\s+)?|,\s*(?:and\s+(?:then\s+)?|then\s+|also\s+|plus\s+)?|(?<![\d\s])\s+[-–—]+\s+(?=(?:he|she|they|it|it'?s|its|this|that|the\s+[\w-]+|[a-z][\w-]*\s+(?:doesn'?t|does\s+not|isn'?t|is\s+not|should|shouldn'?t|needs?|must|can'?t|won'?t|(?:publicly\s+)?(?:reachable|exposed|accessible|published)\b))\s)|(?<!\s)\s+(?:and then|and also|as well as|and|then|also|plus)\s+/i)
    .map((s) => unmask(s).trim())
    .filter((s) => s.length > 0);
  const out: string[] = [];
  for (const p of parts) {
    if (out.length > 0 && !hasOwnMeaning(p, out[out.length - 1])) out[out.length - 1] += ', ' + p;
    else out.push(p);
  }
  return out;
}
