/**
 * Round 37 (FIT31): phrasings said the one way the engine's readers read them, before any reader
 * (engine.ts readRequestSaid, after said-plainer36.ts). Each is a class of held-out 31 misses:
 * - a site said as an https address to make work ("make https://status.example.com work", "get
 *   https://x.example.org working", "https://x.example.org should work"): "https for DOMAIN".
 * - a firewall rule said with no verb ("https from anywhere, but plain http only from 10.0.0.0/8",
 *   "syslog over udp 514 from 10.1.2.0/24"): allowed.
 * - an address that needs to reach a port ("the monitoring box 10.0.5.12 needs to scrape node
 *   exporter on 9100"): that address allowed to the port.
 * - a service's port said not to be reachable from outside ("the postgres port should not be
 *   reachable from outside"): blocked from outside.
 * - a new service put "next to" one there is ("put adminer next to the existing postgres"): added for it.
 * - a dependency said as what one does with the other ("a worker … that pulls jobs from rabbitmq"): "that uses rabbitmq".
 * - a service there is run "as" a quoted command ("run redis as `redis-server …`"): its command.
 * - the tag an image leaves said before the one it goes to ("off the 3.1 tag and onto latest"): only the new one.
 * - a job's image said as a plain word before its command ("run busybox with `…`" with a schedule).
 * - a port move said as where a service goes ("nginx goes to 3000 and grafana to 8080"): moved.
 * - a ticket pasted with its fields: its description is the request.
 * Pure; a message none of them fits is returned as it is.
 */
const DOMAIN = String.raw`([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)`;
const POLITE = String.raw`(?:(?:please|pls|can\s+you|could\s+you|would\s+you)\s+)*`;
const WORKS = String.raw`(?:work|working|work\s+properly|go\s+live|live|up|up\s+and\s+running|online|run|running)`;
const END = String.raw`(?:\s+(?:please|pls))?\s*[.!?]*$`;
const URL_WORK = [
  new RegExp(String.raw`^\s*${POLITE}(?:make|get|set\s*up|setup|enable|turn\s+on|configure|bring\s+up|have)\s+https:\/\/${DOMAIN}\/?(?:\s+${WORKS})?${END}`, 'i'),
  new RegExp(String.raw`^\s*https:\/\/${DOMAIN}\/?\s+(?:should|must|needs?\s+to|has\s+to|is\s+to)\s+(?:${WORKS}|be\s+${WORKS}|be\s+(?:reachable|served|available))${END}`, 'i'),
  new RegExp(String.raw`^\s*(?:i|we)\s+(?:need|want|would\s+like|'d\s+like)\s+https:\/\/${DOMAIN}\/?\s+to\s+(?:${WORKS}|be\s+${WORKS}|be\s+(?:reachable|served|available))${END}`, 'i'),
];
function urlToWork(text: string): string {
  for (const re of URL_WORK) {
    const m = re.exec(text);
    if (m) return `https for ${m[1]!.toLowerCase()}`;
  }
  return text;
}

/**
 * A firewall rule said with no verb, a port and where from ("https from anywhere, but plain http
 * only from 10.0.0.0/8", "ssh only from 10.0.0.0/8", "port 9100 from 10.0.5.12"): allowed.
 */
const ADDRESS = String.raw`(?:\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?|any\s*where|every\s*one|every\s*body|any\s*one|the\s+(?:internet|world|lan|office|vpn))`;
const VERBLESS_RULE = new RegExp(String.raw`^(\s*)(?=(?:(?:plain|only|just)\s+)?(?:https?|ssh|(?:tcp\s+|udp\s+)?port\s+\d{1,5}|\d{2,5}(?:\/(?:tcp|udp))?)\s+(?:(?:only|just)\s+)?(?:from|to|for)\s+${ADDRESS}\b)`, 'i');
/**
 * What the traffic is, then its protocol and port, with no verb ("syslog over udp 514 from
 * 10.1.2.0/24", "dns on udp port 53 from 10.0.0.0/8"): that protocol and port allowed from there
 * (round 38, fit32b: h32-fw-21).
 */
const VERBLESS_PROTOCOL = new RegExp(String.raw`^(\s*)(?:[a-z][\w-]*\s+)?(?:over|on|via|using)\s+(tcp|udp)\s+(?:port\s+)?(\d{1,5})\s+(?=(?:(?:only|just)\s+)?(?:from|to|for)\s+${ADDRESS}\b)`, 'i');
function verblessRule(text: string): string {
  return text.replace(VERBLESS_PROTOCOL, (_m, lead: string, proto: string, port: string) => `${lead}allow ${proto.toLowerCase()} port ${port} `).replace(VERBLESS_RULE, '$1allow ');
}

