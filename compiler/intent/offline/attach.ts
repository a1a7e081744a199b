/**
 * Round 29 (intent): attributes attached by the request's punctuation and structure, said the
 * one way the readers read them. Runs in engine.ts `respond` with the other normalisers (after
 * the guard has read the typed request, before the clauses are split), so each attribute reaches
 * the clause of the service it was said of:
 *
 * - a bracket after a mention holds that mention's attributes ("redis (256mb)", "prometheus
 *   (9090)", "an api (image node:20, name it api, port 3000 but not published)"): said inline as
 *   "redis with 256mb", "prometheus on port 9090", "an api using image node:20 called api on
 *   port 3000, internal only", where the clause reader gives each to the service before it;
 * - a service said as fields ("name: ledger, image: ghcr.io/acme/ledger:4, port: 9400", "new
 *   service - image X - name Y", "Name = y; Image = x", fields on new lines, in quotes or
 *   backticks, in any order): one request in the form the custom-service reader reads ("add a
 *   service called ledger using image … on port 9400 with 512mb of memory"), then the fields it
 *   does not read there (replicas, command, env) as requests of their own on that service;
 * - a command after "to:", "command:", "with:" or "->": the command as said, in backticks, so
 *   no reader normalises it (a flag like `--max-old-space-size=2g` is not a size);
 * - a stop said with a promise to come back ("…, we'll bring it back later", "we will restart it
 *   after the deploy"): the promise is a remark, never a restart or a job.
 *
 * A bracket whose items are not all attributes is left as typed (a remark, a command, a
 * schedule: "(find /tmp -mtime +7 -delete)" is a job's command, INTENT3's reader). Every
 * pattern is bounded (no nested quantifiers over the same characters).
 */
import { bagSaid } from './bag.js';
import { IMAGE_REF, sentence, type ComposeService } from './compose.js';

