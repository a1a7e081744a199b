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
import { beforeSchedule, onlySchedule, parseSchedule, rawCron } from './schedule.js';

/** Words before a request that say nothing of it ("ok and", "also", "please"). */
const LEAD = String.raw`^(?:(?:ok(?:ay)?|and|also|then|so|now|oh|btw|please|pls|plz|alright|right)[\s,]+)*`;

export function jobForms(message: string, services: string[]): string {
  if (services.length === 0) return message;
  return message
    .split(/(?<=[.;!?])\s+(?=\S)/)
    .map((sentence) => rewrite(sentence, services) ?? sentence)
    .join(' ');
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
