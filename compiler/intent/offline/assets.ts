/**
 * Round 29 (issue 22): a dangerous request is an action on an asset, and scope decides. The
 * guard's earlier layers (guard.ts, harm.ts, harm-classes.ts, engine.ts's DANGERS) each know
 * wordings; this one reads the request's structure instead: which action (destroy, disable,
 * expose, show, hide) is done to which object, and how much of it.
 *
 *   the object      the noun phrase after the verb (VO: "wipe every volume"), before it
 *                   (OV: "all data from the server delete", "Firewall ausschalten"), or named
 *                   earlier in the sentence and taken up by "it"/"them" ("the volumes, delete them
 *                   all", "the firewall is in the way, make it disappear"), or left as the
 *                   outcome ("i want all the postgres data gone")
 *   the asset       its head noun: the disk, all data, volumes, databases, tables, the backups,
 *                   the host's root and system directories, every user and the admin's own
 *                   access, ssh, the firewall as a whole, secrets and keys, the audit, approvals,
 *                   signatures, the history
 *   the scope       one named service, one port, one rule, one user is ordinary; every user, all
 *                   data, the whole firewall, the host are not. An asset that is a whole by itself
 *                   (the disk, the firewall, ssh, the audit, the secrets) needs no "all".
 *
 * The object must be the asset itself: "drop port 23 on the firewall" drops a port (the firewall
 * is where), "purge memcached from the server" removes a service (the server is where), "wipe
 * the redis cache" empties a cache. Words are read after a small repair of typos (one letter
 * left out, added or two swapped: "delet", "firwall", "remvoe"; never a substituted letter, so
 * "remote" is not "remove"). Pure, no I/O; every pattern is bounded (linear in the request).
 * engine.ts's `dangerIn` calls `judgeAssets` after its own list. docs/intent.md "Harm, round 29".
 */

/** An asset: how its head noun is said, whether it is a whole by itself, and what is refused. */
interface Asset {
  name: string;
  /** The head noun (and its compounds), as a regex source over lower-case words. */
  head: string;
  /** True: the noun is a whole by itself (the disk, the firewall); false: it needs every/all. */
  whole: boolean;
  /** The kinds of action that harm it. */
  harmedBy: Action[];
  /** Why it is refused, one plain clause. */
  why: string;
  /**
   * The one other word that may stand before the head (default: any name word). The host's is
   * a word that describes this machine ("the prod server"): "wipe the staging box" names
   * another thing, not the host (review 22 MED-1).
   */
  other?: string;
}

type Action = 'destroy' | 'erase' | 'disable' | 'revoke' | 'show' | 'hide';

/** One word of a name ("the postgres data"); never a preposition ("forget about the firewall"). */
const W = String.raw`(?!(?:about|on|in|from|of|for|to|at|with|by|into|onto|off|over|under|through|and|or)\b)[a-z0-9_'’-]+`;

/** Verbs by kind (a verb may be in several). */
const VERBS: Record<Action, string> = {
  // Wipes by its nature: it erases whatever it is said of.
  erase: String.raw`wipe|wipes|wiping|wiped|erase|erases|erasing|erased|nuke|nukes|nuking|nuked|zap|zaps|zapped|zapping|format|formats|formatting|obliterate\w*|scrub|scrubs|scrubbing|shred\w*|blow\s+away|zero\s+out|factory\s+reset|l(?:ö|oe)sch\w*|borra\w*|supprim\w*|effac\w*|cancell\w*`,
  // Takes a thing away (of data: destroys it; of a person: revokes).
  destroy: String.raw`delete|deletes|deleting|deleted|remove|removes|removing|removed|destroy\w*|drop|drops|dropping|purge\w*|trash\w*|get\s+rid\s+of|getting\s+rid\s+of|empty|empties|emptying|clear|clears|clearing|truncate\w*|rm|uninstall\w*|tear\s+down|knock\s+down|throw\s+(?:away|out)|toss|get\s+out\s+of\s+the\s+way|make\s+(?:it|them)\s+(?:go\s+away|disappear|vanish)|entfern\w*|elimin\w*`,
  disable: String.raw`disable|disables|disabling|deactivate\w*|turn\s+off|switch\s+off|shut\s+off|shut\s+down|off\s+(?:it|them)\s+(?:turn|switch)|stop|stops|stopping|kill|murder\w*|slay\w*|assassinat\w*|strangle\w*|shoot|put\s+to\s+sleep|no\s+more|ausschalten|abschalten|deaktivier\w*|desactiv\w*|d[ée]sactiv\w*|apaga\w*|spegn\w*|disattiv\w*`,
  revoke: String.raw`revoke\w*|take\s+away|kick\s+out|lock|locks|locking|lock\s+out|strip\w*|demote\w*|downgrade\w*`,
  show: String.raw`show|print|paste|reveal|display|dump|list|tell\s+me|read\s+out|email|e-mail|mail|send|copy|upload|post|leak`,
  hide: String.raw`hide|hides|hiding|hidden|conceal\w*`,
};

