/**
 * The offline engine's language layer, on maintained libraries (docs/intent.md says why
 * these and what the others measured):
 *
 *   wink-nlp + wink-eng-lite-web-model   tokens, lemmas, negation, number entities
 *                                        ("two gigs", "sixty four megabytes", "fourteen days")
 *   chrono-node                          times of day ("at 4:15", "6am", "noon", "1:30")
 *   damerau-levenshtein                  typos in the words the engine knows ("ngnix",
 *                                        "restrat", "postgress"): one edit, a swap of two
 *                                        letters counting as one
 *
 * Both ship their data inside the npm package: nothing is downloaded at run time. The
 * model is loaded once, on first use (about 0.3 s cold on a quiet machine), so commands
 * that never read a request do not pay for it.
 *
 * What this layer returns is text the rule layer (nlu.ts, engine.ts) reads: numbers
 * written as words become digits, and a lemma form of the request ("backing up" → "back
 * up", "copies" → "copy") is offered beside the original for verb matching.
 */
import { createRequire } from 'node:module';
import type { WinkMethods } from 'wink-nlp';
import type * as Chrono from 'chrono-node';
import damerauLevenshtein from 'damerau-levenshtein';

const require = createRequire(import.meta.url);

// chrono-node is loaded on first use, like wink: nlu.ts (read by the LLM path's vetting too)
// imports this module's tables, and must not pay for the time parser's load.
let chronoModule: typeof Chrono | undefined;
const chrono = (): typeof Chrono => (chronoModule ??= require('chrono-node') as typeof Chrono);

/** A time of day as said: "6am", "6 pm", "18:00", "noon", "midnight". */
export const TIME_TOKEN = String.raw`(?:\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)(?![a-z])|\d{1,2}:\d{2}|noon|midday|midnight)`;
export const TIME_JOIN = String.raw`(?:\s*,\s*(?:and\s+)?|\s+and\s+(?:(?:one|another)\s+)?(?:at\s+)?|\s*&\s*|\s*\+\s*)`;
const MONTH_TOKEN = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
/** Months listed ("jan, apr, jul and oct", "july and august"): one schedule's months, never split into clauses (round 31). */
export const MONTH_LIST_SAID = String.raw`\b${MONTH_TOKEN}(?:\s*(?:,|&|\+)\s*(?:and\s+)?${MONTH_TOKEN}|\s+and\s+${MONTH_TOKEN})+(?![\w-])`;
/**
 * Several times of day in one list: "6am and 6pm", "at 9:00, 13:00 and 17:00", "at 6 and 18" (one
 * schedule, never split into clauses). Round 38 (fit32b): times with a slash between ("6am/6pm",
 * "09:00/21:00"; bare numbers with a slash are a date) and bare hours in brackets ("twice a day (9 and 21)").
 */
export const TIME_LIST = String.raw`(?:\b(?:${TIME_TOKEN}(?:(?:${TIME_JOIN}|\s*\/\s*)${TIME_TOKEN})+|(?:at|like|say|e\.g\.|eg|i\.e\.|ie|around|about)[,:]?\s+\d{1,2}(?:${TIME_JOIN}\d{1,2})+\b(?!\s*(?::|am\b|pm\b|min|hour|hrs?\b|h\b|days?\b|%|[kmgt]i?b?\b)))|\(\s*\d{1,2}(?:${TIME_JOIN}\d{1,2})+\s*\))`;

/**
 * Quoted text, one pattern for the whole engine: `backticks`, "double", “curly double” and
 * ‘curly single’ quotes, and 'single' quotes that open at the start, after a space, "=" or
 * "(" and close before a space, punctuation or the end, so the apostrophes of "don't" and
 * "it's" never open one. None spans a line. What is inside is a value the person typed: it
 * is never split into clauses, respelled, renumbered or read as a schedule.
 */
export const QUOTED = String.raw`\`[^\`\n]*\`|"[^"\n]*"|“[^”\n]*”|‘[^’\n]*’|(?<=^|[\s=(])'[^'\n]*'(?=$|[\s,.;:!?)])`;

/** The text cut at its quoted parts: the odd items are the quoted parts, quotes included. */
export function splitAtQuotes(text: string, more = ''): string[] {
  return text.split(new RegExp(`(${QUOTED}${more ? `|${more}` : ''})`));
}