/**
 * An address that needs to reach a port, said as what it does there ("the monitoring box
 * 10.0.5.12 needs to scrape node exporter on 9100", "10.0.0.0/24 must be able to reach port
 * 5432"): that address allowed to the port. The whole message only; what runs there is not
 * added (the port is the rule's).
 */
const IP = String.raw`(\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?)`;
const BOX = String.raw`(?:(?:the|our|my|a)\s+(?:[\w-]+\s+){0,3}?(?:box|server|host|machine|vm|node|instance|system|network|subnet|range)\s+(?:(?:at|on)\s+)?)?`;
const REACHES = new RegExp(
  String.raw`^\s*${BOX}${IP}\s+(?:needs?\s+to|must|should|has\s+to|have\s+to|wants?\s+to|will)\s+(?:be\s+(?:able|allowed)\s+to\s+)?(?:scrape|reach|access|connect\s+to|talk\s+to|hit|query|poll|read\s+from|pull\s+from|get\s+to)\s+(?:(?:[\w-]+\s+){0,3}?(?:on|at)\s+)?(?:port\s+)?(\d{2,5})(?:\/(tcp|udp))?\s*[.!]*$`,
  'i',
);
function addressReaches(text: string): string {
  const m = REACHES.exec(text);
  return m ? `allow ${m[3] ? `${m[3].toLowerCase()} ` : ''}port ${m[2]} from ${m[1]}` : text;
}

/**
 * A port restricted to one host described by what it is ("restrict 9100 node exporter to
 * prometheus host 10.0.5.20", "limit port 5432 to the backup box 10.0.0.7"): the port's label and
 * the host's description are no slots (a product word there named its own port, 9090); the port
 * restricted to the address (round 38, fit32b: h32-fw-25). The whole message only.
 */
const RESTRICTED_TO_HOST = new RegExp(
  String.raw`^\s*(?:please\s+)?(restrict|limit|lock\s+down)\s+(?:port\s+)?(\d{2,5})(?:\/(tcp|udp))?\s+(?:\(\s*[a-z][\w\s-]{0,30}\)\s+|(?!(?:to|for)\s)[a-z][\w-]*\s+(?:(?!(?:to|for)\s)[a-z][\w-]*\s+)?)?(?:access\s+)?(?:to|for)\s+(?:only\s+)?(?:(?:the|our|my|a)\s+)?(?:(?!(?:only|the)\s)[a-z][\w-]*\s+){0,2}?(?:box|server|host|machine|vm|node|instance)\s+(?:(?:at|on)\s+)?${IP}(?:\s+only)?\s*[.!]*$`,
  'i',
);
function restrictedToHost(text: string): string {
  const m = RESTRICTED_TO_HOST.exec(text);
  return m ? `${m[1]!.toLowerCase()} ${m[3] ? `${m[3].toLowerCase()} ` : ''}port ${m[2]} to ${m[4]}` : text;
}

/**
 * A service's port said not to be reachable from outside ("the postgres port should not be
 * reachable from outside", "nobody on the internet should reach the redis port"): that port
 * blocked from outside (a firewall rule; the service, if any, is left as it is). The whole message only.
 */
const OUTSIDE = String.raw`(?:from\s+)?(?:the\s+)?(?:outside(?:\s+world)?|internet|world|public|anywhere|wan)`;
const PORT_NOT_REACHED = [
  new RegExp(String.raw`^\s*(?:the\s+)?([a-z][\w-]*?)(?:'s|’s)?\s+port\s+(?:should|must|shall|may|can|will|is\s+to)\s*(?:not|never|n['’]t)\s+be\s+(?:reachable|accessible|open|exposed|visible|available|reached|accessed)\s+${OUTSIDE}(?:\s+(?:anymore|any\s+more|please))?\s*[.!]*$`, 'i'),
  new RegExp(String.raw`^\s*(?:no\s*one|nobody|nothing)\s+(?:from\s+outside|outside|on\s+the\s+internet|from\s+the\s+internet)\s+(?:should|must|may|can|shall)\s+(?:be\s+able\s+to\s+)?(?:reach|access|connect\s+to|hit|get\s+to)\s+(?:the\s+)?([a-z][\w-]*?)(?:'s|’s)?\s+port\s*[.!]*$`, 'i'),
];
function portNotReached(text: string): string {
  for (const re of PORT_NOT_REACHED) {
    const m = re.exec(text);
    if (m && !/^(?:the|a|an|this|that|its|their|my|our)$/i.test(m[1]!)) return `block the ${m[1]!.toLowerCase()} port from outside`;
  }
  return text;
}

/**
 * A new service put "next to" one there is ("put adminer next to the existing postgres so I can
 * browse it", "run pgadmin alongside our postgres"): added for it ("add adminer for the existing
 * postgres", which depends on it). Only when the second is a service there is and the first is not.
 */
