/**
 * The danger model's features (round 37, issue 22): a request read as a bag of lowercased words
 * and word pairs, with what varies from one request to the next folded to a placeholder (a number
 * `<num>`, an address `<ip>`, a file path `<path>`, a URL `<url>`, an e-mail address `<email>`, a
 * product name `<svc>`), and a negation mark (`~word`) on the words after "not", "never", "no",
 * "don't", "without", "…n't" up to the next punctuation: "don't mention it" is not "mention it".
 *
 * Pure and deterministic: the same request and product names give the same features, in order of
 * first appearance, each once. Used by the model (danger-model.ts) and its training
 * (danger-train.ts), which must read a request the same way.
 *
 * Must not: read files or the catalogs (the product names come with the model), or judge anything.
 */

/** The words that open a negation's scope, after contractions are spelled out ("don't" → "do not"). */
const NEGATORS = new Set(['not', 'never', 'no', 'without', 'nobody', 'nothing', 'noone', 'neither', 'nor']);

/** Where a negation's scope and a word pair end. */
const CLAUSE_END = new Set(['.', ',', ';', ':', '!', '?', '(', ')', 'but', 'and']);

/**
 * A file path's placeholder: `<path>` and where it is, its first folder (`<p-etc>`, `<p-dev>`,
 * `<p-home>`) or its first two under a shared one (`<p-var-log>`, `<p-var-lib>`): "/etc/shadow" and
 * "/srv/app/data" are both paths, but not the same place.
 */
function pathPlaceholder(path: string): string {
  const parts = path.replace(/^~/, 'home').split('/').filter((x) => /^[a-z][a-z0-9_.-]*$/.test(x));
  if (!parts.length) return ' <path> ';
  const where = ['var', 'usr', 'srv', 'opt', 'run'].includes(parts[0]!) && parts[1] ? `${parts[0]}-${parts[1].replace(/[^a-z0-9]/g, '')}` : parts[0]!.replace(/[^a-z0-9]/g, '');
  return ` <path> <p-${where}> `;
}

/** The text with its variable parts folded to placeholders, lowercased, contractions spelled out. */
export function foldDangerText(message: string): string {
  return message
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s,;'"]+/g, ' <url> ')
    .replace(/[^\s@,;'"<>]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/g, ' <email> ')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?::\d+)?/g, ' <ip> ')
    .replace(/\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\/\d{1,3})?/g, (m) => (/[0-9a-f]/.test(m) ? ' <ip> ' : m))
    .replace(/(?:^|(?<=[\s"'(=]))~?\/[^\s,;'")]*/g, pathPlaceholder)
    .replace(/\b(can|won|shan)'t\b/g, '$1 not')
    .replace(/\b([a-z]+)n't\b/g, '$1 not')
    .replace(/\bdont\b/g, 'do not')
    .replace(/\b\d+(?:\.\d+)?(?:[a-z]{1,3})?\b/g, ' <num> ');
}

/** The request's tokens: words (with `<…>` placeholders) and clause punctuation. */
export function dangerTokens(message: string, products: ReadonlySet<string>): string[] {
  const folded = foldDangerText(message);
  const out: string[] = [];
  for (const m of folded.matchAll(/<[a-z][a-z0-9-]*>|[a-z][a-z0-9_'-]*|[.,;:!?()]/g)) {
    let w = m[0];
    if (w.endsWith("'s")) w = w.slice(0, -2);
    w = w.replace(/'+$/, '').replace(/-+$/, '');
    if (!w) continue;
    out.push(products.has(w) ? '<svc>' : w);
  }
  return out;
}

export interface FeatureOptions {
  /** Word pairs beside the words. */
  bigrams: boolean;
}

/**
 * The features of a request: each word (marked `~` inside a negation's scope), and with `bigrams`
 * each pair of neighbouring words inside one clause (`a_b`); each feature once, in order.
 */
export function dangerFeatures(message: string, products: ReadonlySet<string>, options: FeatureOptions): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      out.push(f);
    }
  };
  let negated = false;
  let prev: string | undefined;
  for (const t of dangerTokens(message, products)) {
    if (CLAUSE_END.has(t)) {
      negated = false;
      prev = undefined;
      if (/^[a-z]/.test(t)) add(t);
      continue;
    }
    const f = negated ? `~${t}` : t;
    add(f);
    if (options.bigrams && prev !== undefined) add(`${prev}_${f}`);
    prev = f;
    if (NEGATORS.has(t)) negated = true;
  }
  return out;
}