/** Where the quoted parts of the text start and end. */
export function quotedSpans(text: string): [number, number][] {
  return [...text.matchAll(new RegExp(QUOTED, 'g'))].map((m) => [m.index!, m.index! + m[0].length]);
}

/**
 * The number words, one table for the engine: what people type for cardinals ("fourty" as it
 * is often typed). The readers that need more ("a dozen", "twice", "oh" inside a number) add
 * their own words on top of it.
 */
export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20, thirty: 30, forty: 40, fourty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const wordsWhere = (keep: (n: number) => boolean): Record<string, number> =>
  Object.fromEntries(Object.entries(NUMBER_WORDS).filter(([, n]) => keep(n)));

let nlp: WinkMethods | undefined;
let lexiconSize: number | undefined;

function wink(): WinkMethods {
  if (!nlp) {
    const winkNLP = require('wink-nlp') as (model: unknown, pipe?: string[]) => WinkMethods;
    const model = require('wink-eng-lite-web-model') as unknown;
    nlp = winkNLP(model, ['sbd', 'pos', 'ner', 'negation']);
    // Words outside the lexicon get ids after it, in the order they are first read: the id
    // of a nonsense word read before anything else marks where the lexicon ends.
    lexiconSize = (nlp.readDoc('qzxjvkwpq').tokens().out(nlp.its.uniqueId) as unknown as number[])[0]!;
  }
  return nlp;
}

/** "sixty four" → 64, "two hundred" → 200, "1,024" → 1024; undefined when not a number. */
export function wordsToNumber(text: string): number | undefined {
  const t = text.toLowerCase().replace(/,/g, '').trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  let total = 0;
  let current = 0;
  let any = false;
  for (const w of t.split(/[\s-]+/)) {
    if (w === 'and') continue;
    if (w in NUMBER_WORDS) {
      current += NUMBER_WORDS[w]!;
      any = true;
    } else if (w === 'hundred') {
      current = (current || 1) * 100;
      any = true;
    } else if (w === 'thousand') {
      total += (current || 1) * 1000;
      current = 0;
      any = true;
    } else return undefined;
  }
  return any ? total + current : undefined;
}

const TENS = wordsWhere((n) => n >= 20);
const DIGIT: Record<string, number> = { ...wordsWhere((n) => n <= 9), oh: 0, o: 0 };
const TEEN = wordsWhere((n) => n >= 10 && n <= 19);
const NUMBER_WORD = String.raw`(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|fou?rty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)`;

/**
 * One run of number words as people say numbers aloud → digits, or undefined when it is not one:
 * - with "hundred"/"thousand", arithmetic: "two hundred fifty six" → 256, "three thousand" → 3000;
 * - otherwise in groups read one after another, as ports and sizes are said: "eighty eighty" →
 *   8080, "eighty four forty three" → 8443, "four four three" → 443, "thirty three oh six" →
 *   3306, "five twelve" → 512, "two fifty six" → 256; a single group is its value ("sixty four").
 */
function spokenNumber(words: string[]): string | undefined {
  if (words.some((w) => w === 'hundred' || w === 'thousand')) {
    const n = wordsToNumber(words.filter((w) => w !== 'oh').join(' '));
    return n === undefined ? undefined : String(n);
  }
  const groups: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w in TENS) {
      const next = words[i + 1];
      if (next !== undefined && next in DIGIT && DIGIT[next]! > 0 && next !== 'oh' && next !== 'o') {
        groups.push(String(TENS[w]! + DIGIT[next]!));
        i++;
      } else groups.push(String(TENS[w]));
    } else if (w in TEEN) groups.push(String(TEEN[w]));
    else if (w in DIGIT) groups.push(String(DIGIT[w]));
    else return undefined;
  }
  // "oh" only inside a number ("thirty three oh six"), never at its start.
  if (groups.length === 0 || words[0] === 'oh' || words[0] === 'o') return undefined;
  return groups.join('');
}

