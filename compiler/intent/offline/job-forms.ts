/**
 * Jobs said in the forms people type that the job handler did not read, rewritten to the one
 * form it reads: "run `COMMAND` in SERVICE SCHEDULE". The command is quoted, so nothing after
 * this step reads its words as a request ("find … -delete" is the job's, not a removal).
 *
 *   "every monday 07:00, app: ./bin/weekly-digest"           a schedule, then SERVICE: COMMAND
 *   "app: ./bin/weekly-digest every monday at 7am"           SERVICE: COMMAND, then the schedule
 *   "every half hour app should run php artisan …"           SERVICE should/must/needs to run …
 *   "have the worker run ./bin/tick every half hour"
 *   "cron 0 *\/6 * * * in app: /app/sync.sh"                 a cron line, as it is, anywhere
 *   "`*\/15 * * * *` run ./poll in worker"
 *   "every night at 1 delete old logs, in the nginx container: find … -delete"
 *                                                            what it does, then where and the command
 *
 * Only a service that exists is a container here (a word before a colon is no service
 * otherwise); each sentence of the request is read on its own. Pure.
 */
import { imageSlot } from './job-frame.js';
import { beforeSchedule, onlySchedule, parseSchedule, rawCron } from './schedule.js';

/** Words before a request that say nothing of it ("ok and", "also", "please"). */
const LEAD = String.raw`^(?:(?:ok(?:ay)?|and|also|then|so|now|oh|btw|please|pls|plz|alright|right)[\s,]+)*`;

/** A service as the job forms see it: its name, image and the port it listens on inside. */
export interface JobService {
  name: string;
  image?: string;
  port?: number;
}

export function jobForms(message: string, services: string[], detail: JobService[] = []): string {
  // A URL to fetch with no service there still becomes a job, so the handler asks where it runs.
  if (services.length === 0) return message.split(/(?<=[.;!?])\s+(?=\S)/).map((sentence) => endpointForm(sentence, []) ?? sentence).join(' ');
  return message
    .split(/(?<=[.;!?])\s+(?=\S)/)
    .map((sentence) => {
      const said = containerInBrackets(sentence, services);
      return endpointForm(said, detail) ?? chore(said, detail) ?? quotedAfterWhen(said, services) ?? rewrite(said, services) ?? said;
    })
    .join(' ');
}

const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * "… python digest.py (worker)", "… (the worker container)": a service said alone in brackets,
 * in a sentence that says when, is where the job runs ("in worker").
 */
function containerInBrackets(sentence: string, services: string[]): string {
  if (!parseSchedule(sentence.toLowerCase(), 3)) return sentence;
  const names = services.map(esc).join('|');
  return sentence.replace(new RegExp(String.raw`\s*\(\s*(?:in\s+)?(?:the\s+)?(${names})(?:\s+(?:container|service))?\s*\)`, 'i'), (_m, n: string) => ` in ${n.toLowerCase()}`);
}

/** "twelve noon every day, `python cleanup.py` in worker": the when, a comma, the quoted command and where. */
function quotedAfterWhen(sentence: string, services: string[]): string | undefined {
  const m = new RegExp(String.raw`^(?:${LEAD.slice(1)})([^\`]{1,80}?)\s*[,:;–—-]\s*(\`[^\`]+\`)\s+(?:in|inside|within|on)\s+(?:the\s+)?(${services.map(esc).join('|')})(?:\s+container)?\s*[.!]*$`, 'i').exec(sentence.trim());
  return m && onlySchedule(m[1]!) ? `run ${m[2]} in ${m[3]!.toLowerCase()} ${m[1]}` : undefined;
}

/** The when of a sentence with the URL taken out (":8080" and "/v2" are no times). */
function whenOf(sentence: string, without: string): string | undefined {
  const s = parseSchedule(sentence.replace(without, ' ').toLowerCase(), 3);
  return s ? `cron ${s.cron}` : undefined;
}

const HIT = /\b(?:hit|hits|hitting|ping|pings|pinging|poll|polls|polling|call|calls|calling|curl|wget|fetch|fetches|request|requests|visit|visits|check|checks|checking|probe|probes|GET)\b/i;

/**
 * A job that hits a URL: "every 5 minutes, curl http://api:8000/ping", "every 15 min hit the
 * api's /health endpoint", "ping the api health endpoint every 10 mins". A job runs inside a
 * service's container (a utility container has no network, docs/jobs.md): the service's own
 * endpoint is fetched from inside it (http://localhost:PORT/path), a URL whose host is a service
 * from inside that service; any other URL is left for the handler to ask which container. wget
 * is busybox's and in most images; curl when it was said.
 */
