/**
 * Round 36 (INTENT-A): a service's command, what it sits in front of or works for, its network and
 * its variables, said in the forms people type (held-out 29 and para-28), as the engine's own words:
 *
 * - the command said as a field ("…, command redis-server --appendonly yes", "with the command
 *   'python -m worker'", "start command for api: `X`", "use `X` to launch the api container",
 *   "so that it starts with `X` instead of its default command"): "set the NAME command to `X`";
 * - a proxy in front of a service ("put nginx in front of the api", "caddy in front of grafana on
 *   443", "nginx on port 80 to proxy my api", "n8n only reachable through an nginx on port 80"):
 *   the proxy is added as said and "PROXY depends on SERVICE" (the one behind publishes nothing
 *   when it is "only reachable through" the proxy);
 * - a service for another ("adminer for the existing mysql", "a postgres database for it", "a
 *   worker … that depends on it", "…, depending on redis and postgres"): "A depends on B";
 * - a database that "must not be exposed": it publishes no host port;
 * - a network said with its name last ("put the api and postgres on the same network, call it
 *   backend", "put both on a network named portal-net"): "put A and B on the NAME network";
 * - an image in brackets after "a NAME container" ("a mailpit container (axllent/mailpit)"), and
 *   "NAME = IMAGE": "NAME (IMAGE)";
 * - a variable "pointing at" a value ("api needs DATABASE_URL pointing at postgres://…"): "set
 *   DATABASE_URL on api to …";
 * - a host port said as the host side ("postgres should listen on 5433 on the host side", "make the
 *   nginx port 8088"): "change the postgres host port to 5433".
 *
 * Each reading applies only when its whole shape is there; anything else is left as it was said.
 * Pure, no I/O. The regular expressions keep one whitespace run between tokens (STYLE.md).
 */

const Q = String.raw`(?<cmd>\x60[^\x60]+\x60|'[^']+'|"[^"]+"|“[^”]+”|‘[^’]+’)`;
/** The text inside the quote `Q` matched. */
const quoted = (m: RegExpExecArray): string | undefined => m.groups?.cmd?.slice(1, -1);
const NAME = String.raw`[a-z][a-z0-9_-]{0,62}`;
const PROXIES = ['nginx', 'caddy', 'traefik', 'haproxy', 'envoy'];
const NOT_NAMES = new Set(['the', 'a', 'an', 'it', 'its', 'my', 'our', 'this', 'that', 'service', 'container', 'app', 'server', 'with', 'and', 'to', 'command', 'run', 'start', 'use', 'for', 'on', 'in', 'of', 'is', 'be', 'should', 'can', 'we', 'you', 'please', 'so', 'new', 'instance', 'database', 'db', 'image', 'name', 'port', 'tag', 'version', 'url', 'host', 'value']);

/** A word that can name a service of this request: there now, a product, or said after "called"/"as". */
function nameOk(w: string | undefined): w is string {
  return w !== undefined && !NOT_NAMES.has(w.toLowerCase()) && /^[a-z]/i.test(w);
}

