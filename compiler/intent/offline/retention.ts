/**
 * How long backups are kept, said the way people say it (round 28, intent2; docs/intent.md "After
 * round 28"). One lexical step every reader of a retention uses (engine.ts `retentionIn`): the
 * durations said as nouns and the counts said in words are rewritten to the plain "keep N unit"
 * that engine.ts RETENTION reads, and a duration becomes copies by the schedule there.
 *
 *   a fortnight, two fortnights          → 14 days, 28 days
 *   a quarter (not "a quarter past 2")   → 3 months
 *   half a year, a year and a half       → 6 months, 18 months
 *   2 years, a year                      → 24 months, 12 months
 *   a couple of / a few weeks            → 2 weeks / 3 weeks
 *   a dozen                              → 12
 *   14d, 2w, 6mo, 1y, 48h                → 14 days, 2 weeks, 6 months, 12 months, 48 hours
 *   ten days, fifteen copies             → 10 days, 15 copies
 *   'em                                  → them
 *   ten days' worth (no verb)            → keep 10 days
 *   make that / change it to a quarter   → keep 3 months
 *   one day of them (no verb)            → keep 1 day of them
 *
 * Every pattern is bounded (no two unbounded quantifiers side by side), so it is linear.
 */
import { NUMBER_WORDS } from './language.js';

const UNIT = String.raw`(?:hours?|days?|weeks?|months?|years?)`;
const WORD = Object.keys(NUMBER_WORDS).join('|');
const MONTHS: Record<string, number> = { quarter: 3, year: 12 };

/** The request with its retention said in the one form engine.ts RETENTION reads. */
export function retentionWords(text: string): string {
  let t = text
    .replace(/\b(?:keep|retain|hold|hang|store|save)\s+'em\b/g, (m) => m.replace(/'em$/, 'them'))
    .replace(/\b(\d{1,4})(d|w|mo|y|h)\b/g, (_m, n: string, u: string) => (u === 'y' ? `${Number(n) * 12} months` : `${n} ${({ d: 'days', w: 'weeks', mo: 'months', h: 'hours' } as Record<string, string>)[u]}`))
    .replace(new RegExp(String.raw`\b(${WORD})(?=[\s-]${UNIT}\b|\s+(?:copies|backups?|snapshots?|dumps?|versions?)\b)`, 'g'), (w) => String(NUMBER_WORDS[w]))
    // "the 3 most recent", "the 10 newest", "the 5 latest": the last N (round 32).
    .replace(/\b(?:the\s+)?(\d{1,4})\s+(?:most\s+recent|newest|latest|youngest|last)\b/g, 'the last $1')
    .replace(/\b(?:a|one)\s+dozen\b/g, '12')
    .replace(/\b(?:a\s+)?couple\s+(?:of\s+)?(?=(?:hours?|days?|weeks?|months?)\b)/g, '2 ')
    .replace(/\ba\s+few\s+(?=(?:hours?|days?|weeks?|months?)\b)/g, '3 ')
    .replace(/\b(?:(a|one|\d{1,3})\s+)?fortnights?\b/g, (_m, n?: string) => `${(n && /^\d/.test(n) ? Number(n) : 1) * 14} days`)
    .replace(/\bhalf\s+a\s+year\b/g, '6 months')
    .replace(/\ba\s+year\s+and\s+a\s+half\b/g, '18 months')
    .replace(/\b(?:(a|one|\d{1,3})\s+)?(quarter|year)s?\b(?!\s+(?:past|to|after|of\s+an?\s+hour|hour|ago)\b)/g, (m, n: string | undefined, u: string) =>
      n === undefined ? m : `${(n && /^\d/.test(n) ? Number(n) : 1) * MONTHS[u]!} months`)
    .replace(/\b(?:a|one)\s+(hour|day|week|month)(?='?s?\s+(?:worth|of\s+(?:them|those|back\s?ups?|dumps?|snapshots?|copies)))/g, '1 $1')
    .replace(/\b(retention|for|keep|retain|keeping)(:?\s+)(?:a|one)\s+(hour|day|week|month)\b/g, '$1$21 $3');
  // A duration with no verb: "ten days' worth", "one day of them", "make that a quarter".
  if (!/\b(?:keep|retain|hold|hang|stor|sav|retention)/.test(t)) {
    t = t
      .replace(new RegExp(String.raw`\b(\d{1,4}\s+${UNIT})(?='?s?\s+worth\b|\s+of\s+(?:them|those|back\s?ups?|dumps?|snapshots?)\b)`), 'keep $1')
      .replace(new RegExp(String.raw`\b(?:make|change|set)\s+(?:it|that|this|them)\s+(?:to\s+)?(\d{1,4}\s+(?:weeks?|months?))\b`), 'keep $1');
  }
  return t;
}
