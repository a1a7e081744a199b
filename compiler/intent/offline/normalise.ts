/**
 * Round 27 (intent3): how a setting is written, said the one way the readers read. Every reader
 * of the offline engine sees the request after this (engine.ts `respond`, after the spelling of
 * the engine's own words is corrected and before `paraphrase`); the guard reads both the typed
 * request and this text, so nothing here can make a dangerous request pass (harm tests in
 * normalise.test.ts and grid-intent3.test.ts).
 *
 * - texting: "w/" is "with", "w/o" is "without", "u" is "you", "ur" is "your", "plz" is "please";
 * - an arrow or a double arrow between a setting and its value ("hostname -> box-2", "replicas
 *   => 3", "default policy → drop") is "to";
 * - `=` after a setting's lowercase name ("hostname=box-3", "port=9090", "from=10.0.0.0/8",
 *   "default_input_policy=drop"): the name and its value as words. A key in capitals
 *   (`PORT=8080`) is an environment variable and `team=payments` a label: both stay as typed;
 * - a schema field's name written with underscores ("default_input_policy") is said in words;
 * - a protocol before "on port N" ("udp on port 53") is "udp port 53", and a protocol and a port
 *   said first with no verb ("udp 51820 for wireguard") are opened;
 * - the firewall's verbs said of the policy ("drop the default input policy": set to drop) and of
 *   ports kept ("keep 22 and 80 open": those ports opened);
 * - the verbs on services said of a count ("kill all the api replicas but one": scale to 1) or of
 *   every service ("stop every service now": all services).
 *
 * Quoted text is a value the person typed and is never touched (language.ts `QUOTED`). Every
 * pattern here is one bounded run of spaces beside a literal, so a long input reads in linear time.
 */
import { NUMBER_WORDS, splitAtQuotes } from './language.js';

/** Settings whose value follows an arrow or `=`, and how each is said before its value. */
const SETTING_WORDS: readonly [RegExp, string][] = [
  [/\b(?:host\s?name)$/i, 'hostname to'],
  [/\b(?:time\s?zone|tz)$/i, 'timezone to'],
  [/\bdefault(?:[\s_]+(?:input|incoming|inbound))?[\s_]+policy$/i, 'default input policy to'],
  [/\b(?:replicas?|instances|copies)$/i, 'replicas to'],
  [/\b(?:memory|mem|ram)$/i, 'memory to'],
  [/\b(?:cpus?|cores?)$/i, 'cpu to'],
  [/\bports?$/i, 'port'],
  [/\b(?:from|source|src)$/i, 'from'],
  [/\b(?:proto(?:col)?)$/i, ''],
];

/** A service's own sizes and counts: two said in a row ("api mem=1g cpu=1") are joined by "and". */
const SIZE_SETTINGS = new Set(['memory to', 'cpu to', 'replicas to']);

/**
 * Round 28 (intent3): the verbs on services as a lexicon of English, not of the eval sets. Each
 * row says a phrasal verb, an idiom or a typo the way the readers read it: a stop ("power off X",
 * "shoot down X", "shut X off", "knock X offline", "park X", "X can be off for the weekend"), a
 * removal ("terminate X", "deinstall X", "throw X away", "tear X down", "X can go"), a restart
 * ("power-cycle X", "turn X off and on again", "stop and start X", "kill -9 the hung X and bring
 * it back", "take X down and bring it back up"), and a restart with a change ("restart X with
 * 2gb", "bring X back up with 2gb": restart X and give it 2gb). A state said of the service
 * ("the old staging container", "the hung api", "the adminer thing") is not its name. The port,
 * the firewall, the host and "everything" are never the object here (their own readers, and the
 * guard, read them), and the guard reads this text too, so a row can only refuse more.
 */