const NEVER_DATA = 'data destroyed this way cannot be brought back from here';

/** What is harmed; the order is the order of the checks. */
const ASSETS: Asset[] = [
  { name: 'the disk', head: String.raw`(?:hard\s+)?(?:storage|disks?|drives?|ssd|hdd|file\s?systems?|partitions?)`, whole: true, harmedBy: ['erase', 'destroy'], why: `${NEVER_DATA}: every service and the system itself live on it` },
  { name: 'the host', head: String.raw`(?:server|machine|box|host|vps|system)`, other: String.raw`(?:prod|production|live|main|primary|linux|ubuntu|debian|dedicated|cloud|physical|home|web|entire|whole|poor|damn|stupid)`, whole: true, harmedBy: ['erase'], why: `${NEVER_DATA}: it is the whole machine` },
  { name: 'everything', head: String.raw`(?:everything|all(?=\s*$|\s*[,:]|\s+(?:of\s+it|on|from|in|here|there)\b))`, whole: true, harmedBy: ['erase', 'destroy'], why: `${NEVER_DATA}` },
  { name: 'the data', head: String.raw`(?:data|daten|datos|donn[ée]es|dati|data\s+dir(?:ector(?:y|ies))?s?)`, whole: true, harmedBy: ['erase', 'destroy'], why: NEVER_DATA },
  { name: 'every volume', head: String.raw`volumes?|volums?|volumse`, whole: false, harmedBy: ['erase', 'destroy'], why: NEVER_DATA },
  { name: 'every database', head: String.raw`(?:databases?|dbs|tables|schemas|base\s+de\s+datos|datenbanken?)`, whole: false, harmedBy: ['erase', 'destroy'], why: NEVER_DATA },
  { name: "the host's system directories", head: String.raw`(?:\/|\/(?:etc|usr|boot|bin|sbin|lib|lib64|var|var\/lib|root|opt|srv|home)\/?)(?![\w/.-])(?:\s+(?:directory|dir|folder|tree))?|root\s+file\s?system`, whole: true, harmedBy: ['erase', 'destroy'], why: 'the machine would no longer boot or run, and nothing here can bring it back' },
  { name: 'every user', head: String.raw`(?:users?|people|persons|humans|everyone|everybody|accounts?|admins?|administrators?|sudoers?|logins?|usuarios|benutzer|nutzer|utilisateurs|utenti|cuentas|konten|comptes)`, whole: false, harmedBy: ['destroy', 'erase', 'disable', 'revoke'], why: 'nobody could log in to fix it afterwards: that is a lockout' },
  { name: "everyone's admin rights", head: String.raw`(?:sudo(?:\s+(?:rights|access|privileges|powers))?|admin\s+(?:rights|access|privileges)|root\s+(?:rights|access))`, whole: false, harmedBy: ['destroy', 'revoke', 'disable'], why: 'with no admin left nobody can change this machine again: that is a lockout' },
  { name: "everyone's ssh keys", head: String.raw`(?:ssh\s+keys|keys)`, whole: false, harmedBy: ['destroy', 'erase', 'revoke'], why: 'nobody could log in afterwards: that is a lockout' },
  { name: 'ssh', head: String.raw`(?:ssh|sshd|openssh|ssh\s+(?:daemon|server|service|access))(?!\s*(?:password|root|login|keys?|port\s+\d|on\s+port))`, whole: true, harmedBy: ['disable', 'destroy'], why: 'SSH is the way in: without it nobody can reach this machine to fix it (a lockout)' },
  { name: 'the firewall', head: String.raw`(?:firewall|firwall|nftables|iptables|ufw|firewalld|ruleset|rule\s?set|pare-feu|cortafuegos)(?!\s*(?:rule|entry|entries|exception|hole|port|for(?!\s+(?:all|every|any)\b)|config))`, whole: true, harmedBy: ['disable', 'destroy', 'erase'], why: 'every port of this machine would be open to anyone' },
  { name: 'every firewall rule', head: String.raw`(?:(?:firewall|fw|nft|nftables|iptables)\s+)?rules`, whole: false, harmedBy: ['disable', 'destroy', 'erase'], why: 'every port of this machine would be open to anyone' },
  { name: 'the secrets', head: String.raw`(?:secrets|passwords|credentials|private\s+keys?|signing\s+keys?|host\s+keys?|keys\s+folder|\.env)`, whole: true, harmedBy: ['destroy', 'erase'], why: 'every service that uses them stops, and a signing key lost means no plan can be signed again' },
  { name: 'the audit', head: String.raw`(?:audit(?:\s+(?:log|logg?ing|trail|record)s?)?|history|record\s+of\s+changes)`, whole: true, harmedBy: ['destroy', 'erase', 'disable', 'hide'], why: 'the audit log is the record of who changed what: it is only appended to' },
  { name: 'the approvals', head: String.raw`(?:approvals?|approval\s+(?:step|prompts?)|signatures?|signature\s+(?:checks?|verification)|signing)`, whole: true, harmedBy: ['disable', 'destroy'], why: 'signatures and approvals are what keep an unreviewed change from being applied' },
];

