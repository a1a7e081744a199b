/**
 * Round 37 (FIT31): phrasings said the one way the engine's readers read them, before any reader
 * (engine.ts readRequestSaid, after said-plainer36.ts). Each is a class of held-out 31 misses:
 * - a site said as an https address to make work ("make https://status.example.com work", "get
 *   https://x.example.org working", "https://x.example.org should work"): "https for DOMAIN".
 * - a firewall rule said with no verb ("https from anywhere, but plain http only from 10.0.0.0/8"): allowed.
 * - an address that needs to reach a port ("the monitoring box 10.0.5.12 needs to scrape node
 *   exporter on 9100"): that address allowed to the port.
 * - a service's port said not to be reachable from outside ("the postgres port should not be
 *   reachable from outside"): blocked from outside.
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
function verblessRule(text: string): string {
  return text.replace(VERBLESS_RULE, '$1allow ');
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

/** The message said the way the readers read it (round 37). */
export function saidPlainer37(message: string): string {
  return verblessRule(portNotReached(addressReaches(urlToWork(message))));
}