const DET = String.raw`(?:the\s+|my\s+|our\s+|that\s+|this\s+)?`;
/** What a service is said to be in passing: never part of its name. */
const STATE_WORD = String.raw`(?:old|hung|hanging|frozen|stuck|dead|crashed|wedged|broken|unresponsive|misbehaving|zombie)`;
/** Objects a verb on services never takes here: ports, the firewall, the machine itself, everything. */
const NOT_A_SERVICE = String.raw`(?!(?:the\s+)?(?:(?:container|service|app|instance|thing)s?\b|ports?|server|box|machine|host|system|vps|computer|everything|all|every|any|incoming|inbound|traffic|access|ssh|passwords?|root|debug|logging|logs|ipv6|swap|updates|memory|ram|mem|cpus?|replicas?|limits?|volume|it\s+off\s+and)\b|\d)`;
/** A service said as the verb's object: a determiner, a state in passing, the name, "thing"/"container". */
const OBJECT = String.raw`${DET}${NOT_A_SERVICE}(?:${STATE_WORD}\s+)?([a-z][\w.-]*)(?:\s+(?:thing|container|service|app|instance))?`;
/** "bring it back", "start it fresh", "turn it on again": the second half of a restart. */
const BACK = String.raw`\s*,?\s+and\s+(?:then\s+)?(?:bring|start|boot|fire|spin|power|get|turn)\s+(?:it|him|her|them|that)\s+(?:back\s+up|back\s+on|back\s+online|back|up\s+again|again|up|on|fresh)(?:\s+again)?\b`;
const VERBS_SAID: readonly [RegExp, string | ((...m: string[]) => string)][] = [
  // Round 32: "rm redis", "rm the demo container": docker's verb said of a service name (a word, no
  // flag, no path) is a removal; "rm -rf /srv" and "rm /tmp/x" are left as typed (the guard reads them).
  [/(^|[.;!?,]\s*|\band\s+|\bthen\s+|\bpls\s+|\bplease\s+|\bjust\s+)(?:docker\s+)?rm\s+(?=(?:the\s+)?[a-z][\w-]*(?:\s+(?:service|container|app))?\s*(?:$|[.;!?,]|\s+(?:too|as\s+well|please|pls|now|and)\b))/gi, '$1remove '],
  // Restarts first: a stop and a start of one object are one restart.
  [/\bpower[\s-]?cycle\b/gi, 'restart'],
  [/\bstop\s+(?:and|&)\s+(?:re)?start\b/gi, 'restart'],
  [new RegExp(String.raw`\b(?:turn|switch|power)\s+${OBJECT}\s+off\s+(?:and|&)\s+(?:back\s+)?on(?:\s+again)?\b`, 'gi'), (_m, name) => `restart ${name}`],
  [new RegExp(String.raw`\b(?:(?:kill(?:\s+-(?:9|s\s+kill|kill))?|stop|shoot|halt|(?:shut|take|power|bring)\s+(?:down|off))\s+${OBJECT}|(?:shut|take|power|bring|turn|switch)\s+${OBJECT}\s+(?:down|off))(?:\s+in\s+the\s+head)?${BACK}`, 'gi'), (_m, a, b) => `restart ${a ?? b}`],
  // "restart the api with 1 gig", "bring the worker back up with 2gb": a restart with a change.
  [new RegExp(String.raw`\b(?:restart|bring\s+${OBJECT}\s+back(?:\s+up)?)\s*(?:${OBJECT}\s+)?with\s+(?=\d|an?\s|one\b|two\b|more\b|less\b)`, 'gi'), (_m, a, b) => `restart ${a ?? b} and give it `],
  [/\bkill\s+-(?:9|s\s+kill|kill)\s+/gi, 'kill '],
  // Stops.
  [new RegExp(String.raw`\b(?:power\s+(?:off|down)|shoot\s+down|shut\s+off|knock\s+out)\s+${OBJECT}`, 'gi'), (_m, name) => `stop ${name}`],
  // Not "take postgres off the host port", "take the worker off the jobs network", "take bob off this machine": off a thing is a removal from it.
  [new RegExp(String.raw`\b(?:shut|power|shoot|switch|turn|knock|take|bring)\s+${OBJECT}\s+(?:off|down|offline)\b(?!\s+(?:to|by)\s)(?!\s+(?:the|this|that|these|those|its|his|her|their|our|my|a|an|of|from|all|every|any)\b)`, 'gi'), (_m, name) => `stop ${name}`],
  [new RegExp(String.raw`\bknock\s+${OBJECT}\s+out\b`, 'gi'), (_m, name) => `stop ${name}`],
  [new RegExp(String.raw`(^|[,.;!?]\s*|\b(?:please|pls|can\s+you|could\s+you|just)\s+)park\s+${OBJECT}`, 'gi'), (_m, lead, name) => `${lead}stop ${name}`],
  [/\bstopp\b/gi, 'stop'],
  [new RegExp(String.raw`(^|[.;!?]\s*)${OBJECT}\s+can\s+(?:be\s+(?:off|down|stopped|offline)|go\s+(?:off|down|to\s+sleep))\b`, 'gi'), (_m, lead, name) => `${lead}stop ${name}`],
  // Round 29 (intent): a rest said of a service is a stop ("the worker can take a break", "give
  // the api a rest", "put the worker on ice"); its coming back is a start ("the worker can come
  // back now", "turn the worker back on", "switch redis on again").
  [new RegExp(String.raw`(^|[.;!?,]\s*)${OBJECT}\s+(?:can|could|may|should)\s+(?:take|have|get)\s+(?:a\s+)?(?:break|rest|nap|breather)\b`, 'gi'), (_m, lead, name) => `${lead}stop ${name}`],
  [new RegExp(String.raw`\b(?:give|let)\s+${OBJECT}\s+(?:take\s+)?(?:a\s+)?(?:break|rest|breather)\b`, 'gi'), (_m, name) => `stop ${name}`],
  [new RegExp(String.raw`\bput\s+${OBJECT}\s+on\s+ice\b`, 'gi'), (_m, name) => `stop ${name}`],
  [new RegExp(String.raw`(^|[.;!?,]\s*|\b(?:ok(?:ay)?|so|now|alright|right)\s+)${OBJECT}\s+(?:can|could|may|should)\s+come\s+back(?:\s+(?:up|online))?\b`, 'gi'), (_m, lead, name) => `${lead}start ${name}`],
  [new RegExp(String.raw`\b(?:turn|switch|power|fire|spin|boot)\s+${OBJECT}\s+(?:back\s+(?:on|up)|on\s+again|up\s+again)\b`, 'gi'), (_m, name) => `start ${name}`],
  // Removals.
  [/\bterminate\b(?!\s+(?:the\s+)?(?:tls|ssl|https?|certs?|certificates?|connections?)\b)/gi, 'remove'],
  [/\bde-?install\b/gi, 'uninstall'],
  // Disposal said as slang ("bin the api", "nuke every volume"): "remove", so the guard reads what would go.
  // Not a port ("nuke port 23, nobody uses telnet": the port reader closes it).
  [/(?<![\w./-])(?:decommission|bin|trash|ditch|scrap|axe|junk|yeet|nuke)(?=\s+(?:the|all|every|my|our|this|that|these|those|[a-z][\w-]*)\b)(?![\w/-])(?!\s+(?:the\s+)?ports?\b)/gi, 'remove'],
  [new RegExp(String.raw`\bthrow\s+(?:away|out)\s+${OBJECT}|\bthrow\s+${OBJECT}\s+(?:away|out)\b`, 'gi'), (_m, a, b) => `remove ${a ?? b}`],
  [new RegExp(String.raw`\btear\s+${OBJECT}\s+down\b`, 'gi'), (_m, name) => `remove ${name}`],
  // Round 30: "we moved to nginx, caddy can go": said after a comma too.
  [new RegExp(String.raw`(^|[.;!?,]\s*)${OBJECT}\s+can\s+go(?:\s+(?:away|now))?\s*(?=[.,;!?]|$)`, 'gi'), (_m, lead, name) => `${lead}remove ${name}`],
  // Round 30: "wipe out the test-api service", "blow away the demo app", "blow memcached away",
  // "take memcached off the server entirely" (never "off the host": that is its host port) removes that service; the
  // guard also reads what was typed, so "wipe out the data" stays its judgement.
  [new RegExp(String.raw`\b(?:wipe|blow)\s+(?:out|away)\s+${OBJECT}|\b(?:wipe|blow)\s+${OBJECT}\s+(?:out|away)\b`, 'gi'), (_m, a, b) => `remove ${a ?? b}`],
  [new RegExp(String.raw`\btake\s+${OBJECT}\s+off\s+(?:the\s+|this\s+|my\s+|our\s+)?(?:server|box|machine|vps)(?!\s+ports?\b)(?:\s+(?:entirely|completely|for\s+good|altogether))?\b`, 'gi'), (_m, name) => `remove ${name}`],
  // A state said in passing after the engine's own verbs ("remove the old staging container", "stop the hung api").
  [new RegExp(String.raw`\b(remove|delete|stop|restart|uninstall|kill|tear\s+down|get\s+rid\s+of|destroy|decommission)\s+(${DET})${STATE_WORD}\s+(?!(?:backups?|logs?|files?|data|volumes?|images?|snapshots?|dumps?|versions?|releases?|ones?|rules?|users?|accounts?|keys?|jobs?|entries|records|stuff)\b)(?=[a-z])`, 'gi'), '$1 $2'],
  [new RegExp(String.raw`\b(stop|remove|restart|start|kill|delete)\s+(${DET})(?!(?:ports?|firewall)\b)([a-z][\w.-]*)\s+thing\b`, 'gi'), '$1 $2$3'],
];