const UNITS_DIGIT = String.raw`(?:one|two|three|four|five|six|seven|eight|nine)`;
/** "at one thirty", "around eleven forty-five", "at seven oh five": after at, an hour and its minutes in words. */
const CLOCK_IN_WORDS = new RegExp(
  String.raw`\b(at|@|around|about|by)\s+((?:twenty(?:[\s-]+(?:one|two|three))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))[\s-]+((?:oh|o)[\s-]+${UNITS_DIGIT}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:twenty|thirty|fou?rty|fifty)(?:[\s-]+${UNITS_DIGIT})?)\b(?![\s-]+(?:${NUMBER_WORD}|and)\b)(?!\s*(?:megs?|mb|mi?b|gigs?|gb|gi?b|k|kb|cores?|cpus?|replicas?|instances?|copies|ports?|connections?|%|percent|days?|hours?|minutes?|weeks?)\b)`,
  'gi',
);

/**
 * Numbers said in words that wink's entities do not read as one number: decimals ("one point
 * five cores" → 1.5), halves ("two and a half gigs" → 2.5), and digits said in groups ("port
 * eighty eighty" → 8080, "five twelve megs" → 512). A single word is left to wink (its rules
 * keep "the one I added" a word). Quoted text is left alone.
 */
export function numbersInWords(text: string): string {
  return splitAtQuotes(text)
    .map((p, i) =>
      i % 2 === 1
        ? p
        : p
            // "one point five", "two point 5", "1 point 5": a decimal.
            .replace(new RegExp(String.raw`\b(\d+|${NUMBER_WORD}(?:[\s-]+${NUMBER_WORD})*)\s+point\s+(\d+|(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)(?:\s+(?:zero|oh|one|two|three|four|five|six|seven|eight|nine))*)\b`, 'gi'), (m, a: string, b: string) => {
              const whole = /^\d+$/.test(a) ? a : spokenNumber(a.toLowerCase().split(/[\s-]+/));
              const frac = /^\d+$/.test(b) ? b : b.toLowerCase().split(/\s+/).map((w) => String(DIGIT[w])).join('');
              return whole === undefined ? m : `${whole}.${frac}`;
            })
            // "two and a half", "1 and a half": x.5 (not "a gig and a half": the paraphrase reads that).
            .replace(new RegExp(String.raw`\b(\d+|${NUMBER_WORD}(?:[\s-]+${NUMBER_WORD})*)\s+and\s+a\s+half\b`, 'gi'), (m, a: string) => {
              const whole = /^\d+$/.test(a) ? a : spokenNumber(a.toLowerCase().split(/[\s-]+/));
              return whole === undefined ? m : `${whole}.5`;
            })
            // "at one thirty", "at eleven forty-five pm", "at seven oh five": a time of day said
            // aloud is an hour and its minutes ("1:30"), never one number ("130"); not before a
            // unit ("at two fifty six megs" is a size).
            .replace(CLOCK_IN_WORDS, (m, at: string, h: string, mm: string) => {
              const hour = wordsToNumber(h);
              const minute = wordsToNumber(mm.replace(/^o(?:h)?[\s-]+/i, ''));
              return hour === undefined || minute === undefined || hour > 23 || minute > 59 ? m : `${at} ${hour}:${String(minute).padStart(2, '0')}`;
            })
            // Two words or more in a row: one number said aloud ("and" joins only after hundred or
            // thousand: "nine thousand and ninety" is one number, "eighty and four four three" two).
            .replace(new RegExp(String.raw`\b${NUMBER_WORD}(?:(?:[\s-]+|\s+and\s+)${NUMBER_WORD})+\b`, 'gi'), (m) =>
              m
                .split(/(?<!hundred|thousand)\s+and\s+/i)
                .map((part) => spokenNumber(part.toLowerCase().split(/[\s-]+|\s+and\s+/).filter((w) => w !== 'and')) ?? part)
                .join(' and '),
            ),
    )
    .join('');
}

export interface Reading {
  /** The request with numbers written as words turned into digits. */
  text: string;
  /** Lemmas of the request, lowercased, space-joined ("stop back up redis"). */
  lemmas: string;
  /** Some token is negated ("don't", "not", "never"). */
  negated: boolean;
}