const BESIDE = /^(\s*(?:(?:please|pls|can\s+you|could\s+you)\s+)*)(?:put|place|stick|drop|run|deploy|add|set\s*up|install|spin\s+up)\s+(?:an?\s+|the\s+)?([a-z][\w.-]*)\s+(?:right\s+)?(?:next\s+to|beside|alongside|along\s+with|together\s+with)\s+(?:the\s+|our\s+|my\s+)?(?:existing\s+|current\s+|running\s+)?([a-z][\w.-]*)\b/i;
export function besideOne(text: string, services: readonly string[]): string {
  const m = BESIDE.exec(text);
  if (!m) return text;
  const [newOne, there] = [m[2]!.toLowerCase(), m[3]!.toLowerCase()];
  if (!services.includes(there) || services.includes(newOne) || newOne === there) return text;
  return `${m[1]}add ${newOne} for the existing ${there}${text.slice(m.index + m[0].length)}`;
}

/**
 * A dependency said as what one service does with the other ("a worker … that pulls jobs from
 * rabbitmq", "an api which reads from postgres", "a consumer that takes messages off the queue
 * in redis"): said as "that uses X", which the dependency reader reads (engine.ts needsService).
 * Only when X is a service there is or a product (`names`): "it keeps its data in a volume" is no dependency.
 */
const WORKS_WITH = /\b(that|which|who|it)\s+(?:(?:will|should|must|can|just)\s+)?(?:pulls?|reads?|takes?|fetches|fetch|gets?|consumes?|grabs?|polls?|picks?\s+up|listens?|subscribes?|stores?|writes?|pushes|push|publishes|publish|sends?|saves?|caches|cache|queues?|keeps?)(?:\s+(?:its\s+|the\s+|their\s+)?(?:jobs?|tasks?|messages?|work|events?|data|sessions?|state|results?|stuff|things|items?))?\s+(?:from|off|out\s+of|to|on|in|into|with|through|via)\s+(?=[a-z])/gi;
export function worksWith(text: string, names: readonly string[]): string {
  return text.replace(WORKS_WITH, (m, who: string, at: number) => {
    const next = /^(?:the\s+|our\s+|my\s+|a\s+|an\s+)?([a-z][\w.-]*)/i.exec(text.slice(at + m.length))?.[1]?.toLowerCase();
    return next !== undefined && names.includes(next) ? `${who} uses ` : m;
  });
}

/**
 * A service there is said to run "as" a quoted command ("run redis as `redis-server --maxmemory
 * 200mb`", "start worker with `celery -A app worker`"): that service's command ("redis should run
 * `…`"), never a new service named after the command's first word.
 */
