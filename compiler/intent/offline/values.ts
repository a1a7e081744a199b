/**
 * A value said as a change from the old one (round 27, the services grid): "api memory 512m ->
 * 1g", "worker replicas 2 -> 6", "change LOG_LEVEL on the api from debug to info", "half a gig
 * more for the api, its at 1g now". Every slot reader takes the first value it sees, so the old
 * value is taken out before any reads the request: "A -> B" and "from A to B" become "to B" when
 * A and B are the same kind of value (two sizes, two counts, or two words after a variable), and
 * the current value said beside a change ("its at 1g now") is dropped. Ports are left alone
 * ("port 8080 -> 8090" is read by the port readers, which know the old port from the new).
 */
import { findSizes } from './nlu.js';

const ARROW = String.raw`(?:->|=>|→|⇒)`;
/** One value: a size ("512m", "1.5 gigs"), a number, or a word; never spans a clause. */
const VALUE = String.raw`(\d+(?:\.\d+)?\s?[a-z]{0,9}|[A-Za-z][\w.-]{0,40})`;

function sameKind(a: string, b: string, variableBefore: boolean): boolean {
  const size = (v: string) => findSizes(v).length === 1 && findSizes(v)[0]!.text.length === v.trim().length;
  const count = (v: string) => /^\d{1,2}$/.test(v.trim());
  const word = (v: string) => /^[A-Za-z][\w.-]*$/.test(v.trim());
  return (size(a) && size(b)) || (count(a) && count(b)) || (variableBefore && word(a) && word(b));
}

