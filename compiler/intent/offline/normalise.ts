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

/** One part of the request outside quotes. */
function normalisePart(text: string): string {
  let lastSize = false;
  return (
    text
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