/** The services said in the text, in order: names there now, products, and names after "called"/"named"/"as". */
function servicesIn(text: string, here: readonly string[], products: readonly string[]): { name: string; at: number; called?: boolean }[] {
  const out: { name: string; at: number; called?: boolean }[] = [];
  const known = new Set([...here, ...products].map((x) => x.toLowerCase()));
  for (const m of text.matchAll(/(?<![\w./:@-])([a-z][a-z0-9_-]{0,62})(?![\w./:@-])/gi)) {
    const w = m[1]!.toLowerCase();
    const before = text.slice(Math.max(0, m.index - 12), m.index);
    // "the api's image": an owner said in passing, not the service this is about.
    if (/^(?:'s|’s)/.test(text.slice(m.index + m[0].length))) continue;
    // "a worker from ghcr.io/acme/worker:1", "a mailpit (axllent/mailpit)": a name given with its image.
    const after = text.slice(m.index + m[0].length);
    const withImage = /^\s+(?:from|using|off|on)\s+(?:the\s+)?(?:image\s+)?[a-z0-9][\w.-]*(?:\/[\w.-]+)*:[\w.-]+|^\s+(?:from|using)\s+(?:the\s+)?(?:image\s+)?[a-z0-9][\w.-]*\/[\w.-]+|^\s*\([a-z0-9][\w.-]*(?:\/[\w.-]+|:[\w.-]+)/i.test(after);
    if (/\b(?:called|named)\s+$/i.test(before) || (withImage && nameOk(w) && !known.has(w))) out.push({ name: w, at: m.index, called: true });
    else if (known.has(w) || /\bas\s+$/i.test(before)) out.push({ name: w, at: m.index });
  }
  return out;
}

/** The last service named before `at` (or the first after it when none is before). */
function nearest(text: string, at: number, here: readonly string[], products: readonly string[], not: string[] = []): string | undefined {
  const all = servicesIn(text, here, products).filter((s) => !not.includes(s.name));
  const before = all.filter((s) => s.at < at);
  // A service named with "called"/"named" is the one this request is about.
  return (before.find((s) => s.called) ?? before[before.length - 1] ?? all.find((s) => s.at >= at))?.name;
}

// ── the command ──────────────────────────────────────────────────────────

/** Forms that say a command in quotes (group `cmd`) and, where said, the service (group `svc`). */
const COMMAND_FORMS: RegExp[] = [
  // "start command for api: `X`", "startup command of the worker is 'X'", "the command for api should be `X`"
  new RegExp(String.raw`\b(?:(?:the\s+)?(?:start(?:up)?|launch|run|boot|entry)\s+command|(?:the\s+)?command)\s+(?:for|of)\s+(?:the\s+)?(?<svc>${NAME})(?:\s+(?:service|container))?\s*(?::|=|should\s+be|must\s+be|is|to)?\s*${Q}`, 'i'),
  // "use `X` to launch/start/run the api (container)", "use `X` as the start command of api"
  new RegExp(String.raw`\buse\s+${Q}\s+to\s+(?:launch|start|run|boot)\s+(?:the\s+|my\s+|our\s+)?(?<svc>${NAME})(?:\s+(?:service|container))?`, 'i'),
  // "… so that it starts with `X` instead of its default command", "start the worker with `X` instead of …"
  new RegExp(String.raw`\b(?:starts?|launch(?:es)?|runs?|boots?)\s+(?:up\s+)?(?:with|using)\s+${Q}\s+instead\s+of\s+(?:its|the|their)\s+(?:(?:default|usual|normal|own|image'?s?|built-?in)\s+)*(?:command|cmd|entrypoint)`, 'i'),
  // "run the worker with the command 'X'", "with the command `X`", "command: `X`", ", command 'X'"
  new RegExp(String.raw`(?:\bwith\s+(?:the\s+|a\s+)?(?:start(?:up)?\s+)?(?:command|cmd)|(?:,|;|\(|^)\s*(?:start(?:up)?\s+)?(?:command|cmd))\s*(?::|=)?\s*${Q}`, 'i'),
];

/** ", command redis-server --appendonly yes" at the end of the request: the command said bare, to its end. */
const BARE_COMMAND = /(?:,|;)\s*(?:and\s+)?(?:with\s+)?(?:the\s+)?(?:start(?:up)?\s+)?(?:command|cmd)\s*(?::|=)?\s*((?!(?:to|for|of|is|should|that|which)\b)[a-z./][^\s,;`'"]*(?:\s+[^\s,;`'"]+)*?)\s*[.!]*$/i;

/** "redis-server --appendonly yes" is a command: a program and its arguments, never a sentence ("and a volume"). */
function looksLikeCommand(cmd: string): boolean {
  return /(?:^|\s)-{1,2}[a-z]|[/:=.]|^[a-z0-9_-]+-[a-z0-9_-]+\s|^(?:python|node|npm|bundle|php|java|ruby|sh|bash|celery|gunicorn|uvicorn|redis-server|server)\b/i.test(cmd) && !/\b(?:and|with|on\s+port|please|volume|memory)\b/i.test(cmd);
}

/** What is left of a request once the command is taken out, when it only named the service ("can we run the worker"): nothing. */
function onlyNamed(rest: string, name: string): boolean {
  const words = rest
    .toLowerCase()
    .replace(/[?.!,;:]+/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');
  const filler = new Set(['can', 'could', 'would', 'we', 'you', 'i', 'please', 'pls', 'run', 'start', 'launch', 'the', 'my', 'our', 'service', 'container', 'change', 'update', 'modify', 'make', 'so', 'that', 'it', 'to', 'have', 'set', 'up', 'is', 'possible', 'thanks', 'how', 'about', 'let', "let's", 'lets', 'us', 'should', 'must', 'needs', 'need', 'shall', 'always', 'now']);
  return words.every((w) => w === name || filler.has(w));
}

/** A schedule said anywhere: the command is a job's (the job readers take it), never the service's. */
const SCHEDULE_WORDS = /\b(?:jobs?|cron\w*|every|each|daily|nightly|hourly|weekly|monthly|weekdays?|weekends?|at\s+\d|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b/i;
/** "run IMAGE as NAME …": a service added; said with the command apart, "run" alone reads as a host command. */
const asAdded = (rest: string): string => rest.replace(/^(?:please\s+)?run\s+(?=(?:a\s+|an\s+)?[a-z])/i, 'add ');

function commandSaid(text: string, here: readonly string[], products: readonly string[]): string {
  if (SCHEDULE_WORDS.test(text.replace(/\x60[^\x60]*\x60|'[^']*'|"[^"]*"/g, ' '))) return text;
  for (const [i, re] of COMMAND_FORMS.entries()) {
    const m = re.exec(text);
    if (!m) continue;
    const cmd = quoted(m);
    if (cmd === undefined || !/\S/.test(cmd)) continue;
    const said = m.groups?.svc?.toLowerCase();
    const name = nameOk(said) ? said : nearest(text.slice(0, m.index) + ' '.repeat(m[0].length) + text.slice(m.index + m[0].length), m.index, here, products);
    if (!name) return text;
    // "add IMAGE as NAME with the command `X`" is read as it is said; only a service there now is rewritten in that form.
    if (i === COMMAND_FORMS.length - 1 && /^\s*with\b/i.test(m[0]) && !here.includes(name)) return text;
    const rest = (text.slice(0, m.index) + text.slice(m.index + m[0].length)).replace(/\s+/g, ' ').replace(/\s*[,;:]\s*$/, '').trim();
    const set = `set the ${name} command to \`${cmd}\``;
    return onlyNamed(rest, name) ? set : `${(here.includes(name) ? rest : asAdded(rest)).replace(/[?.!]+$/, '')}; ${set}`;
  }
  const b = BARE_COMMAND.exec(text);
  if (b && looksLikeCommand(b[1]!)) {
    const name = nearest(text, b.index, here, products);
    if (!name) return text;
    const rest = text.slice(0, b.index).trim();
    // "run redis …, command …": the service is added (a bare "run" beside a command reads as a host command).
    return `${here.includes(name) ? rest : asAdded(rest)}; set the ${name} command to \`${b[1]!.trim()}\``;
  }
  return text;
}

// ── in front of, for, depends on it ─────────────────────────────────────

const PROXY = String.raw`(?<proxy>${PROXIES.join('|')})`;
/** An image with a path or a tag ("ghcr.io/acme/portal:5", "grafana/grafana"). */
const IMAGE = String.raw`(?<![\w./:@-])[a-z0-9][\w.-]*(?:\/[\w.-]+)+(?::[\w.-]+)?|(?<![\w./:@-])[a-z0-9][\w.-]*:[\w.-]+`;
/** "in front of (the|my) api (as a reverse proxy)", "to (reverse) proxy (to) my api", "as a (reverse) proxy for the api". */
const FRONT = new RegExp(
  String.raw`\s*(?:,\s*)?\b(?:(?:sitting\s+|placed\s+|running\s+)?in\s+front\s+of|(?:to|that|which)\s+(?:reverse[\s-]?)?prox(?:y|ies)(?:\s+(?:to|for))?|as\s+(?:a\s+|the\s+)?(?:reverse[\s-]?)?proxy\s+(?:on\s+(?:port\s+)?(?<port>\d{2,5})\s+)?(?:for|to|of)|(?:(?:reverse[\s-]?)?prox(?:ying|ies)|forwarding|routing)\s+(?:requests\s+|traffic\s+)?(?:to|for)|reverse[\s-]?proxy\s+(?:for|to|of))\s+(?:the\s+|my\s+|our\s+|your\s+)?(?:(?<image>${IMAGE})\s*(?:\(\s*(?:call\s+it|called|named|as)\s+(?<named>${NAME})\s*\)|,?\s+(?:called|named|as)\s+(?<named2>${NAME}))|(?<target>${NAME}))(?:\s+(?:service|container|app|api))?(?:\s+as\s+(?:a\s+|the\s+)?(?:reverse[\s-]?)?proxy)?`,
  'i',
);

function inFrontSaid(text: string, here: readonly string[], products: readonly string[]): string {
  const f = FRONT.exec(text);
  if (f) {
    // "caddy reverse proxy for ghcr.io/acme/portal:5 (call it portal)": the image is added as the
    // name said, and the proxy depends on it (round 38, fit32b: h32-multi-18).
    const image = f.groups!.image;
    let target = (f.groups!.target ?? f.groups!.named ?? f.groups!.named2)!.toLowerCase();
    const before = text.slice(0, f.index);
    const proxyM = [...before.matchAll(new RegExp(String.raw`(?<![\w-])${PROXY}(?![\w-])`, 'gi'))].pop();
    if (!proxyM) return text;
    const proxy = proxyM.groups!.proxy!.toLowerCase();
    if (target === 'it' || target === 'them') {
      const t = nearest(text, proxyM.index, here, products, [proxy]);
      if (!t) return text;
      target = t;
    }
    if (!nameOk(target) || target === proxy) return text;
    // "caddy as reverse proxy on 443 for app": the port said inside the phrase stays the proxy's (held-out 30, the lead).
    const port = f.groups!.port ? ` on port ${f.groups!.port}` : '';
    const rest = (text.slice(0, f.index) + port + (image ? ` and ${image} as ${target}` : '') + text.slice(f.index + f[0].length)).replace(/\s+/g, ' ').trim().replace(/[.!]+$/, '');
    // "put nginx … on port 80": "put" alone with no place left is "add".
    const added = rest.replace(/^(?:please\s+)?(?:put|place|stick)\s+(?=(?:an?\s+|the\s+)?(?:nginx|caddy|traefik|haproxy|envoy)\b)(?!.*\b(?:on|in|into|onto)\s+(?:the\s+)?(?:[\w-]+\s+)?network\b)/i, 'add ');
    return `${added}; ${proxy} depends on ${target}`;
  }
  // "n8n only reachable through an nginx on port 80": the proxy depends on it, and it publishes nothing.
  const r = new RegExp(String.raw`,?\s*\b(?<target>${NAME})\s+(?:should\s+be\s+|is\s+|must\s+be\s+)?only\s+(?:reachable|accessible|exposed|available)\s+(?:through|via|behind)\s+(?:an?\s+|the\s+)?${PROXY}\b`, 'i').exec(text);
  if (r && nameOk(r.groups!.target)) {
    const target = r.groups!.target!.toLowerCase();
    const proxy = r.groups!.proxy!.toLowerCase();
    const rest = text.slice(0, r.index) + `, an ${proxy}` + text.slice(r.index + r[0].length);
    return `${rest.replace(/[.!]+\s*$/, '')}; ${proxy} depends on ${target}; ${target} should not be reachable from the host`;
  }
  return text;
}

/** "adminer for the existing mysql", "a postgres database for it" (an app added with a database talks to it already: wireStack). */
function forAnotherSaid(text: string, here: readonly string[], products: readonly string[]): string {
  // "X for the existing Y": X depends on Y (Y is there now).
  const ex = new RegExp(String.raw`\b(?<a>${NAME})(?:\s+(?:service|container|instance|ui|frontend))?\s+for\s+(?:the|my|our)\s+(?:existing|current|running)\s+(?<b>${NAME})\b`, 'i').exec(text);
  if (ex && nameOk(ex.groups!.a) && here.includes(ex.groups!.b!.toLowerCase())) {
    const a = ex.groups!.a!.toLowerCase();
    const b = ex.groups!.b!.toLowerCase();
    const rest = text.slice(0, ex.index) + a + text.slice(ex.index + ex[0].length);
    return `${rest.replace(/[.!]+\s*$/, '')}; ${a} depends on ${b}`;
  }
  // "a postgres database for it" / "… that depends on it": "it" is the service said before it in this request.
  const it = new RegExp(String.raw`\b(?:an?\s+)?(?<b>${NAME})(?:\s+(?:database|db|cache|instance|server|container))?\s+for\s+(?:it|them)\b`, 'i').exec(text);
  if (it && nameOk(it.groups!.b) && products.includes(it.groups!.b!.toLowerCase())) {
    const b = it.groups!.b!.toLowerCase();
    const a = nearest(text, it.index, here, products, [b]);
    if (a && servicesIn(text, here, products).some((s) => s.name === a && s.at < it.index)) {
      const rest = text.slice(0, it.index) + text.slice(it.index, it.index + it[0].length).replace(/\s+for\s+(?:it|them)\b/i, '') + text.slice(it.index + it[0].length);
      return `${rest.replace(/[.!]+\s*$/, '')}; ${a} depends on ${b}`;
    }
  }
  return text;
}

/** "X …, depending on redis and postgres", "a worker … that depends on it": "X depends on …" as a clause of its own. */
function dependingSaid(text: string, here: readonly string[], products: readonly string[]): string {
  const m = /\s*(?:,\s*)?\b(?:depending|relying|waiting)\s+on\s+((?:the\s+)?(?:(?:existing|current|running|same)\s+)?[a-z][a-z0-9_-]{0,62}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)(?:the\s+)?(?:(?:existing|current|running|same)\s+)?[a-z][a-z0-9_-]{0,62})*|it|them)\b|\s+(?:that|which|who)\s+(?:depends|relies|waits)\s+on\s+(it|them|(?:the\s+)?(?:(?:existing|current|running|same)\s+)?[a-z][a-z0-9_-]{0,62}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)(?:the\s+)?(?:(?:existing|current|running|same)\s+)?[a-z][a-z0-9_-]{0,62})*)\b/i.exec(text);
  if (!m) return text;
  // "that depends on the existing redis" (held-out 30 multi-08): the service, not the word before it.
  const list = (m[1] ?? m[2])!.replace(/\b(?:existing|current|running|same)\s+/gi, '');
  const subject = nearest(text, m.index, here, products, list.toLowerCase().replace(/\bthe\b/g, ' ').split(/[\s,&]+|\band\b/).filter((w) => w !== ''));
  if (!subject) return text;
  const rest = (text.slice(0, m.index) + text.slice(m.index + m[0].length)).replace(/\s+/g, ' ').replace(/[\s,.!]+$/, '');
  return `${rest}; ${subject} depends on ${list}`;
}

/** "the db must not be exposed", "postgres shouldn't be published", "redis not exposed" (round 38, fit32b): that service publishes no host port. */
function notExposedSaid(text: string, here: readonly string[], products: readonly string[]): string {
  const m = /(?:;|,|\.|\band\b)\s*(?:but\s+)?(?:the\s+)?(db|database|[a-z][a-z0-9_-]{0,62})\s+(?:(?:must|should|shall)\s*(?:not|n't|never)\s+be|(?:is|are)\s+(?:not|never)|isn't|aren't|not|never)\s+(?:exposed|published|public|reachable\s+from\s+(?:outside|the\s+host|the\s+internet))\s*[.!]*$/i.exec(text);
  if (!m) return text;
  let name = m[1]!.toLowerCase();
  if (name === 'db' || name === 'database') {
    const dbs = servicesIn(text.slice(0, m.index), here, products).filter((s) => ['postgres', 'mysql', 'mariadb', 'mongo', 'mongodb'].includes(s.name));
    if (dbs.length !== 1) return text;
    name = dbs[0]!.name;
  } else if (!servicesIn(text, here, products).some((s) => s.name === name)) return text;
  return `${text.slice(0, m.index)}; ${name} should not be reachable from the host`;
}

// ── networks, images in brackets, variables, host ports ─────────────────

function networkSaid(text: string, here: readonly string[], products: readonly string[]): string {
  // "put the api and postgres on the same network, call it backend"
  const same = new RegExp(String.raw`\b(?:on|in|into|onto|to|join)\s+(?:the\s+)?(?:same|one|a\s+shared|a\s+common|a\s+single)\s+(?:docker\s+|container\s+|private\s+)?network\s*(?:,\s*)?(?:and\s+)?(?:(?:call|name)\s+it|called|named)\s+['"“‘\x60]?(?<net>${NAME})['"”’\x60]?`, 'i').exec(text);
  if (same) return `${text.slice(0, same.index)}on the ${same.groups!.net!.toLowerCase()} network${text.slice(same.index + same[0].length)}`;
  // "put both on a network named portal-net": "both" is the two services this request names.
  const both = new RegExp(String.raw`\b(?:put|place|attach|connect)\s+(?:them\s+)?(?:both|all|the\s+two|them\s+all|everything)(?:\s+of\s+them)?\s+(?:on|in|into|onto|to)\s+(?:a|one|the|their\s+own)\s+(?:shared\s+|private\s+)?network\s+(?:called|named)\s+['"“‘\x60]?(?<net>${NAME})['"”’\x60]?`, 'i').exec(text);
  if (both) {
    const named = [...new Set(servicesIn(text.slice(0, both.index), here, products).map((s) => s.name))];
    if (named.length < 2) return text;
    const before = text.slice(0, both.index).replace(/[\s,;]*(?:and\s*)?$/i, '');
    return `${before}; put ${named.join(' and ')} on the ${both.groups!.net!.toLowerCase()} network${text.slice(both.index + both[0].length)}`;
  }
  return text;
}

function imageSaid(text: string): string {
  // "a mailpit container (axllent/mailpit)": the word before "container" is the name.
  let t = text.replace(new RegExp(String.raw`\b(?<name>${NAME})\s+(?:container|service|server|instance)\s*\((?<image>[a-z0-9][\w.-]*(?:/[\w.-]+)+(?::[\w.-]+)?|[a-z0-9][\w.-]*:[\w.-]+)\)(?!\s+(?:named|called|as)\b)`, 'gi'), (m, name: string, image: string) => (nameOk(name) ? `${name} (${image})` : m));
  // "api = ghcr.io/acme/api:2.0 on 8000": the name and its image.
  // The name is in small letters ("TZ=Europe/Paris" is a variable), the image has a tag or a registry.
  t = t.replace(new RegExp(String.raw`(?<=^|[,;:]\s*|\band\s+)(?<name>[a-z][a-z0-9_-]{0,62})\s*=\s*(?<image>[a-z0-9][\w.-]*(?:/[\w.-]+)+:[\w.-]+|[a-z0-9-]+\.[\w.-]+(?:/[\w.-]+)+)(?=[\s,;]|$)`, 'g'), (m, name: string, image: string) => (nameOk(name) ? `${name} (${image})` : m));
  // "the api is ghcr.io/acme/api:2.0 on port 8000"
  t = t.replace(new RegExp(String.raw`(?<=^|[,;]\s*)(?:the\s+|my\s+)?(?<name>${NAME})\s+is\s+(?<image>[a-z0-9][\w.-]*(?:/[\w.-]+)+:[\w.-]+)(?=[\s,;]|$)`, 'gi'), (m, name: string, image: string) => (nameOk(name) ? `${name} (${image})` : m));
  return t;
}

function pointingSaid(text: string, here: readonly string[]): string {
  const m = new RegExp(String.raw`^\s*(?:the\s+)?(?<svc>${NAME})\s+(?:needs|wants|should\s+have|must\s+have|gets|requires)\s+(?:an?\s+)?(?:env(?:ironment)?\s+(?:var(?:iable)?\s+)?)?(?<key>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\s+(?:pointing|pointed|set|going)\s+(?:at|to)\s+(?<value>\S+?)\s*[.!]*$`).exec(text);
  if (!m || !here.includes(m.groups!.svc!.toLowerCase())) return text;
  return `set ${m.groups!.key} on ${m.groups!.svc!.toLowerCase()} to ${m.groups!.value}`;
}

function hostPortSaid(text: string, here: readonly string[]): string {
  // "let's have postgres listen on 5433 on the host side", "postgres on 5433 on the host side"
  const side = new RegExp(String.raw`\b(?<svc>${NAME})\s+(?:(?:listen|be\s+published|be\s+exposed|be\s+reachable)\s+)?(?:on|at)\s+(?:port\s+)?(?<port>\d{2,5})\s+(?:on|at)\s+the\s+host(?:'s)?(?:\s+side)?\b`, 'i').exec(text);
  if (side && here.includes(side.groups!.svc!.toLowerCase())) return `change the ${side.groups!.svc!.toLowerCase()} host port to ${side.groups!.port}`;
  // "please to make the nginx port 8088, is possible?": "make the X port N" is its port.
  const make = new RegExp(String.raw`\bmake\s+(?:the\s+)?(?<svc>${NAME})(?:'s)?\s+port\s+(?:be\s+|to\s+)?(?<port>\d{2,5})\b`, 'i').exec(text);
  if (make && here.includes(make.groups!.svc!.toLowerCase())) {
    const said = `change the ${make.groups!.svc!.toLowerCase()} port to ${make.groups!.port}`;
    const rest = text.slice(0, make.index) + text.slice(make.index + make[0].length);
    return onlyNamed(rest, '') ? said : `${text.slice(0, make.index)}${said}${text.slice(make.index + make[0].length)}`;
  }
  return text;
}

/** The request with the forms above said as the engine's own words (the same text when none applies). */
export function servicesSaid(message: string, here: readonly string[], products: readonly string[]): string {
  if (message.length > 400 || /\n/.test(message.trim())) return message;
  let t = message.trim();
  t = imageSaid(t);
  t = commandSaid(t, here, products);
  t = pointingSaid(t, here);
  t = hostPortSaid(t, here);
  t = networkSaid(t, here, products);
  t = notExposedSaid(t, here, products);
  t = inFrontSaid(t, here, products);
  t = forAnotherSaid(t, here, products);
  t = dependingSaid(t, here, products);
  return t === message.trim() ? message : t;
}
