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
 * Round 28 (intent): a softener or discourse marker around an order changes nothing of it: "ok
 * fine, just move nginx to 8080 then", "go ahead and …", "can you …", "kindly …", "let's just
 * …", "in that case …", "would you mind moving …", "… i guess". Taken off before one of the
 * verbs of orders (never "just 2", "just the api": only there "just" means "only"); a verb in
 * "-ing" after "would you mind" is said plain (softeners.test.ts).
 */
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
 * Never before an address, a number, a protocol or a source word (services-joined.test.ts).
 */
const JOINED = /(?<=\d(?:[kmgt]i?b?)?\)?)(?:\s*[+&]\s*|\s+\/\s+|\s+n\s+|\s+(?:along|together)\s+with\s+|\s+alongside\s+)(?=[a-z])(?!(?:from|to|for|only|each|both|tcp|udp|sctp|icmp)\b)/gi;

/** One part of the request outside quotes. */
function normalisePart(text: string): string {
  let lastSize = false;
  return (
    text
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
      .replace(/\b(?:keep|leave)\s+(\d{2,5}(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)\d{2,5})*)\s+(?:open(?:ed)?|reachable|accessible|allowed)\b/gi, (_m, list: string) => (/^\d+$/.test(list) ? `open port ${list}` : `open ports ${list}`))
      // "udp 51820 for wireguard", "1194/udp pls": a protocol and a port said first, with no verb, open it.
      .replace(/(^|[.;!?]\s+)(?=(?:tcp|udp)\s+(?:port\s+)?\d{2,5}\b(?!\s*(?:-|to\b))|\d{2,5}\/(?:tcp|udp)\b)/gi, '$1open ')
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
