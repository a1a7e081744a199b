/**
 * Round 31 (intent): a new service said as a bag of fields. One image reference, and around it,
 * in any order and any punctuation, the fields of one new service: its name ("call it X", "name
 * it X", "as X", "named/called X", "the name would be X", "name: X", or the one word said before
 * the image: "set up mongo, image mongo:7"), its port ("port 3001", "on 8222", "port three
 * thousand", "make it available on port 8090"), its command (quoted after running/command/cmd,
 * or plain after "cmd", "the command is", "that runs", "running", "it should execute"), its
 * replicas, its memory, and whether it is published ("no ports", "doesn't need any ports",
 * "internal only"). The bag is said the one way the custom-service reader reads it (compose.ts
 * `sentence`): "add a service called X using image I on port P …".
 *
 * It reads the bag only when nothing else is said: what is left once the fields are taken out
 * holds no digit, no path, no second image or product, and no word of another kind of change
 * (a rule, a schedule, a user, a removal, a volume, a proxy…); otherwise the text is left to the
 * other readers as typed. Runs on the typed request (attach.ts `placedSaid`), after the guard.
 */
import { IMAGE_REF, sentence, type ComposeService } from './compose.js';
import { wordsToNumber } from './language.js';

const NAME = String.raw`['"\`“‘]?([a-z][a-z0-9-]{0,62})['"\`”’]?`;
/** Words that are never a service's name here (after "as", "call it", a lead). */
const NOT_A_NAME = new Set('a an the it its this that well usual before default root soon possible is be service container app image one new my our your please pls plz thanks thx ok okay so hey hi hello also and then now just only on port for me us container of in at to by from with using into onto off via as'.split(' '));
const NUMBER = String.raw`(\d{2,5}|(?:(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)(?:[\s-]+(?:and\s+)?)?){1,6})`;
const SIZE = String.raw`(\d+(?:\.\d+)?\s?(?:[kmg]i?b?|megs?|gigs?|megabytes?|gigabytes?))(?![\w.])(?:\s+(?:of\s+)?(?:ram|memory|mem))?`;

/** Each field: its pattern (the value in group 1 when it has one), in the order they are taken out. */
const FIELDS: readonly [Exclude<keyof Bag, 'image'>, RegExp][] = [
  ['command', /(?:\b(?:running|that\s+runs|which\s+runs|runs|run(?:ning)?\s+the\s+command|with\s+(?:the\s+)?command|(?:the\s+)?(?:command|cmd|comand|entrypoint)(?:\s+(?:is|would\s+be|should\s+be|will\s+be))?|(?:it\s+)?(?:should|must|has\s+to|needs\s+to)\s+(?:execute|run)|executing|and\s+(?:have\s+it\s+)?run\s+the\s+command)\s*[:=]?\s*)`([^`\n]{1,300})`/i],
  // "command: crond -f, no ports": after the key said with a colon or "is", any command, to the next comma.
  ['command', /\b(?:command|cmd|comand|entrypoint)\s*(?:[:=]|\s+(?:is|would\s+be|should\s+be|will\s+be)\b)\s*([^,;\n`]{1,200}?)(?=\s*(?:[,;]|\.(?:\s|$)|\?|!|$))/i],
  ['command', /\b(?:(?:the\s+)?(?:command|cmd|comand)(?:\s+(?:is|would\s+be|should\s+be|will\s+be))?\s*[:=]?|that\s+runs|which\s+runs|runn?ing|(?:it\s+)?(?:should|must|has\s+to|needs\s+to)\s+(?:execute|run)|have\s+it\s+run\s+the\s+command)\s+((?:python3?|node|npm|bun|deno|ruby|php|java|go|bash|sh|celery|gunicorn|uvicorn|\.\/|\/)[^,;\n]{0,200}?|[a-z][\w.-]*\s+\/[^,;\s]+)(?=\s*(?:[,;]|\.(?:\s|$)|\?|!|$|\s+(?:and|but|with|on\s+port|port|no\s+ports?|call|name)\b))/i],
  ['name', new RegExp(String.raw`(?:\b(?:and\s+)?(?:please\s+|pls\s+)?(?:call|name)\s+(?:it|the\s+(?:service|container|app)|this(?:\s+one)?|that)\s+(?:as\s+)?|\b(?:the|its)\s+name\s+(?:is|would\s+be|should\s+be|will\s+be|must\s+be|shall\s+be)\s+|\bname(?:\s+it)?\s*[:=]\s*|\b(?:with|under)\s+(?:the\s+)?name\s+|\b(?:called|named|caled|nammed)\s+)${NAME}(?![\w.:/-])`, 'i')],
  ['name', new RegExp(String.raw`(?:^|[,;:(]\s*)name\s+${NAME}(?=\s*(?:[,;.)]|$))|\b(?:svc|service|container)\s+(?!(?:called|named|with|from|using|for|that|which|on|to|image|img)\b)${NAME}(?=\s*(?:[,;:]|\s+(?:img|image|from|using|with)\b|\s+\u0001))`, 'i')],
  ['name', new RegExp(String.raw`\bas\s+${NAME}(?=\s*(?:[,;.!?)]|$|\s+(?:on|at|port|with|and|listening|running|that|which|using|from)\b))`, 'i')],
  ['port', new RegExp(String.raw`\b(?:(?:make\s+it\s+)?(?:available|reachable|accessible)\s+on\s+(?:port\s+)?|(?:on\s+|at\s+)?(?:the\s+)?(?:host\s+)?port(?:\s+number)?\s*(?:is\s+|would\s+be\s+|should\s+be\s+|of\s+|[:=]\s*)?|(?:listening|listens)\s+on\s+(?:port\s+)?|\bon\s+(?=\d)|(?<=(?:\u0001|^)\s*[-–—,;]\s*)(?=\d{2,5}\s*$))${NUMBER}(?![\w:/-]|\.\d)`, 'i')],
  ['replicas', /\b(\d{1,2})\s+(?:replicas|instances|copies)\b|\breplicas\s*[:=]?\s*(\d{1,2})\b/i],
  ['memory', new RegExp(String.raw`\b(?:with\s+)?(?:(?:memory|mem|ram)\s*[:=]?\s*)?${SIZE}`, 'i')],
  ['noPorts', /\b(?:(?:it\s+)?(?:does\s*n[o']?t|doesnt|does\s+not)\s+need\s+(?:any\s+)?ports?(?:\s+(?:opened|open|published|exposed))?|no\s+ports?\s+(?:is\s+|are\s+)?(?:needed|required|necessary)|(?:publish\s+)?no\s+(?:host\s+)?ports?(?:\s+(?:pls|please|plz))?|not\s+published|(?:but\s+)?internal(?:\s+only)?|(?:do\s*n[o']?t|do\s+not|never)\s+(?:publish|expose)\s+(?:it|any\s+ports?)|without\s+(?:any\s+)?(?:host\s+)?ports?)\b/i],
];

