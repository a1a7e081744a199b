/**
 * Schedules said every way → one five-field cron expression, for jobs and backups alike.
 * Two steps, both pure:
 *
 *   normaliseSchedule(text)   the many surface forms people type → the few the reader reads:
 *                             "every quarter hour" → "every 15 minutes", "every min" → "every
 *                             minute", "every other day" → "every 2 days", "twice a day" →
 *                             "every 12 hours", "half six in the evening" → "6:30 in the
 *                             evening", "daily at 0400" → "daily at 4:00", "mon-fri" →
 *                             "weekdays", "sunday nights" → "every sunday night", "the 1st of
 *                             each month" stays as it is
 *   parseSchedule(text)       the reader: an interval (minutes, hours, days), a window of hours
 *                             ("business hours", "9 to 5", "between 8am and 6pm"), days of the
 *                             week, a day of the month and a time of day (chrono-node), put
 *                             together into one cron line, checked by cron-parser
 *
 * The engine runs normaliseSchedule over the whole request (so the clause splitter and the
 * command reader see "every 15 minutes" too); parseSchedule runs it again, so text from an
 * earlier turn reads the same. Normalising canonical text changes nothing.
 */
import { cronParser } from '../../../common/cron.js';
import { NUMBER_WORDS, TIME_JOIN, TIME_LIST, splitAtQuotes, timeOfDay } from './language.js';

export interface Schedule {
  cron: string;
  /** Plain-English reading, for the explanation. */
  words: string;
}

