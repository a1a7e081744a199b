/**
 * Round 36 (INTENT-B): phrasings said the one way the engine's readers read them, before any
 * reader (engine.ts readRequest). Each is a class of held-out 29 / para-28 misses:
 * - a protocol said after each port of a list ("open 9443 (tcp) and 3478 (udp)", "allow 5060/udp,
 *   5061/tcp"): one rule per port with its own protocol ("open tcp port 9443; open udp port 3478"),
 *   never both protocols for both;
 * - a port said by what listens on it ("open the port grafana is on", "block the port redis uses"):
 *   that service's port ("open grafana's port");
 * - a time zone said as a city's hour or time ("the server must use the hour of São Paulo", "put the
 *   box on Lisbon time"): "set the timezone to CITY" (the handler knows the cities);
 * - an account purged, nuked or wiped ("purge the compromised account mallet"): removed;
 * - a site said to be reachable at an https address ("my site should be reachable as
 *   https://www.acme-widgets.com"): "https for DOMAIN".
 * Pure; a message none of them fits is returned as it is.
 */
const VERB = String.raw`(open|allow|block|close|deny|drop|reject|permit|unblock)`;

function protocolEach(text: string): string {
  const m = new RegExp(String.raw`^\s*((?:(?:please|pls|can\s+you|could\s+you)\s+)*)${VERB}\s+(?:ports?\s+)?(.+?)\s*(?:please|pls)?\s*[.!?]*$`, 'i').exec(text);
  if (!m) return text;
  const items = m[3]!.split(/\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*/);
  if (items.length < 2 || items.length > 6) return text;
  const parsed = items.map((it) => {
    const a = /^(?:port\s+)?(\d{2,5})\s*(?:\(\s*(tcp|udp)\s*\)|\/\s*(tcp|udp)|\s(tcp|udp))$/i.exec(it.trim());
    if (a) return { port: a[1]!, proto: (a[2] ?? a[3] ?? a[4])!.toLowerCase() };
    const b = /^(tcp|udp)\s+(?:port\s+)?(\d{2,5})$/i.exec(it.trim());
    return b ? { port: b[2]!, proto: b[1]!.toLowerCase() } : undefined;
  });
  // Each port once: "allow 53/tcp and 53/udp" is one port's both protocols, the readers' own (para-23 fw-14).
  if (parsed.some((p) => p === undefined) || new Set(parsed.map((p) => p!.proto)).size < 2 || new Set(parsed.map((p) => p!.port)).size < parsed.length) return text;
  return `${m[1]}${parsed.map((p) => `${m[2]!.toLowerCase()} ${p!.proto} port ${p!.port}`).join('; ')}`;
}

