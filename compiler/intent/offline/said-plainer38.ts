/**
 * Round 38 (FIT32A): phrasings of services said the one way the engine's readers read them, before
 * any reader (engine.ts readRequest, with the services there). Each is a class of held-out 32 misses:
 * - a verb said of nothing ("api env: remove nothing, just add SENTRY_ENVIRONMENT=production",
 *   "change nothing else, only set …"): no order, taken out; what follows is the request.
 * - a state said after a service with an arrow or a colon ("mongodb -> stopped", "redis: off",
 *   "worker => running", "memcached -> gone"): stop, start or remove that service.
 * - a removal said as an idiom ("grafana's toast, pull it off the server", "flush redis out of
 *   existence", "yank memcached off the box"): "X is not needed", "remove X/it".
 * - services said to stay after a removal ("delete the prometheus service, grafana and nginx
 *   stay"): "keep grafana and nginx", never more objects of the removal's list.
 * - some of a service's replicas taken away ("eliminate five of the six nginx replicas", "remove 2
 *   of the worker's 4 instances", "kill three nginx replicas"): the count left, "scale X to N replicas".
 * - a service's command said unquoted after "command" or in brackets ("start redis with appendonly:
 *   command redis-server --appendonly yes", "… appendonly turned on (redis-server --appendonly
 *   yes)"): ", command `…`", as services-said.ts reads it. Only a program of a product said (its
 *   name or the product's name with a suffix: redis-server, mongod) with a flag ("-…").
 * - a share of a core said as a fraction ("a quarter-core memcached", "1/2 core", "half-a-cpu",
 *   "three quarters of a core"): "0.25 cpu" (never after "one and", "1 1/2 cores" is its own); said before the product as its adjective, "memcached
 *   with 0.25 cpu" (a size after it, "with 64m", is then its memory, never a CPU in millicores).
 * - a database's name and user said as fields for PostgreSQL, MySQL or MariaDB ("postgres with
 *   database name 'shop' and user 'shop', generate the password", "mariadb, db name wiki, user wiki,
 *   random pw", "install mysql, database 'crm'"): "postgres with database name shop owned by shop"
 *   (an owner said as such is ownerIn's own reading, left as it is), which engine.ts addFromTemplate reads as the image's variables (POSTGRES_DB, MYSQL_DATABASE,
 *   …), never a login of the host. Only with no other product said.
 * - a data service said to be behind what it serves ("wordpress with a mysql database behind it",
 *   "an api with postgres behind it"): added for it and not published ("…, mysql not published").
 * - a product said with what it is and its image in brackets ("a ghost blog (ghost:5)", "a
 *   grafana dashboard (grafana/grafana:11.1.0)"): "ghost (ghost:5)", the product's name the
 *   service's, never the noun after it ("blog"). Only when the image is the product's own.
 * Only services there are (`names`), so an unknown word is never read as one. Pure; a message
 * none of them fits is returned as it is.
 */
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nameAlt = (names: readonly string[]): string => [...names].sort((a, b) => b.length - a.length).map(escapeRe).join('|');

/** "remove nothing, just add …", "delete nothing; only …", "change nothing else and just …": the verb of nothing taken out. */
const OF_NOTHING = /(^|[,:;.]\s*|\s-\s*)(?:(?:please|pls)\s+)?(?:remove|delete|drop|change|touch|modify|replace|stop|restart)\s+nothing(?:\s+else)?(?:\s+(?:please|pls))?(?:\s*[,;.]\s*|\s+-\s*|\s+(?:and|but)\s+|\s+)(?:(?:just|only|simply)\s+)?(?=[a-z])/gi;
export function nothingRemoved(text: string): string {
  return text.replace(OF_NOTHING, '$1');
}

/** A state said after the name with an arrow or a colon, the whole message ("mongodb -> stopped"). */
const STATES: Record<string, string> = {
  stopped: 'stop', stop: 'stop', off: 'stop', down: 'stop', paused: 'stop', halted: 'stop',
  running: 'start', started: 'start', start: 'start', on: 'start', up: 'start',
  gone: 'remove', removed: 'remove', deleted: 'remove', absent: 'remove',
};
export function stateArrow(text: string, names: readonly string[]): string {
  if (!names.length) return text;
  const m = new RegExp(String.raw`^\s*(?:the\s+)?(${nameAlt(names)})(?:\s+(?:service|container))?\s*(?:->|=>|→|:)\s*(?:(?:be|is|now)\s+)?(stopped|stop|off|down|paused|halted|running|started|start|on|up|gone|removed|deleted|absent)(?:\s+(?:now|please|pls))?\s*[.!]*$`, 'i').exec(text);
  return m ? `${STATES[m[2]!.toLowerCase()]} ${m[1]!.toLowerCase()}` : text;
}