interface Bag {
  image: string;
  name?: string;
  port?: string;
  command?: string;
  replicas?: string;
  memory?: string;
  noPorts?: string;
}

/** What may be left once the fields are out: no word of another kind of change. */
const OTHER_CHANGE = /\d|\/|[=+&]|\b(?:cpus?|cores?|half|replicas?|instances?|copies|uses|needs|requires?|db|database|talks?|after|before|wait|waits|depending|allow|block|deny|open|close|firewall|rule|only|every|daily|nightly|weekly|hourly|monthly|cron|backups?|users?|ssh|keys?|sudo|hostname|timezone|remove|delete|stop|restart|scale|limit|move|volumes?|mounts?|network|depends?|connect(?:ed)?|link|proxy|proxying|behind|front|certs?|certificates?|https?|domains?|secrets?|passwords?|health|env|environment|variables?|replace|instead|update|upgrade|change|switch|same|another|second|both|each|them|they|these|those)\b/i;
/** The words before the image that only say "a new service" (the lead's verb and softeners). */
const LEAD_WORDS = new Set('also please pls plz ok okay so hey hi hello i id i\'d we need want wish like would could can you u to run deploy set up setup start spin launch add create make host install get give me us a an the new one official image container service app called named for from using with'.split(' '));

/** The bag of one new service in the text, said as the custom-service reader reads it; undefined when the text is not one. */
export function bagSaid(text0: string, products: readonly string[], existing: readonly string[]): string | undefined {
  if (text0.length > 600 || /\n/.test(text0)) return undefined;
  // "w/ IMAGE" is "with IMAGE" (texting), never a path.
  const text = text0.replace(/(?<![\w./~-])w\/(?=\s)/gi, 'with');
  const images = [...text.matchAll(/(?<![\w./@:-])((?:[a-z0-9][\w.-]*(?::\d+)?\/)*[a-z0-9][\w.-]*(?::[\w][\w.-]*|\/[\w.-]+))(?![\w/@-]|[.:][\w])/gi)]
    .filter((m) => IMAGE_REF.test(m[1]!) && !/^\d/.test(m[1]!) && (!/:[1-9]\d{2,4}$/.test(m[1]!) || m[1]!.includes('/')));
  if (images.length !== 1) return undefined;
  // Review 31 HIGH-2: an image a template or the catalogue knows ("mongo:7", "louislam/uptime-kuma:1") is left to the
  // readers that take the template's volume, loopback binding, secrets and health check; the bag would drop them.
  const repo = images[0]![1]!.replace(/:[^/]*$/, '').split('/').pop()!.toLowerCase();
  if (products.includes(repo) || products.includes(repo.replace(/-server$|-ce$/, ''))) return undefined;
  // A file said with a path ("config/puma.rb", "./bin/server") is no image: an image has a tag, or no file's extension.
  if (!/:/.test(images[0]![1]!) && /\.[a-z]{1,5}$/i.test(images[0]![1]!)) return undefined;
  // A service of this host named in the text: the request is about it, not a new one (the other readers').
  if (existing.some((n) => new RegExp(String.raw`(?<![\w.-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(text.replace(images[0]![0], ' ')))) return undefined;
  const img = images[0]!;
  const bag: Bag = { image: img[1]!.replace(/[.-]+$/, '') };
  let rest = `${text.slice(0, img.index)} \u0001 ${text.slice(img.index! + img[0].length)}`;
  for (const [field, re] of FIELDS) {
    if (bag[field] !== undefined) continue;
    const m = re.exec(rest);
    if (!m) continue;
    const value = m.slice(1).find((v) => v !== undefined) ?? m[0];
    // A name said as such ("call it hello") is any word but a pronoun; after a bare "as" it is no filler word ("as well").
    if (field === 'name' && (/^as\s/i.test(m[0]) ? NOT_A_NAME.has(value.toLowerCase()) : /^(?:a|an|the|it|its|this|that)$/i.test(value))) continue;
    bag[field] = value.trim();
    rest = `${rest.slice(0, m.index)} , ${rest.slice(m.index + m[0].length)}`;
  }
  // The image's own key and brackets ("image mongo:7", "(gitea/gitea:1.22)", "from python:3.12-slim", "the official image …").
  rest = rest.replace(/\(\s*\u0001\s*\)/, ' \u0001 ').replace(/\b(?:the\s+)?(?:official\s+)?(?:(?:docker|container)\s+)?(?:image|img)(?:\s+(?:is|would\s+be|should\s+be|of))?\s*[:=]?\s*(?=\u0001)|\b(?:from|using|with|off)\s+(?:the\s+)?(?:image\s+)?(?=\u0001)/i, ' ');
  // The name said as the one word before the image ("set up mongo, image mongo:7", "run gitea (gitea/…)", "Grafana please - …").
  const before = rest.slice(0, rest.indexOf('\u0001'));
  const words = before.toLowerCase().match(/[a-z][a-z0-9'-]*/g) ?? [];
  const lead = words.filter((w) => !LEAD_WORDS.has(w.replace(/'/g, '')) && !['up', 'me', 'a'].includes(w));
  if (bag.name === undefined) {
    if (lead.length !== 1 || NOT_A_NAME.has(lead[0]!)) return undefined;
    bag.name = lead[0]!;
  }
  const name = bag.name.toLowerCase();
  if (existing.map((n) => n.toLowerCase()).includes(name)) return undefined;
  // What is left says nothing else: no other change, no second product (the lead's product word is the service's).
  const left = rest.replace('\u0001', ' ');
  if (OTHER_CHANGE.test(left)) return undefined;
  const productWord = lead.length === 1 ? lead[0] : undefined;
  const others = (left.toLowerCase().match(/[a-z][a-z0-9-]*/g) ?? []).filter((w) => products.includes(w) && w !== name && w !== productWord);
  if (others.length) return undefined;
  // At least one field beside the image and the name was said, or the name was said as such (a bare "run X as Y" is the readers').
  if (bag.port === undefined && bag.command === undefined && bag.noPorts === undefined && bag.replicas === undefined && bag.memory === undefined) return undefined;
  const port = bag.port === undefined ? undefined : /^\d+$/.test(bag.port) ? Number(bag.port) : wordsToNumber(bag.port.replace(/[\s-]+$/, ''));
  if (bag.port !== undefined && (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535)) return undefined;
  const s: ComposeService = {
    name,
    image: bag.image,
    ports: port !== undefined && bag.noPorts === undefined ? [String(port)] : [],
    dependsOn: [],
    env: [],
    networks: [],
    command: bag.command?.replace(/[\s?!.]+$/, ''),
    replicas: bag.replicas === undefined ? undefined : Number(bag.replicas),
    memory: bag.memory?.replace(/\s+(?:of\s+)?(?:ram|memory|mem)$/i, '').replace(/\s+/g, ''),
  };
  const [first, ...more] = sentence(s).split('. ');
  return [bag.noPorts === undefined ? first : `${first}, internal only`, ...more].join('. ');
}