function endpointForm(sentence: string, detail: JobService[]): string | undefined {
  if (!HIT.test(sentence) || sentence.includes('`')) return undefined;
  // curl or wget said as a command the handler reads ("run curl … in a utility container", "a job
  // that runs curl …"): left to it; said with no verb ("every 5 minutes, curl URL"), kept as said.
  const own = /\b(?:curl|wget)\b[^\n]{0,200}?\bhttps?:\/\/[^\s'"<>()]+[^\s'"<>().,;!?]/i.exec(sentence);
  if (own && (/\b(?:run|runs|running|execute|exec|schedule|job|task|cron)\b/i.test(sentence) || /\b(?:utility|helper|throwaway|throw-away|small|tiny|minimal|alpine|busybox|separate|standalone|little|one-off|fresh)\s+(?:[\w.:/-]+\s+)?(?:container|image|box)\b/i.test(sentence))) return undefined;
  const url = /\bhttps?:\/\/[^\s'"<>()]+[^\s'"<>().,;!?]/i.exec(sentence);
  // The job's own image said anywhere ("(use curlimages/curl:8.8.0)", "image curlimages/curl:8.7.1",
  // "with curlimages/curl:8.8.0,"): the URL is fetched in a utility container of it, with curl when
  // curl is said or is the image (round 34).
  const image = url ? imageSlot(sentence.replace(url[0], ' '), detail.map((d) => d.name)) : undefined;
  const curl = image !== undefined && (/\bcurl\b/i.test(sentence.replace(url![0], ' ').replace(image.image, ' ')) || /(?:^|\/)curl(?::|$)/i.test(image.image));
  const tool = own ? () => own[0] : curl ? (u: string) => `curl -fsS ${u}` : (u: string) => `wget -q -O /dev/null ${u}`;
  if (url && image) {
    const when = whenOf(image.rest, url[0]);
    return when ? `run \`${tool(url[0])}\` using ${image.image} ${when}` : undefined;
  }
  if (url) {
    const when = whenOf(sentence, url[0]);
    if (!when) return undefined;
    const host = /^https?:\/\/([^/:]+)/i.exec(url[0])![1]!.toLowerCase();
    // The service said as where ("from the worker: curl http://app:8080/health") before the URL's host.
    const inside = detail.find((d) => new RegExp(String.raw`\b(?:in|inside|within|from|on)\s+(?:the\s+)?${esc(d.name)}\b`, 'i').test(sentence.replace(url[0], ' '))) ?? detail.find((d) => d.name === host);
    return `run \`${tool(url[0])}\`${inside ? ` in ${inside.name}` : ''} ${when}`;
  }
  // "the api's /health endpoint", "the api health endpoint", "api /status": a path of a service said by name.
  for (const d of detail) {
    const m = new RegExp(String.raw`\b${esc(d.name)}(?:'s|s')?\s+(?:(\/[\w./-]*)\s*(?:end\s?point|url|route|page)?|(health|healthz|status|ping|metrics|ready|readiness|liveness)\s*(?:check\s+)?(?:end\s?point|url|route|page|check))`, 'i').exec(sentence);
    if (!m || d.port === undefined) continue;
    const when = whenOf(sentence, m[0]);
    if (!when) return undefined;
    const path = m[1] ?? `/${m[2]!.toLowerCase()}`;
    return `run \`${tool(`http://localhost:${d.port}${path}`)}\` in ${d.name} ${when}`;
  }
  return undefined;
}

/**
 * A database's own upkeep said by what it does ("vacuum the postgres db every sunday at 3am",
 * "nuke the redis cache every sunday at 5am (FLUSHDB)"): its own program, inside its container,
 * when the sentence says when and names no other command. A word of the database's own command
 * language in brackets or quotes ("(FLUSHDB)", "'BGREWRITEAOF'") is given to its client.
 */
const CHORES: { image: RegExp; kind: RegExp; said: RegExp; command: string; client: string }[] = [
  { image: /(?:^|\/)(?:postgres|postgis|timescale)/i, kind: /\b(?:postgres(?:ql)?|pg|db|database|timescale\w*)\b/i, said: /\bvacuum(?:s|ed|ing)?\b/i, command: 'vacuumdb --all --analyze -U postgres', client: 'psql -U postgres -c' },
  { image: /(?:^|\/)(?:postgres|postgis|timescale)/i, kind: /\b(?:postgres(?:ql)?|pg|db|database|timescale\w*)\b/i, said: /\breindex(?:es|ed|ing)?\b/i, command: 'reindexdb --all -U postgres', client: 'psql -U postgres -c' },
  { image: /(?:^|\/)(?:redis|valkey|keydb)/i, kind: /\b(?:redis|valkey|keydb|cache)\b/i, said: /(?!)/, command: '', client: 'redis-cli' },
];

function chore(sentence: string, detail: JobService[]): string | undefined {
  // A command said already ("…: redis-cli bgsave in redis", "… with vacuumdb -a") is the handler's.
  if (/[`"]|:\s/.test(sentence) || /\b(?:redis-cli|valkey-cli|psql|vacuumdb|reindexdb|pg_\w+)\b/i.test(sentence)) return undefined;
  const when = parseSchedule(sentence.toLowerCase(), 3);
  if (!when) return undefined;
  const bracket = /\(\s*([A-Z][A-Z_]{2,}(?:\s+[^\s()]+){0,4})\s*\)|'([A-Z][A-Z_]{2,}(?:\s+[^\s']+){0,4})'/.exec(sentence);
  for (const c of CHORES) {
    if (!bracket && !c.said.test(sentence)) continue;
    const fits = detail.filter((d) => c.image.test(d.image ?? ''));
    const named = fits.filter((d) => new RegExp(String.raw`(?<![\w-])${esc(d.name)}(?![\w-])`, 'i').test(sentence));
    const svc = named.length === 1 ? named[0] : fits.length === 1 && c.kind.test(sentence) ? fits[0] : undefined;
    if (!svc) continue;
    const said = bracket?.[1] ?? bracket?.[2];
    const command = said ? (c.client === 'redis-cli' ? `redis-cli ${said}` : `${c.client} "${said}"`) : c.command;
    return `run \`${command}\` in ${svc.name} cron ${when.cron}`;
  }
  return undefined;
}

function rewrite(sentence: string, services: string[]): string | undefined {
  if (sentence.includes('`') && !rawCron(sentence)) {
    // A command already quoted: the handler reads it as it is.
    return undefined;
  }
  const lead = new RegExp(LEAD, 'i').exec(sentence)![0];
  let text = sentence.slice(lead.length).replace(/[\s.!]+$/, '');
  // A cron line said as it is: taken out with the words that name it, said again at the end.
  let when: string | undefined;
  const raw = rawCron(text);
  if (raw) {
    const before = text.slice(0, raw.index).replace(/(?:^|\s)(?:(?:please|pls)\s+)?(?:(?:add|create|make|set\s*up|schedule)\s+)?(?:an?\s+)?(?:new\s+)?(?:(?:on|with|using)\s+)?(?:the\s+)?(?:cron(?:tab)?(?:\s*(?:jobs?|entry|line|expression|schedule))?|schedule|job)?\s*[:=]?\s*$/i, ' ');
    const after = text.slice(raw.index + raw.said.length).replace(/^\s*[,:;-]?\s*(?:(?:that|which)\s+(?:runs?|executes?)\s+|to\s+(?:run|execute)\s+|running\s+|for\s+)?/i, ' ');
    text = `${before} ${after}`.replace(/\s+/g, ' ').replace(/^[\s,:;-]+|[\s,:;-]+$/g, '');
    when = `cron ${raw.cron}`;
  }
  const names = services.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const svc = (where: '?' | '') => String.raw`(?:(?:in|inside|within|on)\s+)${where}(?:the\s+)?(${names})(?:\s+(?:container|service|app))?`;
  const found = colonForm(text, svc('?')) ?? shouldRunForm(text, svc('?')) ?? commaForm(text, svc('?')) ?? (when ? runInForm(text, svc('')) : undefined);
  if (!found) return undefined;
  const schedule = [found.when, when].filter((w) => w !== undefined && w.trim() !== '').join(' ');
  if (schedule === '' || !parseSchedule(schedule.toLowerCase(), 3)) return undefined;
  // A command may say a time of its own ("scripts/noon.js", "--monthly"); only a schedule and nothing else is none.
  if (found.command.includes('`') || onlySchedule(found.command)) return undefined;
  // The words before it ("ok and", "also") said nothing: the job is the sentence.
  return `run \`${found.command}\` in ${found.service.toLowerCase()} ${schedule}`;
}

interface Found {
  service: string;
  command: string;
  when?: string;
}

/**
 * "SCHEDULE, SERVICE: COMMAND", "SCHEDULE in SERVICE: COMMAND", "SERVICE: COMMAND SCHEDULE",
 * "SCHEDULE WHAT-IT-DOES, in the SERVICE container: COMMAND".
 */
function colonForm(text: string, svc: string): Found | undefined {
  const m = new RegExp(String.raw`^(.*?)(?:^|[\s,;:–—-]+)${svc}\s*:\s+(\S.*)$`, 'i').exec(text);
  if (!m) return undefined;
  const [, before, service, rest] = m as unknown as [string, string, string, string];
  const prefix = before.replace(/[\s,;:–—-]+$/, '');
  if (prefix === '') {
    // "app: ./bin/x every monday at 7am": the schedule after the command.
    const command = beforeSchedule(rest);
    const after = command ? rest.slice(command.length) : '';
    return command && onlySchedule(after) ? { service, command, when: after.trim() } : { service, command: rest.trim() };
  }
  if (onlySchedule(prefix)) return { service, command: rest.trim(), when: prefix };
  // What the job does said first ("every night at 1 delete old logs"), then where, after a comma.
  const described = /^(.*\S)\s*,\s*(?:in|inside|within)\s/i.test(`${before}${m[0].slice(before.length)}`) || /,\s*(?:the\s+)?\S+\s+container\s*:/i.test(m[0]);
  const cron = described ? parseSchedule(prefix.toLowerCase(), 3) : undefined;
  return cron ? { service, command: rest.trim(), when: `cron ${cron.cron}` } : undefined;
}

/** "SCHEDULE SERVICE should run COMMAND", "have SERVICE run COMMAND SCHEDULE", "SERVICE needs to run COMMAND SCHEDULE". */
function shouldRunForm(text: string, svc: string): Found | undefined {
  const m = new RegExp(String.raw`^(?:(.*?)[\s,;:–—-]+)??(?:(?:have|let|get|make)\s+)?${svc}\s+(?:(?:should|must|shall|will|can|needs?\s+to|has\s+to|have\s+to|ought\s+to|is\s+to|to)\s+)?(?:run|execute|exec)s?\s+(\S.*)$`, 'i').exec(text);
  if (!m) return undefined;
  const [, prefix, service, rest] = m as unknown as [string | undefined, string, string, string];
  if (prefix !== undefined && prefix.trim() !== '' && !onlySchedule(prefix)) return undefined;
  // "… in app every night": where is said already; the handler reads that form.
  const command = beforeSchedule(rest);
  if (!command || /\s(?:in|inside|within)\s+(?:the\s+)?[\w-]+(?:\s+container)?$/i.test(command)) return undefined;
  const after = rest.slice(command.length).trim();
  if (after !== '' && !onlySchedule(after)) return undefined;
  return { service, command, when: [prefix?.trim(), after].filter((x) => x).join(' ') };
}

/** With a cron line taken out: "run COMMAND in SERVICE", "COMMAND in SERVICE". */
function runInForm(text: string, svc: string): Found | undefined {
  const m = new RegExp(String.raw`^(?:(?:run|execute|exec)\s+)?(\S.*?)\s+${svc}$`, 'i').exec(text);
  return m ? { service: m[2]!, command: m[1]!.trim() } : undefined;
}

/**
 * The command quoted after the service, each part between commas or dashes, in either order:
 * "every ten minutes, worker, 'python poll.py'", "app, every 15 minutes, \"node x.js\"",
 * "each night at 2, in app, 'php artisan prune'".
 */
function commaForm(text: string, svc: string): Found | undefined {
  const quote = (n: number) => `(['"])(\\S(?:(?!\\${n}).)*)\\${n}`;
  const m =
    new RegExp(String.raw`^(.*?)[\s,;:–—-]+${svc}[\s,;:–—-]+${quote(3)}\s*$`, 'i').exec(text) ??
    new RegExp(String.raw`^()${svc}[\s,;:–—-]+(?:(.*?)[\s,;:–—-]+)?${quote(4)}\s*$`, 'i').exec(text);
  if (!m) return undefined;
  // The first form: [1] schedule, [2] service, [3] quote, [4] command; the second: [2] service, [3] schedule, [4] quote, [5] command.
  const first = m.length === 5;
  const when = (first ? m[1] : m[3]) ?? '';
  const service = m[2]!;
  const command = (first ? m[4] : m[5])!;
  return when.trim() !== '' && onlySchedule(when.replace(/^[\s,;:–—-]+|[\s,;:–—-]+$/g, '')) ? { service, command: command.trim(), when: when.trim() } : undefined;
}