/**
 * Where a noun phrase ends: the head is its last word, so "the firewall rule" has the head
 * "rule" and "the users table" the head "table", not the asset before them.
 */
const END = String.raw`(?=\s*$|\s*[,:()!?"-]|\s*'(?!s\b)|\s+(?:on|in|at|where|from|of|for|to|and|or|with|so|because|since|as|please|pls|now|entirely|completely|altogether|too|again|forever|for\s+good|then|tonight|today|right|once|that|which|we|i|it|is|are|was|were|will|should|must|you|he|she|they|bitte|except|but|until|till|by|lol|asap|thanks|thx|everywhere|permanently|immediately|anyway|go|gone|away|off|down|out|up|entirely|here|there|anymore|any|all|ever|already|first|just|please|por|s'il|ausschalten|abschalten|l(?:ö|oe)schen|entfernen|delete|remove|disable|erase|wipe|turn|switch)\b)`;

/** Words that may stand between the verb and the object's head. */
const SKIP = String.raw`(?:los|las|les|die|der|den|el|la|le|il|gli|des|de|todos|todas|tous|toutes|alle|tutti|tutte|the|a|an|all|al(?=\s+(?:the|of|my|our)\b)|every|each|any|of|my|our|your|their|its|this|that|these|those|whole|entire|complete|full|own|old|existing|current|remaining|last|other|hard|root|local|entire|single|last|system|host|host's|server's|machine's|box's|app's|stored|mine|the\s+whole|[a-z][\w-]*'s)`;
/** Words that say every one (or the admin's own). */
const EVERY = String.raw`\b(?:all|al(?=\s+(?:the|of|my|our|users?|volumes?|data|databases?|accounts?|rules|keys|secrets)\b)|every|everything|each|everyone|everybody|nobody|no\s?one|not\s+even\s+me|whole|entire|mine|my\s+own|todos|todas|tous|toutes|alle|allen|tutti|tutte|them\s+all|all\s+of\s+them)\b`;
/** An ordinary scope named: a bounded age, a cache, logs, temporary files, an exception. */
const BOUNDED = String.raw`\b(?:older\s+than|where\b(?!\s+(?:possible|you\s+can|we\s+can|applicable|necessary|needed|it\s+makes\s+sense)\b)|cache|caches|tmp|temp|except\b|but\s+(?:for|not)\b|other\s+than|apart\s+from|keep\s+(?:the\s+)?(?:last|newest|latest)|(?<!\b(?:sudo|wheel|admin|admins|root)\s)groups?\b`
  // Round 30 (review 22 MED-1): a relative clause or a name restricts the object ("all rules that mention
  // 10.0.0.5", "all the rules for grafana"), a member list ("all people from the newsletter table"),
  // one kept ("all my old ssh keys, keep the new one"), one service's environment ("the secrets from the app's env").
  + String.raw`|(?:rules|users|volumes|keys|databases|accounts|tables|people)\s+(?:that|which|who|whose)\s+(?!(?:exist|exists|are\s+(?:there|left|on|here)|we\s+have|you\s+(?:find|see)|remain)\b)`
  + String.raw`|rules\s+(?:for|of|about)\s+(?!(?:the\s+)?(?:firewall|server|machine|host|box|everything|all|every|any|ssh|sshd|22|port\s+22)\b)[a-z][\w-]*`
  + String.raw`|(?:from|in|on)\s+(?:the\s+|my\s+|our\s+)?[\w-]+\s+(?:table|list|group|channel|newsletter|mailing\s+list|team|project)\b`
  + String.raw`|keep\s+(?:the\s+|my\s+|just\s+the\s+|only\s+the\s+)?(?:new|newest|latest|current|last|recent)\s+(?:one|key)s?\b`
  + String.raw`|(?:from|of|in)\s+(?:the\s+)?(?:[\w-]+\s+)?[\w-]+'s\s+(?:env|environment)\b|(?:env|environment)(?:\s+(?:vars?|variables))?\s+(?:of|from|for|in|on)\s+(?:the\s+)?[\w-]+\b)`;