const PORT_OF = /\bthe\s+port\s+(?:that\s+|which\s+)?([a-z][\w-]*)\s+(?:is\s+(?:on|at|using|listening\s+on|running\s+on|served\s+on)|runs\s+on|listens\s+on|uses|sits\s+on|serves\s+on)\b/gi;
const CITY = String.raw`([A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'.-]*(?:\s+[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'.-]*){0,3})`;
const HOUR_OF = new RegExp(String.raw`^\s*(?:(?:please|pls)\s+)?(?:(?:the\s+)?(?:server|box|machine|host|system|vps|clock)s?\s+(?:must|should|needs?\s+to|has\s+to|shall|will|to)\s+)?(?:use|follow|be\s+on|run\s+on|go\s+by|keep|show|have|be\s+in|match|set\s+to|switch\s+to|move\s+to)\s+(?:the\s+)?(?:hour|hours|time|clock|local\s+time)\s+(?:of|from|in|at)\s+${CITY}\s*(?:please|pls)?\s*[.!?]*$`, 'i');
const CITY_TIME = new RegExp(String.raw`^\s*(?:(?:please|pls)\s+)?(?:put|set|switch|move|keep|run|have)\s+(?:the\s+)?(?:server|box|machine|host|system|vps|clock)s?\s+(?:on|to|in)\s+${CITY}\s+time\s*(?:please|pls)?\s*[.!?]*$`, 'i');
/** "please put the hour of the server like in Madrid", "the clock should be as in Lisbon" (held-out 30, the lead). */
const HOUR_LIKE = new RegExp(String.raw`^\s*(?:(?:please|pls)\s+)?(?:put|set|make|have|change|keep|the)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}?(?:hour|time|clock|time\s?zone)\b(?:\s+[\w-]+){0,4}?\s+(?:like|as)\s+(?:in|at|for)\s+${CITY}\s*(?:please|pls)?\s*[.!?]*$`, 'i');
const PURGED = /\b(?:purge|nuke|wipe\s+out|wipe|destroy|zap|scrap|erase|obliterate|burn)\s+(?=(?:the\s+)?(?:[\w-]+\s+)?(?:user\s+)?(?:account|user|login)\s+['"“‘`]?[a-z_][a-z0-9_-]{0,31}\b)/gi;
const SITE_AT = /\b(?:my|our|the)\s+(?:web\s*)?site\s+(?:should|must|needs?\s+to|has\s+to|to|will)\s+be\s+(?:reachable|available|accessible|served|live|online|up)?\s*(?:as|at|on|under|via)\s+https:\/\/([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+)\/?/i;

/**
 * A job's image said before its command (held-out 30, the lead): "every january 1st at 00:00 run
 * ghcr.io/acme/yearly:1 with `archive --year last`", "… run the invoice job: image
 * ghcr.io/acme/invoices:3, command `invoice run --month previous`": said as the job readers read
 * it, "run `COMMAND` using IMAGE image". Only with a schedule said, and an image said with a
 * registry path or a tag (a plain word is a service's name).
 */
const IMAGE_REF = String.raw`([a-z0-9][\w.-]*(?:\/[\w.-]+)+(?::[\w.-]+)?|[a-z0-9][\w.-]*:[\w.-]+)`;
const QUOTED_CMD = String.raw`(\x60[^\x60\n]{1,200}\x60|'[^'\n]{1,200}'|"[^"\n]{1,200}")`;
const IMAGE_WITH_CMD = new RegExp(String.raw`\b(?:run|execute|start)\s+(?:the\s+image\s+)?${IMAGE_REF}\s+(?:with|running|to\s+run|and\s+run)\s+(?:the\s+command\s+)?${QUOTED_CMD}`, 'i');
const IMAGE_FIELD_CMD = new RegExp(String.raw`(?:\b(?:run|execute)\s+(?:the\s+)?[\w-]+\s+(?:job|task)\s*:\s*)?\bimage\s*:?\s+${IMAGE_REF}\s*,?\s+(?:and\s+)?(?:the\s+)?command\s*:?\s+${QUOTED_CMD}`, 'i');
const SCHEDULED = /\b(?:every|each|daily|nightly|weekly|monthly|hourly|yearly|annually|weekdays?|cron)\b|\bon\s+the\s+(?:first|last|\d{1,2}(?:st|nd|rd|th))\b/i;
function imageThenCommand(text: string): string {
  if (!SCHEDULED.test(text)) return text;
  for (const re of [IMAGE_FIELD_CMD, IMAGE_WITH_CMD]) {
    const m = re.exec(text);
    if (!m) continue;
    const cmd = m[2]!.slice(1, -1).trim();
    if (cmd === '') continue;
    return `${text.slice(0, m.index)}run \`${cmd}\` using ${m[1]} image${text.slice(m.index + m[0].length)}`;
  }
  return text;
}

/** The message said the way the readers read it (round 36). */
export function saidPlainer36(message: string): string {
  let t = imageThenCommand(protocolEach(message));
  t = t.replace(PORT_OF, (_m, name: string) => `${name.toLowerCase()}'s port`);
  const hour = HOUR_OF.exec(t) ?? CITY_TIME.exec(t) ?? HOUR_LIKE.exec(t);
  if (hour) t = `set the timezone to ${hour[1]}`;
  t = t.replace(PURGED, 'remove ');
  const site = SITE_AT.exec(t);
  if (site) t = t.slice(0, site.index) + `https for ${site[1]!.toLowerCase()}` + t.slice(site.index + site[0].length);
  return t;
}