/**
 * The text as wink reads it: a word longer than 256 characters (a pasted blob, a key) is cut
 * into pieces of 256 with spaces between. wink's model tests each token with patterns that are
 * quadratic in its length (`[a-z].*\.$`): one 20,000-character word took seconds. Each piece is
 * a substring of the text, so positions found with indexOf stay true (lemmaTokens).
 */
function winkText(text: string): string {
  return text.replace(/\S{257,}/g, (w) => w.match(/[^]{1,256}/g)!.join(' '));
}

/**
 * Reads a request: cardinal numbers in words become digits ("two gigs" → "2 gigs",
 * "fourteen days" → "14 days"); ordinals, times and quoted text are left alone.
 */
export function read(said: string): Reading {
  const message = numbersInWords(said);
  const doc = wink().readDoc(winkText(message));
  const its = wink().its;
  const replacements: { from: string; to: string }[] = [];
  doc.entities().each((e: { out(f: unknown): unknown }) => {
    const d = e.out(its.detail) as { value: string; type: string };
    if (d.type !== 'CARDINAL' && d.type !== 'DURATION') return;
    // "fourteen days" (DURATION) → the number part only.
    const m = /^([a-z][a-z\s-]*?)(\s+(?:days?|weeks?|hours?|minutes?|months?|years?))?$/i.exec(d.value);
    if (!m || /^\d/.test(d.value)) return;
    const n = wordsToNumber(m[1]!);
    // "one" alone stays a word ("one core" is fine either way; "the one I added" is not a number).
    if (n === undefined || (n === 1 && !/\b(one)\s+(core|cpu|replica|instance|copy|gig|gb|meg)/i.test(message))) return;
    replacements.push({ from: m[1]!, to: String(n) });
  });
  let text = message;
  for (const r of replacements) {
    // Never inside a name: "two.example.org", "one-api", "/srv/two" keep their word.
    text = text.replace(new RegExp(String.raw`(?<![\w'"./-])${r.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w'"/]|[.-]\w)`, 'i'), r.to);
  }
  const lemmas = (doc.tokens().out(its.lemma as never) as unknown as string[]).map((x) => x.toLowerCase()).join(' ');
  const negated = (doc.tokens().out(its.negationFlag) as boolean[]).some(Boolean);
  return { text, lemmas, negated };
}

/** A time of day in the text ("at 4:15", "6am", "noon", "1:30 pm"), read by chrono-node. */
export function timeOfDay(text: string): [number, number] | undefined {
  const ref = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
  for (const r of chrono().parse(text, { instant: ref, timezone: 'UTC' }, { forwardDate: false })) {
    // Only results that name an hour (not "morning"/"tonight" alone, not dates).
    if (!r.start.isCertain('hour')) continue;
    // "now" ("--due-now", "run it now") is the moment said, never an hour of a schedule (round 30).
    if (/^\W*(?:right\s+)?now\W*$/i.test(r.text)) continue;
    let h = r.start.get('hour') ?? 0;
    // "every night at 1:30": without am/pm, a bare hour is read as written (01:30), as
    // cron users mean it, unless the text says evening or afternoon.
    if (!r.start.isCertain('meridiem') && h > 12 && !/\b(evening|afternoon|tonight|pm)\b/i.test(text)) h -= 12;
    if (!r.start.isCertain('meridiem') && h < 12 && /\b(evening|afternoon|tonight)\b/i.test(text)) h += 12;
    return [h, r.start.get('minute') ?? 0];
  }
  return undefined;
}

const INFLECTIONS = ['s', 'es', 'd', 'ed', 'ing', 'er', 'ers', 'ly', "'s"];

/** The word is in wink's English lexicon ("serve", "remote", "candy"): a real word, not a typo. */
export function englishWord(word: string): boolean {
  const id = (wink().readDoc(word).tokens().out(wink().its.uniqueId) as unknown as number[])[0];
  return id !== undefined && id < lexiconSize!;
}

/**
 * Typos in the words the engine knows: a word of 5 letters or more that is not one of
 * `words` or `products`, and not an English word (wink's lexicon: "serve" and "remote" stay
 * as they are), but is one edit away from exactly one of them (two edits from 9 letters on;
 * swapping two neighbouring letters is one edit) is read as that word. Names are never
 * touched: words in `keep` (services, users), a word right after "called", "named", "user"
 * or "as", quoted text, image references, paths and KEY=value. Returns the text and what was
 * read differently, so the reply can say so.
 */