const SIZE = String.raw`\d+(?:\.\d+)?\s?(?:[kmgt]i?b?|megs?|gigs?|megabytes?|gigabytes?)(?![\w.])`;
const SIZE_RE = new RegExp(String.raw`^(?:(?:give\s+(?:it|him|her|them)|with|limit(?:ed)?\s+(?:it\s+)?to|capped\s+at|max|mem(?:ory)?|ram)\s*:?\s+)?(${SIZE})(?:\s+(?:of\s+)?(?:ram|memory|mem))?(?:\s+(?:max|limit|each))?$`, 'i');
const IMAGE_ITEM = /^(?:(?:the\s+)?(?:image|img|from|using)\s*:?\s+)?['"`]?(\S{1,200}?)['"`]?$/i;
const NAME_ITEM = /^(?:(?:and\s+)?(?:call|name)\s+(?:it|him|her|the\s+(?:service|container|app)(?:\s+name)?)(?:\s+as)?|called|named|(?:service\s+)?name(?:\s+it)?\s*[:=]?|as)\s+['"`]?([a-z0-9][a-z0-9-]{0,62})['"`]?$/i;
const PORT_ITEM = /^(?:(?:on\s+)?(?:port|listening\s+on|listens\s+on|on)\s*:?\s*)?(\d{2,5})(?:\/tcp)?(?:\s*(?:,\s*)?(?:(?:but|and)\s*)?(not\s+published|not\s+exposed|internal(?:\s+only)?|unpublished|no\s+host\s+port))?$/i;
const REPLICAS_ITEM = /^(?:x\s*)?(\d{1,2})\s*(?:replicas?|instances?|copies)$|^(?:replicas?|instances)\s*[:=]?\s*(\d{1,2})$/i;
const INTERNAL_ITEM = /^(?:(?:but\s+)?not\s+(?:published|exposed|public)|internal(?:\s+only)?|unpublished|private|no\s+host\s+ports?|not\s+reachable\s+from\s+outside)$/i;
/** "only nginx talks to it", "nginx reaches it inside": why it is internal, nothing to do. */
const WHY_INTERNAL = /^(?:only|just)\s+[a-z][\w-]*\s+(?:talks?|connects?|speaks?)\s+to\s+it$|^[a-z][\w-]*\s+(?:talks?|connects?)\s+to\s+it\s+(?:inside|internally)$/i;

/** One bracket item as the clause reader says it, or undefined when it is not an attribute. */
function bracketItem(raw: string): string | undefined {
  const item = raw.trim().replace(/[.!]+$/, '');
  if (item === '') return '';
  let m: RegExpExecArray | null;
  if ((m = SIZE_RE.exec(item))) return `with ${m[1]} of memory`;
  if ((m = PORT_ITEM.exec(item))) return m[2] ? `on port ${m[1]}, internal only,` : `on port ${m[1]}`;
  if ((m = NAME_ITEM.exec(item))) return `called ${m[1]!.toLowerCase()}`;
  if ((m = REPLICAS_ITEM.exec(item))) return `with ${m[1] ?? m[2]} replicas`;
  if (INTERNAL_ITEM.test(item)) return ', internal only,';
  if (WHY_INTERNAL.test(item)) return '';
  if ((m = IMAGE_ITEM.exec(item)) && /[/:]/.test(m[1]!) && IMAGE_REF.test(m[1]!)) return `using image ${m[1]}`;
  return undefined;
}

const FIREWALL_TALK = /\b(?:block|deny|reject|drop|allow|open|close|permit|whitelist|blacklist|ban|firewall|rule|inbound|incoming)\b/i;

/** A bracket after a word (not after a command or a path): its items, separated by commas, semicolons or "and". */
const BRACKET = /(?<=[\w'"`])\s*\(([^()\n]{1,200})\)/g;

/** "redis (256mb) and mariadb (1gb)": each bracket of attributes said inline after its mention. */
export function bracketsSaid(text: string): string {
  return text.replace(BRACKET, (whole, inner: string) => {
    const items = inner.split(/\s*[,;]\s*|\s+and\s+(?=(?:call|name|port|image|\d))/i);
    // "docs2 (nginx:alpine)": a name and its image, compose's reader (compose.ts) reads it as typed.
    if (items.length === 1 && IMAGE_REF.test(items[0]!.trim()) && /[:/]/.test(items[0]!)) return whole;
    // "block telnet (port 23)", "reject smtp (25)": a port in brackets after a protocol is the firewall's, as typed.
    if (items.length === 1 && PORT_ITEM.test(items[0]!.trim()) && FIREWALL_TALK.test(text)) return whole;
    const said = items.map(bracketItem);
    if (said.some((s) => s === undefined) || said.every((s) => s === '')) return whole;
    return ` ${said.filter((s) => s !== '').join(' ')}`.replace(/\s*,\s*$/, ',').replace(/\s+,/g, ',');
  }).replace(/,\s*,/g, ',').replace(/,\s*(?=[.;!?]|$)/g, '');
}

/** The keys of a service said as fields, each as the field it fills. */
const FIELD_KEYS: readonly [RegExp, Field][] = [
  [/^(?:service[\s_-]?name|svc[\s_-]?name|container[\s_-]?name|name|service|svc|container|called|named)$/i, 'name'],
  [/^(?:image|img|docker\s+image|container\s+image|from)$/i, 'image'],
  [/^(?:host\s+)?(?:ports?|listening\s+port|listen(?:ing)?(?:\s+on)?|expose|publish)$/i, 'port'],
  [/^(?:memory|mem|ram|memory\s+limit|mem\s+limit)$/i, 'memory'],
  [/^(?:cpus?|cores?|cpu\s+limit)$/i, 'cpu'],
  [/^(?:replicas?|instances|copies|scale)$/i, 'replicas'],
  [/^(?:command|cmd|entrypoint|start\s+command|run)$/i, 'command'],
  [/^(?:env|environment|env\s+vars?|variables?)$/i, 'env'],
];
const FIELD_CUT = /(?<!\b(?:listening|host|service|svc|container|docker|start|the))\s+(?=(?:name|image|img|ports?|memory|mem|ram|cpus?|replicas|command|cmd|env)\s*[:=]|(?:image|img|ports?|replicas|name)\s+[`'"]?[\w./:-]+[`'"]?(?:\s|$))/i;
type Field = 'name' | 'image' | 'port' | 'memory' | 'cpu' | 'replicas' | 'command' | 'env';

/** The words before the fields that say a new service is meant ("new service", "create a container", "deploy:"). */
const FIELDS_LEAD = /^\s*(?:(?:please|pls|plz|ok(?:ay)?|so|hey)[\s,]+)*(?:(?:(?:add|create|make|deploy|spin\s+up|set\s+up|run|start|launch|new|i\s+(?:want|need)|we\s+need)\s+)?(?:(?:a|an|one|the|another)\s+)?(?:new\s+)?(?:service|svc|container|app)?\s*(?:with|having|:|-|–|—|\.|,)?\s*)?/i;

/** A field value in quotes or backticks, or plain. */
const unquote = (v: string) => v.trim().replace(/^(['"`“‘])(.*)(['"`”’])$/s, '$2').trim();

/**
 * A service said as fields, or undefined when the text is not one: two fields at least, a name
 * and an image among them for a new service, each key once, and nothing else in the text.
 */
export function fieldsSaid(text0: string, existing: readonly string[] = []): string | undefined {
  // One space between words first: every pattern below then meets no run of spaces (each of them
  // tried at every space of a long run made the reading quadratic: 2,000 spaces took seconds).
  const text = text0.replace(/[ \t]+/g, ' ').replace(/ ?\n[\s]*/g, '\n');
  if (text.length > 2000) return undefined;
  const body = text.replace(FIELDS_LEAD, '');
  // "service: metrics, image: …", "svc `ledger` image `…`": the lead's noun may be the name's key;
  // "new service: docs2, image …": a bare word first, after the lead, is the name.
  const lead = text.slice(0, text.length - body.length);
  for (const said of [body, text, ...(/\b(?:service|svc|container|app)\b/i.test(lead) ? [`name ${body}`] : [])]) {
    const read = fieldsIn(said, existing);
    if (read !== undefined) return read;
  }
  return undefined;
}

function fieldsIn(body: string, existing: readonly string[]): string | undefined {
  // The separators: a comma, a semicolon, a new line, a slash or a dash with spaces round it, a full stop and a space, "and".
  const parts = body.split(/\s*(?:[,;\n]|\s[/|–—-]\s|\.\s+|\s->\s|\s+and\s+(?=(?:port|image|name|memory|mem|cpu|replicas|command|env)\b))\s*/i).map((p) => p.trim().replace(/\.$/, '')).filter((p) => p !== '');
  const fields = new Map<Field, string>();
  // "name: ledger image: x port: 9400", "svc `ledger` image `x` port `9400`" (no separators):
  // cut before each key said with a colon, "=" or a value of one word after it.
  const cut = parts.flatMap((p) => (/^(?:command|cmd|entrypoint)\b/i.test(p) ? [p] : p.split(FIELD_CUT)));
  if (cut.length < 2) return undefined;
  for (const p of cut) {
    // "spin up ghcr.io/acme/ledger:4 - name: ledger": an image said alone is the image.
    if (!fields.has('image') && /^[\w.-]+(?:\/[\w.-]+)*:[\w.-]+$|^[\w.-]+\.[a-z]{2,}\/[\w./-]+$/i.test(p) && IMAGE_REF.test(p)) {
      fields.set('image', p);
      continue;
    }
    const kv = /^(?:the\s+)?([a-z][a-z _-]{0,24}?)\s*(?:[:=]\s*|\s+(?:is|would\s+be|will\s+be|should\s+be|of)\s+|\s+(?=\S))(.+)$/i.exec(p);
    if (!kv) return undefined;
    const key = FIELD_KEYS.find(([re]) => re.test(kv[1]!.trim()))?.[1];
    if (!key || fields.has(key)) return undefined;
    fields.set(key, unquote(kv[2]!));
  }
  const name = fields.get('name')?.toLowerCase();
  const image = fields.get('image');
  if (!name || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) return undefined;
  if (image !== undefined && !(IMAGE_REF.test(image) && /[:/]/.test(image) || /^[a-z][a-z0-9-]*$/.test(image))) return undefined;
  const port = fields.get('port')?.replace(/^(?:port|on)\s+/i, '');
  if (port !== undefined && !/^\d{2,5}$/.test(port)) return undefined;
  const isNew = !existing.includes(name);
  if (isNew && !image) return undefined;
  const memory = fields.get('memory');
  const cpu = fields.get('cpu');
  const replicas = fields.get('replicas');
  const command = fields.get('command');
  // Every variable of an env field as KEY=value, or the fields are not read here (handleEnv reads "env: LOG_LEVEL debug").
  if (fields.has('env') && !/^(?:[A-Za-z_][A-Za-z0-9_]*\s*=\s*[^\s,;=]*(?:\s*[,;]?\s*(?:and\s+)?|$))+$/.test(fields.get('env')!)) return undefined;
  const env = [...(fields.get('env') ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^\s,;]*)/g)].map((m): [string, string] => [m[1]!, m[2]!]);
  if (replicas !== undefined && !/^\d{1,2}$/.test(replicas)) return undefined;
  if (isNew) {
    const s: ComposeService = { name, image, ports: port ? [port] : [], dependsOn: [], env, networks: [], command: command?.replace(/`/g, ''), replicas: replicas === undefined ? undefined : Number(replicas), memory, cpus: cpu };
    return sentence(s);
  }
  const out: string[] = [];
  if (image) out.push(`change the ${name} image to ${image}`);
  if (port) out.push(`move ${name} to port ${port}`);
  if (memory) out.push(`limit ${name} memory to ${memory}`);
  if (cpu) out.push(`give ${name} ${cpu} cpu`);
  if (replicas !== undefined) out.push(`scale ${name} to ${replicas} replicas`);
  if (command !== undefined) out.push(`${name} command: \`${command.replace(/`/g, '')}\``);
  if (env.length > 0) out.push(`set ${env.map(([k, v]) => `${k}=${v}`).join(' ')} on ${name}`);
  return out.join('. ');
}

/** "command to: X", "command: X", "command should be: X", "command for worker -> X", "make the worker start with: X". */
const COMMAND_AFTER = /\b(?:(command|cmd|entrypoint)\s+(?:for|of)\s+(?:the\s+)?([a-z][\w-]*)\s*(?:->|→|:|=)|(?:make|have|let)\s+(?:the\s+)?([a-z][\w-]*)\s+start\s+with\s*:|(command|cmd|entrypoint)\s*(?:(to|should\s+be|must\s+be|is|with|as)\s*:|(->|→)))\s*(?![`'"“‘])([^`'"\n;]{1,300}?)\s*(?=$|;|\.\s)/i;

/** "new service jobs from ghcr.io/acme/jobs:1 with command: python run.py": the service, then its command. */
const ADDED_WITH_COMMAND = /^(.*\b(?:service|svc|container|called|named)\s+['"`]?([a-z][a-z0-9-]{0,62})['"`]?\b.*?)\s*(?:,\s*|\s+)(?:and\s+)?(?:with\s+(?:the\s+)?(?:command|cmd)\s*:?|(?<=,\s*)(?:command|cmd)\s*:)\s*[`'"“‘]?([^`'"”’\n;]{1,300}?)[`'"”’]?\s*[.!]*(,\s+[^`'"\n;]{1,80})?$/i;

/** What may follow a new service's command, said after a comma: its other fields. */
const FIELD_AFTER = /^,\s+(?:no\s+(?:host\s+)?ports?|not\s+published|internal\s+only|(?:on\s+)?ports?\s+\d+|\d+\s*(?:replicas?|instances|copies)|(?:memory|ram|cpus?|replicas?)\s*[:=]?\s*[\d.]+\s*[a-z]*)\s*[.!]*$/i;

/** The command said after "to:", an arrow or a colon, to the end of the request, in backticks (kept as typed). */
export function commandSaid(text: string): string {
  const added = ADDED_WITH_COMMAND.exec(text);
  // Round 30: "…, command: python worker.py, no ports": a field after the command stays the service's.
  if (added && (added[4] === undefined || FIELD_AFTER.test(added[4]))) return `${added[1]}${added[4] ?? ''}. ${added[2]!.toLowerCase()} command: \`${added[3]}\``;
  return text.replace(COMMAND_AFTER, (_m, _k1: string, forName?: string, startName?: string, key?: string, joiner?: string, arrow?: string, cmd = '') => {
    const said = `\`${cmd.replace(/[.!]+$/, '')}\``;
    const name = forName ?? startName;
    if (name !== undefined) return `set the ${name} command to ${said}`;
    return `${key} ${arrow !== undefined ? 'to' : joiner!.toLowerCase().replace(/\s+/g, ' ')} ${said}`;
  });
}

/**
 * A promise to bring a stopped service back ("…, we'll bring it back later", "we will restart it
 * after the deploy", "will turn it on again in january"): a remark said beside a stop, taken out.
 */
const COME_BACK = String.raw`(?:(?:after(?:wards)?|later|then)\s*,?\s+)?(?:(?:we|i|you|they)\s*(?:'ll|’ll|\s+will|\s+can|\s+may|\s+might|\s+shall|\s+are\s+going\s+to|\s+plan\s+to|\s+gonna)|(?:i['’]?m|i\s+am|we['’]?re|we\s+are)\s+(?:going\s+to|gonna)|ill|will|gonna|going\s+to)\s+(?:(?:probably|likely|then|just)\s+)?(?:bring|start|restart|turn|switch|spin|fire|power|boot|need|want|put|revive|resurrect)\s+(?:it|him|her|them|that|this)\s*(?:back|up|on|online|again)?(?:\s+(?:up|on|online|again))?(?:\s+(?!(?:and|but|then|also|plus)\b)[^\s,.;!?]+){0,6}`;
/** Where a promise ends: the end of the text, a sentence's end, or a conjunction that starts the next request (review 22 MED-4). */
const PROMISE_END = String.raw`(?=\s*$|\s*[.!;]|\s*,?\s+(?:and|but|then|also|plus)\b)`;
const PROMISE_AFTER = new RegExp(String.raw`\s*(?:[,;—–-]|\.(?=\s))\s*(?:(?:and|but|then)\s+)?${COME_BACK}${PROMISE_END}[.!]*`, 'i');
const PROMISE_BEFORE = new RegExp(String.raw`^\s*${COME_BACK}\s*,\s*(?:but\s+)?(?:for\s+now\s*(?:,\s*)?)?`, 'i');
const STOP_SAID = /\b(?:stop|shut|turn|switch|take|power|pause|disable|halt|park|suspend|put|bring)\b/i;

export function comeBackSaid(text: string): string {
  if (!STOP_SAID.test(text)) return text;
  // The promise goes; what follows it ("…, we'll bring it back later and also stop redis") stays, said as its own clause.
  const after = text.replace(PROMISE_AFTER, (_m) => '').replace(/^\s*(?:,\s*)?(?=(?:and|but|then|also|plus)\b)/i, ' ');
  if (after !== text && STOP_SAID.test(after)) return after.replace(/\s+,?\s*((?:and|but|then|also|plus)\b)/i, ', $1').trim();
  const before = text.replace(PROMISE_BEFORE, '');
  if (before !== text && STOP_SAID.test(before)) return before;
  return text;
}

/** "worker replicas: none", "replicas = zero": no replica running (the service kept). */
const NO_REPLICAS = /\b(replicas?|instances)\s*(?:[:=]|\s(?:to|at))\s*(?:none|zero|nil|nada)\b/gi;

/**
 * "and a caddy in front of it on 443", "nginx in front of them on port 80": where a proxy sits is
 * not a setting; said before its port it hid the port from the proxy (the port went to the
 * service "it" points at). The port is said right after the proxy's name.
 */
const IN_FRONT = /\b([a-z][\w-]*)\s+(?:sitting\s+|placed\s+)?in\s+front\s+of\s+(?:it|them|that|this|those|both|all\s+of\s+them)\s+((?:on|at)\s+(?:port\s+)?\d{2,5})\b/gi;

/** ", bound to 127.0.0.1", ", only on localhost": the address of the port before, in its clause. */
const BOUND_AFTER = /(?<!\s)\s?,\s*(?:and\s+)?(?=(?:bound|bind(?:ed)?|only|listening)\s+(?:to|on)\s+(?:the\s+)?(?:address\s+)?(?:\d{1,3}(?:\.\d{1,3}){3}|localhost)\b)/gi;

/**
 * Round 30: a service's name and port said by their place. "under the name X" / "under name X" is
 * the name ("the official httpd image (httpd:2.4) under the name site": "under" was read as the
 * image); "at PORT" right after a service or an image is its port ("expose adminer (image
 * adminer:4) at 8082", "gitea/gitea:1.22 named git at 3030"), never in a sentence that speaks of
 * a time; "PRODUCT:PORT" for a product the catalogue knows, with a number of 3 to 5 digits, is that
 * product on that port ("prometheus:9090, grafana:3000"): no official image of these is tagged so.
 */
const UNDER_NAME = /\bunder\s+(?:the\s+)?name\s+(?=['"`]?[a-z0-9])/gi;
const AT_PORT = /(?<=(?:\b(?:expose|publish|serve|run|deploy|named|called|image)\b|[)])[^.;!?]{0,80}?)\s+at\s+(?:port\s+)?([1-9]\d{1,4})\b(?!\s*(?:am|pm|a\.m|p\.m|o'?clock|h\b|hours?|minutes?|mins?|%|[:.]\d|[kmgt]i?b?\b|megs?|gigs?))/gi;
const TIME_TALK = /\b(?:every|each|daily|nightly|hourly|weekly|monthly|cron|schedule\w*|backups?|jobs?|tonight|tomorrow|midnight|noon|morning|evening|night)\b/i;
/** "set up a small stack for me - nginx …", "give me a simple setup: …": the stack is the list that follows; the verb is its add. */
const STACK_LEAD = /\b((?:set\s*up|setup|build|create|make|give|get|deploy|spin\s+up|run|need|want)\s+)(?:(?:me|us)\s+)?(?:a|an|the|my|our)\s+(?:(?:small|little|simple|basic|tiny|quick|new|web|whole|full|complete|typical|standard|minimal)\s+)*(?:stack|setup|set-up|environment|system|deployment)(?:\s+for\s+(?:me|us))?\s*(?::|\s[-–—]+\s|,)\s*/gi;
/** "every replica of the worker except one": the count of the service's replicas kept, said as "all the worker replicas except one". */
const EVERY_COPY_OF = /\b(?:all|every|each)\s+(?:(?:the|of\s+the)\s+)?(?:single\s+)?(?:replicas?|instances?|copies|containers?)\s+of\s+(?:the\s+)?([a-z][\w-]*)(?=\s+(?:except|but|save|apart\s+from|other\s+than)\b)/gi;
/** "the cache (memcached)", "our db (postgres)": a role or a noun with a bracket holding a service's name is that service, and only it (review 22 MED-6). */
const ROLE_NAMED = /\b(?:(?:the|our|my|that|this)\s+)?(?:[a-z][\w-]*\s+)?(?:cache|caches|database|db|proxy|web\s*server|webserver|queue|broker|store|app|service|container|one|thing|backend|frontend)\s*\(\s*([a-z][\w-]*)\s*\)/gi;
/**
 * "… as a service called lab on port 3020, reachable only from 10.0.0.0/8", "… on 3000, only reachble frm 10.0.0.0/8":
 * who may reach a new service's port is a firewall rule of its own, said after the service (the whole sentence was
 * read as the rule, and the service was lost).
 */
const REACH_AFTER_PORT = /(\b(?:on|at)\s+(?:port\s+)?|:)(\d{2,5})\b([^.;!?]{0,80}?)\s*[,;]?\s+(?:but\s+)?(?:(?:it|that)\s+)?(?:(?:should|must|will|shall|can)\s+)?(?:only\s+)?(?:be\s+)?(?:only\s+)?(?:reachable|reachble|accessible|available|allowed|open)\s+(?:only\s+)?(?:from|frm|to|for)\s+((?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?)/gi;
/** "worker x2 (ghcr.io/acme/worker)": the count said between the name and its bracket is the count of that service. */
const COUNT_BEFORE_BRACKET = /\b([a-z][\w-]*)\s+[x×]\s?(\d{1,2})\s*(\([^()\n]{1,200}\))/gi;
/** "svc docs: nginx:alpine, port 8088": a service's name, then its image after a colon. */
const NAME_COLON_IMAGE = /^\s*(?:new\s+)?(?:svc|service|container)\s+['"`]?([a-z][a-z0-9-]{0,62})['"`]?\s*:\s*(?=[a-z0-9][\w.-]*(?:\/[\w.-]+)*(?::[\w.-]+|\/[\w.-]+)\s*(?:,|$))/i;
/** An image reference said in the text (with a registry, an owner or a tag). */
const IMAGE_SAID = /(?<![\w./@:-])(?:[a-z0-9][\w.-]*(?::\d+)?\/)?[a-z0-9][\w.-]*\/[a-z0-9][\w.-]*(?::[\w.-]+)?(?![\w./@:-])|(?<![\w./@:-])[a-z0-9][\w.-]*:[\w][\w.-]*(?![\w./@:-])/gi;
/**
 * "…, plus a worker from the same image running `python -m worker`": "the same image" is the image said last before
 * it, the name before it is the new service's, and a quoted command after "running" is its command.
 */
const SAME_IMAGE = /\b(?:a|an|one|another)\s+([a-z][\w-]*)\s+(?:from|using|on|with|off)\s+(?:the\s+)?same\s+image\b(?:\s*(?:,\s*)?(?:running|that\s+runs|which\s+runs|with\s+(?:the\s+)?command)\s+(`[^`\n]{1,300}`))?/i;
/**
 * "I want a new service, the name is docs, with the image …", "a new container, call it docs, from nginx:alpine": a
 * name said in a later clause of the sentence that asks for a new service is said with it (a later sentence is not read).
 */
const NEW_SERVICE = /\b(?:a|one)\s+(?:new\s+)?(?:service|container)\b(?!\s+(?:called|named)\b)/i;
const NAME_LATER = /([;,]\s*)(?:(?:and\s+)?(?:i'?d\s+like\s+to|i\s+want\s+to|please|pls|let'?s|we'?ll|we\s+will|you\s+can|can\s+you)\s+)?(?:call|name)\s+it\s+['"`]?([a-z][a-z0-9-]{0,62})['"`]?(?=\s*(?:[.!?;,]|$))|([;,]\s*)(?:and\s+)?(?:the|its)\s+name\s+(?:is|should\s+be|will\s+be|shall\s+be|=|:)\s+['"`]?([a-z][a-z0-9-]{0,62})['"`]?(?=\s*(?:[.!?;,]|$))/i;
function nameLaterSaid(text: string): string {
  const svc = NEW_SERVICE.exec(text);
  if (!svc) return text;
  const end = svc.index + svc[0].length;
  const rest = text.slice(end);
  const n = NAME_LATER.exec(rest);
  if (!n) return text;
  const name = (n[2] ?? n[4])!.toLowerCase();
  const lead = (n[1] ?? n[3])!;
  return `${text.slice(0, end)} called ${name}${rest.slice(0, n.index)}${lead.trim() === ',' ? '' : lead}${rest.slice(n.index + n[0].length).replace(/^\s*[,]\s*/, ' ')}`.replace(/\s+([.!?,;])/g, '$1');
}

function sameImageSaid(text: string): string {
  const m = SAME_IMAGE.exec(text);
  if (!m) return text;
  const images = [...text.slice(0, m.index).matchAll(IMAGE_SAID)].map((x) => x[0]).filter((x) => !/^\d|^https?:/i.test(x) && !/:\d{2,5}$/.test(x));
  const image = images[images.length - 1];
  if (!image) return text;
  return `${text.slice(0, m.index)}a service called ${m[1]!.toLowerCase()} using image ${image}${m[2] ? ` with command ${m[2]}` : ''}${text.slice(m.index + m[0].length)}`;
}
export function placedSaid(text0: string, products: readonly string[], existing: readonly string[] = []): string {
  // "svc: worker, image: …, replicas: 2" on a service that is here: read as fields before compose's reader turns
  // "replicas: 2" into words the field list does not read (review 22 MED-3: it asked which service).
  const keyed = /^\s*(?:svc|service|name|container)\s*[:=]\s*['"`]?([a-z][a-z0-9-]{0,62})['"`]?\s*[,;]/i.exec(text0);
  if (keyed && existing.some((n) => n.toLowerCase() === keyed[1]!.toLowerCase())) {
    const fields = fieldsSaid(text0, existing);
    if (fields !== undefined) return fields;
  }
  // Round 31: a new service said as a bag of fields around one image, its name possibly last (bag.ts).
  const bag = bagSaid(text0, products, existing);
  if (bag !== undefined) return bag;
  const known = new Set([...products, ...existing].map((n) => n.toLowerCase()));
  let text = nameLaterSaid(sameImageSaid(text0.replace(COUNT_BEFORE_BRACKET, '$1 $3 with $2 replicas').replace(NAME_COLON_IMAGE, 'service name: $1, image: ')));
  text = text.replace(REACH_AFTER_PORT, (_m, lead: string, port: string, between: string, cidr: string) => `${lead}${port}${between}. only allow port ${port} from ${cidr}`);
  let out = text.replace(UNDER_NAME, 'called ').replace(STACK_LEAD, '$1').replace(EVERY_COPY_OF, 'all the $1 replicas').replace(ROLE_NAMED, (m, name: string) => (known.has(name.toLowerCase()) ? name : m));
  if (!TIME_TALK.test(out)) out = out.replace(AT_PORT, ' on port $1');
  if (products.length > 0) {
    const names = [...products].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    out = out.replace(new RegExp(String.raw`(?<![\w./@:-])(${names}):([1-9]\d{2,4})(?![\w.:/@-])`, 'gi'), '$1 on port $2');
  }
  return out;
}

/** Every rewrite of this layer, in order. */
export function attachedSaid(text: string, existing: readonly string[] = []): string {
  const fields = fieldsSaid(text, existing);
  if (fields !== undefined) return fields;
  return comeBackSaid(commandSaid(bracketsSaid(text))).replace(NO_REPLICAS, '$1 0').replace(IN_FRONT, '$1 $2 in front').replace(BOUND_AFTER, ' ');
}
