/**
 * Outcome language (round 26, intent3): a manager says what they want to be true, not how. Each
 * outcome is mapped once, to the one change that makes it true, said in the grammar's words
 * before anything reads the request (docs/intent.md, "Classes done (intent3)"):
 * - "never lose more than a day/an hour/a week of X"          → back up X daily / hourly / weekly
 * - "X should keep working even if one copy/instance crashes"  → X with 2 replicas (N copies: N+1);
 *   "make X highly available / redundant"                      → X with 2 replicas
 * - "turn X off over the holidays / for now", "take X offline (but keep the data)", "pause X",
 *   "put X on hold"                                             → stop X (definition and data kept)
 * - "bring X back (up/online)", "wake X up", "resume X"        → start X
 * - "NAME can log in but can't break anything / change anything / do admin stuff", "read-only
 *   access"                                                     → the user NAME without sudo
 * An outcome with no safe mapping ("make it faster", "make it secure") is not rewritten: the
 * grammar reads or asks as before.
 */
import { firewallOutcome } from './outcome-firewall.js';

// Not a resource or a setting: "take the ram down a bit on postgres" is a smaller limit, not postgres off.
const SUBJECT = String.raw`((?:the\s+|our\s+|their\s+|my\s+)?(?!(?:ram|memory|mem|cpus?|limits?|replicas?|copies|instances|count|number|size|disk|storage|volume|heat|noise|load|traffic|volume|logging|logs?|verbosity|level|port|ttl|timeout)\b)[a-z][\w-]*(?:\s+(?:site|website|app|application|service|server|container|api|database|db|instance))?)`;
const LOSE = new RegExp(String.raw`(?:(?:make\s+sure|ensure|see\s+to\s+it|guarantee)\s+(?:that\s+)?)?(?:we|i|you|they|nobody|no\s+one)?\s*(?:will\s+|would\s+|should\s+|must\s+|can\s+|could\s+)?(?:never|not|don'?t|do\s+not|won'?t|can'?t|cannot|mustn'?t|shouldn'?t)\s+(?:ever\s+)?(?:lose|loose)\s+(?:more\s+than\s+|over\s+|beyond\s+)?(?:a|one|1|an|a\s+single)\s+(day|hour|week)(?:'s|s)?\s+(?:worth\s+)?(?:of\s+)?(?:(?:data|work|records|changes)\s+(?:of|from|in|on)\s+)?(?:the\s+)?([a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}?)(?=\s*(?:[.,;!]|$|\s+(?:data|please|pls)\b))`, 'i');
const COPY = String.raw`(?:copy|copies|instance|instances|container|containers|replica|replicas|node|nodes|pod|pods)`;
const SURVIVE = new RegExp(String.raw`^\s*(?:(?:make\s+sure|ensure)\s+(?:that\s+)?)?${SUBJECT}\s+(?:should|must|needs?\s+to|has\s+to|to|will|can)\s+(?:keep\s+(?:working|running|serving|going|up)|stay\s+(?:up|online|available|running|alive)|survive|not\s+go\s+down)\s+(?:even\s+)?(?:if|when|though)\s+(?:one|a|any|a\s+single|(\d|two|three))\s+(?:${COPY}\s+)?(?:of\s+(?:it|them)\s+)?(?:${COPY}\s+)?(?:crash(?:es)?|dies|die|fails?|goes\s+down|go\s+down|breaks?|stops?)\b[^.;!?]*`, 'i');
const AVAILABLE = new RegExp(String.raw`\bmake\s+${SUBJECT}\s+(?:highly\s+available|redundant|fault[\s-]tolerant|ha)\b`, 'i');
// "take worker down to 1", "turn it down by two" are counts, not off (engine.test's loose counts).
const OFF = new RegExp(String.raw`(?:\b(?:turn|switch|shut)\s+${SUBJECT}\s+(?:off|down)\b|\b(?:take|put)\s+${SUBJECT}\s+(?:offline|off\s*line|down|on\s+hold|to\s+sleep)\b|\b(?:pause|suspend|hibernate)\s+${SUBJECT})(?!\s+(?:to|by)\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|a\s+single|zero)\b)`, 'i');
const BACK_ON = new RegExp(String.raw`\b(?:bring|get|put)\s+${SUBJECT}\s+back(?:\s+(?:up|online|on))?\b|\b(?:wake)\s+${SUBJECT}\s+up\b|\b(?:resume|unpause|reactivate)\s+${SUBJECT}`, 'i');
const KEEP_DATA = /\s*(?:,\s*)?(?:but|and|while)\s+(?:keep|keeping|retain|preserve|don'?t\s+(?:lose|delete|touch))\s+(?:all\s+)?(?:of\s+)?(?:the|their|its|our|my)?\s*(?:data|files|database|volumes?|content|stuff)\b/i;
const LATER = /(?:^|[.;]\s*|,\s*)(?:we(?:'ll|\s+will)|i(?:'ll|\s+will)|they(?:'ll|\s+will))\s+(?:need|want|use)\s+(?:it|them|this|that)\s+(?:again|back)\b[^.;!?]*[.!]?/i;
const NO_ADMIN = /\b(?:can|could|should|may|to)\s+log\s*in\s+but\s+(?:can'?t|cannot|can\s+not|shouldn'?t|should\s+not|mustn'?t|must\s+not|not\s+be\s+able\s+to|won'?t\s+be\s+able\s+to)\s+(?:break|change|touch|mess\s+(?:up|with)|modify|install|do\s+admin\w*|administer|damage|ruin)\b[^.;!?]*|\bread[\s-]only\s+access\b/i;
const USERNAME = /(?:\b(?:her|his|their|the)\s+)?\b(?:user\s*name\s*(?:is|will\s+be|should\s+be|:|=)?|(?:login|account\s+name)\s*(?:is|will\s+be|should\s+be|:|=))\s*['"`]?([a-z_][a-z0-9_-]{0,31})['"`]?\s*[.!]?/i;
const PERSON_WORDS = /^(?:it|so|that|intern|he|she|they|him|her|them|contractor|person|guy|girl|user|someone|somebody|everyone|people|team|client|customer|student|kid|brother|sister|friend|colleague|hire|dev|developer|admin|who|can|account)$/i;
const NUMBER: Record<string, number> = { two: 2, three: 3 };

/** The request with each outcome said as the change that makes it true. */
export function outcomeSaid(message: string): string {
  // "make sure nobody from the internet can hit redis on 6379": the rule that makes it so (outcome-firewall.ts, round 36).
  const kept = firewallOutcome(message);
  if (kept !== undefined) return kept;
  let t = message;
  t = t.replace(LOSE, (_m, unit: string, what: string) => `back up the ${what.replace(/^the\s+/i, '')} ${unit.toLowerCase() === 'hour' ? 'hourly' : unit.toLowerCase() === 'week' ? 'weekly' : 'daily'}`);
  t = t.replace(SURVIVE, (_m, who: string, n?: string) => `scale ${who.replace(/^(?:the|our|their|my)\s+/i, '')} to ${(n ? NUMBER[n.toLowerCase()] ?? Number(n) : 1) + 1} replicas`);
  t = t.replace(AVAILABLE, (_m, who: string) => `scale ${who.replace(/^(?:the|our|their|my)\s+/i, '')} to 2 replicas`);
  if (OFF.test(t) || BACK_ON.test(t)) {
    // "kill the worker and bring it back up" is one restart (engine.ts reads it): left as said.
    const restart = /\b(?:kill|stop|shut\s+down|take\s+down|restart|reboot)\b[^.;!?]*\band\b/i.test(t);
    t = t.replace(OFF, (_m, a?: string, b?: string, c?: string) => `stop ${(a ?? b ?? c)!}`).replace(BACK_ON, (m, a?: string, b?: string, c?: string) => (restart ? m : `start ${(a ?? b ?? c)!}`));
    t = t.replace(KEEP_DATA, '').replace(/\s+(?:over|for|during|until|till|through)\s+(?:the\s+)?(?:holidays?|christmas|summer|winter|weekend|break|vacation|now|a\s+while|the\s+moment|january|february|march|april|may|june|july|august|september|october|november|december|next\s+\w+)\b/i, '').replace(LATER, '');
  }
  const noAdmin = NO_ADMIN.exec(t);
  if (noAdmin) {
    const user = USERNAME.exec(t);
    if (user && user.index > noAdmin.index) t = t.slice(0, user.index) + t.slice(user.index + user[0].length);
    const clause = /(?:^|[.;!?]\s*)([^.;!?]*)$/.exec(t.slice(0, noAdmin.index))!;
    const start = noAdmin.index - clause[1]!.length;
    // "tom can log in but …": the name said as the subject, when no user name is said apart.
    const subject = /(?:^|\s)([a-z_][a-z0-9_-]{0,31})\s*$/i.exec(clause[1]!)?.[1];
    const name = user?.[1] ?? (subject && !PERSON_WORDS.test(subject) ? subject : undefined);
    t = `${t.slice(0, start)}add ${name ? `user ${name.toLowerCase()}` : 'a user'} without sudo${t.slice(noAdmin.index + noAdmin[0].length)}`;
  }
  return t.replace(/\s{2,}/g, ' ').trim();
}