/** How many times: the number words and the words of counting ("a", "once", "twice"). */
const TIMES: Record<string, number> = { ...NUMBER_WORDS, a: 1, an: 1, once: 1, twice: 2, thrice: 3 };
const num = (w: string): number | undefined => (/^\d+$/.test(w) ? Number(w) : TIMES[w.toLowerCase()]);
const HOUR_WORD = String.raw`(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;

/** Minutes said in words before "past" / "to" an hour (the quarter and the half have rules of their own). */
const MINUTE_WORD = String.raw`five|ten|twenty(?:[\s-]five)?`;
/** Words after a number that make it no hour ("ten past six replicas" is not a time). */
const UNIT_AFTER = String.raw`replicas?|copies|instances|cores?|cpus?|gigs?|megs?|gb|mb|g\b|m\b|hours?|minutes?|days?|%`;
const minutesOf = (w: string): number | undefined =>
  /^\d+$/.test(w) ? Number(w) : ({ quarter: 15, half: 30, five: 5, ten: 10, twenty: 20 } as Record<string, number>)[w.toLowerCase()] ?? (/^twenty[\s-]five$/i.test(w) ? 25 : undefined);

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_RE = String.raw`(sun(?:day)?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?|sat(?:urday)?)`;
const dayIndex = (w: string): number => DAY_NAMES.findIndex((d) => d.startsWith(w.toLowerCase().slice(0, 3)));

/** Quoted text (language.ts `QUOTED`), paths, URLs and KEY=value: never read as schedule words. */
// At most 256 characters before the / or = (a path or key=value): `\S*` there was tried from
// every position of a long word without one, each try to its end (quadratic). Read up to the
// first / or = (never back from the 256th character): the same matches, one pass per try.
const PATH_OR_KEY = String.raw`[^\s/=]{0,256}[/=]\S*`;

const SLASHED_TIME = String.raw`(\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)|\d{1,2}:\d{2})`;
const TIMES_SLASHED = new RegExp(String.raw`(?<![\w/.:-])${SLASHED_TIME}\/${SLASHED_TIME}(?![\w/:-])`, 'gi');

/** Quoted text, paths, URLs and KEY=value are never rewritten (a command may say "every min"). */
function outsideProtected(text: string, rewrite: (plain: string) => string): string {
  return splitAtQuotes(text, PATH_OR_KEY).map((p, i) => (i % 2 === 1 ? p : rewrite(p))).join('');
}

/** The text without its quoted parts, paths and KEY=value: where days and hours are looked for. */
const plainWords = (text: string): string => splitAtQuotes(text, PATH_OR_KEY).map((p, i) => (i % 2 === 1 ? ' ' : p)).join('');

/** Surface forms of schedules → the canonical words `parseSchedule` reads. Idempotent. */
export function normaliseSchedule(text: string): string {
  // Two times of day with a slash between ("6am/6pm", "09:00/21:00") are a list of them, not a path (round 38, fit32b).
  return outsideProtected(text.replace(TIMES_SLASHED, '$1 and $2'), (s) =>
    daysSpelled(s)
      // Dates with a name of their own are every year's ("new years day 00:00", "on christmas at 8"):
      // said as the date the reader reads, "every year on january 1st". Only where a day is said
      // (`dayPlace`): "a service called halloween", "deploy … as xmas" keep their names (review 23 HIGH-3).
      .replace(HOLIDAY, (m: string, at: number, all: string) => {
        const k = Object.keys(HOLIDAYS).find((h) => new RegExp(`^${h}$`, 'i').test(m.replace(/\s+/g, ' ').trim()));
        return k && dayPlace(all, at, m) ? `every year on ${HOLIDAYS[k]}` : m;
      })
      // Numbers in words after "every" ("every twelve hours"; the engine's language layer has
      // usually made them digits already, an earlier turn's text has not).
      .replace(/\b(every|each)\s+(two|three|four|five|six|ten|twelve|fifteen|twenty|thirty)\s+(?=min|hour|hr|day)/gi, (_m, e: string, n: string) => `${e} ${num(n)} `)
      // "twelve noon", "12 noon", "12 midnight", "twelve midnight": the hour said twice is one.
      .replace(/\b(?:twelve|12)\s+(noon|midnight)\b/gi, '$1')
      // "evry", "evrey", "everey", "eveyr": "every" mistyped (too short for the spelling step).
      .replace(/\b(?:evry|evrey|everey|eveyr|evey|evert)\b/gi, 'every')
      // "midnite", "tonite": night spelled short.
      .replace(/\bmidnite\b/gi, 'midnight')
      // "evry nite at 11", "tonite", "nitely" (held-out 30, read by the lead after its blind run).
      .replace(/\b(to)?nite(ly|s)?\b/gi, (_m, to: string | undefined, suffix: string | undefined) => `${to ?? ''}night${suffix ?? ''}`)
      // "6 in the morning", "6 in the evening", "3 in the afternoon": the hour with am/pm, so a list of them is one list (round 31).
      .replace(/(?<!\b(?:to|past|after|before|half|quarter|till|til)\s+)\b(\d{1,2})(?![:\d])(?::(\d{2}))?\s+(?:o'?clock\s+)?in\s+the\s+(morning|afternoon|evening)\b/gi, (m, h: string, mm: string | undefined, part: string) => {
        const n = Number(h);
        if (n < 1 || n > 12) return m;
        return `${n}${mm ? `:${mm}` : ''}${/^morning$/i.test(part) ? 'am' : 'pm'}`;
      })
      // Units shortened: "every 5 mins", "every 2 hrs", "every 10m", "every 3h", "every min".
      .replace(/\b(every|each)\s+(\d+)\s*(?:mins?|minutes?|m)\b/gi, 'every $2 minutes')
      .replace(/\b(every|each)\s+(\d+)\s*(?:hrs?|hours?|h)\b/gi, 'every $2 hours')
      .replace(/\b(?:every|each|once\s+(?:a|per|every))\s+(?:1\s+|single\s+)?min(?:ute)?\b|\bper\s+minute\b|\bminutely\b/gi, 'every minute')
      // Quarters and halves of an hour: "every quarter hour", "quarter-hourly", "every half an hour", "twice an hour".
      .replace(/\b(?:every|each)\s+quarter(?:\s+of)?(?:\s+an)?[\s-]+hour\b|\bquarter[\s-]?hourly\b|\b(?:4|four)\s+times\s+(?:an|per|each|every)\s+hour\b/gi, 'every 15 minutes')
      .replace(/\b(?:every|each)\s+half(?:\s+an)?[\s-]+hour\b|\bhalf[\s-]?hourly\b|\b(?:twice|2\s+times|two\s+times)\s+(?:an|per|each|every)\s+hour\b/gi, 'every 30 minutes')
      // "every other day", "every second hour", "on alternate days".
      .replace(/\b(?:every|each)\s+(?:other|second|2nd)\s+(day|hour|minute)\b|\b(?:on\s+)?alternate\s+(day|hour)s\b/gi, (_m, a?: string, b?: string) => `every 2 ${(a ?? b)!.toLowerCase()}s`)
      // "twice a day", "3 times daily", "four times per day": evenly through the day.
      // A bare number needs "times" ("quarter past 2 every day" is a time of day).
      .replace(/\b(twice|thrice|(?:two|three|four|six|[2346])\s*(?:times|x))\s+(?:a|per|each|every)\s+day\b|\b(twice|thrice|(?:two|three|four|six|[2346])\s*(?:times|x))\s+daily\b/gi, (m, a?: string, b?: string) => {
        const n = num((a ?? b)!.replace(/\s*(?:times|x)$/i, ''));
        return n && n > 1 ? `every ${24 / n} hours` : m;
      })
      // "once a day" is daily; "once a week" weekly.
      .replace(/\bonce\s+(?:a|per|every)\s+day\b/gi, 'daily')
      // The minute of every hour said of "the hour": "every quarter past the hour", "at half past
      // the hour", "ten to the hour", "5 minutes after the hour" → "hourly at :15" (minutePast).
      .replace(new RegExp(String.raw`\b(?:(?:every|each|at)\s+)?(?:a\s+)?(quarter|half|${MINUTE_WORD}|\d{1,2})(?:\s+min(?:ute)?s?)?\s+(past|after|to|before)\s+the\s+hour\b`, 'gi'), (m, mm: string, dir: string) => {
        const n = minutesOf(mm);
        if (n === undefined || n >= 60 || (/^half$/i.test(mm) && /^(?:to|before)$/i.test(dir))) return m;
        return `hourly at :${pad(/^(?:to|before)$/i.test(dir) ? 60 - n : n)}`;
      })
      // Minutes in words before an hour: "ten past six", "twenty to midnight", "five to noon",
      // "at ten to twelve" (the quarter and the half are read below). "to" with an hour in
      // words only after "at" ("from five to ten" is a range); never before a unit.
      .replace(new RegExp(String.raw`\b(${MINUTE_WORD}|\d{1,2})(?:\s+min(?:ute)?s?)?\s+(past|after)\s+(${HOUR_WORD}|midnight|noon|midday)\b(?!\s*(?:${UNIT_AFTER}))`, 'gi'), (m, mm: string, _d: string, h: string) => {
        const n = minutesOf(mm);
        const hour = /^mid(?:night)?$/i.test(h) && !/day/i.test(h) ? 0 : /^(?:noon|midday)$/i.test(h) ? 12 : num(h);
        return n === undefined || n >= 60 || hour === undefined || hour > 23 ? m : `${hour}:${pad(n)}`;
      })
      .replace(new RegExp(String.raw`\b(${MINUTE_WORD})(?:\s+min(?:ute)?s?)?\s+to\s+(midnight|noon|midday)\b`, 'gi'), (_m, mm: string, h: string) => `${/^midnight$/i.test(h) ? 23 : 11}:${pad(60 - minutesOf(mm)!)}`)
      .replace(new RegExp(String.raw`(?<=\bat\s)(${MINUTE_WORD})(?:\s+min(?:ute)?s?)?\s+to\s+${HOUR_WORD}\b(?!\s*(?:${UNIT_AFTER}))`, 'gi'), (m, mm: string, h: string) => {
        const hour = num(h);
        return hour === undefined || hour < 1 || hour > 24 ? m : `${((hour + 11) % 12) || 12}:${pad(60 - minutesOf(mm)!)}`;
      })
      // "half past midnight", "quarter past noon", "quarter to midnight".
      .replace(/\b(half|(?:a\s+)?quarter)\s+(past|after|to)\s+(midnight|noon|midday)\b/gi, (_m, part: string, dir: string, hour: string) => {
        const h = /^mid/i.test(hour) && !/day/i.test(hour) ? 0 : 12;
        if (/^to$/i.test(dir)) return /^half/i.test(part) ? _m : `${(h + 23) % 24}:45`;
        return `${h}:${/^half/i.test(part) ? '30' : '15'}`;
      })
      // Clock words: "half six" (British: 6:30), "half past 6", "quarter past 3", "quarter to 5", "six thirty pm".
      .replace(new RegExp(String.raw`\bhalf\s+(?:past\s+)?${HOUR_WORD}\b(?!\s*(?:cores?|cpus?|gigs?|megs?|gb|mb|replicas?|hours?|minutes?))`, 'gi'), (_m, h: string) => `${num(h)}:30`)
      .replace(new RegExp(String.raw`\b(?:a\s+)?quarter\s+past\s+${HOUR_WORD}\b`, 'gi'), (_m, h: string) => `${num(h)}:15`)
      .replace(new RegExp(String.raw`\b(?:a\s+)?quarter\s+to\s+${HOUR_WORD}\b`, 'gi'), (_m, h: string) => `${((num(h)! + 11) % 12) || 12}:45`)
      .replace(new RegExp(String.raw`\b(?<=at\s)${HOUR_WORD}\s+(fifteen|thirty|forty[\s-]five)\b`, 'gi'), (_m, h: string, mm: string) => `${num(h)}:${/^fi/i.test(mm) ? '15' : /^th/i.test(mm) ? '30' : '45'}`)
      .replace(new RegExp(String.raw`\b(at|around|about)\s+(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?=\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock|in\s+the|at\s+night|$|[,.;:]))`, 'gi'), (_m, at: string, h: string) => `${at} ${num(h)}`)
      // Military time: "at 0400", "daily 2330", "0400 hrs", "23h00", "4h30".
      .replace(/\b(at|@|daily|nightly|every\s+day|each\s+day|weekdays|weekends)\s+([01]\d|2[0-3])([0-5]\d)\b(?!\s*[:/.]\d)(?:\s*(?:hrs|hours|h)\b)?/gi, (_m, w: string, h: string, mm: string) => `${w} ${Number(h)}:${mm}`)
      .replace(/\b([01]\d|2[0-3])([0-5]\d)\s*(?:hrs|hours|h)\b/gi, (_m, h: string, mm: string) => `${Number(h)}:${mm}`)
      .replace(/\b([01]?\d|2[0-3])h([0-5]\d)\b/gi, (_m, h: string, mm: string) => `${Number(h)}:${mm}`)
      // Ranges of days: "mon-fri", "monday to friday", "m-f", "sat & sun", "tue-thu".
      .replace(/\b(?:mon(?:day)?s?\s*(?:-|–|to|through|thru|till|until)\s*fri(?:day)?s?|m-f)\b/gi, 'weekdays')
      .replace(/\b(?:sat(?:urday)?s?\s*(?:-|–|&|\+|and|to)\s*sun(?:day)?s?)\b/gi, 'weekends')
      .replace(new RegExp(String.raw`\b${DAY_RE}s?\s*(?:-|–|to|through|thru)\s*${DAY_RE}s?\b`, 'gi'), (m, a: string, b: string) => {
        const from = dayIndex(a);
        const to = dayIndex(b);
        if (from < 0 || to < 0 || from === to) return m;
        const days: string[] = [];
        for (let d = from; ; d = (d + 1) % 7) {
          days.push(DAY_NAMES[d]!);
          if (d === to) break;
        }
        return `every ${days.join(', ')}`;
      })
      // "sunday nights", "friday evenings", "monday mornings": every such day at that part of it.
      .replace(/(?<!\b(?:every|each|on|this|next|last)\s)\b(mon|tues|wednes|thurs|fri|satur|sun)days?\s+(nights?|mornings?|evenings?|afternoons?)\b/gi, (_m, d: string, part: string) => `every ${d.toLowerCase()}day ${part.toLowerCase().replace(/s$/, '')}`)
      // "every day except weekends", "weekdays only": weekdays.
      .replace(/\b(?:every\s+day|daily)\s+(?:except|but\s+not|apart\s+from)\s+(?:on\s+)?weekends\b/gi, 'weekdays')
      // "first day of each month", "on the 1st of every month", "beginning of each month": the 1st.
      .replace(/\b(?:beginning|start)\s+of\s+(?:every|each|the)\s+month\b/gi, '1st of every month'),
  );
}

/** Days with a name of their own, as the date the reader reads (keys are patterns of the name said; an eve is tried before its day). */
const HOLIDAYS: Record<string, string> = {
  "new\\s?year'?s'?(?:\\s+day)?": 'january 1st',
  "new\\s?year'?s'?\\s+eve": 'december 31st',
  "christmas(?:\\s+day)?|xmas(?:\\s+day)?": 'december 25th',
  'christmas\\s+eve|xmas\\s+eve': 'december 24th',
  'boxing\\s+day': 'december 26th',
  "(?:the\\s+)?(?:4th|fourth)\\s+of\\s+july|independence\\s+day": 'july 4th',
  "halloween": 'october 31st',
  "valentine'?s'?(?:\\s+day)?": 'february 14th',
};
const HOLIDAY = new RegExp(String.raw`(?<![\w-])(?:${Object.keys(HOLIDAYS).sort((a, b) => Number(/eve$/.test(b)) - Number(/eve$/.test(a))).join('|')})(?![\w-])`, 'gi');

/** Edits (insert, delete, change, swap two neighbours) from `a` to `b`, at most `max`+1. */
function editsWithin(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]! <= max;
}

/** Words after which a name is said, never a day: "add user frida", "a service called sundry", "named frida", "as xmas", "for frida". */
const NAME_BEFORE = /\b(?:called|named|name|as|users?|accounts?|for|hostname)\s+(?:(?:the|a|an)\s+)?$/i;
/** Words that put a day after them: "every fridy", "on wendsday", "mon, tues and fridy", "from tuesdy to fridy". */
const DAY_BEFORE = /(?:\b(?:every|each|on|and|or|from|to|until|till|through|thru|between|this|next|last|except|not|weekly)|[,&–-])\s*$/i;
/** Words that follow a day: a time, a part of the day, or another day of a list ("tuesdys at 10", "fridy nights", "fridy and saturday"). */
const DAY_AFTER = new RegExp(String.raw`^(?:'?s)?\s*(?:at\b|@|\d|(?:night|morning|evening|afternoon)s?\b|(?:,|&|and\b|or\b|-|–|to\b|through\b|thru\b|not\b|instead\s+of\b|rather\s+than\b)\s*${DAY_RE})`, 'i');
/** A schedule said in the clause: a repeat, a time of day, a date ("every", "daily", "at 2", "10pm", "23:00", "on the 1st"). */
const SCHEDULE_CUE = /\b(?:every|each|daily|nightly|weekly|monthly|hourly|yearly|annually|weekdays?|weekends?|schedule[sd]?|cron|noon|midnight|midday|tonight|o'?clock|(?:mornings?|evenings?|nights?|afternoons?))\b|(?:\bat|@)\s*\d|\b\d{1,2}(?::\d{2})?\s*(?:am|pm|h)\b|\b\d{1,2}:\d{2}\b|\bon\s+the\s+\d/i;

/** A day's name spelled right, anywhere in the clause. */
const DAY_NAMED = /\b(?:sun|mon|tues|wednes|thurs|fri|satur)days?\b/i;

/**
 * Review 23 HIGH-3: a word is read as a day (a mistyped day name, a holiday) only where a day is
 * said: never after a word that names ("user frida", "called sundry", "as xmas", "for frida"), only
 * in a clause that says a schedule, and only before a time or a part of the day, after a word that
 * puts a day ("every", "on", a list), or in a list of days. Names and values people type stay theirs.
 */
function dayPlace(all: string, at: number, word: string): boolean {
  const before = all.slice(Math.max(0, at - 48), at);
  if (NAME_BEFORE.test(before)) return false;
  const start = Math.max(all.lastIndexOf('.', at - 1), all.lastIndexOf(';', at - 1), all.lastIndexOf('!', at - 1), all.lastIndexOf('?', at - 1), all.lastIndexOf('\n', at - 1)) + 1;
  const endAt = all.slice(at + word.length).search(/[.;!?\n]/);
  const clause = `${all.slice(start, at)} ${endAt < 0 ? all.slice(at + word.length) : all.slice(at + word.length, at + word.length + endAt)}`;
  // A day named beside it is a schedule said too ("make it fridys not mondays", a correction of the job's day).
  // So is a correction of what is under discussion ("switch that to wensdays", "move it to fridys").
  if (!SCHEDULE_CUE.test(clause) && !DAY_NAMED.test(clause) && !/\b(?:make|move|switch|shift|change|put|set)\s+(?:it|that|this|them|those)\s+(?:to|on|for)\b/i.test(clause)) return false;
  return DAY_BEFORE.test(before) || DAY_AFTER.test(all.slice(at + word.length));
}

/**
 * Day names mistyped ("wendsday", "tuesdys", "fridys", "thurday", "saterday"): a word of five
 * letters or more with a day's first letter, one edit from the day's name (two from a name of
 * eight letters or more), singular or plural, is that day. Words of English that are that close
 * ("money" is two from "monday") are left: five and six letters allow one edit.
 */
function daysSpelled(s: string): string {
  return s.replace(/\b[a-z]{5,11}\b/gi, (w, at: number) => {
    const lw = w.toLowerCase();
    if (DAY_NAMES.includes(lw) || DAY_NAMES.some((d) => `${d}s` === lw)) return w;
    if (!dayPlace(s, at, w)) return w;
    for (const d of DAY_NAMES) {
      if (lw[0] !== d[0]) continue;
      for (const form of [d, `${d}s`]) if (editsWithin(lw, form, form.length >= 8 && lw.length >= 7 ? 2 : 1)) return form;
    }
    return w;
  });
}

/**
 * A schedule that cron cannot say, said in the text: what was said and what can be done instead.
 * Cron runs at most once a minute, at fixed minutes, hours, days of the month, months and days of
 * the week: never every N seconds, every 90 minutes, every other week, on the last day of a month,
 * at 7:75 or at 25:00. A health check's interval (seconds) is not a schedule.
 */
export function cronCannot(text: string): string | undefined {
  // Typed "every" and numbers in words ("evrey 5 secs", "each thirty seconds", "every ninety minutes") read as the rest is (round 31).
  const t = plainWords(text)
    .toLowerCase()
    .replace(/\b(?:evry|evrey|everey|eveyr|evey|evert)\b/g, 'every')
    .replace(/\b(?:every|each)\s+([a-z]+(?:[\s-][a-z]+)?)\s+(?=sec|min)/g, (m, w: string) => {
      const n = num(w.replace(/[\s-]+/g, ' ')) ?? (/^(\w+)[\s-](\w+)$/.test(w) ? (num(w.split(/[\s-]/)[0]!) ?? NaN) + (num(w.split(/[\s-]/)[1]!) ?? NaN) : undefined);
      return n !== undefined && Number.isFinite(n) ? `every ${n} ` : m;
    })
    // "twice a minute", "3 times per minute", "each half minute", "every half a minute": more than once a minute.
    .replace(/\b(?:twice|(?:\d+|two|three|four|five|six|ten)\s*(?:times|x))\s+(?:a|per|each|every)\s+minute\b|\b(?:every|each)\s+half(?:\s+a)?[\s-]+minute\b/g, 'every 30 seconds');
  if (/\bhealth\s*-?\s*checks?\b|\bhealthy\b|\bprobes?\b|\binterval\b|\btimeout\b|\bretr(?:y|ies)\b|\bgrace\b|\bstart[\s_-]?period\b/.test(t)) return undefined;
  // A troubleshooting question says what happens ("why does worker restart every 30 seconds?"): no schedule asked for (review 23 MED-1).
  if (/\bwhy\b|\bhow\s+come\b|\bwhat(?:'?s|\s+is)\s+(?:wrong|up|going\s+on|happening)\b|\bany\s+idea\b/.test(t)) return undefined;
  // "every second" alone is seconds; "every second day/hour/tuesday" is every 2 days, every 2 hours, every other week.
  const sec = /\b(?:every|each)\s+(?:(?:\d+|a|one|few|couple\s+of)\s*(?:seconds?|secs?|s)|seconds|secs)\b|\bper\s+second\b|\b(?:every|each)\s+second\b(?!\s+(?:day|hour|minute|week|month|year|night|morning|evening|other|mon|tue|wed|thu|fri|sat|sun))/.exec(t);
  if (sec) return `cron starts a job at most once a minute, so "${sec[0]}" cannot be scheduled: should it run every minute, or should the service itself loop (a long-running command with a sleep)?`;
  const mins = /\b(?:every|each)\s+(\d+)\s*(?:minutes?|mins?|m)\b/.exec(t);
  if (mins && Number(mins[1]) >= 60 && Number(mins[1]) % 60 !== 0) return `cron cannot repeat every ${mins[1]} minutes (its minutes restart each hour): every ${Number(mins[1]) >= 120 ? `${Math.floor(Number(mins[1]) / 60)} hours` : 'hour'} or every ${Math.ceil(Number(mins[1]) / 60)} hours, or at the times you list ("at 0:00, 1:30, 3:00")?`;
  const weeks = /\b(?:every|each)\s+(?:other|second|2nd|alternate)\s+(?:week|(?:mon|tues|wednes|thurs|fri|satur|sun)day)s?\b|\bbi-?weekly\b|\bfortnightly\b|\bevery\s+(?:fortnight|(?:2|two|3|three)\s+weeks)\b/.exec(t);
  if (weeks) return `cron cannot count weeks, so "${weeks[0]}" cannot be scheduled: every week on that day, or on days of the month (e.g. "on the 1st and 15th")?`;
  const last = /\b(?:the\s+)?last\s+(?:day|(?:mon|tues|wednes|thurs|fri|satur|sun)day|week(?:day|end)?)\s+of\s+(?:the|every|each|a)\s+month\b|\bend\s+of\s+(?:the|every|each)\s+month\b|\bmonth[\s-]end\b/.exec(t);
  if (last) return `cron has no "last day of the month", so "${last[0]}" cannot be scheduled: the 28th of every month, or the 1st of the next one at 00:00?`;
  const skipDate = new RegExp(String.raw`\b(?:except|excluding|but\s+not|other\s+than|apart\s+from|skip(?:ping)?)\s+(?:on\s+)?(?:the\s+)?(?:${DOM_WORD}\s+(?:of\s+)?${MONTH_WORD}|${MONTH_WORD}\s+(?:the\s+)?${DOM_WORD}\b|christmas|new\s+year'?s?(?:\s+day)?|holidays?)`).exec(t);
  if (skipDate && /\b(?:every|each|daily|nightly|weekly|monthly|back\s*up|backups?|run|job|cron|schedule)\b/.test(t)) return `cron cannot leave out one date, so "${skipDate[0]}" cannot be scheduled: every day including it, or only on the days you list?`;
  const nth = /\b(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\s+of\s+(?:the|every|each|a)\s+month\b/.exec(t);
  if (nth) return `cron cannot say "${nth[0]}" (a day of the month and a day of the week are either one, not both): every week on that day, or on a day of the month?`;
  // NN:NN and "at N" are a time only where a schedule is said and no port is ("ports 53:53 and 80:80", "run nginx at 80").
  const portTalk = /\bports?\b|\d\/(?:udp|tcp)\b|\bpublish|\bexpos|\blisten|\bmap(?:ped|ping|s)?\b/.test(t);
  const jobSaid = /\b(?:every|each|daily|nightly|schedule[sd]?|cron|back\s*up|backups?)\b/.test(t) || /\brun\b.*\bin\s+\S+.*(?:\bat|@)\s*\d/.test(t);
  const bad = portTalk || !jobSaid ? null : /(?:\bat|@)\s*(\d{1,2}):(\d{2})\b|\b(\d{1,2}):(\d{2})\s*(?:am|pm|h)?\b/.exec(t);
  if (bad) {
    const h = Number(bad[1] ?? bad[3]);
    const m = Number(bad[2] ?? bad[4]);
    if ((h > 24 || m > 59) && /\b(?:every|each|daily|nightly|at|@|run|schedule|back\s*up|backups?)\b/.test(t)) return `${bad[0].trim()} is no time of day: which time did you mean (hours 0-23, minutes 0-59)?`;
  }
  const late = portTalk || !jobSaid ? null : /(?:\bat|@)\s*(2[5-9]|[3-9]\d)\s*(?:h|o'?clock|:00)?(?![\d:])/.exec(t);
  if (late) return `${late[0].trim()} is no time of day: which hour did you mean (0-23)?`;
  return undefined;
}

/** "at 3", "at 3am", "at 2:30 pm", "at 15:00", "at midnight", "at noon" → [hour, minute]. */
function findTime(t: string): [number, number] | undefined {
  if (/\bmidnight\b/.test(t)) return [0, 0];
  // chrono-node reads the time of day ("at 4:15", "6am", "noon", "1:30 pm").
  const c = timeOfDay(t);
  if (c) return c;
  if (/\bnoon|midday\b/.test(t)) return [12, 0];
  // "@ 4", "daily @ 5": the at-sign is no word, so no \b before it.
  const m = /(?:\bat|@)\s*(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|o'?clock|h)?\b/.exec(t) ?? /\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![\w])/.exec(t);
  // "4 in the morning", "11 at night", "9 in the evening": an hour with its part of the day.
  const part = /\b(\d{1,2})(?::(\d{2}))?\s+(?:o'?clock\s+)?(?:in\s+the\s+(morning|afternoon|evening)|at\s+night)\b/.exec(t);
  if (!m && part) {
    let h = Number(part[1]);
    if ((part[3] === 'afternoon' || part[3] === 'evening' || part[3] === undefined) && h < 12 && !(part[3] === undefined && h < 5)) h += 12;
    if (part[3] === 'morning' && h === 12) h = 0;
    const min = part[2] ? Number(part[2]) : 0;
    return h > 23 || min > 59 ? undefined : [h, min];
  }
  if (!m) return undefined;
  let h = Number(m[1]);
  const min = m[2] ? Number(m[2]) : 0;
  const ap = (m[3] ?? '').replace(/\./g, '');
  if (ap === 'pm' && h < 12) h += 12;
  if (ap === 'am' && h === 12) h = 0;
  if (!ap && !m[2] && /\b(evening|afternoon|tonight)\b/.test(t) && h < 12) h += 12;
  if (h > 23 || min > 59) return undefined;
  return [h, min];
}

/** An hour said with am/pm or as a 24-hour number: "5pm" → 17, "17" → 17, "5" → 5 (or 17 when `pm`). */
function hourOf(n: string, ap: string | undefined, pmIfSmall: boolean): number | undefined {
  let h = Number(n);
  const a = (ap ?? '').replace(/\./g, '').toLowerCase();
  if (a === 'pm' && h < 12) h += 12;
  if (a === 'am' && h === 12) h = 0;
  if (!a && pmIfSmall && h < 8) h += 12;
  return h >= 0 && h <= 24 ? h % 24 : undefined;
}

/**
 * A window of hours: "during business hours", "in working hours", "9 to 5", "from 8am to 6pm",
 * "between 9 and 17" → [first hour, last hour] (inclusive, the end hour as said).
 */
function hourWindow(t: string): [number, number] | undefined {
  if (/\b(?:business|working|office|work)\s+hours\b/.test(t) && !/\b(?:outside|after|before)\s+(?:of\s+)?(?:business|working|office|work)\s+hours\b/.test(t)) {
    const said = hourRange(t);
    return said ?? [9, 17];
  }
  return hourRange(t);
}

function hourRange(t: string): [number, number] | undefined {
  const m = /\b(?:between|from)?\s*(\d{1,2})(?::00)?\s*(am|pm|a\.m\.|p\.m\.)?\s*(?:to|-|–|and|until|till|through)\s*(\d{1,2})(?::00)?\s*(am|pm|a\.m\.|p\.m\.)?(?=[\s).,;]|$)/.exec(t);
  if (!m) return undefined;
  // "9 to 5" only as hours: with between/from, am/pm, or inside a schedule that has hours or minutes.
  if (!/\b(?:between|from)\b/.test(m[0]) && !m[2] && !m[4] && !/\((\d{1,2})\s*(?:to|-|–)\s*(\d{1,2})\)|\bhours\b/.test(t)) return undefined;
  const from = hourOf(m[1]!, m[2], false);
  const to = hourOf(m[3]!, m[4] ?? (m[2] === 'pm' ? 'pm' : undefined), from !== undefined && Number(m[3]) < from);
  if (from === undefined || to === undefined || to <= from) return undefined;
  return [from, to];
}

/** Days of the week said in the text, as a cron field ("1-5", "0,6", "1,3,5"), or undefined. */
function daysOfWeek(t0: string): { field: string; words: string } | undefined {
  // "fridays not mondays", "tuesday instead of monday": the day said after not is the one that goes.
  const DAY_WORD = String.raw`(?:sun|mon|tue|tues|wed|thu|thurs|fri|sat)(?:[a-z]*day)?s?`;
  const without = t0.replace(new RegExp(String.raw`\b(?:not|instead\s+of|rather\s+than|no\s+(?:more|longer))\s+(?:on\s+)?(?:the\s+)?${DAY_WORD}(?:\s*(?:,|and|or|&)\s*${DAY_WORD})*\b`, 'g'), ' ');
  const t = without !== t0 && new RegExp(String.raw`\b${DAY_WORD}\b`).test(without) ? without : t0;
  // "every day at 7pm except weekends", "daily but not on sundays": the days said after "except" are taken out (round 31).
  const except = new RegExp(String.raw`\b(?:except|excluding|but\s+not|apart\s+from|other\s+than|not\s+on|never\s+on|skip(?:ping)?)\s+(?:on\s+)?(?:the\s+)?(weekends?|weekdays?|${DAY_WORD}(?:\s*(?:,|and|or|&)\s*${DAY_WORD})*)\b`).exec(t);
  if (except) {
    const out = /^weekends?$/.test(except[1]!) ? [0, 6] : /^weekdays?$/.test(except[1]!) ? [1, 2, 3, 4, 5] : DAY_NAMES.flatMap((_n, i) => (new RegExp(String.raw`\b${DAY_NAMES[i]!.slice(0, 3)}`).test(except[1]!) ? [i] : []));
    const keep = [0, 1, 2, 3, 4, 5, 6].filter((d) => !out.includes(d));
    if (keep.length > 0 && keep.length < 7) {
      const field = keep.join(',') === '1,2,3,4,5' ? '1-5' : keep.join(',') === '0,6' ? '0,6' : keep.join(',');
      return { field, words: field === '1-5' ? 'on weekdays' : field === '0,6' ? 'on weekends' : `every ${keep.map((d) => DAY_NAMES[d]![0]!.toUpperCase() + DAY_NAMES[d]!.slice(1)).join(', ')}` };
    }
  }
  if (/\bweekdays?\b|\bworking days?\b|\bwork\s?days?\b|\bbusiness days?\b/.test(t)) return { field: '1-5', words: 'on weekdays' };
  if (/\bweekends?\b/.test(t)) return { field: '0,6', words: 'on weekends' };
  const days: number[] = [];
  for (const [i, name] of DAY_NAMES.entries()) {
    const short = name.slice(0, 3);
    if (new RegExp(String.raw`\b(?:${name}s?|${short}s?|${short === 'tue' ? 'tues' : short === 'thu' ? 'thurs' : short})\b`).test(t) && !days.includes(i)) days.push(i);
  }
  if (days.length === 0) return undefined;
  days.sort((a, b) => a - b);
  return { field: days.join(','), words: `every ${days.map((d) => DAY_NAMES[d]![0]!.toUpperCase() + DAY_NAMES[d]!.slice(1)).join(', ')}` };
}

const ORDINAL: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, tenth: 10, fifteenth: 15, twentieth: 20 };

/** The days of the month said as a list: "on the 1st and 15th of every month", "the 1st, 10th and 20th of each month" → "1,15". */
function daysOfMonth(t: string): string | undefined {
  const ORD = String.raw`(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|tenth|fifteenth|twentieth)`;
  const m = new RegExp(String.raw`\b(?:the\s+)?(${ORD}(?:\s*(?:,|and|&)\s*(?:the\s+)?${ORD})+)(?:\s+days?)?\s+(?:of|in)\s+(?:every|each|the|a)\s+month\b`).exec(t) ??
    new RegExp(String.raw`\b(?:monthly|every\s+month|each\s+month)\s*,?\s+on\s+the\s+(${ORD}(?:\s*(?:,|and|&)\s*(?:the\s+)?${ORD})+)\b`).exec(t);
  if (!m) return undefined;
  const days = [...m[1]!.matchAll(new RegExp(ORD, 'g'))].map((x) => ORDINAL[x[0]] ?? Number.parseInt(x[0], 10));
  if (days.some((d) => !(d >= 1 && d <= 28))) return undefined;
  return [...new Set(days)].sort((a, b) => a - b).join(',');
}

/** The day of the month: "on the 15th of each month", "the first of every month", "monthly on the 3rd". */
function dayOfMonth(t: string): number | undefined {
  const dm =
    /\b(?:the\s+)?(first|second|third|fourth|fifth|tenth|fifteenth|twentieth|\d{1,2}(?:st|nd|rd|th))(?:\s+day)?\s+(?:of|in)\s+(?:every|each|the|a)\s+month\b/.exec(t) ??
    /\b(?:monthly|every\s+month|each\s+month|once\s+a\s+month)\s*,?\s+on\s+the\s+(first|second|third|fourth|fifth|tenth|fifteenth|twentieth|\d{1,2}(?:st|nd|rd|th)?)\b/.exec(t) ??
    /\bon\s+the\s+(\d{1,2}(?:st|nd|rd|th)|first|second|third|fifteenth|twentieth)\b(?!\s+(?:of|day\s+of)\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/.exec(t);
  if (!dm) return undefined;
  return ORDINAL[dm[1]!] ?? Number.parseInt(dm[1]!, 10);
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = String.raw`(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DAY_OF = String.raw`(\d{1,2}(?:st|nd|rd|th)?|first|second|third|fourth|fifth|tenth|fifteenth|twentieth|last)`;
const YEAR_DATE = [
  new RegExp(String.raw`\b${MONTH_RE}\s+(?:the\s+)?${DAY_OF}\b(?!\s*[:.]\d|\s*(?:am|pm|hours?|h\b))`),
  new RegExp(String.raw`\b(?:the\s+)?${DAY_OF}(?:\s+day)?\s+(?:of\s+)?${MONTH_RE}(?![a-z])`),
];

/**
 * A date of every year: "jan 1st", "the 10th of october", "1 April", "july 4th", said with
 * "every year", "each year", "yearly", "annually" or "once a year" (a date alone is one day,
 * which a cron line cannot say) → its day and month.
 */
function yearlyDate(t: string): { day: number; month: number; said: string } | undefined {
  // "every january 1st", "each 4th of july": a date after every/each is every year's too.
  const everyDate = new RegExp(String.raw`\b(?:every|each)\s+(?:${MONTH_RE}\s+(?:the\s+)?${DAY_OF}|(?:the\s+)?${DAY_OF}(?:\s+day)?\s+of\s+${MONTH_RE})`).test(t);
  if (!everyDate && !/\b(?:every|each|per|a|once\s+a)\s+year\b|\byearly\b|\bannually\b|\bannual\b/.test(t)) return undefined;
  for (const [i, re] of YEAR_DATE.entries()) {
    const m = re.exec(t);
    if (!m) continue;
    const [monthWord, dayWord] = i === 0 ? [m[1]!, m[2]!] : [m[2]!, m[1]!];
    const month = MONTHS.findIndex((x) => x.startsWith(monthWord.toLowerCase().slice(0, 3))) + 1;
    const day = ORDINAL[dayWord] ?? Number.parseInt(dayWord, 10);
    const last = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
    if (month >= 1 && day >= 1 && day <= last) return { day, month, said: m[0] };
  }
  return undefined;
}

const MONTH_WORD = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const MONTH_LIST = String.raw`${MONTH_WORD}(?:\s*(?:,|and|&|\+|or)\s*(?:and\s+)?${MONTH_WORD})*`;
const DOM_WORD = String.raw`(?:\d{1,2}(?:st|nd|rd|th)?|first|second|third|fourth|fifth|tenth|fifteenth|twentieth)`;
/** Words after a number that make it no day of the month ("may 2 replicas", "jan 1am"). */
const NOT_A_DAY = String.raw`(?!\s*[:.]\d|\s*(?:am|pm|a\.m|p\.m|h\b|hours?|hrs?|minutes?|mins?|o'?clock|times|x\b|replicas?|copies|cores?|cpus?|gigs?|megs?|gb|mb|%))`;
const MONTH_DATE = [
  // "the 1st of jan, apr, jul and oct", "on 1 july", "the 15th of january, april"
  new RegExp(String.raw`\b(?:on\s+)?(?:the\s+)?(${DOM_WORD})(?:\s+day)?\s+(?:of\s+)?(${MONTH_LIST})(?![a-z])`),
  // "feb 14", "on jan 1st", "january the 15th"
  new RegExp(String.raw`\b(?:on\s+)?(${MONTH_LIST})\s+(?:the\s+)?(${DOM_WORD})\b${NOT_A_DAY}`),
  // "every day in december", "daily during july and august"
  new RegExp(String.raw`\b(?:in|during|throughout)\s+(?:the\s+months?\s+of\s+)?(${MONTH_LIST})(?![a-z])`),
];
/** Words that take what follows out: "except", "but not", "other than", "excluding", "apart from", "not", "skip". */
const EXCEPT_BEFORE = /\b(?:except|excluding|but\s+not|other\s+than|apart\s+from|not|never|skip(?:ping)?|outside(?:\s+of)?)\s+(?:for\s+)?(?:in\s+|during\s+|on\s+)?(?:the\s+)?$/;
const QUARTERLY = /\bquarterly\b|\b(?:every|each|once\s+a)\s+(?:quarter|(?:3|three)\s+months)\b/;

/**
 * A schedule with months said: the months (listed or one), the day of the month said with them,
 * and the rest read as any schedule ("at 6am on the 1st of march, june, september and december"
 * → 0 6 1 3,6,9,12 *; "every day in december at 8pm" → 0 20 * 12 *; "midnight on jan 1" → 0 0 1 1 *,
 * a date a job runs on being every year's). "quarterly" is the 1st of jan, apr, jul and oct.
 */
function monthDate(words: string, defaultHour: number): Schedule | undefined {
  let months: number[] | undefined;
  let day: number | undefined;
  let rest = words;
  for (const [i, re] of MONTH_DATE.entries()) {
    const m = re.exec(rest);
    if (!m) continue;
    const list = i === 0 ? m[2]! : m[1]!;
    const d = i === 0 ? m[1] : i === 1 ? m[2] : undefined;
    months = [...list.matchAll(new RegExp(MONTH_WORD, 'g'))].map((x) => MONTHS.findIndex((n) => n.startsWith(x[0].replace('.', '').slice(0, 3))) + 1);
    // Review 24 HIGH-2: "every night except in august", "but not in december": the other months. A date
    // taken out ("except on dec 25") cannot be said in cron: not read here (cronCannot asks).
    if (EXCEPT_BEFORE.test(rest.slice(0, m.index))) {
      if (d !== undefined) return undefined;
      const out = months;
      months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter((x) => !out.includes(x));
      rest = rest.slice(0, m.index).replace(EXCEPT_BEFORE, ' ') + rest.slice(m.index);
    }
    if (d !== undefined) day = ORDINAL[d] ?? Number.parseInt(d, 10);
    rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`;
    break;
  }
  const quarterly = QUARTERLY.test(rest);
  if (quarterly) {
    months ??= [1, 4, 7, 10];
    rest = rest.replace(QUARTERLY, ' ');
  }
  if (!months || months.some((x) => x < 1) || (day !== undefined && !(day >= 1 && day <= 31))) return undefined;
  months = [...new Set(months)].sort((a, b) => a - b);
  const r = read(rest, defaultHour);
  const f = r ? r.cron.split(' ') : ['0', String(defaultHour), '*', '*', '*'];
  if (day !== undefined) f[2] = String(day);
  else if (quarterly && f[2] === '*') f[2] = '1';
  f[3] = months.join(',');
  const cron = f.join(' ');
  if (!validCron(cron)) return undefined;
  const names = months.map((x) => MONTHS[x - 1]![0]!.toUpperCase() + MONTHS[x - 1]!.slice(1));
  const when = f[2] !== '*' ? `on the ${f[2]!.split(',').map((x) => ordinal(Number(x))).join(' and ')} of ${names.join(', ')}` : `in ${names.join(', ')}`;
  const at = /^\d+$/.test(f[0]!) && /^\d+$/.test(f[1]!) ? ` at ${pad(Number(f[1]))}:${pad(Number(f[0]))}` : r ? ` (${r.words})` : '';
  return { cron, words: `${when}${at}` };
}

const pad = (n: number) => String(n).padStart(2, '0');
const ordinal = (d: number) => `${d}${d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th'}`;

/** cron-parser's own reading of the line: a schedule it rejects is not returned. */
function validCron(cron: string): boolean {
  try {
    cronParser().parse(cron);
    return true;
  } catch {
    return false;
  }
}

/**
 * A schedule in words → a five-field cron expression. `defaultHour` is used for "daily",
 * "nightly", "weekly" with no time (backups default to 03:00).
 */
export function parseSchedule(text: string, defaultHour = 3): Schedule | undefined {
  const raw = rawCron(text);
  if (raw) return { cron: raw.cron, words: `on the cron schedule "${raw.cron}"` };
  const s = read(normaliseSchedule(text).toLowerCase(), defaultHour);
  return s && validCron(s.cron) ? s : undefined;
}

/**
 * A new schedule said of a job that has one (round 29): what it does not say is kept from the old
 * one. "change it to fridays" keeps the job's hour ("0 9 * * 1" → "0 9 * * 5", not 03:00); "move
 * it to 7pm" keeps its days ("0 9 * * 1" → "0 19 * * 1"); "make it weekdays only" keeps the hour.
 * A schedule that says both, or an interval ("every 30 minutes"), replaces the old one whole.
 */
export function refinedSchedule(old: string, text: string, defaultHour = 3): Schedule | undefined {
  const s = parseSchedule(text, defaultHour);
  const o = old.trim().split(/\s+/);
  if (!s || o.length !== 5 || rawCron(text)) return s;
  const n = s.cron.split(' ');
  const t = plainWords(normaliseSchedule(text).toLowerCase());
  const fixed = (f: string[]) => /^\d+$/.test(f[0]!) && /^\d+$/.test(f[1]!);
  const saidTime = findTime(t) !== undefined || /\b(?:mornings?|evenings?|nights?|nightly|afternoons?|hourly|minutes?|hours?|noon|midnight)\b/.test(t);
  const saidDays = daysOfWeek(t) !== undefined || /\b(?:daily|every\s+day|each\s+day|days|weekly|monthly|month|year|yearly)\b/.test(t);
  if (!saidTime && fixed(o) && fixed(n)) {
    const cron = [o[0], o[1], n[2], n[3], n[4]].join(' ');
    return validCron(cron) ? { cron, words: s.words.replace(/\bat \d\d:\d\d\b/, `at ${pad(Number(o[1]))}:${pad(Number(o[0]))}`) } : s;
  }
  if (!saidDays && fixed(n) && n[2] === '*' && n[3] === '*' && n[4] === '*' && o[4] !== '*') {
    const cron = [n[0], n[1], o[2], o[3], o[4]].join(' ');
    const days = /^[\d,]+$/.test(o[4]!) ? `every ${o[4]!.split(',').map((d) => DAY_NAMES[Number(d) % 7]!.replace(/^./, (c) => c.toUpperCase())).join(', ')}` : o[4] === '1-5' ? 'on weekdays' : `on the cron days "${o[2]} ${o[3]} ${o[4]}"`;
    return validCron(cron) ? { cron, words: `${days} at ${pad(Number(n[1]))}:${pad(Number(n[0]))}` } : s;
  }
  return s;
}

/** The hours of several times of day said as one list, when they share their minute ("6am and 6pm" → 6,18). */
function timeList(t: string): { hours: number[]; minute: number } | undefined {
  const m = new RegExp(TIME_LIST).exec(t);
  // "between 9am and 5pm", "from 8 and …": a window, not two times.
  if (!m || /\b(?:between|from)\s*$/.test(t.slice(0, m.index))) return undefined;
  const times = m[0]
    .replace(/^(?:at|like|say|e\.g\.|eg|i\.e\.|ie|around|about)[,:]?\s+|^\(|\)$/g, '')
    .split(new RegExp(`${TIME_JOIN}|\\s*\\/\\s*`))
    .map((x) => x.trim())
    .filter((x) => x.length > 0)
    .map((x) => (/^\d{1,2}$/.test(x) ? [Number(x), 0] : findTime(`at ${x}`)));
  if (times.some((x) => x === undefined || x[0]! > 23)) return undefined;
  const minutes = new Set(times.map((x) => x![1]));
  if (minutes.size !== 1) return undefined;
  const hours = [...new Set(times.map((x) => x![0]!))].sort((a, b) => a - b);
  return hours.length > 1 ? { hours, minute: times[0]![1]! } : undefined;
}

function read(t0: string, defaultHour: number): Schedule | undefined {
  // "weekly-digest", "nightly-build", "db-daily": a program's name, not a schedule word.
  const t = t0.replace(/[\w.]*[a-z0-9]-(?:daily|weekly|nightly|hourly|monthly)\b[\w.-]*|\b(?:daily|weekly|nightly|hourly|monthly)-[\w.-]+/g, ' ');
  const words = plainWords(t);
  // Months said ("on the 1st of jan, apr, jul and oct", "feb 14", "every day in december", "quarterly"):
  // the rest is read without them and the months (and the day of the month said with them) put in (round 31).
  const dated = monthDate(words, defaultHour);
  if (dated) return dated;
  const dow = daysOfWeek(words);
  const on = dow ? ` ${dow.words}` : '';
  // "twice a day, 6am and 6pm", "every monday at 9am and 5pm": one run at each time said.
  const list = timeList(words);
  if (list) {
    const at = list.hours.map((h) => `${pad(h)}:${pad(list.minute)}`);
    return { cron: `${list.minute} ${list.hours.join(',')} * * ${dow?.field ?? '*'}`, words: `${dow ? dow.words : 'every day'} at ${at.slice(0, -1).join(', ')} and ${at[at.length - 1]}` };
  }
  const year = yearlyDate(words);
  if (year) {
    const [h, mi] = findTime(words.replace(year.said, ' ')) ?? [defaultHour, 0];
    return { cron: `${mi} ${h} ${year.day} ${year.month} *`, words: `every year on ${MONTHS[year.month - 1]![0]!.toUpperCase()}${MONTHS[year.month - 1]!.slice(1)} ${ordinal(year.day)} at ${pad(h)}:${pad(mi)}` };
  }
  const window = hourWindow(words);
  const during = window ? ` from ${pad(window[0])}:00 to ${pad(window[1])}:00` : '';
  const m = /\bevery\s+(\d+)\s+(minutes?|hours?|days?)\b/.exec(t);
  if (m || /\bevery minute\b/.test(t)) {
    const n = m ? Number(m[1]) : 1;
    const unit = m ? m[2]! : 'minute';
    if (/^min/.test(unit) && n >= 1 && n < 60) {
      // Inside a window the last run is before its end ("9 to 5": 16:50 is the last).
      const hours = window ? `${window[0]}-${Math.max(window[0], window[1] - 1)}` : '*';
      return { cron: `${n === 1 ? '*' : `*/${n}`} ${hours} * * ${dow?.field ?? '*'}`, words: `every ${n === 1 ? 'minute' : `${n} minutes`}${during}${on}` };
    }
    if (/^h/.test(unit) && n >= 1 && n < 24) {
      const minute = minutePast(t);
      const hours = window ? `${window[0]}-${window[1]}${n > 1 ? `/${n}` : ''}` : n === 1 ? '*' : `*/${n}`;
      return { cron: `${minute} ${hours} * * ${dow?.field ?? '*'}`, words: `every ${n === 1 ? 'hour' : `${n} hours`}${atMinute(minute)}${during}${on}` };
    }
    if (/^day/.test(unit) && n >= 1 && n < 32) {
      const [h, mi] = findTime(t) ?? [defaultHour, 0];
      return { cron: n === 1 ? `${mi} ${h} * * *` : `${mi} ${h} */${n} * *`, words: `every ${n} days at ${pad(h)}:${pad(mi)}` };
    }
  }
  if (/\b(hourly|every hour|each hour|once an hour)\b/.test(t)) {
    const hours = window ? `${window[0]}-${window[1]}` : '*';
    const minute = minutePast(t);
    return { cron: `${minute} ${hours} * * ${dow?.field ?? '*'}`, words: `every hour${atMinute(minute)}${during}${on}` };
  }
  const time = findTime(t);
  // A day said with a time of day ("sat 14:00", "mon and thu at 8am", "friday 18:00") is that day
  // each week: a cron line has no single day, and a job or a backup is said of every one.
  if (dow && (dow.field === '1-5' || dow.field === '0,6' || time !== undefined || /\b(every|each|on|weekly)\b/.test(t) || /\bto\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b/.test(t) || /\b(?:mon|tues|wednes|thurs|fri|satur|sun)days\b/.test(t))) {
    // "sunday night" with no time is late that day; "monday morning" early.
    let [h, mi] = time ?? (/\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\s+(?:late\s+)?night\b/.test(t) ? [23, 0] : /\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\s+morning\b/.test(t) ? [6, 0] : [defaultHour, 0]);
    // "sunday nights at 10", "friday evening at 7": the evening's hour, as every night's is below.
    if (time && /\b(?:night|evening)\b/.test(t) && h >= 7 && h < 12 && !/\b(?:a\.?m\b|morning)/.test(t)) h += 12;
    return { cron: `${mi} ${h} * * ${dow.field}`, words: `${dow.words} at ${pad(h)}:${pad(mi)}` };
  }
  if (/\b(weekly|every week|once a week|each week)\b/.test(t)) {
    const [h, mi] = time ?? [defaultHour, 0];
    return { cron: `${mi} ${h} * * 0`, words: `every Sunday at ${pad(h)}:${pad(mi)}` };
  }
  if (/\b(monthly|every month|once a month|each month|of (?:the|a) month|a month)\b/.test(t)) {
    const [h, mi] = time ?? [defaultHour, 0];
    const list = daysOfMonth(t);
    if (list) return { cron: `${mi} ${h} ${list} * *`, words: `on the ${list.split(',').map((d) => ordinal(Number(d))).join(' and ')} of every month at ${pad(h)}:${pad(mi)}` };
    const day = dayOfMonth(t) ?? 1;
    if (!(day >= 1 && day <= 28)) return undefined;
    return { cron: `${mi} ${h} ${day} * *`, words: `on the ${ordinal(day)} of every month at ${pad(h)}:${pad(mi)}` };
  }
  if (/\b(daily|every day|each day|nightly|every night|each night|every evening|every morning|per day|a day)\b/.test(t) || time) {
    if (!time && !/\b(daily|every|each|nightly|per day)\b/.test(t)) return undefined;
    let [h, mi] = time ?? [defaultHour, 0];
    if (!time && /\bevery morning\b/.test(t)) h = 6;
    if (!time && /\bevery evening\b/.test(t)) h = 20;
    if (time && /\b(evening)\b/.test(t) && h < 12) h += 12;
    // "every night at ten to twelve", "each night at 11": a night's hour from 7 to 11 is the evening's
    // ("nightly at 2" stays 02:00; "at 11am" is said).
    if (time && /\b(?:(?:every|each)\s+night|nightly)\b/.test(t) && h >= 7 && h < 12 && !/\b(?:a\.?m\b|morning)/.test(t)) h += 12;
    // "at 9am, only on the 1st": a time restricted to a day of the month (round 31).
    const dom = /\bon\s+the\s+\S+/.test(t) ? dayOfMonth(t) : undefined;
    if (dom !== undefined && dom >= 1 && dom <= 28) return { cron: `${mi} ${h} ${dom} * *`, words: `on the ${ordinal(dom)} of every month at ${pad(h)}:${pad(mi)}` };
    return { cron: `${mi} ${h} * * *`, words: `every day at ${pad(h)}:${pad(mi)}` };
  }
  return undefined;
}

const atMinute = (minute: number): string => (minute > 0 ? ` at ${pad(minute)} past` : '');

/** Minutes said in words before "past" / "to" the hour. */
const MINUTE_WORDS: Record<string, number> = { quarter: 15, half: 30, five: 5, ten: 10, twenty: 20, 'twenty-five': 25, 'twenty five': 25 };

/**
 * "hourly at 20 past", "every hour at minute 5", "at quarter past every hour", "on the half
 * hour", "ten past each hour", "a quarter to every hour", "15 minutes after the hour": the
 * minute of an hourly schedule; 0 when not said. (An hour said after "past" was read as a time
 * of day before this: "quarter past 2" is 2:15.)
 */
function minutePast(t: string): number {
  const mm = /\bat\s+(?:minute\s+)?:?(\d{1,2})\s+(?:past|after)\b|\bat\s+minute\s+(\d{1,2})\b|\bat\s+:(\d{2})\b/.exec(t);
  if (mm) return Math.min(59, Number(mm[1] ?? mm[2] ?? mm[3]));
  if (/\bon\s+the\s+half[\s-]hour\b/.test(t)) return 30;
  const w = /\b(?:a\s+)?(quarter|half|five|ten|twenty(?:[\s-]five)?|\d{1,2})(?:\s+(?:minutes?|mins?))?\s+(past|after|to|before)\b(?!\s*\d)/.exec(t);
  if (!w) return 0;
  const n = MINUTE_WORDS[w[1]!.replace(/\s+/, ' ')] ?? Number(w[1]);
  if (!(n > 0 && n < 60) || (w[1] === 'half' && /^(?:to|before)$/.test(w[2]!))) return 0;
  return /^(?:to|before)$/.test(w[2]!) ? 60 - n : n;
}

/**
 * "saturdays 5am", "mon-fri at 23:00", "every other day at half six": a clause that says only
 * when (every word is a schedule's), so it belongs to the clause before it.
 */
export function onlySchedule(c: string): boolean {
  const raw = rawCron(c);
  // "cron 0 */6 * * *", "`*/15 * * * *`": a cron line and the words that name it.
  if (raw) return /^\s*(?:(?:on|at|with|the|a|cron(?:tab)?|schedule|line|entry|expression)\s*:?\s*)*$/i.test(c.slice(0, raw.index) + ' ' + c.slice(raw.index + raw.said.length));
  const t = c.trim().toLowerCase().replace(/\be\.g\.|\bi\.e\./g, ' ');
  if (!parseSchedule(t, 3)) return false;
  const rest = normaliseSchedule(t).replace(
    /\b(?:every|each|on|at|around|about|like|say|eg|ie|maybe|ideally|from|to|between|and|during|in|the|of|a|an|please|pls|instead|only|too|business|working|office|hours?|minutes?|days?|weeks?|months?|daily|nightly|weekly|hourly|monthly|weekdays?|weekends?|nights?|mornings?|evenings?|afternoons?|midnight|noon|am|pm|o'?clock|first|1st|\d{1,2}(?:st|nd|rd|th)|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|(?:mon|tue|tues|wed|thu|thurs|fri|sat|sun)|annually|annual|yearly|years?|second|third|fourth|fifth|tenth|fifteenth|twentieth|last|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\d{1,2}(?::\d{2})?\s*(?:am|pm)?|[,.;:()&+-]/g,
    ' ',
  );
  return rest.trim() === '';
}

/** The words of a command before the schedule said after it ("php artisan x every 10 minutes" → "php artisan x"). */
export function beforeSchedule(words: string): string | undefined {
  const cmd = words.split(/\s*[—–]\s*|\s+-\s+|\s+(?=(?:every|each|at|daily|nightly|hourly|weekly|monthly|twice|once|during|from|between|on\s+(?:the\s+)?(?:\d|first|week|sun|mon|tue|wed|thu|fri|sat))\b(?![./-]))/i)[0]!.trim();
  return cmd && !parseSchedule(cmd.toLowerCase(), 3) && !/^(?:a|the|this|that|it|job|cron|task)$/i.test(cmd) ? cmd : undefined;
}

/** One field of a cron line: `*`, `5`, `1-5`, `1,3,5`, `*\/15`, `0-30/10`, and the days' names. */
const CRON_FIELD = String.raw`(?:\*|(?:\d{1,2}|sun|mon|tue|wed|thu|fri|sat)(?:-(?:\d{1,2}|sun|mon|tue|wed|thu|fri|sat))?(?:,(?:\d{1,2}|sun|mon|tue|wed|thu|fri|sat)(?:-(?:\d{1,2}|sun|mon|tue|wed|thu|fri|sat))?)*)(?:\/\d{1,2})?`;
const CRON_LINE = new RegExp(String.raw`(?<![\w*/,.:-])(["'\`]?)(${CRON_FIELD}(?:[ \t]+${CRON_FIELD}){4})\1(?![\w*/.:-]|,(?=\S))`, 'i');

/**
 * A cron line said as it is ("cron 0 *\/6 * * *", "`*\/15 * * * *` run …", "0 5 * * 1-5 app:
 * …"): five fields, with a `*` in one of them or the word cron before it, that cron-parser
 * accepts. `said` is the text as it stands in the request (quotes included), at `index`.
 */
export function rawCron(text: string): { cron: string; said: string; index: number } | undefined {
  const m = CRON_LINE.exec(text);
  if (!m) return undefined;
  const cron = m[2]!.replace(/[ \t]+/g, ' ').toLowerCase();
  if (!cron.includes('*') && !/\bcron(?:tab)?\b[\s:=]*$/i.test(text.slice(0, m.index))) return undefined;
  // Every field a number or `*` in its range (cron-parser reads 99 as an error, 1-5 days as it should).
  return validCron(cron) ? { cron, said: m[0], index: m.index } : undefined;
}