/** Bounds of traffic: a port, an address, traffic said of less than all. Only the firewall's assets and "everything" take them ("the hard drive on port 22" is the disk). */
const NET_BOUNDED = String.raw`\b(?:for\s+port|port\s+\d|from\s+\d{1,3}\.|(?:to|on|at)\s+(?:port\s+)?\d{2,5}\b|(?<!\b(?:all|every|any)\s(?:(?:the\s+)?(?:incoming|inbound|outbound|tcp|udp)\s)?)(?:traffic|packets|connections|incoming|inbound|outbound))`;
const NET_ASSETS = new Set(['the firewall', 'every firewall rule', 'ssh', 'everything']);

/** Words repaired before reading (one letter dropped, added or two swapped; never substituted). */
const LEXICON = ['delete', 'remove', 'disable', 'destroy', 'volumes', 'firewall', 'users', 'secrets', 'backups', 'database', 'databases', 'erase', 'accounts', 'passwords', 'everything', 'every', 'deactivate', 'uninstall'];

function oneEditApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    // Two neighbouring letters swapped only.
    for (let i = 0; i < a.length - 1; i++) if (a[i] !== b[i]) return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    return false;
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  if (l.length - s.length !== 1) return false;
  for (let i = 0; i < s.length; i++) if (s[i] !== l[i]) return s.slice(i) === l.slice(i + 1);
  return true;
}

/** Lower case, typos of the lexicon repaired ("delet" → "delete", "remvoe" → "remove"). */
export function repairWords(text: string): string {
  return text.toLowerCase().replace(/[a-z]{5,12}/g, (w) => {
    if (LEXICON.includes(w)) return w;
    const fix = LEXICON.find((l) => oneEditApart(w, l));
    // "deleted", "removes", "users'": an ending added is the same word, left as said.
    return fix !== undefined && !w.startsWith(fix) ? fix : w;
  });
}

