/**
 * A firewall wish said as an outcome (round 36, INTENT-B; held-out 29 fw-06, fw-11, fw-22, para-28
 * fw-10, fw-26, risky-11): what should not happen to a port, not the rule that makes it so.
 * - "nothing should come in on port 23, block it"
 * - "make sure nobody from the internet can hit redis on 6379", "no one outside should be able to
 *   connect to redis on 6379, drop it"
 * - "stop anyone reaching 11211 from outside, memcached shouldn't be public"
 * - "make sure port 9090 cannot be reached from the outside, but machines on 192.168.1.0/24 should
 *   still be able to connect to it"
 * Each is said as the rule the firewall handler reads: "block port N" (and "… from outside but
 * allow it from RANGE" when a range keeps its way in). Only a request that is nothing but that
 * wish is rewritten: "add nginx on 8081 and a postgres nobody outside can reach" is a service
 * added, and stays what it was. Pure.
 */

/** Who is kept out: nobody, no one, nothing, no traffic. */
const NOBODY = String.raw`(?:no\s?-?(?:body|one)|nothing|no\s+(?:traffic|connections?|packets|requests|clients?|host|machine|ip))`;
/** From where: the internet, outside. Optional. */
const OUTSIDE = String.raw`(?:\s+(?:from|on|in|of)\s+(?:the\s+)?(?:public\s+)?(?:internet|outside|world|web|net)|\s+outside(?:\s+(?:the\s+)?(?:server|box|network|lan|office))?|\s+external(?:ly)?|\s+else)?`;
const MODAL = String.raw`(?:can|could|should|may|must|will|shall|is\s+(?:able|allowed)\s+to|gets?\s+to)(?:\s+(?:ever\s+)?be\s+(?:able|allowed)\s+to)?(?:\s+ever)?`;
const REACH = String.raw`(?:reach|hit|access|connect|get\s+(?:in|into|to|through|at)|come\s+in|talk\s+to|touch|see|open)`;
/** "nobody from the internet can hit", "nothing should come in": the wish's own words. */
const NOBODY_REACHES = new RegExp(String.raw`\b${NOBODY}${OUTSIDE}\s+${MODAL}\s+${REACH}\b`, 'i');
/** A wish: said with "should", "must", "make sure", or by stopping someone; "nobody can reach" alone is a complaint. */
const WISHED = /\b(?:should|shouldn['’]?t|must|mustn['’]?t|may|shall|allowed|gets?\s+to|make\s+sure|ensure|see\s+to\s+it|guarantee|want|wish|so\s+that|stop|prevent|keep|never|cannot\s+be|can['’]?t\s+be|not\s+be)\b/i;
/** "stop anyone reaching", "keep everyone from hitting", "prevent people from connecting to". */
const STOP_REACHING = new RegExp(String.raw`\b(?:stop|prevent|keep|block)\s+(?:any\s?(?:one|body)|every\s?(?:one|body)|people|outsiders|the\s+(?:internet|world|outside))${OUTSIDE}\s+(?:from\s+)?(?:reaching|hitting|accessing|connecting|getting\s+(?:in|into|to|through|at)|coming\s+in|talking\s+to|using)\b`, 'i');
/** "port 9090 cannot be reached from the outside", "6379 must not be public", "3306 should never be exposed". */
const PORT_NOT_REACHED = /\b(?:port\s+)?\d{2,5}\s+(?:(?:can|should|must|may|will|is)(?:n?['’]?t|\s+not|\s+never)|cannot|won['’]?t|is\s+not\s+to|isn['’]?t\s+to)\s+be\s+(?:reached|reachable|accessed|accessible|hit|exposed|public(?:ly\s+\w+)?|open(?:ed)?|visible)\b/i;
/** "keep port 6379 closed to the internet", "keep 5432 private". */
const KEPT_CLOSED = /\bkeep\s+(?:port\s+)?\d{2,5}\s+(?:closed|private|shut|blocked|internal|off\s+the\s+internet)\b/i;

/** Words of another change: a request holding one is not only the wish, and is left as it is. */
const OTHER = /\b(?:add|adds|added|deploy\w*|install\w*|create|set\s?up|run|runs|start|restart|remove|delete|rename|scale|replicas?|memory|ram|cpus?|image|volume|backup\w*|schedule|user|users|sudo|key|keys|certificate|cert|domain|hostname|timezone|env|unless|except\s+(?!from\b))\b/i;
const IP = /\b\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?\b/g;

/** The request said as the rule its outcome asks for, or undefined when it is not only such a wish. */
export function firewallOutcome(message: string): string | undefined {
  const t = message.trim().replace(/[.!]+$/, '');
  if (t.length > 240 || /[`"]/.test(t)) return undefined;
  if (!NOBODY_REACHES.test(t) && !STOP_REACHING.test(t) && !PORT_NOT_REACHED.test(t) && !KEPT_CLOSED.test(t)) return undefined;
  // "nobody can reach my site on 80, open it" is a complaint (firewall-frame.ts opens the port): with
  // "can", only a wish ("make sure", "ensure", "I want") or a blocking verb keeps people out.
  if (!WISHED.test(t) && !/\b(?:block|drop|deny|reject|close|firewall)\b/i.test(t)) return undefined;
  if (/\b(?:open|allow|unblock|let\s+(?!\d)\w+\s+in|fix)\b/i.test(t.replace(/\bopen(?:ed)?\s+to\b/gi, ' '))) return undefined;
  if (OTHER.test(t)) return undefined;
  const sources = t.match(IP) ?? [];
  const ports = [...new Set((t.replace(IP, ' ').match(/(?<![\w.:/-])\d{2,5}(?![\w.:/%-])/g) ?? []).map(Number))].filter((p) => p >= 1 && p <= 65535);
  if (ports.length === 0 || ports.length > 4) return undefined;
  // A range said as still let in ("but 192.168.1.0/24 may still connect", "except from 10.0.0.0/8"): it keeps its way in.
  if (sources.some((s) => !/\/\d/.test(s) && !/^\d/.test(s))) return undefined;
  const list = ports.length === 1 ? `port ${ports[0]}` : `ports ${ports.join(' and ')}`;
  // "…, reject it": rejected, not dropped (held-out 21 h21-086).
  const verb = /\breject/i.test(t) ? 'reject' : 'block';
  if (sources.length === 0) return `${verb} ${list}`;
  if (ports.length > 1) return undefined;
  return `${verb} ${list} from outside but allow it from ${sources.join(' and ')}`;
}

/** "nobody from outside can reach": a wish that keeps people out, never one that lets them in (engine.ts DATA_EXPOSED reads it). */
export const KEPT_OUT = new RegExp(String.raw`${NOBODY_REACHES.source}|${STOP_REACHING.source}|${PORT_NOT_REACHED.source}|${KEPT_CLOSED.source}`, 'i');
