/**
 * The job frame, read from any order (round 29). A job has three slots, and people say them in
 * any order, with any punctuation between:
 *
 *   when    a schedule in words or numbers: "every half hour", "sundays 11pm", "five in the
 *           evening", "@ 4", "nightly at 1" (schedule.ts reads it)
 *   where   a service's container: "in X", "inside X", "on X", "X container", "(X)", "X," or
 *           "X:" first, "X should run"; else the one service the sentence names
 *   what    the command: in backticks or quotes (a quote after a program's flag, "psql -c '…'", is
 *           that flag's argument: the command is the program to the quote), in brackets ("(vacuumdb --full --all)"), after
 *           "the script" / "the command", or after run / execute up to where or when
 *
 * When all three are there, the sentence is said again in the one form the job handler reads,
 * "run `COMMAND` in SERVICE SCHEDULE", with the command quoted byte for byte, so no later step
 * (spelling, numbers, the verb lexicon, sizes) rewrites it and the guard reads it as a command
 * inside a container (review 21 MED-8: `--memory=2g`, `chmod u+x`). What the sentence says the
 * job does ("delete files older than 7 days from /tmp") is dropped: the command says it.
 * A slot missing leaves the sentence as it was, for the handler to ask. Pure.
 */
import { QUOTED } from './language.js';
import { onlySchedule, parseSchedule, rawCron } from './schedule.js';

const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Programs a command starts with when it is said with no path, flag or quote ("npm run weekly", "make clean"). */
const PROGRAM = /^(?:npm|npx|yarn|pnpm|node|deno|bun|php|python3?|pip|ruby|rake|rails|bundle|perl|bash|sh|zsh|make|go|cargo|java|dotnet|composer|celery|flask|django-admin|redis-cli|valkey-cli|psql|pg_dump|pg_dumpall|vacuumdb|reindexdb|mysql|mysqldump|mysqlcheck|mongosh|mongodump|curl|wget|find|rsync|tar|gzip|certbot|drush|wp|artisan|supervisorctl|logrotate|du|df|sqlite3|git|echo|touch)$/i;

/** A string that looks like a command: a program with a path, a flag, a file with an extension, a task (x:y), or a known program. */
function commandLike(c: string): boolean {
  const t = c.trim();
  if (t === '' || t.length > 200) return false;
  const first = t.split(/\s+/)[0]!;
  return PROGRAM.test(first) || /^\.{0,2}\/\S/.test(first) || /^[\w.-]+\.(?:sh|py|js|mjs|ts|rb|php|pl)$/i.test(first) || /^[a-z][\w.-]*\/[\w./-]+$/i.test(first) || (/^[a-z][\w.-]*$/i.test(first) && /\s(?:--?[a-z]|\/|[\w-]+:[\w-])/i.test(` ${t.slice(first.length)}`));
}

/** Words that end the words of a command said after run / execute: where, when, or the end. */
// A schedule word right after a task runner's verb is the task's name ("npm run weekly", "make nightly").
// A schedule word inside a file's name is the file's ("python nightly.py", "bin/weekly-report"): round 31.
const COMMAND_END = String.raw`(?=\s+(?:in|inside|within|on)\s+(?:the\s+)?[\w-]+(?:\s+container)?\b|(?<!\b(?:(?:npm|yarn|pnpm|bun)\s+run(?:-script)?|make|rake|just|task|npx|composer))\s+(?:(?:every|each|at|daily|nightly|hourly|weekly|monthly|twice|once)(?![\w./-])|@|on\s+(?:mon|tue|wed|thu|fri|sat|sun))|\s*[,;(]|\s+[—–](?=\s)|\s+-\s|\s+(?:please|pls|plz|thanks)\b|\s*[.!]*$)`;

interface Slots {
  command: string;
  /** The text with the command (and its quotes, brackets or lead words) taken out. */
  rest: string;
}