export function newValueOnly(text: string): string {
  const variableBefore = (at: number, all: string) => /(?<![\w$])[A-Z][A-Z0-9]*_[A-Z0-9_]*\b[^.;,]{0,40}$/.test(all.slice(Math.max(0, at - 60), at));
  let out = text.replace(new RegExp(String.raw`(?<![\w.:/-])${VALUE}\s*${ARROW}\s*${VALUE}(?![\w.:/-])`, 'g'), (m, a: string, b: string, at: number, all: string) =>
    sameKind(a, b, variableBefore(at, all)) ? `to ${b}` : m,
  );
  out = out.replace(new RegExp(String.raw`\bfrom\s+${VALUE}\s+to\s+${VALUE}(?![\w.:/-])`, 'gi'), (m, a: string, b: string, at: number, all: string) =>
    sameKind(a, b, variableBefore(at, all)) ? `to ${b}` : m,
  );
  // Round 31: "from 3 replicas to 2", "from one replica to three", "from ghcr.io/acme/worker:2 to ghcr.io/acme/worker:3":
  // the unit said after the old value only, number words, and two image references.
  out = out.replace(/\bfrom\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+(replicas?|copies|copy|instances?)\s+to\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|twelve)(?:\s+(?:replicas?|copies|instances?))?\b/gi, (_m, _a: string, unit: string, b: string) =>
    `to ${NUM_WORDS[b.toLowerCase()] ?? b} ${/^cop/i.test(unit) ? 'copies' : /^inst/i.test(unit) ? 'instances' : 'replicas'}`,
  );
  out = out.replace(new RegExp(String.raw`\bfrom\s+(${IMAGE_VALUE.source})\s+to\s+(${IMAGE_VALUE.source})`, 'gi'), (m, a: string, b: string) =>
    a.replace(/:[^/]*$/, '') === b.replace(/:[^/]*$/, '') ? `to ${b}` : m,
  );
  // "worker replicas 2 to 6", "memory 512m to 1g" (an arrow some layers before read as "to"): after the setting's word.
  out = out.replace(new RegExp(String.raw`(\b(?:replicas?|instances?|copies|memory|ram|mem|cpus?|cores?)\s+)${VALUE}\s+to\s+${VALUE}(?![\w.:/-])`, 'gi'), (m, lead: string, a: string, b: string) =>
    sameKind(a, b, false) ? `${lead}to ${b}` : m,
  );
  // "half a gig more, its at 1g now", "+512m (currently 1g)": the value now is only said.
  if (/\b(?:more|less|extra|fewer|on\s+top)\b/i.test(out) && findSizes(out).length === 2) {
    out = out.replace(/[,;]?\s*\(?\s*(?:it'?s|its|it\s+is|which\s+is|currently|now)\s+(?:at\s+|on\s+|got\s+|set\s+to\s+|currently\s+)?(\d+(?:\.\d+)?\s?[a-z]{1,9})(?:\s+(?:now|currently|right\s+now|atm))?\s*\)?/i, (m, v: string) => (findSizes(v).length === 1 ? '' : m));
  }
  return out;
}

/**
 * Round 31 (intent): the current value said beside the new one, in two clauses: "ugh the api is
 * STILL on 1 replica, make it 2 already", "api replicas is 1, should be 4", "redis memory was
 * 256m, now 1g", "The worker has one replica. Make it two.", "api port was 8080, now it must be
 * 8443". The first clause says what is (a service of this host, a state word: still, currently,
 * right now, is, was, has, only, at, on; a value), the second what should be (make it, should be,
 * now, I want, please, raise it to, give it, put it on; a value of the same kind). The kind is said
 * by a word of either clause (replica/copy/instance, memory/ram, cpu/core, port, tag/version/
 * image) or by the values themselves (two sizes are memory, two image references an image). Both
 * clauses are said as the one order the readers read ("scale api to 2 replicas"); with no kind, or
 * two values of different kinds, the text is left as typed.
 */
const STATE_WORD = /\b(?:still|currently|right\s+now|atm|at\s+the\s+moment|is|was|were|has|have|had|only|used\s+to|sits?|stuck|running|runs)\b/i;
const NEW_WORD = /\b(?:make\s+(?:it|that|them)|(?:it\s+)?(?:should|must|needs?\s+to|has\s+to|ought\s+to)\s+be|now|set\s+it\s+to|raise|lower|bump|increase|reduce|want|need|please|pls|plz|give\s+(?:it|them)|put\s+it\s+(?:on|to|at)|change\s+it\s+to|move\s+it\s+to|go\s+(?:to|with)|to)\b/i;
const NUM_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12 };
const IMAGE_VALUE = /(?<![\w./@:-])(?:[a-z0-9][\w.-]*\/)+[a-z0-9][\w.-]*(?::[\w][\w.-]*)?(?![\w/@:-])/i;
const FILLER = /^[\s,!.]*(?:(?:it|them|that|to|be|please|pls|plz|already|now|then|ok|okay|thanks|thx|instead|for|me|of|those|replicas?|copies|copy|instances?|memory|mem|ram|cpus?|cores?|port|tag|version|i|we|want|need|make|should|must|needs?|has|ought|set|raise|lower|bump|increase|reduce|give|put|on|at|change|move|go|with|the|a|an|lol|ugh|just|really|seriously|asap|here|running|up|down|so|but|and|is|would|like|id|i'd|i'll|take|have)[\s,!.]*)*$/i;
type Kind = 'replicas' | 'memory' | 'cpu' | 'port' | 'tag';
const KIND_WORDS: readonly [Kind, RegExp][] = [
  ['replicas', /\b(?:replicas?|copies|copy|instances?)\b/i],
  ['memory', /\b(?:memory|mem|ram)\b/i],
  ['cpu', /\b(?:cpus?|cores?)\b/i],
  ['port', /\bports?\b/i],
  ['tag', /\b(?:tag|version|image)\b/i],
];

/** The values of a clause: sizes, image references, numbers (digits or words), in order. */
function valuesIn(clause: string): { text: string; shape: 'size' | 'image' | 'number'; at: number; end: number }[] {
  const out: { text: string; shape: 'size' | 'image' | 'number'; at: number; end: number }[] = [];
  const taken = (a: number, b: number) => out.some((v) => a < v.end && b > v.at);
  for (const s of findSizes(clause)) {
    const at = clause.indexOf(s.text);
    if (at >= 0 && !/^\d+$/.test(s.text.trim())) out.push({ text: s.text.trim(), shape: 'size', at, end: at + s.text.length });
  }
  const img = IMAGE_VALUE.exec(clause);
  if (img && !taken(img.index, img.index + img[0].length)) out.push({ text: img[0], shape: 'image', at: img.index, end: img.index + img[0].length });
  for (const m of clause.matchAll(/(?<![\w.:/-])(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)(?![\w:/-]|\.\d)/gi)) {
    if (!taken(m.index!, m.index! + m[0].length)) out.push({ text: m[1]!.toLowerCase(), shape: 'number', at: m.index!, end: m.index! + m[0].length });
  }
  return out.sort((a, b) => a.at - b.at);
}

export function currentThenNew(text: string, services: readonly string[]): string {
  if (!services.length || !STATE_WORD.test(text)) return text;
  for (const sep of text.matchAll(/\s*(?:[,;:]|[.?!]+(?=\s)|\s[-–—]+)\s*/g)) {
    const first = text.slice(0, sep.index);
    const rest = text.slice(sep.index! + sep[0].length);
    // The second clause runs to the end of its sentence; what follows is its own request.
    const end = /[.;!?](?=\s|$)/.exec(rest);
    const second = end ? rest.slice(0, end.index) : rest;
    const said = services.filter((s) => new RegExp(String.raw`(?<![\w.-])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(first));
    if (said.length !== 1 || !STATE_WORD.test(first) || !NEW_WORD.test(second)) continue;
    const v1 = valuesIn(first);
    const v2 = valuesIn(second);
    if (v1.length !== 1 || v2.length !== 1 || v1[0]!.shape !== v2[0]!.shape) continue;
    // The second clause says the new value and nothing else ("make it 2 already", "now it must be 8443", "2 please").
    if (!FILLER.test(second.slice(0, v2[0]!.at) + ' ' + second.slice(v2[0]!.end))) continue;
    const kinds = KIND_WORDS.filter(([, re]) => re.test(first) || re.test(second)).map(([k]) => k);
    const shape = v1[0]!.shape;
    const kind: Kind | undefined = shape === 'size' ? 'memory' : shape === 'image' ? 'tag' : kinds.length === 1 ? kinds[0] : undefined;
    if (!kind || (shape === 'size' && kinds.some((k) => k !== 'memory'))) continue;
    const name = said[0]!;
    const value = v2[0]!.text;
    const n = NUM_WORDS[value] ?? Number(value);
    let order: string | undefined;
    if (kind === 'replicas' && Number.isInteger(n) && n >= 0 && n <= 99) order = `scale ${name} to ${n} replicas`;
    else if (kind === 'memory') order = `limit ${name} memory to ${value}`;
    else if (kind === 'cpu' && Number.isFinite(n) && n > 0) order = `give ${name} ${n} cpu`;
    else if (kind === 'port' && Number.isInteger(n) && n >= 1 && n <= 65535) order = `move ${name} to port ${n}`;
    else if (kind === 'tag') order = shape === 'image' ? `change the ${name} image to ${value}` : `set the ${name} image tag to ${value}`;
    if (!order) continue;
    return `${order}${end ? rest.slice(end.index) : ''}`;
  }
  return text;
}