/** Four-letter verbs and nouns of requests whose swapped-letter typos are read as them. */
const SHORT_VERBS = ['move', 'stop', 'open', 'drop', 'kill', 'port', 'user', 'show', 'bump', 'give', 'make', 'turn', 'lock'];

/** Short words typed wrong that no edit distance can place safely. */
const SHORT_TYPOS: Record<string, string> = { teh: 'the', hte: 'the', othr: 'other', otehr: 'other', ohter: 'other', adn: 'and', taht: 'that', thsi: 'this', wiht: 'with', opn: 'open', rmv: 'remove' };

export function correctSpelling(text: string, words: readonly string[], products: readonly string[], keep: readonly string[]): { text: string; fixes: [string, string][] } {
  const vocab = new Set([...words, ...products].map((v) => v.toLowerCase()));
  const plain = words.map((v) => v.toLowerCase());
  const kept = new Set(keep.map((k) => k.toLowerCase()));
  const fixes: [string, string][] = [];
  // Quoted and backticked text is left alone.
  const protectedSpans = quotedSpans(text);
  const out = text.replace(/(?<![\w./:@=$-])[A-Za-z]{3,}(?![\w./:@=-])/g, (word, offset: number) => {
    if (protectedSpans.some(([a, b]) => offset >= a && offset < b)) return word;
    const w = word.toLowerCase();
    if (vocab.has(w) || kept.has(w)) return word;
    if (/\b(called|named|user|account|as|hostname|host name)\s+$/i.test(text.slice(Math.max(0, offset - 16), offset))) return word;
    // Short function words typed wrong ("teh port", "the othr one"): read as the word (round 34).
    const typo = SHORT_TYPOS[w];
    if (typo) {
      fixes.push([word, typo]);
      return typo;
    }
    if (w.length < 4) return word;
    if (plain.some((v) => w.startsWith(v) && INFLECTIONS.includes(w.slice(v.length)))) return word;
    if (englishWord(w)) return word;
    // Four letters: only two neighbouring letters swapped, towards a short verb ("mvoe", "stpo", "opne").
    if (w.length === 4) {
      const swapped = SHORT_VERBS.find((v) => damerauLevenshtein(w, v).steps === 1 && [...v].sort().join('') === [...w].sort().join(''));
      if (!swapped) return word;
      fixes.push([word, swapped]);
      return swapped;
    }
    const limit = w.length >= 9 ? 2 : 1;
    let best: string | undefined;
    let bestSteps = Infinity;
    let tie = false;
    for (const v of vocab) {
      if (Math.abs(v.length - w.length) > limit || v.length < 5) continue;
      const steps = damerauLevenshtein(w, v).steps;
      if (steps > limit) continue;
      if (steps < bestSteps) {
        best = v;
        bestSteps = steps;
        tie = false;
      } else if (steps === bestSteps) tie = true;
    }
    if (!best || tie) return word;
    fixes.push([word, best]);
    return best;
  });
  return { text: out, fixes };
}

const lemmaCache = new Map<string, { text: string; lemma: string; at: number }[]>();

/**
 * The words of a text with their lemmas (wink): "nuked" → "nuke", "relaunching" → "relaunch",
 * "ditches" → "ditch", with where each word starts in the text. Cached per text (the engine asks
 * about the same clause several times).
 */
export function lemmaTokens(text: string): { text: string; lemma: string; at: number }[] {
  const hit = lemmaCache.get(text);
  if (hit) return hit;
  const doc = wink().readDoc(winkText(text));
  const its = wink().its;
  const words = doc.tokens().out() as unknown as string[];
  const lemmas = doc.tokens().out(its.lemma as never) as unknown as string[];
  const out: { text: string; lemma: string; at: number }[] = [];
  let from = 0;
  words.forEach((w, i) => {
    const at = text.indexOf(w, from);
    if (at < 0) return;
    from = at + w.length;
    out.push({ text: w, lemma: String(lemmas[i] ?? w).toLowerCase(), at });
  });
  if (lemmaCache.size > 500) lemmaCache.clear();
  lemmaCache.set(text, out);
  return out;
}