/** The verbs on services said the way the readers read them (`VERBS_SAID`); a violent verb on a service of this host first (`verbSense`). */
export function verbsSaid(text: string, services: readonly string[] = []): string {
  return splitAtQuotes(verbSense(text, services)).map((part, i) => (i % 2 === 1 ? part : verbsSaidPart(part))).join('');
}

/**
 * Round 31 (intent): a violent verb's sense by its object and its frame. "kill / murder / shoot
 * (down) / nuke / terminate / execute / slay / slaughter / axe / whack / destroy / take out X",
 * where X is a service of this host (its name, with a determiner and "service/container" or
 * not), is no attack: the rest of the message says which order it is.
 * - "… and start it fresh / launch it again / bring it right back up / restart it", said right
 *   after it (no "later"): a restart (the container recreated, its data volume kept);
 * - a time ("for a bit", "for now", "overnight", "until monday", "temporarily"), a promise to
 *   bring it back ("I'll bring it back later", "we will revive it"), "just stop/pause it": a stop;
 * - "nobody needs/uses it", "it was (only) a test / an experiment", "just testing", "for good",
 *   "permanently", "get rid of it", "useless", "the trial is over": a removal.
 * With none of these the verb is left to the lexicon below (`VERBS_SAID`) and the guard. A verb
 * whose object is not a service here (an address, a domain, "every process", "the firewall", the
 * data) is never rewritten: the guard reads it, and it also reads what was typed.
 */