/**
 * A removal said as an idiom, of a service there is or of "it": "X's toast" / "X is toast" / "X is
 * history" (not needed), "pull / yank / rip X off the server" (removed from the server; never "off
 * the host" or "off the host port", a port reader's), "flush / wipe / blow X out of existence" (removed).
 */
export function removalIdioms(text: string, names: readonly string[]): string {
  if (!names.length) return text;
  const n = nameAlt(names);
  const obj = String.raw`(?:the\s+|our\s+|my\s+)?(${n}|it|that|this)(?:\s+(?:service|container|app|thing))?`;
  return text
    .replace(new RegExp(String.raw`(?<![\w.-])(${n})(?:'s|’s|\s+is)\s+(?:toast|history|dead\s+to\s+us|done\s+for)\b`, 'gi'), (_m, name: string) => `${name.toLowerCase()} is not needed`)
    .replace(new RegExp(String.raw`\b(?:pull|yank|rip|take)\s+${obj}\s+off\s+(?:the\s+|this\s+|our\s+|my\s+)?(?:server|box|machine|vps)(?!\s*(?:'s\s+)?ports?\b)(?:\s+(?:entirely|completely|for\s+good|altogether))?\b`, 'gi'), (_m, o: string) => `remove ${o.toLowerCase()}`)
    .replace(new RegExp(String.raw`\b(?:flush|wipe|blow|erase|delete|remove|purge|kick|send|wish|zap)\s+${obj}\s+out\s+of\s+existence\b`, 'gi'), (_m, o: string) => `remove ${o.toLowerCase()}`);
}

/** "…, grafana and nginx stay", "…; redis remains": said as "keep …" after the separator. */
export function staySaid(text: string, names: readonly string[]): string {
  if (!names.length) return text;
  const one = String.raw`(?:the\s+)?(?:${nameAlt(names)})(?:\s+(?:service|container))?`;
  const re = new RegExp(String.raw`([,;.]\s*|\s-\s*|\b(?:but|and|while)\s+)(?:(?:but|and)\s+)?(${one}(?:(?:\s*,\s*|\s+(?:and|&)\s+)${one})*)\s+(?:stays?|remains?|(?:is|are)\s+(?:kept|staying)|(?:can|should|must|will|shall|may)\s+(?:stay|remain))(?:\s+(?:as\s+(?:it\s+is|they\s+are|is)|alone|untouched|the\s+same|unchanged|put|running|where\s+(?:it\s+is|they\s+are)))?(?=\s*(?:[,.;!?]|$))`, 'gi');
  return text.replace(re, (_m, sep: string, list: string) => `${sep}keep ${list}`);
}

