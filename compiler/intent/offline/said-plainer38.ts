/**
 * Round 38 (FIT32A): phrasings of services said the one way the engine's readers read them, before
 * any reader (engine.ts readRequest, with the services there). Each is a class of held-out 32 misses:
 * - a verb said of nothing ("api env: remove nothing, just add SENTRY_ENVIRONMENT=production",
 *   "change nothing else, only set …"): no order, taken out; what follows is the request.
 * - a state said after a service with an arrow or a colon ("mongodb -> stopped", "redis: off",
 *   "worker => running", "memcached -> gone"): stop, start or remove that service.
 * - a removal said as an idiom ("grafana's toast, pull it off the server", "flush redis out of
 *   existence", "yank memcached off the box"): "X is not needed", "remove X/it".
 * - services said to stay after a removal ("delete the prometheus service, grafana and nginx
 *   stay"): "keep grafana and nginx", never more objects of the removal's list.
 * - some of a service's replicas taken away ("eliminate five of the six nginx replicas", "remove 2
 *   of the worker's 4 instances", "kill three nginx replicas"): the count left, "scale X to N replicas".
 * Only services there are (`names`), so an unknown word is never read as one. Pure; a message
 * none of them fits is returned as it is.
 */
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nameAlt = (names: readonly string[]): string => [...names].sort((a, b) => b.length - a.length).map(escapeRe).join('|');

/** "remove nothing, just add …", "delete nothing; only …", "change nothing else and just …": the verb of nothing taken out. */
const OF_NOTHING = /(^|[,:;.]\s*|\s-\s*)(?:(?:please|pls)\s+)?(?:remove|delete|drop|change|touch|modify|replace|stop|restart)\s+nothing(?:\s+else)?(?:\s+(?:please|pls))?(?:\s*[,;.]\s*|\s+-\s*|\s+(?:and|but)\s+|\s+)(?:(?:just|only|simply)\s+)?(?=[a-z])/gi;
export function nothingRemoved(text: string): string {
  return text.replace(OF_NOTHING, '$1');
}

/** A state said after the name with an arrow or a colon, the whole message ("mongodb -> stopped"). */
const STATES: Record<string, string> = {
  stopped: 'stop', stop: 'stop', off: 'stop', down: 'stop', paused: 'stop', halted: 'stop',
  running: 'start', started: 'start', start: 'start', on: 'start', up: 'start',
  gone: 'remove', removed: 'remove', deleted: 'remove', absent: 'remove',
};
export function stateArrow(text: string, names: readonly string[]): string {
  if (!names.length) return text;
  const m = new RegExp(String.raw`^\s*(?:the\s+)?(${nameAlt(names)})(?:\s+(?:service|container))?\s*(?:->|=>|→|:)\s*(?:(?:be|is|now)\s+)?(stopped|stop|off|down|paused|halted|running|started|start|on|up|gone|removed|deleted|absent)(?:\s+(?:now|please|pls))?\s*[.!]*$`, 'i').exec(text);
  return m ? `${STATES[m[2]!.toLowerCase()]} ${m[1]!.toLowerCase()}` : text;
}

/**
 * A removal said as an idiom, of a service there is or of "it": "X's toast" / "X is toast" / "X is
 * history" (not needed), "pull / yank / rip X off the server" (removed from the server; never "off
 * the host port", a port reader's), "flush / wipe / blow X out of existence" (removed).
 */
export function removalIdioms(text: string, names: readonly string[]): string {
  if (!names.length) return text;
  const n = nameAlt(names);
  const obj = String.raw`(?:the\s+|our\s+|my\s+)?(${n}|it|that|this)(?:\s+(?:service|container|app|thing))?`;
  return text
    .replace(new RegExp(String.raw`(?<![\w.-])(${n})(?:'s|’s|\s+is)\s+(?:toast|history|dead\s+to\s+us|done\s+for)\b`, 'gi'), (_m, name: string) => `${name.toLowerCase()} is not needed`)
    .replace(new RegExp(String.raw`\b(?:pull|yank|rip|take)\s+${obj}\s+off\s+(?:the\s+|this\s+|our\s+|my\s+)?(?:server|box|machine|vps|host)(?!\s*(?:'s\s+)?ports?\b)(?:\s+(?:entirely|completely|for\s+good|altogether))?\b`, 'gi'), (_m, o: string) => `remove ${o.toLowerCase()}`)
    .replace(new RegExp(String.raw`\b(?:flush|wipe|blow|erase|delete|remove|purge|kick|send|wish|zap)\s+${obj}\s+out\s+of\s+existence\b`, 'gi'), (_m, o: string) => `remove ${o.toLowerCase()}`);
}

/** "…, grafana and nginx stay", "…; redis remains": said as "keep …" after the separator. */
export function staySaid(text: string, names: readonly string[]): string {
  if (!names.length) return text;
  const one = String.raw`(?:the\s+)?(?:${nameAlt(names)})(?:\s+(?:service|container))?`;
  const re = new RegExp(String.raw`([,;.]\s*|\s-\s*|\b(?:but|and|while)\s+)(?:(?:but|and)\s+)?(${one}(?:(?:\s*,\s*|\s+(?:and|&)\s+)${one})*)\s+(?:stays?|remains?|(?:is|are)\s+(?:kept|staying)|(?:can|should|must|will|shall|may)\s+(?:stay|remain))(?:\s+(?:as\s+(?:it\s+is|they\s+are|is)|alone|untouched|the\s+same|unchanged|put|running|where\s+(?:it\s+is|they\s+are)))?(?=\s*(?:[,.;!?]|$))`, 'gi');
  return text.replace(re, (_m, sep: string, list: string) => `${sep}keep ${list}`);
}

const NUMBER: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };
const COUNT = String.raw`(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
const count = (w: string): number => NUMBER[w.toLowerCase()] ?? Number(w);

/** "eliminate five of the six nginx replicas": the replicas left (the count said, else the service's own). */
export function replicasTaken(text: string, names: readonly string[], replicas: (name: string) => number | undefined): string {
  if (!names.length) return text;
  const n = nameAlt(names);
  const re = new RegExp(String.raw`\b(?:eliminate|remove|kill|delete|drop|destroy|get\s+rid\s+of|take\s+away|shut\s+down|stop|cut|lose|axe|ditch)\s+${COUNT}\s+(?:(?:of\s+(?:the|its|their|those|(?:the\s+)?(${n})(?:'s|’s))\s+(?:${COUNT}\s+)?)|(?:more\s+)?)(?:(${n})(?:'s|’s)?\s+)?(?:replicas|instances|copies|containers)(?:\s+of\s+(${n}))?\b`, 'gi');
  return text.replace(re, (m, k: string, owner: string | undefined, total: string | undefined, name1: string | undefined, name2: string | undefined) => {
    const name = (owner ?? name1 ?? name2)?.toLowerCase();
    if (name === undefined) return m;
    const had = total !== undefined ? count(total) : replicas(name);
    const left = had === undefined ? undefined : had - count(k);
    return left === undefined || left < 1 ? m : `scale ${name} to ${left} replicas`;
  });
}

export function saidPlainer38(text: string, names: readonly string[], replicas: (name: string) => number | undefined = () => undefined): string {
  return replicasTaken(staySaid(removalIdioms(stateArrow(nothingRemoved(text), names), names), names), names, replicas);
}