const VIOLENT = String.raw`(?:kill(?:\s+off)?|murder|shoot(?:\s+down)?|nuke|terminate|execute|slay|slaughter|axe|whack|destroy|take\s+out|put\s+down|snuff(?:\s+out)?)`;
const AGAIN = /^[^.;!?]{0,60}?\b(?:and|then|,)\s+(?:then\s+)?(?:re-?start(?:\s+it)?|(?:re-?)?(?:start|launch|boot|spin|fire|bring|run|deploy|create|recreate|power)\s+(?:it|him|her|that|a\s+new\s+one)\s+(?:up\s+)?(?:fresh|again|anew|back(?:\s+up)?|right\s+back(?:\s+up)?|from\s+scratch|clean|new|up\s+again))\b(?![^.;!?]*\b(?:later|tomorrow|tonight|next|after|when|once)\b)/i;
const FOR_A_WHILE = /\b(?:for\s+(?:now|the\s+moment|today|tonight|an?\s+(?:hour|day|minute|sec|second|moment|bit|while|little\s+while)|(?:a\s+)?(?:few|couple(?:\s+of)?)\s+(?:hours|days|minutes|mins)|\d+\s*(?:h|hours?|m|mins?|minutes?|d|days?)|some\s+time|the\s+(?:time\s+being|weekend|night|evening|holidays?))|over(?:night|\s+the\s+(?:weekend|night))|(?:until|till|til|'?til)\s+\w+|temporar(?:il)?y|briefly|right\s+now|today|tonight|this\s+(?:week|morning|afternoon|evening|weekend)|at\s+the\s+moment|atm|(?:just|only)\s+(?:stop|pause|halt|suspend)|(?:i'?ll|i\s+will|we'?ll|we\s+will|gonna|going\s+to)\s+(?:bring|turn|start|restart|switch|spin|boot|revive|need|want)\b|\b(?:back|again)\s+later|pause\s+it|stop\s+it|kill\s*\/\s*stop|stop\s*\/\s*kill|make\s+(?:it|him|her)\s+stop)\b/i;
/** "nobody needs it", "we don't need redis any more": not needed said of the service itself (review 31 HIGH-1: never of something else, "i don't want these logs"). */
const notNeeded = (names: string) => {
  const obj = String.raw`(?:it|that|this(?:\s+one)?|him|her|them|(?:the\s+)?(?:${names}))(?:\s+(?:service|container|app|thing))?`;
  return new RegExp(String.raw`\b(?:(?:nobody|no\s*-?\s*one|no-one)\s+(?:needs|uses|wants|cares\s+about|is\s+using)\s+${obj}|(?:was|is|were)\s+(?:just\s+|only\s+)?(?:for\s+)?(?:a\s+|an\s+)?(?:test(?:ing|in)?|experiment|trial|demo|poc)\b|(?:just|only)\s+(?:testing|testin\b|a\s+test|an\s+experiment|experimenting|a\s+trial|a\s+demo|a\s+poc)|(?:has|have|'s)\s+(?:been\s+)?(?:done|doing)\s+(?:absolutely\s+)?nothing|(?:is|isn'?t|has\s+been)\s+(?:sitting\s+)?(?:unused|idle)\b|(?:nobody|no\s*-?\s*one)\s+(?:looks\s+at|touches|ever\s+uses)|for\s+good|permanently|forever|once\s+and\s+for\s+all|get\s+rid\s+of\s+${obj}|(?:don'?t|do\s+not|won'?t|no\s+longer|never)\s+(?:need|use|want)\s+${obj}|${obj}\s+(?:is\s+)?(?:not|no\s+longer)\s+needed|${obj}\s+(?:is\s*n'?t|is\s+not|are\s*n'?t|are\s+not|is\s+no\s+longer)\s+(?:needed|required|necessary)|(?:done|finished)\s+with\s+${obj}|${obj}\s+is\s+useless|(?:it'?s|it\s+is)\s+useless|(?:trial|test|experiment)\s+is\s+over|done\s+with\s+${obj}|${obj}\s+is\s+obsolete)\b`, 'i');
};

export function verbSense(text: string, services: readonly string[]): string {
  if (!services.length || !new RegExp(String.raw`\b(?:${VIOLENT}|shoot|take|kill|snuff|knock|put|trash|ditch|scrap|bin|dump|drop|remove|delete|uninstall)\b`, 'i').test(text)) return text;
  const names = [...services].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  // The verb before its object ("shoot down X") or round it ("shoot X down", "take X out", "kill X off").
  const object = String.raw`(?:the\s+|our\s+|my\s+|that\s+|this\s+)?(${names})(?:\s+(?:service|container|app|instance|thing))?(?![\w-]|\.[\w-])`;
  const re = new RegExp(String.raw`\b${VIOLENT}\s+${object}(?:\s+down)?|\b(?:shoot|take|kill|snuff|knock)\s+${object}\s+(?:down|out|off)\b|\bput\s+${object}\s+(?:down\b|out\s+of\s+(?:its|his|her|their)\s+misery)`, 'gi');
  let stopped = false;
  // "murder the current api version and go back to myorg/api:0.9", "trash the new api build, revert to
  // X": a version, release or build of a service as the object, and an image to go back to, is that
  // image for the service (round 32): never a removal.
  const back = new RegExp(String.raw`\b(?:${VIOLENT}|trash|ditch|scrap|drop|bin|dump|kill)\s+(?:the\s+|this\s+|that\s+|our\s+|my\s+)?(?:current\s+|new\s+|newest\s+|latest\s+|broken\s+|bad\s+)?(${names})(?:'s)?\s+(?:version|release|build|image|tag|deploy(?:ment)?|rollout|update|upgrade)\b[^.;!?]{0,20}?\s+(?:and\s+|then\s+|,\s*)*(?:(?:go|roll|switch|revert|fall|move)(?:\s+(?:it|that))?(?:\s+back)?|back)\s+to\s+((?:[a-z0-9][\w.-]*(?::\d+)?\/)*[a-z0-9][\w.-]*:[\w][\w.-]*)`, 'i').exec(text);
  if (back) return `${text.slice(0, back.index)}change the ${back[1]} image to ${back[2]}${text.slice(back.index + back[0].length)}`;
  // "nobody uses the demo service, just murder it", "whoami was a test, shoot it down": a pronoun as
  // the object, with one service of this host named in the message, is that service (round 32).
  const one = [...new Set(services.filter((n) => new RegExp(String.raw`(?<![\w.-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(text)))];
  if (one.length === 1) {
    const n = one[0]!;
    text = text.replace(new RegExp(String.raw`\b(${VIOLENT})\s+(?:it|him|her)\b(?:\s+down)?|\b(shoot|take|kill|snuff|knock)\s+(?:it|him|her)\s+(down|out|off)\b`, 'gi'), (_m, v: string | undefined, v2: string | undefined, adv: string | undefined) => (v ? `${v} ${n}` : `${v2} ${n} ${adv}`));
  }
  // "Redis not needed anymore. Remove.", "memcached isn't needed any more, remove": a removal verb
  // with no object of its own, said of the one service of this host the message says is not needed (round 33).
  if (one.length === 1 && notNeeded(names).test(text)) {
    text = text.replace(/(^|[.;!?,]\s*|\bso\s+|\bjust\s+|\bplease\s+)(remove|delete|uninstall|drop)(?:\s+(?:it|that|this|him|her))?(?=\s*(?:,?\s*(?:please|pls|thanks|thx))?\s*[.!]*$)/i, (_m, lead: string, verb: string) => `${lead}${verb} ${one[0]}`);
  }
  const said = text.replace(re, (m, a: string | undefined, b: string | undefined, c: string | undefined, at: number, all: string) => {
    const name = (a ?? b ?? c)!;
    const after = all.slice(at + m.length).replace(/\([^)]*\)/g, ' ');
    if (AGAIN.test(after)) return `restart ${name}`;
    if (FOR_A_WHILE.test(all)) return (stopped = true), `stop ${name}`;
    // "shoot X down and get rid of it": the second verb says the first's sense, once.
    if (notNeeded(names).test(all)) return `remove ${name}`;
    return m;
  });
  // "overnight" is how long the stop lasts, said as the stop's own words read it.
  const once = said.replace(/\b((?:remove|stop)\s+[\w.-]+)\s*,?\s+and\s+(?:get\s+rid\s+of|remove|delete|stop|pause)(?:\s+(?:it|that|him|her)\b|(?=\s*(?:[.!?,;]|$)))/gi, '$1');
  return stopped ? once.replace(/\bovernight\b/gi, 'for the night') : once;
}

/** How long a stop lasts ("for the weekend", "over the night", "until monday") is not a schedule: it is "for now". */
const FOR_A_TIME = /\b(?:(?:for|over)\s+the\s+(?:weekend|night|holidays?|evening)|(?:until|till|til)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|next\s+(?:week|month)|the\s+weekend|further\s+notice))\b|\b(?:for\s+(?:some\s+time|a\s+(?:little\s+)?while|a\s+bit|a\s+few\s+(?:hours|days)|the\s+time\s+being)|temporar(?:il)?y)\b/gi;

function verbsSaidPart(text: string): string {
  const said = VERBS_SAID.reduce((t, [re, to]) => t.replace(re, to as string), text);
  return /\b(?:stop|pause|halt|suspend|disable)\b/i.test(said) ? said.replace(FOR_A_TIME, 'for now') : said;
}

/**
 * Round 28 (intent): a softener or discourse marker around an order changes nothing of it: "ok
 * fine, just move nginx to 8080 then", "go ahead and …", "can you …", "kindly …", "let's just
 * …", "in that case …", "would you mind moving …", "… i guess". Taken off before one of the
 * verbs of orders (never "just 2", "just the api": only there "just" means "only"); a verb in
 * "-ing" after "would you mind" is said plain (softeners.test.ts).
 */
/** "turn on the firewall", "enable the firewall", "switch the firewall on": the lock-down whose "keep …" is its allow list. */
const FIREWALL_TURNED_ON = /\b(?:(?:turn|switch|put|bring)\w*\s+on\s+(?:the\s+|a\s+|my\s+)?firewall|(?:enable|activate|start)\w*\s+(?:the\s+|a\s+|my\s+)?firewall|(?:turn|switch)\w*\s+(?:the\s+|my\s+)?firewall\s+on)\b/i;
const ORDER_VERBS = 'move set put change make add remove delete stop start restart run deploy install open close allow block give scale bump switch kill drop use expose publish create limit cap rename call update upgrade enable disable turn take bring shut spin let keep leave back schedule raise lower increase decrease get map bind point send mount attach'.split(' ');
const ing = (v: string) => [...new Set([v.endsWith('e') ? `${v.slice(0, -1)}ing` : `${v}ing`, `${v}${v.slice(-1)}ing`])];
const GERUNDS = new Map(ORDER_VERBS.flatMap((v) => ing(v).map((g) => [g, v] as const)));
const LEADS = String.raw`(?:ok(?:ay)?|fine|alright|all\s+right|right|sure|yeah|yep|so|well|whatever|then|in\s+that\s+case|i\s+guess|hmm+|oh)`;
const SOFT = String.raw`(?:just|jus|simply|kindly|please|pls|maybe|go\s+ahead\s+and|let'?s|let\s+us)`;
const SOFTENED = new RegExp(String.raw`(^|[.;!?]\s+|,\s*)(?:${LEADS}(?:,\s*|\s+))*(?:${SOFT}\s+)*(?=(?:${ORDER_VERBS.join('|')})\b)`, 'gi');
const MIND = new RegExp(String.raw`\b(?:(?:would|do)\s+you\s+mind|(?:could|can)\s+you\s+go\s+ahead)\s+(${[...GERUNDS.keys()].join('|')})\b`, 'gi');

/**
 * Round 28 (intent): two services joined in one breath, each with its own settings ("grafana on
 * 3000 + prometheus on 9090", "… & …", "… / …", "… along with …", "… together with …", "…
 * alongside …", "… n …"): the joiner after a value (a port, a size, "(3000)") and before a name
 * is a comma, where the clause splitter cuts, so each setting stays with the service before it.
 * Never before an address, a number, a protocol or a source word (services-joined.test.ts), and
 * never inside a word.
 */
// The value is a word of its own: a digit inside a word (an SSH key's "…IC8+Ojh…", round 31) joins nothing.
const JOINED = /(?<=(?<![A-Za-z0-9+/=])\d+(?:[kmgt]i?b?)?\)?)(?:\s*[+&]\s*|\s+\/\s+|\s+n\s+|\s+(?:along|together)\s+with\s+|\s+alongside\s+)(?=[a-z])(?!(?:from|to|for|only|each|both|tcp|udp|sctp|icmp)\b)/gi;

/** One part of the request outside quotes. */
function normalisePart(text: string): string {
  let lastSize = false;
  return (
    verbsSaidPart(text)
      // Softeners and discourse markers around an order.
      .replace(MIND, (_m, g: string) => GERUNDS.get(g.toLowerCase()) ?? g)
      .replace(SOFTENED, '$1')
      .replace(JOINED, ', ')
      .replace(/(?<!\s)\s+(?:i\s+(?:guess|suppose)|then)(?=\s*[.!?]*$)/i, '')
      // Texting.
      .replace(/(?<![\w./~-])w\/o(?![\w/])/gi, 'without')
      .replace(/(?<![\w./~-])w\/(?=\s|[a-z])(?!\w*\/)\s*/gi, 'with ')
      .replace(/(?<![\w./'’-])u(?![\w./'’@-])/g, 'you')
      .replace(/(?<![\w./'’-])ur(?![\w./'’@-])/g, 'your')
      .replace(/\bplz\b/gi, 'please')
      // "kick off the sync job rn": right now (round 34).
      .replace(/(?<![\w./'’-])rn(?![\w./'’@-])/g, 'right now')
      // The verbs on services, said of a count or of every one: "kill all the api replicas but
      // one" keeps that many ("scale api to 1 replicas"); "every service", "every single
      // container" are all of them ("emergency: stop every service now" read "every … now" as a schedule).
      .replace(
        /\b(?:kill|stop|remove|delete|drop|nuke|get\s+rid\s+of|shut\s+down|take\s+down|scale\s+(?:down|back|in))\s+(?:all\s+(?:of\s+)?)?(?:the\s+)?([a-z][\w-]*?)(?:'s|’s)?\s+(?:replicas|instances|copies|containers)\s+(?:but|except(?:\s+for)?|save|other\s+than|apart\s+from)\s+(\d{1,2}|one|two|three)\b/gi,
        (_m, name: string, n: string) => `scale ${name} to ${NUMBER_WORDS[n.toLowerCase()] ?? n} replicas`,
      )
      .replace(/\bevery\s+(?:single\s+)?(service|container|app)s?\b/gi, (_m, what: string) => `all ${what.toLowerCase()}s`)
      // The firewall's verbs said of the policy and of ports kept: "drop the default input policy"
      // sets it to drop; "keep 22 and 80 open", "leave 443 open" let those ports in.
      .replace(/\b(?:drop|deny|block|reject)\s+(?:the\s+)?default\s+(?:(?:input|incoming|inbound)\s+)?policy\b/gi, 'set the default input policy to drop')
      // "set the inbound policy to drop": the inbound (input, incoming) policy is the default input policy (round 34).
      .replace(/(?<!\bdefault\s+)\b(?:input|incoming|inbound)\s+(?:firewall\s+)?policy\b/gi, 'default input policy')
      // Not after "turn on the firewall": that "keep" is the lock-down's allow list (engine.ts firewallOnKept reads it once).
      .replace(/\b(?:keep|leave)\s+(\d{2,5}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)\d{2,5})*)\s+(?:open(?:ed)?|reachable|accessible|allowed)\b/gi, (m, list: string, at: number, all: string) => (FIREWALL_TURNED_ON.test(all.slice(0, at)) ? m : /^\d+$/.test(list) ? `open port ${list}` : `open ports ${list}`))
      // "udp 51820 for wireguard", "1194/udp pls": a protocol and a port said first, with no verb, open it.
      .replace(/(^|[.;!?]\s+)(?=(?:tcp|udp)\s+(?:port\s+)?\d{2,5}\b(?!\s*(?:-|to\b))|\d{2,5}\/(?:tcp|udp)\b)/gi, '$1open ')
      // Round 28 (intent3), the firewall's words. "deny incoming 3306", "block inbound tcp 445": the port of a close verb.
      .replace(/\brefuse(?=\s+(?:all\s+)?(?:incoming|inbound|connections|traffic|port|\d))/gi, 'reject')
      .replace(/\b(deny|block|drop|reject|close)\s+(?:all\s+)?(?:incoming|inbound)\s+(?:(tcp|udp)\s+)?(?=\d{2,5}\b(?![./]))/gi, (_m, v: string, proto?: string) => `${v} ${proto ? `${proto} ` : ''}port `)
      // "5601 should be blocked from everywhere", "port 23 must be closed": the close verb said first.
      .replace(/(^|[.;!?]\s*)(?:port\s+)?(\d{2,5})\s+(?:should|must|needs?\s+to|has\s+to|is\s+to)\s+be\s+(block|den|dropp|clos|reject)(?:ed|ied|d)\b/gi, (_m, lead: string, port: string, v: string) => `${lead}${{ den: 'deny', dropp: 'drop', clos: 'close' }[v.toLowerCase()] ?? v.toLowerCase()} port ${port}`)
      // "VNC shouldn't be open", "3306 must not be reachable" (held-out 25 fw-23 opened it): a negated opening is a close.
      .replace(/(^|[.;!?,]\s*)(?:port\s+)?(\d{2,5}|vnc|telnet|ftp|rdp|smtp)\s+(?:should|must|needs?\s+to|has\s+to|ought\s+to|is|are)\s*(?:not|n['’]?t)\s+(?:be\s+)?(?:left\s+)?(?:open(?:ed)?|reachable|exposed|accessible|public)\b/gi, (_m, lead: string, port: string) => `${lead}close ${/^\d/.test(port) ? 'port ' : ''}${port}`)
      // "open 9443, restricted to 172.16.0.0/12", "…, only for the 10.1.0.0/16 network": the source of the rule before it.
      .replace(/\s*,\s*(?:but\s+)?(?:(?:access|traffic)\s+)?(?:restricted|limited|only)\s+(?:to|for)\s+(?:the\s+)?(?=\d{1,3}(?:\.\d{1,3}){3})/gi, ' from ')
      // "it should not publish any port", "must not expose a host port": no host port (the safe direction).
      .replace(/(^|[.;!?:]\s*)((?:the\s+)?(?!it\b|they\b)[a-z][\w.-]*)\s+(?:must|should|shall|does|do|may|can|will)\s*(?:not|never|n['’]t)\s+(?:publish|expose|map|bind)\s+(?:any|a|its)\s+(?:host\s+)?ports?\b(?:\s+(?:at\s+all|on\s+the\s+host))?/gi, '$1no host ports for $2')
      .replace(/(?<!\s)(?:\s*,)?\s+(?:(?:it|they)\s+)?(?:(?:must|should|shall|does|do|may|can|will)(?:\s+|(?=n['’]t)))?(?:not|never|n['’]t)\s+(?:publish|expose|map|bind)\s+(?:any|a|its)\s+(?:host\s+)?ports?\b(?:\s+(?:at\s+all|on\s+the\s+host))?/gi, ', no host ports')
      // Schema field names written as they are in the files.
      .replace(/\bdefault_(input|output|forward)_policy\b/gi, 'default $1 policy')
      // "udp on port 53", "tcp at port 25".
      .replace(/\b(tcp|udp)\s+(?:on|at)\s+(?=port\b)/gi, '$1 ')
      // "KEY -> VALUE", "KEY => VALUE", "KEY → VALUE", "KEY=VALUE" for a setting the engine knows.
      .replace(/([a-z_][a-z_ ]{0,40}?)\s?(?:->|=>|→|⇒|=(?![=>]))\s*(?=\S)/gi, (m, said: string) => {
        const key = said.trimEnd();
        const word = key.split(/\s+/).pop()!;
        if (/[A-Z]/.test(word) && word === word.toUpperCase()) return m;
        const setting = SETTING_WORDS.find(([re]) => re.test(key));
        if (!setting) return m;
        const [re, as] = setting;
        const head = key.replace(re, '');
        // "api mem=1g cpu=1": "memory to 1g and cpu to 1" (the clause reader reads each; without
        // the "and" the second swallowed the first).
        const joined = lastSize && SIZE_SETTINGS.has(as) && /\S/.test(head) ? `${head.trimEnd()} and ` : head;
        lastSize = SIZE_SETTINGS.has(as);
        return `${joined}${as}${as ? ' ' : ''}`;
      })
  );
}

/** The request with each setting and texting form said as the readers read it (quotes untouched). */
export function normaliseSaid(text: string): string {
  return splitAtQuotes(text)
    .map((part, i) => (i % 2 === 1 ? part : normalisePart(part)))
    .join('');
}

/**
 * Round 30 (intent3): a question said in texting and slang, said as the readers read questions.
 * "y does api keep restartin??" is "why does api keep restarting??", "whats up w it" is "whats up
 * with it", "y r my containers" is "why are my containers", "wats"/"wat" is "what's"/"what",
 * "whys"/"why's" is "why is", "wtf is up with" and "wth happened to" lose their swearing, "why tf"
 * is "why", "sloooow" is "slow", a dropped g ("crashin", "dyin", "goin") is put back, "cant",
 * "doesnt", "isnt", "wont" get their apostrophe. Run on the whole request before any reader (engine.ts
 * `readRequest`); quoted text is never touched. Each pattern is a literal beside a bounded run of
 * spaces (linear).
 */
export function slangSaid(text: string, names: readonly string[] = []): string {
  return splitAtQuotes(text)
    .map((part, i) => (i % 2 === 1 ? part : keptAside(part, names, slangPart)))
    .join('');
}

/** Words after which a name is said: "a service called goin", "user tim", "named frida", "as xmas", "for frida". */
const NAME_CUE = String.raw`\b(?:called|named|name|as|users?|accounts?|for|hostname)\s+(?:(?:the|a|an)\s+)?`;
/** A clause that sets a value: "set DEBUG to y", "the env var VERBOSE … to y", "DEBUG=y", "make LOG_LEVEL y". */
const SETS_VALUE = /\b(?:set|sets|setting|change|make|put|env|environment|var|vars|variables?|value)\b|\b[A-Z][A-Z0-9]*_?[A-Z0-9_]*\s*=/;

/**
 * Review 23 HIGH-3: the slang rewrites never touch a name or a value. The names the state holds,
 * the word after a naming word ("called goin", "user tim") and the value after to/= in a clause that sets one
 * ("set DEBUG to y", "VERBOSE=y") are put aside (as a word the rewrites leave) while `rewrite` runs,
 * then put back as typed.
 */
function keptAside(part: string, names: readonly string[], rewrite: (s: string) => string): string {
  const kept: string[] = [];
  const aside = (w: string): string => {
    kept.push(w);
    return `zqx${kept.length - 1}xqz`;
  };
  const known = new Set(names.map((n) => n.toLowerCase()));
  const masked = part
    .split(/(?<=[.;!?\n])/)
    .map((clause) => {
      let c = clause.replace(new RegExp(String.raw`(${NAME_CUE})([\w.-]+)`, 'gi'), (_m, cue: string, w: string) => `${cue}${aside(w)}`);
      if (SETS_VALUE.test(c)) c = c.replace(/(\bto\s+|=\s*)([^\s,;.!?]+)/gi, (_m, cue: string, w: string) => `${cue}${aside(w)}`);
      return c.replace(/[A-Za-z][\w.-]*/g, (w) => (known.has(w.toLowerCase()) ? aside(w) : w));
    })
    .join('');
  if (kept.length === 0) return rewrite(part);
  return rewrite(masked).replace(/zqx(\d+)xqz/g, (m, i: string) => kept[Number(i)] ?? m);
}

const DROPPED_G = /\b(restart|crash|dy|go|gett|runn|work|load|respond|start|stopp|hang|fail|exit|flapp|reboot|happen|eat|us|do|behav|act|tim|lagg|spik|leak)in\b(?!')/gi;

function slangPart(s: string): string {
  return (
    s
      // "y does", "y is", "y r", "y cant", "y my", "…, y?", "... y": "why" (never a flag "-y" or "x y z").
      .replace(/(?<![\w./-])y(?=\s+(?:does|do|did|is|are|r|was|were|cant|can't|can|wont|won't|doesnt|doesn't|isnt|isn't|my|the|our|would|has|have|tf|on\s+earth|\w+\s+(?:keeps?|is|does))\b)/gi, 'why')
      .replace(/(?<=[,.!…]\s*|\s)y(?=\s*[?!.]*\s*$)/gi, 'why')
      .replace(/\b(why|what|how|where|who)\s+r\b/gi, '$1 are')
      .replace(/\bwhy'?s\b/gi, 'why is')
      .replace(/\bhow'?s\s+come\b/gi, 'how come')
      .replace(/\bwats\b|\bwuts\b/gi, "what's")
      .replace(/\bwat\b|\bwut\b|\bwht\b/gi, 'what')
      .replace(/\bwhos\b/gi, "who's")
      .replace(/\b(?:wtf|wth)\s+(?=is\b|are\b|happened\b|'s\b|going\b|was\b)/gi, 'what ')
      .replace(/\b(why|what|how|where)\s+(?:tf|the\s+(?:hell|heck|fuck)|on\s+earth)\b/gi, '$1')
      .replace(/\b(up|wrong|on|deal|matter|problem|issue|happening|happened)\s+w\/?(?=\s)/gi, '$1 with')
      .replace(/(?<![\w:/@.=-])([a-z]*?)([aeiou])\2{2,}([a-z]*)(?![\w:/@.=-])/gi, '$1$2$3')
      .replace(DROPPED_G, '$1ing')
      .replace(/\b(can|doesn|isn|won|didn|aren|wasn|couldn|shouldn|wouldn|haven|hasn)t\b/gi, "$1't")
      // "could we move that to fridays?", "can we make it 3": a request said as a question about us, read as "can you …?" is.
      .replace(/\b(?:could|can|shall|should)\s+we\s+(?:please\s+|maybe\s+|just\s+)?(?=(?:move|change|switch|shift|make|set|put|give|scale|bump|schedule|reschedule|push|stop|restart|add|remove|drop|open|close|limit|cap)\b)/gi, 'can you ')
  );
}

/**
 * "is there a way to have postgres backed up …?", "is it possible to …", "would it be possible to …",
 * "any chance you could …", "how would I get postgres backed up …": a request said as a question
 * about whether it can be done (round 31), read as the request, its question mark a full stop.
 */
/** A schedule said: a repeat, a time, a day, as a backup or a job is asked for. */
const SCHEDULE_ASKED = /\b(?:back(?:ed|ing)?\s*-?\s*up|backups?)\b.*\b(?:every|each|daily|nightly|weekly|hourly|monthly|twice|once|times|at\s+\d|\d{1,2}\s*(?:am|pm)|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekdays|weekends|midnight|noon|a\s+day)\b|\b(?:run|schedule|execute)\b.*\b(?:every|each|daily|nightly|weekly|hourly|monthly|at\s+\d|\d{1,2}\s*(?:am|pm)|(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekdays|midnight|noon)\b/i;
/** A condition, a manner or a quantifier: the question asks about more than the change. */
const CONDITION = /\b(?:without|while|during|unless|until|so\s+that|in\s+case|if|whether|instead\s+of|but|except|everyone|everybody|every\s+(?:user|one|body|developer|service|container)|each\s+(?:user|developer|person|service|container)|all\s+(?:users|services|containers|volumes)|anyone|anybody|nobody|remove|delete|drop|wipe|stop|kill|sudo|root|firewall|open|expose)\b/i;
const CAN_IT_BE_DONE = /^(\s*(?:(?:so|hey|hi|ok(?:ay)?|um+|hmm+|quick\s+question)[\s,:]+)*)(?:is\s+there\s+(?:a|any)\s+way\s+(?:to|(?:that\s+)?(?:i|we|you)\s+(?:can|could))|(?:is|would)\s+it\s+(?:be\s+)?possible\s+(?:for\s+(?:you|me|us)\s+)?to|any\s+chance\s+(?:you\s+(?:could|can)|(?:i|we)\s+(?:could|can))|how\s+(?:would|do|can|could|should)\s+(?:i|we)(?=\s+(?:get|have)\s+\S+(?:\s+\S+)?\s+(?:backed\s+up|scheduled|running|restarted|moved)))\s+(?:(?:have|get)\s+(?=\S+(?:\s+\S+)?\s+(?:backed\s+up|scheduled|running|restarted|moved)\b))?/i;

export function askedAsPossible(text: string): string {
  const m = CAN_IT_BE_DONE.exec(text);
  if (!m) return text;
  const rest = text.slice(m.index + m[0].length);
  // Review 24 HIGH-1: only a schedule asked for (a backup or a job at a time) is read as the request,
  // and only with no condition or manner attached and no quantifier as the object ("… without
  // losing its data", "… while the backup runs", "give everyone sudo", "for each developer"):
  // anything else stays a question, answered, nothing changed.
  const asked = rest.split(/[?.!](?:\s|$)/)[0]!;
  if (!SCHEDULE_ASKED.test(asked) || CONDITION.test(asked)) return text;
  return `${text.slice(0, m.index)}${m[1]}please ${rest.replace(/\?+(?=\s|$)/, '.')}`;
}