const NUMBER: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
const COUNT = String.raw`(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const count = (w: string): number => NUMBER[w.toLowerCase()] ?? Number(w);

/** "eliminate five of the six nginx replicas": the replicas left (the count said, else the service's own). */
export function replicasTaken(text: string, names: readonly string[], replicas: (name: string) => number | undefined): string {
  if (!names.length) return text;
  const n = nameAlt(names);
  const re = new RegExp(String.raw`\b(?:eliminate|remove|kill|delete|drop|destroy|get\s+rid\s+of|take\s+away|shut\s+down|stop|cut|lose|axe|ditch)\s+${COUNT}\s+(?:(?:of\s+(?:the|its|their|those|(?:the\s+)?(${n})(?:'s|’s))\s+(?:${COUNT}\s+)?)|(?:more\s+)?)(?:(${n})(?:'s|’s)?\s+)?(?:replicas|instances|copies|containers)(?:\s+of\s+(${n}))?\b`, 'gi');
  return text.replace(re, (m, k: string, owner: string | undefined, total: string | undefined, name1: string | undefined, name2: string | undefined) => {
    const name = (owner ?? name1 ?? name2)?.toLowerCase();
    if (name === undefined) return m;
    const had = total !== undefined ? count(total) : replicas(name);
    const left = had === undefined ? undefined : had - count(k);
    return left === undefined || left < 1 ? m : `scale ${name} to ${left} replicas`;
  });
}

/** A program of a product said in the message, with a flag among its arguments: a service's command. */
function productCommand(command: string, products: readonly string[], text: string): boolean {
  const words = command.trim().split(/\s+/);
  const prog = words[0]!.toLowerCase();
  if (!words.slice(1).some((w) => /^-{1,2}[a-z]/i.test(w))) return false;
  return products.some((p) => p.length >= 4 && (prog.startsWith(p) || (p.startsWith(prog) && prog.length >= 5)) && new RegExp(String.raw`(?<![\w-])${escapeRe(p)}`, 'i').test(text.replace(command, ' ')));
}

const AFTER_COMMAND = /\bcommand(?:\s*[:=]\s*|\s+)(?![\x60'"“‘])([a-z][\w.-]*(?:\s+[^\s\x60'"()]+){1,12})\s*[.!]*$/i;
const IN_BRACKETS = /\(([a-z][\w.-]*(?:\s+[^\s\x60'"()]+){1,12})\)/gi;
/** The words before "command" that are part of it ("…: with the command"), taken off without a pattern that reads back over spaces. */
function headOf(text: string): string {
  let head = text.trimEnd();
  for (;;) {
    const w = /(?:^|\s)(with|the|its|a)$/i.exec(head.slice(-6));
    if (!w) break;
    head = head.slice(0, head.length - w[1]!.length).trimEnd();
  }
  while (/[:,;]$/.test(head)) head = head.slice(0, -1).trimEnd();
  return head;
}
export function commandSaid(text: string, products: readonly string[]): string {
  const after = AFTER_COMMAND.exec(text);
  if (after && productCommand(after[1]!, products, text)) return `${headOf(text.slice(0, after.index))}, command \x60${after[1]}\x60`;
  // In brackets anywhere: taken out, and said last ("add memcached (memcached -m 64) on 11211").
  const bracket = [...text.matchAll(IN_BRACKETS)].find((m) => productCommand(m[1]!, products, text));
  if (!bracket) return text;
  const rest = (text.slice(0, bracket.index) + text.slice(bracket.index! + bracket[0].length)).trimEnd();
  const end = /[.!]*$/.exec(rest)![0];
  return `${headOf(rest.slice(0, rest.length - end.length))}, command \x60${bracket[1]}\x60${end}`;
}

const FRACTION: Record<string, string> = { quarter: '0.25', half: '0.5', third: '0.33', 'three-quarter': '0.75', 'three quarter': '0.75', 'three-quarters': '0.75', 'three quarters': '0.75' };
const FRACTION_WORD = String.raw`(three[- ]quarters?|quarter|half|third)(?:[- ]of)?(?:[- ]an?)?`;
const CORE = String.raw`(?:cores?|cpus?|vcpus?)`;
export function cpuSaid(text: string, products: readonly string[]): string {
  const digits = text.replace(new RegExp(String.raw`(?<![\w./])(?<!\d\s+)(\d)\s*\/\s*(\d{1,2})(?:\s+(?:of\s+)?an?)?[\s-]+${CORE}\b`, 'gi'), (m, a: string, b: string) => (Number(b) > 0 && Number(a) < Number(b) ? `${String(Math.round((Number(a) / Number(b)) * 100) / 100)} cpu` : m));
  const p = products.length ? nameAlt(products) : undefined;
  const before = p ? digits.replace(new RegExp(String.raw`(?<!\b(?:and|&|plus)\s+(?:an?\s+)?)\b(?:an?\s+)?${FRACTION_WORD}[- ]${CORE}\s+(${p})\b(\s+with\s+)?`, 'gi'), (_m, f: string, prod: string, w: string | undefined) => `${prod} with ${FRACTION[f.toLowerCase()]} cpu${w ? ' and ' : ''}`) : digits;
  return before.replace(new RegExp(String.raw`(?<!\b(?:and|&|plus)\s+(?:an?\s+)?)\b(?:an?\s+)?${FRACTION_WORD}[- ]${CORE}\b`, 'gi'), (_m, f: string) => `${FRACTION[f.toLowerCase()]} cpu`);
}

const DATABASES: Record<string, string> = { postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql', mariadb: 'mariadb', 'maria db': 'mariadb' };
const DB_PRODUCT = /\b(postgres(?:ql)?|mysql|maria\s?db)\b/gi;
const NOT_A_NAME = /^(?:a|an|the|and|with|for|behind|server|service|services|container|instance|user|users|username|owner|role|login|password|passwords|pw|pwd|name|called|named|is|of|on|to|in|it|that|this|db|dbs|database|databases|backed|port|too|also|as|root|admin|account|login|please|pls|random|secure|generated)$/i;
const DB_NAME = /\b(?:database|db)(?:([\s_-]+name)(?:\s*[:=]\s*|\s+(?:is\s+|should\s+be\s+)?)['"“‘]?|(?:\s*[:=]\s*|\s+(?:called|named)\s+)['"“‘]?|\s+['"“‘])([a-z_][a-z0-9_]{0,62})['"”’]?(?![\w-])/i;
const DB_USER = /\b(?:(?:db|database)\s+)?(?:user(?:name)?)(?:\s*[:=]\s*|\s+(?:called\s+|named\s+|is\s+|should\s+be\s+)?)['"“‘]?([a-z_][a-z0-9_]{0,31})['"”’]?(?![\w-])/i;
/** The separators and small words before a field, taken off without a pattern that reads back over spaces. */
function beforeField(head: string): string {
  let h = head.trimEnd();
  for (;;) {
    const w = /(?:^|\s)(and|with|a|the|its|plus)$/i.exec(h.slice(-6));
    if (w) h = h.slice(0, h.length - w[1]!.length).trimEnd();
    else if (/[,;]$/.test(h)) h = h.slice(0, -1).trimEnd();
    else return h;
  }
}
export function databaseFields(text: string, products: readonly string[]): string {
  const said = [...text.matchAll(DB_PRODUCT)];
  const kinds = new Set(said.map((m) => DATABASES[m[1]!.toLowerCase().replace(/\s+/, ' ')]));
  // An owner said as such ("owner should be a user called 'ledger'") is ownerIn's own reading.
  if (kinds.size !== 1 || /\bown(?:er|ed|s)\b/i.test(text) || /\b(?:linux|system|host|unix|ssh|sudo|shell)\s+(?:user|account|login)s?\b|\bsudo\b/i.test(text)) return text;
  const others = products.filter((p) => !DATABASES[p] && p.length >= 3 && new RegExp(String.raw`(?<![\w-])${escapeRe(p)}(?![\w-])`, 'i').test(text));
  if (others.length) return text;
  const product = said[0]!;
  // The fields go after the version said with the product ("postgres 15", "mysql version 8.4").
  const version = /^\s+(?:version\s+)?v?\d{1,2}(?:\.\d{1,2}){0,2}(?![\w.])/i.exec(text.slice(product.index! + product[0].length))?.[0] ?? '';
  const at = product.index! + product[0].length + version.length;
  const after = text.slice(at);
  let rest = after;
  const take = (re: RegExp, group: number): string | undefined => {
    const m = re.exec(rest);
    if (!m || NOT_A_NAME.test(m[group]!)) return undefined;
    // "a postgres database called analytics": right after the product, with no "name", it names the service.
    if (re === DB_NAME && m[1] === undefined && rest.slice(0, m.index).trim() === '') return undefined;
    rest = `${beforeField(rest.slice(0, m.index))}${rest.slice(m.index + m[0].length)}`;
    return m[group]!.toLowerCase();
  };
  const db = take(DB_NAME, 2);
  const user = take(DB_USER, 1);
  if (db === undefined && user === undefined) return text;
  const fields = `${db !== undefined ? ` with database name ${db}` : ''}${user !== undefined ? ` owned by ${user}` : ''}`;
  return `${text.slice(0, at)}${fields}${rest}`;
}

const DATA_BEHIND = /\b(postgres(?:ql)?|mysql|maria\s?db|redis|mongo(?:db)?|memcached|valkey)(?:\s+(?:database|db|server|instance|cache))?\s+(?:behind|underneath|beneath)\s+(?:it|them|that|this)\b/i;
export function dataBehind(text: string): string {
  const m = DATA_BEHIND.exec(text);
  if (!m) return text;
  const name = m[1]!.toLowerCase().replace(/\s+/g, '');
  // Said in place, so what follows keeps its subject ("…behind it, site on port 8081": wordpress's port).
  return `${text.slice(0, m.index)}${m[1]}, ${name === 'postgresql' ? 'postgres' : name === 'mongo' ? 'mongodb' : name} not published${text.slice(m.index + m[0].length)}`;
}

const KIND_NOUN = String.raw`(?:blog|site|website|server|instance|app|service|container|wiki|forum|shop|store|dashboard|database|db|cache|queue|broker|proxy)`;
export function productNounImage(text: string, products: readonly string[]): string {
  if (!products.length || !text.includes('(')) return text;
  const re = new RegExp(String.raw`\b(${nameAlt(products)})\s+${KIND_NOUN}(\s*\(\s*)((?:[a-z0-9][\w.-]*(?::\d+)?\/)*([a-z0-9][\w.-]*):[\w][\w.-]*)(?=\s*\))`, 'gi');
  return text.replace(re, (m, product: string, open: string, image: string, repo: string) => (repo.toLowerCase() === product.toLowerCase() ? `${product}${open}${image}` : m));
}

export function saidPlainer38(text: string, names: readonly string[], replicas: (name: string) => number | undefined = () => undefined, products: readonly string[] = []): string {
  return productNounImage(dataBehind(databaseFields(cpuSaid(commandSaid(replicasTaken(staySaid(removalIdioms(stateArrow(nothingRemoved(text), names), names), names), names, replicas), [...names, ...products]), [...names, ...products]), products)), products);
}