/** The command slot: quoted, bracketed, after "the script/command", or after run/execute. */
function commandSlot(s: string, services: readonly string[]): Slots | undefined {
  const quoted = [...s.matchAll(new RegExp(QUOTED, 'g'))].filter((m) => /\S/.test(m[0].slice(1, -1)));
  if (quoted.length === 1) {
    const q = quoted[0]!;
    const inner = q[0].slice(1, -1).trim();
    // A quoted name of a job or service ("call it 'nightly'") is no command.
    // A quote right after a program's flag ("psql -U postgres -c 'VACUUM ANALYZE'", "sh -c '…'",
    // "mongosh --eval '…'") is that flag's argument, not the command: the command runs from the
    // program word to the end of the quote (review 23 MED-7).
    const flagged = flagArgument(s, q.index!, q[0].length);
    if (flagged) return flagged;
    if (!rawCron(inner) && !onlySchedule(inner) && (inner.includes(' ') || commandLike(inner))) return { command: inner, rest: s.slice(0, q.index) + ' ' + s.slice(q.index! + q[0].length) };
  }
  if (quoted.length > 1) return undefined;
  // "(vacuumdb --full --all)", "(find /tmp -mtime +7 -delete)", "(command: X)": a program in brackets; never a service alone, never a time.
  const bracket = /\(\s*(?:(?:the\s+)?(?:command|cmd|script)\s*(?::|=|is)\s*)?([^()]{2,200}?)\s*\)/.exec(s);
  if (bracket && commandLike(bracket[1]!) && !services.includes(bracket[1]!.toLowerCase()) && !onlySchedule(bracket[1]!) && !IMAGE_ONLY.test(bracket[1]!.trim())) {
    // "(vacuumdb -a -U postgres, in postgres)": the container said in the brackets after the command goes to the rest (round 33).
    const inside = /^(.*?)\s*[,;]\s*((?:in|inside|on)\s+(?:the\s+)?[\w-]+(?:\s+container)?)$/i.exec(bracket[1]!);
    if (inside && services.includes(inside[2]!.replace(/^\S+\s+(?:the\s+)?/i, '').replace(/\s+container$/i, '').toLowerCase()) && commandLike(inside[1]!)) return { command: inside[1]!, rest: `${s.slice(0, bracket.index)} ${inside[2]} ${s.slice(bracket.index + bracket[0].length)}` };
    return { command: bracket[1]!, rest: s.slice(0, bracket.index) + ' ' + s.slice(bracket.index + bracket[0].length) };
  }
  // "the script send_mails.sh", "the command bin/ping-upstream": one word after it.
  const script = new RegExp(String.raw`\bthe\s+(?:script|command|program|binary)\s+(?:(?:would|will|should)\s+be\s+|is\s+|to\s+run\s+is\s+|:\s*)?(\S.*?)${COMMAND_END}`, 'i').exec(s);
  if (script && commandLike(script[1]!.replace(/[.!]+$/, ''))) {
    const command = script[1]!.replace(/[.!]+$/, '');
    const lead = /\b(?:run|runs|execute|executes|exec)\s+(?:(?:in|inside|within|on)\s+(?:the\s+)?[\w-]+(?:\s+(?:container|service))?\s+)?$/i.exec(s.slice(0, script.index));
    const from = lead ? lead.index : script.index;
    return { command, rest: s.slice(0, from) + ' ' + (lead ? lead[0].replace(/^\S+\s*/, '') : '') + ' ' + s.slice(script.index + script[0].length) };
  }
  // "run npm run weekly in api", "execute python prune.py in queue", "please run make clean in shop".
  const run = new RegExp(String.raw`(?<!\b(?:bundle|docker|compose|kubectl|npm|pnpm|yarn|poetry|pipenv|uv|cargo|go|npx)\s)\b(?:run|execute|exec)\s+(?!(?:it|that|this|the|a|an|in|inside|on|every|each|at|daily|nightly|hourly|weekly)\b)(\S.*?)${COMMAND_END}`, 'i').exec(s);
  if (run && commandLike(run[1]!) && !services.includes(run[1]!.toLowerCase())) {
    // A path or a script file runs with its arguments only: "run happy_new_year.py exactly at midnight" runs happy_new_year.py (round 31).
    const words = run[1]!.trim().split(/\s+/);
    const args = !/\.(?:sh|py|js|mjs|ts|rb|php|pl)$/i.test(words[0]!) ? -1 : words.slice(1).findIndex((w) => !/^(?:-|['"]|.*[/=.:\d])/.test(w));
    const command = args >= 0 ? words.slice(0, args + 1).join(' ') : run[1]!.trim();
    const end = args >= 0 ? run.index + run[0].indexOf(command) + command.length : run.index + run[0].length;
    return { command, rest: s.slice(0, run.index) + ' ' + s.slice(end) };
  }
  // No quote, bracket or verb (round 30): "api: npm run weekly, Sun 23:00", "ledger, 21:45 daily:
  // bin/wrap", "friday 18:00 (ledger) bin/payroll", "do npm run weekly in api": the command starts
  // at a word that only starts commands (a known program, a relative path, a script file) and runs
  // to where, when, a comma or the end. A program that is also an English word (find, make, echo)
  // starts one only before a flag or a path.
  const start = new RegExp(String.raw`(?<![\w./@:-])(?:${PROGRAM.source.slice(4, -2)}|\.{0,2}\/?[a-z][\w.-]*\/[\w./-]+|[\w.-]+\.(?:sh|py|js|mjs|ts|rb|php|pl))(?![\w./-])`, 'gi');
  for (const m of s.matchAll(start)) {
    const tail = new RegExp(String.raw`^(\S.*?)${COMMAND_END}`, 'i').exec(s.slice(m.index));
    let command = tail?.[1]?.trim();
    // A path or a script file runs with its arguments only: "send_mails.sh script to run" is "send_mails.sh".
    if (command && !PROGRAM.test(command.split(/\s+/)[0]!)) {
      const words = command.split(/\s+/);
      const args = words.slice(1).findIndex((w) => !/^(?:-|['"]|.*[/=.:\d])/.test(w));
      if (args >= 0) command = words.slice(0, args + 1).join(' ');
    }
    if (!command || !commandLike(command) || services.includes(command.toLowerCase()) || onlySchedule(command)) continue;
    const first = command.split(/\s+/)[0]!;
    if (ENGLISH_PROGRAMS.test(first) && !/\s(?:--?[a-z]|\.{0,2}\/|[\w.-]*\/|[\w-]+:[\w-]|[\w.-]+\.(?:sh|py|js|mjs|cjs|ts|rb|php|pl)\b)/i.test(` ${command.slice(first.length)}`)) continue;
    if (/^\//.test(first) && !/\/bin\/|\.(?:sh|py|js|mjs|ts|rb|php|pl)$/.test(first)) continue;
    return { command, rest: s.slice(0, m.index) + ' ' + s.slice(m.index + command.length) };
  }
  return undefined;
}

/** A word that starts a command: a known program, a path, a script file. */
const STARTS_COMMAND = (w: string) => PROGRAM.test(w) || /^\.{0,2}\/?[a-z][\w.-]*\/[\w./-]+$/i.test(w) || /^\.{0,2}\/\S/.test(w) || /^[\w.-]+\.(?:sh|py|js|mjs|ts|rb|php|pl)$/i.test(w);

/**
 * The command whose flag a quote is the argument of: the words before the quote end with a flag
 * ("-c", "--eval", "--command=") and, going back over the program's arguments (no comma, colon or
 * bracket between), a word that starts a command. The command is that word to the end of the quote.
 */
function flagArgument(s: string, at: number, length: number): Slots | undefined {
  const before = s.slice(0, at);
  if (!/(?:^|\s)--?[a-z][\w-]*(?:=|\s+)$/i.test(before)) return undefined;
  const words = [...before.matchAll(/\S+/g)];
  let args = words.length - 1;
  while (args > 0 && !/[,;:()\]\[]|^[—–]$/.test(words[args - 1]![0]) && words.length - args < 12) args--;
  // The nearest known program ("find /app/tmp -name '…'" starts at find), else the nearest path or script.
  const span = words.slice(args, -1).reverse();
  const word = span.find((w) => PROGRAM.test(w[0])) ?? span.find((w) => STARTS_COMMAND(w[0]));
  if (!word) return undefined;
  const from = word.index!;
  // Arguments after the quote go with it ("… -name '*.log' -delete"): flags, paths, name=value.
  const after = /^(?:\s+(?:--?[a-z]|\.{0,2}\/|[\w-]+=)[^\s,;]*)*/i.exec(s.slice(at + length))![0];
  const end = at + length + after.length;
  const lead = /\b(?:run|runs|execute|executes|exec)\s+$/i.exec(s.slice(0, from));
  return { command: s.slice(from, end), rest: s.slice(0, lead ? lead.index : from) + ' ' + s.slice(end) };
}

/** Programs whose names are also English words: a command only before a flag, a path or a task. */
const ENGLISH_PROGRAMS = /^(?:make|find|go|echo|touch|du|df|tar|wp|git|bundle|rake|node|java|perl|composer|curl|wget|sh)$/i;

/** The container slot in what is left: said with in/on/inside/"container"/first, else the one service named. */
function containerSlot(rest: string, services: readonly string[]): { service: string; rest: string } | undefined {
  if (services.length === 0) return undefined;
  const names = [...services].sort((a, b) => b.length - a.length).map(esc).join('|');
  const said = [
    new RegExp(String.raw`\b(?:in|inside|within|on|for)\s+(?:the\s+)?(${names})(?:\s+(?:container|service|box))?(?![\w-])`, 'i'),
    new RegExp(String.raw`(?<![\w-])(?:the\s+)?(${names})\s+(?:container|service)(?![\w-])`, 'i'),
    new RegExp(String.raw`\(\s*(?:in\s+)?(?:the\s+)?(${names})\s*\)`, 'i'),
    new RegExp(String.raw`^[\s,;:—–-]*(?:(?:ok(?:ay)?|and|also|please|pls)\s+)*(?:the\s+)?(${names})\s*[,:;—–-]`, 'i'),
    new RegExp(String.raw`[,;:—–-]\s*(?:the\s+)?(${names})\s*(?:[,:;—–-]|$)`, 'i'),
    new RegExp(String.raw`(?<![\w-])(?:the\s+)?(${names})\s+(?:should|must|shall|will|needs?\s+to|has\s+to)\s+(?:run|execute)\b`, 'i'),
  ];
  for (const re of said) {
    const m = re.exec(rest);
    if (m) return { service: m[1]!.toLowerCase(), rest: rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length) };
  }
  // Named once, in passing ("compact redis every sunday", "a VACUUM FULL on postgres"): the one service said.
  const named = services.filter((n) => new RegExp(String.raw`(?<![\w-])${esc(n)}(?![\w-])`, 'i').test(rest));
  return named.length === 1 ? { service: named[0]!.toLowerCase(), rest } : undefined;
}

/**
 * The sentence said as "run `COMMAND` in SERVICE SCHEDULE" when it says a command, a service's
 * container and a schedule, in any order; else undefined (the sentence is left as it is).
 */
export function jobFrame(sentence: string, services: readonly string[]): string | undefined {
  // "add a job 'reindex' at 1:15 am on saturdays: `…` in api", "new job named sitemap, every sunday
  // at 4am, runs `…` in shop", "job 'mail-digest': in shop run …": the name said first is taken out,
  // the rest read as any job, and the name given back at the end ("…, call it reindex"): round 31.
  const named = JOB_NAMED.exec(sentence);
  if (named) {
    const rest = sentence.slice(named[0].length).replace(/^\s*(?:(?:that|which)\s+(?:will\s+|should\s+)?)?(?=runs?\b|executes?\b)/i, ' ').replace(/^\s*(?:runs|executes)\b/i, 'run');
    const framed = jobFrame(rest, services);
    return framed === undefined ? undefined : `${framed}, call it ${(named[1] ?? named[2] ?? named[3])!.toLowerCase()}`;
  }
  // A job named, moved, paused or removed is the job handler's own ("…, call it nightly"): left as said.
  // A health check said with its interval ("worker health: `pgrep celery`, every 1m, 3 retries") is not a job.
  // A word inside a path ("python /jobs/export.py") is the path's (round 34).
  const plain = sentence.replace(new RegExp(QUOTED, 'g'), ' ').replace(/\([^()]*\)/g, ' ').replace(/\S*\/\S*/g, ' ');
  if (/\b(?:call(?:ed)?|name[ds]?|pause|disable|resume|re-?enable|reschedule|move|switch|turn|change|instead|job|jobs|task|tasks|cron\w*)\b/i.test(plain)) return undefined;
  if (sentence.length > 400 || /\bhealth(?:y|\s*-?\s*checks?)?\b|\bretr(?:y|ies)\b|\bprobes?\b|\bback\s*-?ups?\b/i.test(sentence.replace(new RegExp(QUOTED, 'g'), ' ').replace(/\([^()]*\)/g, ' ')) || !/\d|\b(?:every|each|daily|nightly|hourly|weekly|monthly|noon|midnight|morning|evening|night|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b/i.test(sentence)) return undefined;
  const cmd = commandSlot(sentence, services);
  if (!cmd) return undefined;
  const where = containerSlot(cmd.rest, services) ?? imageSlot(cmd.rest, services);
  if (!where) return undefined;
  const when = parseSchedule(where.rest.replace(/@/g, ' at ').toLowerCase(), 3);
  if (!when) return undefined;
  // The schedule said back in words the reader reads the same way ("every day at 06:00 and
  // 18:00"), else as its cron line: a window ("from 09:00 to 16:00") was not read the same later
  // (held-out 10's h10-job-14).
  const again = parseSchedule(when.words.toLowerCase(), 3);
  const schedule = again?.cron === when.cron && !/\bfrom\b/.test(when.words) ? when.words : `cron ${when.cron}`;
  return `run \`${cmd.command}\` ${'image' in where ? `using ${where.image}` : `in ${where.service}`} ${schedule}`;
}

/**
 * A job's own image (round 33): "using python:3.12-slim", "with busybox:1.36", "on alpine:3.19",
 * "use alpine:3.20 to run …". A reference with a tag or a path, never a service's name: the job
 * runs in a utility container of it (docs/jobs.md).
 */
export const IMAGE_SAID = /(?:^|[\s,(])(?:using|with|on|from|use)\s+(?:the\s+)?(?:image\s+)?((?:[a-z0-9][\w.-]*\/)*[a-z][\w.-]*:[\w][\w.-]*|(?:[a-z0-9][\w.-]*\/)+[a-z][\w.-]*)(?:\s+(?:image|container))?(?=$|[\s,;:)!?]|\.(?:\s|$))(?:\s+to\s+(?=run\b))?/i;

/**
 * An image reference said bare (round 34): a name with a tag ("alpine:3.20", "python:3.12-slim")
 * or a path ("curlimages/curl:8.8.0"); never a URL's host or path, a time ("12:00") or a port.
 */
const IMAGE_REF = String.raw`(?<![\w./:@-])((?:[a-z0-9][\w.-]*(?::\d+)?\/)*[a-z][\w.-]*:[\w][\w.-]*|(?:[a-z0-9][\w.-]*\/)+[a-z][\w.-]*)(?=$|[\s,;:)!?]|\.(?:\s|$))`;
/** What a bracket says when it only names the job's image ("use curlimages/curl:8.8.0", "image: alpine:3.20"): no command (round 34). */
const IMAGE_ONLY = new RegExp(String.raw`^(?:(?:use|using|with|on|in|from)\s+)?(?:the\s+)?(?:image\s*:?\s*)?${IMAGE_REF}$`, 'i');

/** The words an image is said with anywhere: "in X", "(X)", "(image: X)", "image X", "the image is X", "X:" first. */
const IMAGE_ANYWHERE = new RegExp(String.raw`(\(\s*)?(?:(?:in|inside|with|using|on|from|use|run\s+on)\s+)?(?:the\s+)?(?:(?:docker\s+)?image\s*(?:is\s+|:\s*|=\s*)?)?${IMAGE_REF}(?:\s+(?:image|container))?(\s*\))?`, 'i');

/**
 * A host and its port ("host:8080", "web:80"), not an image with a number for its tag: an image's
 * path ("ghcr.io/acme/report:1") or a short tag that is no port people say ("alpine:3", "busybox:1",
 * "node:20") is an image's (round 38, fit32b: "schedule alpine:3 to run 'echo ping' …").
 */
const portSaid = (ref: string): boolean => /^[^/]*:(?:\d{3,}|2[1-5]|53|80|88)$/.test(ref);

/** An image said bare: a reference that is no service's, no port ("host:8080") and no time. */
export function imageSaidAnywhere(text: string): boolean {
  const m = IMAGE_ANYWHERE.exec(text);
  return m !== null && !portSaid(m[2]!) && !/^https?$/i.test(m[2]!.split(':')[0]!);
}

export function imageSlot(rest: string, services: readonly string[]): { image: string; rest: string } | undefined {
  const m = IMAGE_SAID.exec(rest);
  if (m && !services.includes(m[1]!.split(/[:/]/)[0]!.toLowerCase())) return { image: m[1]!.toLowerCase(), rest: rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length) };
  // Said anywhere else (round 34): "in python:3.12-slim", "(alpine:3.20)", "image ruby:3.3",
  // "alpine:3.19: du -sh …" — the brackets and the lead words go with it.
  const a = IMAGE_ANYWHERE.exec(rest);
  if (!a || portSaid(a[2]!) || services.includes(a[2]!.split(/[:/]/)[0]!.toLowerCase())) return undefined;
  const lead = a[1] && !a[3] ? a[1].length : 0;
  const whole = a[0].slice(lead, a[3] && !a[1] ? a[0].length - a[3].length : a[0].length);
  const at = a.index + lead;
  return { image: a[2]!.toLowerCase(), rest: rest.slice(0, at) + ' ' + rest.slice(at + whole.length) };
}

/** A job's name said first: "add a job called 'warm'", "new job named sitemap,", "job 'mail-digest':", "schedule "nightly-export" for …". */
const JOB_NAMED = new RegExp(
  String.raw`^\s*(?:(?:please|pls|can\s+you|could\s+you|ok(?:ay)?|also|and)[\s,]+)*(?:(?:add|create|make|set\s*up|schedule|configure|i\s+(?:need|want)|we\s+need)\s+)?(?:an?\s+|the\s+|one\s+)?(?:(?:new|scheduled|recurring|periodic)\s+)*(?:(?:cron\s*)?(?:job|task)|cronjob)\s+(?:(?:called|named)\s+['"“‘\`]?([a-z][a-z0-9_-]{0,48})['"”’\`]?|['"“‘\`]([a-z][a-z0-9_-]{0,48})['"”’\`])\s*[:,]?(?=\s)|^\s*(?:please\s+)?schedule\s+['"“‘\`]([a-z][a-z0-9_-]{0,48})['"”’\`]\s*[:,]?(?=\s)`,
  'i',
);

/** Each sentence of the message through `jobFrame`. */
export function jobFrames(message: string, services: readonly string[]): string {
  if (services.length === 0 && !IMAGE_SAID.test(message) && !imageSaidAnywhere(message)) return message;
  const sentences = message.split(/(?<=[.;!?])\s+(?=\S)/);
  const framed = sentences.map((s) => jobFrame(s, services));
  // The slots said over sentences ("Every night at 3, in the worker container? The command would
  // be find /tmp -mtime +7 -delete."): the message read as one frame when no sentence is one.
  if (sentences.length > 1 && framed.every((f) => f === undefined)) return jobFrame(message.replace(/[?]\s+(?=\S)/g, ', '), services) ?? message;
  // After a framed job, a sentence that only asks for it ("Can you schedule that?", "thanks") is said.
  return sentences.flatMap((s, i) => (i > 0 && framed.slice(0, i).some((f) => f !== undefined) && ONLY_ASKS_FOR_IT.test(s.trim()) ? [] : [framed[i] ?? s])).join(' ');
}

/** A sentence that only asks for what the sentence before said ("Can you schedule that?", "How can I set that up?", "Please do it for me."). */
const ONLY_ASKS_FOR_IT = /^(?:how\s+(?:can|could|do|would|should)\s+(?:i|we|you)\s+(?:set\s+(?:that|it|this)\s+up|do\s+(?:that|it|this)|schedule\s+(?:that|it|this))|(?:please\s+)?do\s+(?:it|that|this)(?:\s+for\s+(?:me|us))?(?:\s+please)?|(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:schedule|set\s+up|add|do|make|arrange)\s+(?:that|it|this)(?:\s+(?:up|for\s+me|please))*|(?:please\s+)?(?:schedule|set\s+up|do)\s+(?:that|it|this)(?:\s+(?:up|for\s+me|please))*|(?:is|would)\s+(?:that|this|it)\s+(?:be\s+)?(?:possible|doable|ok(?:ay)?)|(?:can|could)\s+(?:that|this|it)\s+be\s+done|thanks?(?:\s+you)?|thx|ty|cheers)\s*[.!?]*$/i;