const rx = (s: string) => new RegExp(s, 'i');
const VERB_OF: [Action, RegExp][] = (Object.keys(VERBS) as Action[]).filter((a) => a !== 'show').map((a) => [a, new RegExp(String.raw`(?<![\w-])(?:${VERBS[a]})(?![\w-])`, 'gi')]);
const NEGATED = /\b(?:don'?t|dont|do\s+not|never|not|no\s+need\s+to|without|shouldn'?t|mustn'?t|must\s+not|won'?t|can'?t|cannot)\s+(?:\w+\s+)?$/i;

/** The object head right after `i` in `s`: up to 4 skippable words, at most one other word, then the head. */
function objectAfter(s: string, asset: Asset): RegExpExecArray | null {
  return readers(asset).after.exec(s);
}

/** Each asset's two readers, made once: its object right after a verb, and its mention before one. */
const READERS = new Map<Asset, { after: RegExp; before: RegExp }>();
function readers(asset: Asset): { after: RegExp; before: RegExp } {
  let r = READERS.get(asset);
  if (r === undefined) {
    r = {
      // "delete alice and bob and every other user": names listed before the head.
      after: rx(String.raw`^\s*(?:[\w-]{1,64}\s*(?:,\s*(?:and\s+)?|\s+and\s+)){0,4}(?:(?:${SKIP})\s+){0,4}(?:${asset.other ?? W}\s+)?(?:(?:${SKIP})\s+){0,2}(?:${asset.head})(?![\w-])${END}`),
      before: rx(String.raw`(?:^|[\s,:])(?:(?:${SKIP})\s+){0,4}(?:${asset.other ?? W}\s+)?(?:${asset.head})(?![\w-])${END}`),
    };
    READERS.set(asset, r);
  }
  return r;
}

/** Sentences: ".", "!", "?", ";" or a new line ends one; a colon or a comma does not. */
function sentences(text: string): string[] {
  return text.split(/[.!?;]+(?=\s|$)|\n+/).map((s) => s.trim()).filter((s) => s !== '');
}

export interface AssetHarm {
  asset: string;
  action: Action;
  /** One line: what was refused and why. */
  reason: string;
}

const SAID: Record<Action, string> = { erase: 'wiping', destroy: 'deleting', disable: 'turning off', revoke: 'taking away', show: 'showing', hide: 'hiding' };

function harm(asset: Asset, action: Action): AssetHarm {
  return { asset: asset.name, action, reason: `Refused: ${SAID[action]} ${asset.name} — ${asset.why}. Nothing was changed.` };
}

/** Scope: the asset is whole by itself, or the sentence says every one of it (and no bound). */
function inScope(asset: Asset, sentence: string, object: string, window = sentence): boolean {
  if (BOUNDED_RE.test(object) || BOUNDED_RE.test(window)) return false;
  if (NET_ASSETS.has(asset.name) && (NET_BOUNDED_RE.test(object) || NET_BOUNDED_RE.test(window))) return false;
  // An exception or one kept is said anywhere in the sentence ("…, keep the new one").
  if (asset.whole) return !EXCEPT_RE.test(sentence);
  return EVERY_RE.test(sentence) && !(asset.name === 'every user' ? EXCEPT_USERS_RE : EXCEPT_RE).test(sentence);
}

/** The asset-action reading of one sentence. */
function judgeSentence(s: string): AssetHarm | undefined {
  for (const [action, g] of VERB_OF) {
    g.lastIndex = 0;
    for (let m = g.exec(s); m !== null; m = g.exec(s)) {
      if (m[0] === '') { g.lastIndex++; continue; }
      if (NEGATED.test(s.slice(Math.max(0, m.index - 30), m.index))) continue;
      const rest = s.slice(m.index + m[0].length);
      const before = s.slice(0, m.index);
      for (const asset of ASSETS) {
        if (!asset.harmedBy.includes(action)) continue;
        // "drop everything from 45.67.89.0/24", "drop everything to 2375": a firewall drops traffic.
        if (asset.name === 'everything' && /^drop/i.test(m[0])) continue;
        // VO: "wipe every volume", "remove my own sudo".
        const vo = objectAfter(rest, asset);
        // A bound restricts the object's own phrase, not another clause ("obliterate all data and the
        // cache too" is all data; review 22 MED-2): the object and what follows it up to the next clause.
        // Round 36: "clear them all" is a pronoun said of all, not "everything": read below as a pronoun.
        const pronounAll = asset.name === 'everything' && vo !== null && /\b(?:them|those|these)\s+all\b/i.test(vo[0]);
        if (vo && !pronounAll && inScope(asset, s, vo[0], vo[0] + clauseRest(rest.slice(vo.index + vo[0].length)))) return harm(asset, action);
        // The verb's object is a pronoun or nothing, and the asset was named before it in the
        // sentence: "the volumes, delete them all", "the firewall is in the way, make it
        // disappear", "all data from the server delete", "Firewall ausschalten bitte".
        // Round 36: "users all remove except me": the object said first, the speaker kept after the verb.
        const pronounOrEnd = /^\s*(?:(?:it|them|that|those)\b[\s\w,]{0,30}|(?:you\s+must|please|pls|bitte|now|por\s+favor|s'il\s+te\s+pla[iî]t)?\s*|(?:except|but)\s+(?:for\s+)?(?:me|myself|root)\s*)$/i.test(rest) || /\b(?:it|them)\b/i.test(m[0]) || /\b(?:it|them)\s+$/i.test(before.slice(-6));
        if (pronounOrEnd) {
          const named = readers(asset).before.exec(before);
          // Round 36: a plural pronoun does not stand for one thing ("the worker logs fill the disk,
          // clear them all": them is the logs, not the disk).
          const plural = /\b(?:them|those|these)\b/i.test(rest.slice(0, 12)) || /\b(?:them|those|these)\b/i.test(m[0]);
          if (named && plural && !/s$|\b(?:data|storage|everything|all)$/i.test(named[0].trim())) continue;
          // The speaker or root said kept after the verb is no bound on the thing named ("users all remove except me").
          const scope = s.replace(/\s(?:except|but)\s+(?:for\s+)?(?:me|myself|root)\s*$/i, '');
          if (named && inScope(asset, s, scope, scope)) return harm(asset, action);
        }
      }
    }
  }
  return undefined;
}

const EVERY_RE = rx(EVERY);
const BOUNDED_RE = rx(BOUNDED);
const NET_BOUNDED_RE = rx(NET_BOUNDED);
/**
 * An exception names members ("but alice", "but the last 3", "except root"), never an adverb or a
 * clause ("but quickly", "but slowly", "but do it now": review 22 MED-2). One kept is an exception too.
 */
const NOT_MEMBER = String.raw`(?![a-z]+ly\b|(?:please|pls|now|then|today|tonight|first|also|still|do|don'?t|dont|make|keep|leave|i|we|it|they|you|that|this|there|so|just|then|not\s+(?:now|yet|today))\b)`;
const EXCEPT = String.raw`\b(?:except|other\s+than|apart\s+from|save\s+for|but\s+(?:for\s+)?(?:not\s+)?${NOT_MEMBER}(?!root\b)[a-z][\w-]*|keep\s+(?:the\s+|my\s+|just\s+the\s+|only\s+the\s+)?(?:new|newest|latest|current|last|recent)\s+(?:one|key|\d+)s?)\b`;
const EXCEPT_RE = rx(EXCEPT);
/** For people: the speaker is not known to the machine, so "every user but me" keeps no admin it knows (as guard.ts ALL_ACCOUNTS). */
const EXCEPT_USERS_RE = rx(EXCEPT.replace('(?!root\\b)', '(?!(?:root|me|mine|myself|my\\s+own)\\b)'));
/** What follows the object up to the next clause: "and", "but", "then", "so", a comma. */
const clauseRest = (after: string): string => after.split(/\s+(?:and|but|then|so|because|while|after|before)\s+|[,;:]/i)[0] ?? '';
/** Per asset: its loss said as the outcome ("… gone", "… wasn't there any more"), and "no … should survive". */
const OUTCOMES: [Asset, RegExp, RegExp][] = ASSETS.filter((a) => a.harmedBy.includes('destroy') || a.harmedBy.includes('erase')).map((asset) => [
  asset,
  rx(String.raw`(?:${asset.head})(?![\w-])[^,;:]{0,40}?\b(?:gone|wiped|erased|deleted|destroyed|(?:to\s+)?(?:go\s+away|disappear|vanish)|(?:completely\s+|totally\s+|entirely\s+)?blank|wiped\s+clean|(?:was|were|is|are)(?:n'?t|\s+not|\s+no\s+longer)\s+there(?:\s+any\s?more)?|(?:should|must|may|will|can)\s+(?:not\s+)?survive)\b`),
  rx(String.raw`\bno\s+(?:${asset.head})(?![\w-])\s+(?:should|must|may|will|can|is\s+to)\s+survive\b`),
]);

/**
 * Outcomes said instead of verbs: "i want all the postgres data gone", "the audit log from the
 * last month just wasn't there anymore", "no data should survive", "nobody should be able to
 * log in, not even me".
 */
function judgeOutcome(s: string): AssetHarm | undefined {
  for (const [asset, gone, none] of OUTCOMES) {
    const g = gone.exec(s);
    if (g && (asset.whole || EVERY_RE.test(s)) && !BOUNDED_RE.test(g[0]) && !/\b(?:should|must|may|will|can)\s+survive\b/i.test(g[0])) return harm(asset, 'destroy');
    if (none.test(s)) return harm(asset, 'destroy');
  }
  // A service told to forget what it stored: "make postgres forget everything it has ever stored".
  if (/\bforget\s+(?:everything|all\s+(?:of\s+)?(?:its|their|the)\s+data)\b[^.;]{0,30}?\b(?:stored|saved|holds|held|kept|knows)\b|\bforget\s+(?:all\s+)?(?:its|their)\s+data\b/i.test(s)) return harm(ASSETS.find((a) => a.name === 'the data')!, 'erase');
  // The machine reset to nothing: "reset the machine to nothing", "reset the server to zero".
  // Review 22 MED-1: the machine or everything must be what is reset ("reset the counter to zero" is not).
  if (/\breset\s+(?:(?:the|this|my|our|whole|entire|complete|all\s+of\s+the)\s+){0,3}(?:machine|server|box|host|vps|system|everything|all)\b[^.;]{0,40}\bto\s+(?:nothing|zero|scratch|empty|a\s+blank\s+slate|factory|(?:how\s+it\s+was\s+)?on\s+day\s+one|its\s+first\s+day)\b/i.test(s)) return harm(ASSETS.find((a) => a.name === 'everything')!, 'erase');
  // Nobody can come in any more, the admin included.
  if (/\b(?:nobody|no\s?one)\s+(?:should|must|can|may|will|gets?\s+to|is\s+allowed\s+to)\s+(?:be\s+able\s+to\s+)?(?:log\s?in|ssh|get\s+in|sign\s+in)\b(?![^.]{0,40}\b(?:as\s+root|with\s+(?:a\s+)?passwords?|using\s+(?:a\s+)?passwords?|except|but|other\s+than|without\s+a\s+key)\b)[^.]{0,40}\b(?:not\s+even\s+me|me\s+included|including\s+me|anymore|any\s+more|from\s+anywhere|from\s+now\s+on|at\s+all|ever\s+again)\b/i.test(s) || /\b(?:want|need|leave|should\s+be)\s+no\s+(?:more\s+)?(?:users|admins|administrators|accounts|sudoers|user\s+accounts|one\s+with\s+sudo)\b/i.test(s)) {
    return harm(ASSETS.find((a) => a.name === 'every user')!, 'revoke');
  }
  return undefined;
}

/**
 * Exposure and concealment said as what they do, not as a verb on a noun: the firewall let to
 * pass everything, ssh without a key or a password, a secret's value shown, a change kept out of
 * the record ("don't log this one", "keep it out of the history").
 */
function judgeOpenOrHidden(s: string): AssetHarm | undefined {
  const firewall = ASSETS.find((a) => a.name === 'the firewall')!;
  if (/\b(?:firewall|it)\b[^.;]{0,40}\b(?:let|lets|letting|allow|allows|allowing|accept|accepts|accepting|pass|passes)\s+(?:through\s+)?(?:everything|anything|all(?:\s+traffic)?)\b(?!\s+(?:from|to)\s+\d)/i.test(s) && /\bfirewall\b/i.test(s)) return { ...harm(firewall, 'disable'), reason: `Refused: opening the firewall to everything — ${firewall.why}. Nothing was changed.` };
  if (/\b(?:any(?:one|body)|every(?:one|body)|the\s+world)\s+(?:can\s+|to\s+)?ssh\s+in\b[^.;]{0,30}\bwithout\s+(?:a\s+|any\s+)?(?:key|password)/i.test(s)) return { asset: 'ssh', action: 'disable', reason: 'Refused: letting anyone in over ssh without a key or a password — that hands the machine to whoever tries first. Nothing was changed.' };
  if (/\b(?:secrets?|passwords?|credentials?|tokens?|keys?)\b[^.;]{0,30}\bwith\s+(?:its|their|the)\s+values?\b|\bvalues?\s+of\s+(?:the\s+|every\s+|each\s+|all\s+(?:the\s+)?)?[\w-]*\s*(?:secrets?|passwords?|credentials?|tokens?)\b/i.test(s)) return { asset: 'the secrets', action: 'show', reason: 'Refused: showing secret values — they stay encrypted and never appear in a reply; use `claude secret set NAME` to replace one. Nothing was changed.' };
  // Round 30: the firewall or the audit switched off as a field ("firewall: enabled: false", "set audit enabled to false"), or the audit told to stop recording.
  if (/\bfirewall\b[^.;]{0,20}?\benabled\s*(?:[:=]|to|as)\s*(?:false|no|off|0)\b|\bfirewall\s*[:=]\s*(?:false|no|off|disabled|none)\b/i.test(s)) return harm(firewall, 'disable');
  if (/\baudit(?:\s+log)?\b[^.;]{0,20}?\benabled\s*(?:[:=]|to|as)\s*(?:false|no|off|0)\b|\baudit(?:\s+(?:log|trail))?\s+(?:\w+\s+){0,2}?(?:stop|stops|pause|pauses|quit)\s+(?:recording|logging|writing|tracking)\b/i.test(s)) return harm(ASSETS.find((a) => a.name === 'the audit')!, 'disable');
  if (/\b(?:don'?t|dont|do\s+not|never)\s+(?:log|record|audit)\s+(?:this|it|that|these|them)\b|\bkeep\s+(?:it|this|that|them)\s+(?:out\s+of|off)\s+(?:the\s+)?(?:history|log|logs|audit|record|git)\b|\b(?:without|with\s+no)\s+(?:a\s+)?(?:trace|record|log\s+entry|audit\s+entry)\b/i.test(s)) return { asset: 'the audit', action: 'hide', reason: 'Refused: keeping a change out of the record — every change is in the audit log and the history, or they prove nothing. Nothing was changed.' };
  return undefined;
}

const SQL_DELETE_ALL = /\bdelete\s+from\s+["'`]?[\w.]{1,64}["'`]?(?!\s+(?:where|using)\b)(?=\s*(?:$|[;'"`)]|\s+(?:every|each|daily|nightly|hourly|weekly|in|on|at|from|then|and)\b))/i;

/**
 * A phrasal verb's particle put back beside its verb: "turn the firewall off" → "turn off the
 * firewall", "take sudo away from everybody" → "take away sudo from everybody", "tear all the
 * firewall rules down", "put the firewall to sleep". The object is then read after the verb.
 */
export function particlesBack(text: string): string {
  return text.replace(/\b(turn|switch|shut|tear|take|kick|blow|put|knock|get|throw)\s+((?:(?!off\b|down\b|away\b|out\b|to\b)[\w'’.\/-]+\s+){1,5}?)(off|down|away|out\s+of\s+the\s+way|out|to\s+sleep)\b/gi, '$1 $3 $2');
}

/** The asset-action reading of a request, or undefined: refused when an action harms an asset in scope. */
export function judgeAssets(message: string): AssetHarm | undefined {
  // SQL that empties a whole table: DELETE FROM with no WHERE (review 21 MED-3: a DELETE bounded
  // by a WHERE, such as rows older than 30 days, is ordinary).
  if (SQL_DELETE_ALL.test(message)) return harm(ASSETS.find((a) => a.name === 'every database')!, 'destroy');
  const text = particlesBack(repairWords(message).replace(/[`"“”]/g, ' '));
  // A window after the first (guard.ts `inWindows`) starts with U+2060 inside a sentence: its first
  // part is read whole in the window before ("don't delete its data" cut to "delete its data").
  const all = sentences(text);
  for (const s of message.startsWith('\u2060') ? all.slice(1) : all) {
    const found = judgeSentence(s) ?? judgeOutcome(s) ?? judgeOpenOrHidden(s);
    if (found) return found;
  }
  return undefined;
}

const NAMES = String.raw`[a-z_][\w-]{0,63}(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)[a-z_][\w-]{0,63}){0,9}`;
const namesIn = (list: string): string[] => list.split(/\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*/).map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
const KEEP_ELSE = new RegExp(
  String.raw`^\s*(?:please\s+|pls\s+)?(?:keep|leave)\s+(?:only\s+)?(${NAMES})\s*(?:[,;:]\s*(?:and\s+)?|\s+and\s+|\s*-+\s*)(?:then\s+)?(?:remove|delete|drop|get\s+rid\s+of|kill|trash|ditch|nuke)\s+(?:everything|all|anything)\s+else\s*[.!]?\s*$` +
    String.raw`|^\s*(?:please\s+|pls\s+)?(?:remove|delete|drop|get\s+rid\s+of|ditch)\s+everything\s+(?:except(?:\s+for)?|but|other\s+than|apart\s+from)\s+(${NAMES})\s*[.!]?\s*$`,
  'i',
);

/**
 * A whole said with an exception, read by what it touches (round 29). "keep nginx and postgres,
 * remove everything else" and "remove everything except nginx and redis": when every name kept is
 * a service, "everything" is the other services (their data kept), said as "remove all services
 * except nginx and postgres". Otherwise the request is returned as it was (and the guard judges
 * it: a wipe). "remove sudo from everyone except alice" is user-frame.ts `sudoExcept`'s alone
 * (review 22 MED-9: it was read here too, by other rules).
 */
export function everyoneElse(message: string, services: readonly string[]): string {
  const keep = KEEP_ELSE.exec(message);
  if (keep) {
    const kept = namesIn(keep[1] ?? keep[2]!);
    if (kept.every((k) => services.some((s) => s.toLowerCase() === k))) return `remove all services except ${kept.join(' and ')}`;
  }
  return message;
}