const RUN_AS = /^(\s*(?:(?:please|pls|now|ok)\s+)*)(?:run|start|launch|boot)\s+(?:the\s+)?([a-z][\w.-]*)\s+(?:as|with|using)\s+(?:the\s+command\s+)?(?=[\x60'"“‘])/i;
export function runAs(text: string, services: readonly string[]): string {
  const m = RUN_AS.exec(text);
  if (!m || !services.includes(m[2]!.toLowerCase())) return text;
  return `${m[1]}${m[2]!.toLowerCase()} should run ${text.slice(m.index + m[0].length)}`;
}

/**
 * The tag an image leaves, said before the one it goes to ("get the worker off the 3.1 tag and
 * onto latest", "switch worker from 3.1 to latest"): only the tag it goes to is said ("get the
 * worker onto latest"); the old tag said apart was a clause of its own with no target.
 */
const OLD_TAG = [
  /\s+(?:off|from)\s+(?:the\s+)?(?:(?:tag|version|release)\s+v?\d[\w.-]*|v?\d[\w.-]*\s+(?:tag|version|release))\s+(?:and\s+)?(?=(?:onto|to|on)\s)/gi,
  /\s+(?:off|from)\s+(?:the\s+)?v?\d[\w.-]*\s+(?:and\s+)?(?=(?:onto|to|on)\s+(?:the\s+)?latest\b)/gi,
];
function oldTagLeft(text: string): string {
  return OLD_TAG.reduce((t, re) => t.replace(re, ' '), text);
}

/**
 * A job's image said as a plain word before its command, with a schedule ("quarter past every
 * hour, run busybox with `sh -c 'date >> /tmp/tick'`"): said as the job readers read it, "run
 * `COMMAND` using WORD image". Only when the word is no service there is (then it is the service
 * the job runs in) and no word of the frame.
 */
const JOB_SCHEDULED = /\b(?:every|each|daily|nightly|weekly|monthly|hourly|yearly|annually|weekdays?|cron|past|midnight|noon)\b|\bat\s+\d/i;
const WORD_WITH_CMD = /\b(?:run|execute|start)\s+(?:the\s+)?(?:image\s+)?([a-z][a-z0-9._-]*)\s+(?:with|running|to\s+run|and\s+run)\s+(?:the\s+command\s+)?(\x60[^\x60\n]{1,200}\x60|'[^'\n]{1,200}'|"[^"\n]{1,200}")/i;
const NOT_AN_IMAGE = /^(?:a|an|the|it|this|that|them|job|jobs|task|tasks|script|scripts|command|commands|cron|cronjob|something|me|in|inside|on)$/;
export function jobImageWord(text: string, services: readonly string[]): string {
  if (!JOB_SCHEDULED.test(text.replace(/\x60[^\x60]*\x60/g, ' '))) return text;
  const m = WORD_WITH_CMD.exec(text);
  if (!m || NOT_AN_IMAGE.test(m[1]!.toLowerCase()) || services.includes(m[1]!.toLowerCase())) return text;
  const cmd = m[2]!.slice(1, -1).trim();
  if (cmd === '' || cmd.includes('`')) return text;
  return `${text.slice(0, m.index)}run \`${cmd}\` using ${m[1]!.toLowerCase()} image${text.slice(m.index + m[0].length)}`;
}

/**
 * A port move said as where a service goes ("swap them around: nginx goes to 3000 and grafana to
 * 8080", "grafana should go on 8080"): "move nginx to 3000 and grafana to 8080". A lead "swap
 * them (around):" only says the moves that follow.
 */
const GOES_TO = /(?<![\w.-])([a-z][\w-]*)\s+(?:goes|go|moves|should\s+(?:go|move|be\s+moved)|will\s+(?:go|move)|gets\s+moved)\s+(?:to|onto|on)\s+(?:port\s+)?(\d{2,5})\b(?![.:]\d)/gi;
const SWAP_LEAD = /^\s*(?:(?:ok|so|please|pls)\s+)*swap\s+(?:them|the\s+ports|their\s+ports|those|these|the\s+two|both)(?:\s+(?:around|over|round))?\s*[:,;-]\s*/i;
function goesTo(text: string): string {
  if (!new RegExp(GOES_TO.source, 'i').test(text)) return text;
  return text.replace(GOES_TO, (m, name: string, port: string) => (/^(?:it|that|this|traffic|everything|which|who|and)$/i.test(name) ? m : `move ${name} to ${port}`)).replace(SWAP_LEAD, '');
}

/**
 * A ticket pasted with its fields ("JIRA INFRA-412 / Summary: Metrics dashboard / Description:
 * Please deploy Grafana, exposed on port 3030, … / Reporter: j.meyer"): its description is the
 * request; the title, the summary and the people are not (the summary's "Metrics dashboard" added
 * prometheus beside grafana and gave it grafana's port). Only when every other line is a field of
 * a ticket's header.
 */
const TICKET_FIELD = /^\s*(?:summary|title|subject|reporter|reported\s+by|assignee|assigned\s+to|priority|labels?|components?|status|type|issue\s+type|created|updated|due(?:\s+date)?|sprint|epic|team|requester|requested\s+by|severity|ticket|id|key)\s*[:#-]/i;
const TICKET_ID = /^\s*(?:(?:jira|ticket|issue|bug|task|story)\s*[:#]?\s*)?[A-Z][A-Z0-9]+-\d+\s*[:.-]?\s*$|^\s*(?:jira|ticket|issue)\s*[:#]?\s*#?[A-Z0-9-]+\s*$/i;
const DESCRIPTION = /^\s*(?:description|details|request|body|what|ask)\s*:\s*(.*)$/i;
function ticketDescribed(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) return text;
  const at = lines.findIndex((l) => DESCRIPTION.test(l));
  if (at < 0) return text;
  const body: string[] = [DESCRIPTION.exec(lines[at]!)![1]!];
  let i = at + 1;
  for (; i < lines.length && !TICKET_FIELD.test(lines[i]!) && !TICKET_ID.test(lines[i]!); i++) body.push(lines[i]!);
  const rest = [...lines.slice(0, at), ...lines.slice(i)];
  if (!rest.every((l) => TICKET_FIELD.test(l) || TICKET_ID.test(l))) return text;
  const said = body.join(' ').trim();
  return said === '' ? text : said;
}

/** The message said the way the readers read it (round 37); `besideOne` is read first, before servicesSaid (engine.ts readRequest). */
export function saidPlainer37(message: string): string {
  return goesTo(oldTagLeft(verblessRule(portNotReached(restrictedToHost(addressReaches(urlToWork(ticketDescribed(message))))))));
}
