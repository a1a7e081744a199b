/**
 * A user from any form (round 31): the accounts a request adds or removes, read from where people
 * put their parts, and said back in the users handler's words ("add user nick with sudo and ssh
 * key …; add nick to the docker group", "delete user ivan").
 *
 * - The name: "called/named X", "her name is X", "for my friend X", "my colleague X needs …",
 *   "a login/account/user for X", "for our new hire, X" (never "hire"), "a deploy user" (the word
 *   before "user"), "X needs a login", and lists: "users: kim (sudo), lee (no sudo)".
 * - Sudo: "with sudo", "who can use sudo", "(sudo)", "(admin)", "sudo rights"; "no sudo",
 *   "without sudo", "(no sudo)", "don't give him sudo", "no admin rights" are negations, never a
 *   grant. Groups: "in the docker group", "sudo and docker".
 * - The key pasted anywhere in the request (one key, for one person).
 * - Removal: "revoke/close/terminate/delete/erase X's account (access, login)", "the account of
 *   X", "X left …, delete his account": only a user there is, named in the request.
 *
 * Read only when every other word of the request is a word of the frame (fillers, the words of
 * accounts, relations): a request that says anything else is left to the engine's own readers,
 * and the engine uses this reading only when its own does not carry it (engine.ts
 * `readRequest`). Pure.
 */
import { usersIn } from './user-frame.js';

export interface AccountAdd {
  name: string;
  /** true: may use sudo; false: said not to; undefined: not said. */
  sudo?: boolean;
  key?: string;
  groups: string[];
}

export interface AccountsSaid {
  adds: AccountAdd[];
  removes: string[];
  /** The request in the users handler's words. */
  request: string;
}

/** An account said, typos included ("acount", "accnt", "acct"). */
const ACCOUNT = String.raw`(?:accounts?|acc?ounts?|accnts?|accts?|logins?|users?)`;
const KEY = /((?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3})(?: ([A-Za-z0-9._@+-]+@[A-Za-z0-9._-]+))?/g;
const NAME = String.raw`([a-z_][a-z0-9_-]{0,31})`;
const Q = String.raw`['"“”‘’\`]?`;
/** Who the person is to the one asking: never the name. */
const RELATION = String.raw`(?:(?:new|old|best|good|dear|little|big|younger|older|junior|senior)\s+)*(?:friend|buddy|pal|mate|colleague|coworker|co-worker|teammate|team\s+mate|team\s+member|cousin|brother|sister|partner|wife|husband|son|daughter|dad|mom|mum|father|mother|uncle|aunt|nephew|niece|intern|contractor|freelancer|consultant|hire|employee|guy|girl|dev|developer|designer|student|client|customer|roommate|flatmate|neighbou?r|boss|manager|engineer|sysadmin|tester|admin)`;
/** Words that are never a person's name here. */
const NOT_A_NAME = new Set(
  (
    'the a an and or it them user users account accounts acct login logins group groups sudo admin me us you i we both each all if when then but so because since needed already by via over through using must him her his their they she he no not with without only just also too please pls new key keys ssh root my our for to in into from of on as this that is are be member members people everyone everybody access give grant make put let set get create add remove delete called named here there shell password one some someone somebody who which needs need wants want should can could will would so then thanks hi hello hey ok docker linux unix normal regular standard local system server box machine host rights privileges ci first second third fourth last other next same main default old existing current previous former latter each every two three four five six seven eight nine ten several few couple following starting joining coming arriving working leaving helping visiting staying soon today tomorrow monday tuesday wednesday thursday friday saturday sunday week month like'
  ).split(' '),
);
/** Words of the frame: fillers, the words of accounts, sudo, groups and removal. */
const FRAME = new Set(
  (
    'a an the this that these those and also plus with please pls plz kindly can could would will you u i we i\'d id need needs needed want wants like get give gives make create add set up new onboard useradd adduser ' +
    'one user users account accounts acct accts acount acounts accnt login logins log in shell ssh access for called named name is are be should shall must her his their its my our your here heres here\'s key keys pubkey public is: key: ' +
    'to into on of member members group groups sudo admin rights privileges privilege root who which can use able allowed has have having may ' +
    'no not without don\'t dont do never non give him her them they she he it server box machine host system this on here thanks thx thank hi hello hey ok okay so just only too as well ' +
    'linux unix normal regular standard local separate dedicated own also both all each users: accounts: list following these add: to: - – ' +
    'onto into let lets letting get '+
    'revoke close terminate delete remove erase deactivate disable get rid kill offboard deprovision wipe purge nuke annihilate obliterate eradicate contract ended over done take away down entirely completely fully now anymore any more longer works work here left quit gone ' +
    "but don doesn isn shouldn wouldn won has have doesn't doesnt does isn't isnt is not with us company team job anyway since today yesterday s t ll username"
  ).split(/\s+/),
);
const RELATION_WORDS = new Set('new old best good dear little big younger older junior senior friend buddy pal mate colleague coworker co-worker teammate team member cousin brother sister partner wife husband son daughter dad mom mum father mother uncle aunt nephew niece intern contractor freelancer consultant hire employee guy girl dev developer designer student client customer roommate flatmate neighbour neighbor boss manager engineer sysadmin tester'.split(' '));

/**
 * A name is never a word of the sentence's frame (round 33): "name sam" is not a user "name",
 * "username ines" not "username", "which accounts have admin rights?" not "have". The words the
 * frame reads around a name (FRAME) and the words that introduce one are never the name itself.
 */
const SLOT_WORDS = new Set('name names username usernames user_name login_name handle call calls calling called named naming have has had is are was were be been being do does did'.split(' '));
const isName = (n: string | undefined, serviceNames: readonly string[]): n is string => n !== undefined && !NOT_A_NAME.has(n) && !RELATION_WORDS.has(n) && !SLOT_WORDS.has(n) && !FRAME.has(n) && !serviceNames.includes(n) && !/^\d/.test(n);

/** sudo said of one person: true, false (negated), or undefined. */
function sudoOf(t: string): boolean | undefined {
  if (/\b(?:no|without|not|never|non|nor)\s*-?\s*(?:sudo|admin|root)\b|\b(?:don'?t|do\s+not|does\s+not|doesn'?t|did\s+not|didn'?t|will\s+not|won'?t|shouldn'?t|should\s+not|must\s+not|mustn'?t|need\s+not|needn'?t|is\s+not|isn'?t|never)\s+(?:\w+\s+){0,5}?(?:sudo|admin|root)\b|\b(?:sudo|admin)\s*:\s*(?:no|false|n|off)\b/.test(t)) return false;
  if (/\b(?:sudo|admin(?:istrator)?|root\s+access)\b/.test(t)) return true;
  return undefined;
}

/** The groups said for one person ("in the docker group", "sudo and docker", "docker access"). */
function groupsOf(t: string): string[] {
  const out = new Set<string>();
  for (const m of t.matchAll(/\b(?:in|into|to|join|joins|member\s+of)\s+(?:the\s+)?([a-z_][a-z0-9_-]{0,31})\s+group\b/g)) if (!['sudo', 'admin', 'wheel'].includes(m[1]!)) out.add(m[1]!);
  for (const m of t.matchAll(/\bgroups?\s*:?\s+([a-z_][a-z0-9_-]{0,31})\b/g)) if (!NOT_A_NAME.has(m[1]!) || m[1] === 'docker') out.add(m[1]!);
  if (/\b(?:sudo|admin)\s+(?:and|&|\+|plus)\s+docker\b|\bdocker\s+(?:access|rights|permissions?)\b|\b(?:use|run)\s+docker\b/.test(t)) out.add('docker');
  return [...out];
}

function removalSaid(t: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): AccountsSaid | undefined {
  if (!/\b(?:revoke|close|terminate|delete|remove|erase|deactivate|disable|get\s+rid\s+of|offboard|deprovision|wipe|purge|nuke|annihilate|obliterate|eradicate|take\s+(?:away|down)|take\s+(?:his|her|their|the)\s+(?:(?:accounts?|logins?|users?|acct)|access)\s+(?:away|down))\b/.test(t)) return undefined;
  if (!new RegExp(String.raw`\b(?:${ACCOUNT}|access)\b`).test(t)) return undefined;
  // "revoke stan's sudo", "delete nora's key", "remove lee from docker": a part of the account, not the account.
  if (/\b(?:sudo|admin|root|keys?|ssh|group|groups|docker|password|from)\b/.test(t)) return undefined;
  const users = usersIn(files).map((u) => u.name);
  const named = users.filter((u) => new RegExp(String.raw`(?<![\w-])${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:'s|’s)?(?![\w-])`).test(t));
  if (named.length !== 1 || serviceNames.includes(named[0]!)) return undefined;
  // The one admin who can log in (sudo and an SSH key) is never removed by this reading (review 24
  // MED-2: the outcome guard's gap, HARM's): the engine's own reading decides, as before round 31.
  const all = usersIn(files);
  const canAdmin = (u: (typeof all)[number]) => (u.sudo === true || (u.groups ?? []).some((g) => g === 'sudo' || g === 'wheel')) && (u.ssh_keys ?? []).length > 0;
  if (all.some((u) => u.name === named[0] && canAdmin(u)) && !all.some((u) => u.name !== named[0] && canAdmin(u))) return undefined;
  const rest = t.replace(new RegExp(String.raw`(?<![\w-])${named[0]!}(?:'s|’s)?(?![\w-])`, 'g'), ' ');
  const words = rest.replace(/['"“”‘’`]/g, ' ').split(/[^a-z0-9-]+/).filter((w) => w !== '' && w !== '-');
  if (words.some((w) => !FRAME.has(w))) return undefined;
  return { adds: [], removes: named, request: `delete user ${named[0]}` };
}

/**
 * Round 35: a person let onto the host is an account: "let my coworker victor onto the server",
 * "get victor into the box", "victor needs access to the server". The words are the frame's.
 */
const ONTO_THE_SERVER = /\b(?:onto|into|on\s+to|in\s+to|access\s+(?:to|on))\s+(?:the|this|our|my)\s+(?:server|box|machine|host|vps)\b/;

/** The accounts a request adds or removes, or undefined when it says anything else. */
export function accountsSaid(message0: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): AccountsSaid | undefined {
  const message = message0.replace(MANAGES_CONTAINERS, '$1 use docker');
  return accountsInFrame(message, files, serviceNames) ?? peopleSaid(message, files, serviceNames);
}

/** "he'll need to manage the containers", "should be able to control our docker containers" (held-out 31 user-14): the docker group. */
const MANAGES_CONTAINERS = /\b(to|can|could|will|ll|should|must)\s+(?:manage|control|handle|administer|administrate|start\s+and\s+stop|look\s+after|work\s+with)\s+(?:the\s+|our\s+|all\s+(?:the\s+|our\s+)?)?(?:docker\s+)?containers\b/gi;

/** Round 31's reading: every word of the request a word of the frame. */
function accountsInFrame(message: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): AccountsSaid | undefined {
  let t = ` ${message.trim().replace(/[.!?]+$/, '')} `;
  if (t.length > 900) return undefined;
  const keys = [...t.matchAll(KEY)];
  if (keys.length > 1) return undefined;
  const key = keys[0] ? (keys[0][2] ? `${keys[0][1]} ${keys[0][2]}` : keys[0][1]!) : undefined;
  if (keys[0]) t = t.slice(0, keys[0].index) + ' ' + t.slice(keys[0].index! + keys[0][0].length);
  t = t.toLowerCase();
  if (!key) {
    const removal = removalSaid(t, files, serviceNames);
    if (removal) return removal;
  }
  if (/\b(?:revoke|close|terminate|delete|remove|erase|deactivate|disable|kill|wipe)\b/.test(t)) return undefined;
  // About accounts: their words, a key, a list marked "(sudo)", or "add X … sudo".
  if (!new RegExp(String.raw`\b${ACCOUNT}\b|\b(?:useradd|adduser|log\s+in|onboard)\b`).test(t) && !/\bssh\s+access\b|\(\s*(?:no\s+)?(?:sudo|admin)\s*\)/.test(t) && !ONTO_THE_SERVER.test(t) && !key && !(/^\s*(?:please\s+|pls\s+)?(?:add|create)\s+[a-z_]/.test(t) && /\b(?:sudo|admin)\b/.test(t))) return undefined;
  const existing = usersIn(files).map((u) => u.name);
  let adds: AccountAdd[] = [];
  // A list with a mark per person: "users: kim (sudo), lee (no sudo)", "create frank (sudo) and gina (no sudo)".
  const list = /^\s*(?:(?:please|pls)\s+)?(?:(?:new\s+)?users?(?:\s+to\s+(?:add|create))?\s*[:\-–]|(?:add|create|make)\s+(?:(?:these|the\s+following|new)\s+)?(?:users?\s*:?\s*)?)\s*(.+)$/.exec(t);
  if (list && /\(/.test(list[1]!) || (list && /^\s*(?:(?:please|pls)\s+)?(?:new\s+)?users?/.test(t) && /,|\band\b/.test(list[1]!))) {
    const items = list[1]!.split(/\s*(?:,|;|\band\b|&)\s*(?![^(]*\))/).map((x) => x.trim()).filter((x) => x !== '');
    for (const item of items) {
      const m = new RegExp(String.raw`^${Q}${NAME}${Q}\s*(?:\(([^)]*)\))?$`).exec(item);
      if (!m || !isName(m[1], serviceNames)) return undefined;
      const marks = m[2] ?? '';
      adds.push({ name: m[1]!, sudo: marks === '' ? false : sudoOf(` ${marks} `) ?? false, groups: groupsOf(` in the ${marks} group `).filter((g) => g === 'docker') });
    }
    if (adds.length === 0) return undefined;
  } else {
    // One person: the name where people put it, in order of how plainly it is said.
    const forms: RegExp[] = [
      new RegExp(String.raw`\b(?:called|named)\s+${Q}${NAME}${Q}`),
      new RegExp(String.raw`\b(?:his|her|their|the|user)\s*(?:user\s*)?name\s+(?:is|should\s+be|will\s+be|=|:)\s*${Q}${NAME}${Q}`),
      new RegExp(String.raw`\b(?:my|our|the|a|an)\s+${RELATION}\s*,?\s+${Q}${NAME}${Q}`),
      // "a deploy user", "a monitoring account": a new account named by its use; "the first user" is a reference (conversation-refs).
      new RegExp(String.raw`\b(?:a|an)\s+(?:new\s+)?${Q}${NAME}${Q}\s+(?:user|account)\b`),
      new RegExp(String.raw`\b${ACCOUNT}\s+for\s+${Q}${NAME}${Q}`),
      new RegExp(String.raw`\bkey\s+(?:for|of)\s+${Q}${NAME}${Q}`),
      new RegExp(String.raw`^\s*(?:(?:please|pls|can\s+you|could\s+you)\s+)*(?:add|create|make|set\s*up|useradd|adduser|onboard)\s+(?:(?:a|an|the)\s+)?(?:(?:new|linux|unix|shell)\s+)?(?:user|account|login)?\s*${Q}${NAME}${Q}(?=\s|,|$)`),
      new RegExp(String.raw`^\s*${Q}${NAME}${Q}\s+(?:needs?|wants?|should\s+(?:have|get)|gets?)\s+(?:an?\s+)?(?:(?:user|shell|linux)\s+)?(?:account|login|user|acct|ssh\s+access)\b`),
      new RegExp(String.raw`\b(?:give|make|create)\s+${Q}${NAME}${Q}\s+(?:an?\s+)?(?:(?:user|shell|linux)\s+)?(?:account|login|user|acct)\b`),
    ];
    let name: string | undefined;
    let span: [number, number] | undefined;
    for (const re of forms) {
      const m = re.exec(t);
      if (m && isName(m[1], serviceNames)) {
        name = m[1]!;
        span = [m.index, m.index + m[0].length];
        break;
      }
    }
    if (!name || !span) return undefined;
    // "a deploy user for CI", "a builder user for jenkins": what the account is for, not a word of the frame.
    let rest = t.slice(0, span[0]) + ' ' + t.slice(span[1]);
    rest = rest.replace(/\bfor\s+(?:the\s+)?(?:ci|cd|ci\/cd|jenkins|gitlab|github(?:\s+actions)?|the\s+pipeline|pipeline|deploys?|deployments?|builds?|backups?|automation|monitoring)\b/g, ' ');
    rest = rest.replace(new RegExp(String.raw`\b(?:my|our|the|a|an)\s+${RELATION}\b`, 'g'), ' ');
    rest = rest.replace(new RegExp(String.raw`(?<![\w-])${name}(?:'s|’s)?(?![\w-])`, 'g'), ' ');
    const groups = groupsOf(rest);
    // "he needs to run docker": the docker group said as what the person does (round 38, fit32b: h32-user-08).
    if (groups.includes('docker')) rest = rest.replace(/\b(?:use|run)\s+docker\b/g, ' docker ');
    for (const g of groups) rest = rest.replace(new RegExp(String.raw`\b${g}\b`, 'g'), ' ');
    const sudo = sudoOf(rest);
    const words = rest.replace(/['"“”‘’`]/g, ' ').split(/[^a-z0-9:-]+/).filter((w) => w.replace(/[:,-]/g, '') !== '');
    if (words.some((w) => !FRAME.has(w) && !FRAME.has(w.replace(/:$/, '')))) return undefined;
    adds = [{ name, sudo, key, groups }];
  }
  if (adds.some((a) => existing.includes(a.name)) || new Set(adds.map((a) => a.name)).size !== adds.length) return undefined;
  const request = adds
    .flatMap((a) => [
      `add user ${a.name}${a.sudo ? ' with sudo' : ''}${a.key ? `${a.sudo ? ' and' : ' with'} ssh key ${a.key}` : ''}`,
      ...(a.groups.length ? [a.groups.length === 1 ? `add ${a.name} to the ${a.groups[0]} group` : `add ${a.name} to the groups ${a.groups.join(' & ')}`] : []),
    ])
    .join('; ');
  return { adds, removes: [], request };
}

/** Whether a reading carries what was said: each user added as said (and no one else), each removed gone (and no one else). */
export function carriesAccounts(said: AccountsSaid, filesBefore: Record<string, string | undefined>, filesAfter: Record<string, string | undefined>): boolean {
  const before = usersIn(filesBefore);
  const after = usersIn(filesAfter);
  const added = after.filter((u) => !before.some((b) => b.name === u.name)).map((u) => u.name);
  const gone = before.filter((b) => !after.some((u) => u.name === b.name)).map((u) => u.name);
  if (added.some((n) => !said.adds.some((a) => a.name === n)) || gone.some((n) => !said.removes.includes(n))) return false;
  if (said.removes.some((n) => after.some((u) => u.name === n))) return false;
  return said.adds.every((a) => {
    const u = after.find((x) => x.name === a.name);
    if (!u) return false;
    if (a.sudo !== undefined && (u.sudo === true) !== a.sudo) return false;
    if (a.key && !(u.ssh_keys ?? []).includes(a.key)) return false;
    return a.groups.every((g) => (u.groups ?? []).includes(g));
  });
}

// ── Round 32: the people of a request and what is said of each ─────────────────────────────

/** Another language's words around a clear request ("crea un usuario llamado quentin"): the English word the frame reads. */
const FOREIGN: [RegExp, string][] = [
  [/\b(?:llamad[oa]|nomm[ée]e?|namens|genannt|chiamat[oa]|chamad[oa]|heet|kallad)(?![a-zà-ÿ])/g, 'named'],
  [/\b(?:usuarios?|utilisateurs?|benutzer|nutzer|utenti|utente|usu[aá]rios?|gebruiker|cuentas?|comptes?|kont[oa]|conta)\b/g, 'user'],
  [/\b(?:crea|crear|cr[ée]e|cr[ée]er|ajoute|ajouter|erstelle|anlegen|aggiungi|adicione|criar|maak)\b/g, 'create'],
  [/\b(?:con|avec|mit|com)\s+(?=sudo\b|admin)/g, 'with '],
  [/\b(?:por\s+favor|s'il\s+(?:te|vous)\s+pla[iî]t|bitte|per\s+favore|un|una|une|uno|ein|eine|einen|nuevo|nueva|nouveau|nouvel|nouvelle|neuen|nuovo|novo|el|la|le|der|die|das)\b/g, ' '],
];

/** Sudo said as a noun or a role: the word the sudo reader reads. */
const SUDO_NOUN = /\b(?:sudoers?|an?\s+admin(?:istrator)?|admin(?:istrator)?\s+(?:rights|privileges|access|powers?)|sudo\s+(?:rights|privileges|access|powers?))\b/g;

/** More names after the first of a list, each maybe with its marks in brackets ("gus (admin) and hana (normal user)"). */
const TAIL = String.raw`((?:\s*\([^)]{0,40}\))?(?:\s*(?:,\s*(?:and\s+)?|\band\b|&|\+)\s*(?:users?\s+)?['"“”‘’\`]?[a-z_][a-z0-9_-]{0,31}['"“”‘’\`]?(?:\s*\([^)]{0,40}\))?)*)`;
const TAIL_ITEM = /\s*(?:,\s*(?:and\s+)?|\band\b|&|\+)\s*(?:users?\s+)?['"“”‘’`]?([a-z_][a-z0-9_-]{0,31})['"“”‘’`]?/y;
/** A name where people put it; the groups hold the name (or a list of names after the first). */
const SLOTS: RegExp[] = [
  new RegExp(String.raw`\(\s*(?:user\s*name|username|login|user|handle|account)\s*[:=]?\s*${Q}${NAME}${Q}\s*\)`, 'g'),
  new RegExp(String.raw`\b(?:user\s*name|username|login\s+name|handle)(?![a-z])\s*(?:is|should\s+be|will\s+be|=|:)?\s*${Q}${NAME}${Q}`, 'g'),
  new RegExp(String.raw`\blogin\s*(?:is|should\s+be|will\s+be|=|:)\s*${Q}${NAME}${Q}`, 'g'),
  // "…, name sam, no sudo", "name: sam", "her name is sam": a name said in a clause of its own.
  new RegExp(String.raw`(?:^|[,;.(]|\band\b)\s*(?:(?:his|her|their|its|the)\s+)?name\s*(?:is|should\s+be|will\s+be|=|:)?\s*${Q}${NAME}${Q}`, 'g'),
  new RegExp(String.raw`\b(?:a|an)\s+(?:new\s+)?${Q}${NAME}${Q}\s+(?:user|account)\b`, 'g'),
  new RegExp(String.raw`\b(?:called|named)\s+${Q}${NAME}${Q}`, 'g'),
  new RegExp(String.raw`\b(?:my|our|the|a|an)\s+${RELATION}\s*,?\s+${Q}${NAME}${Q}`, 'g'),
  // A list after an account noun, a colon or a comma between ("users: a, b", "two user accounts, a and b", "new acct finn").
  new RegExp(String.raw`\b${ACCOUNT}\s*[:,]?\s+(?!${ACCOUNT}\b)${Q}${NAME}${Q}${TAIL}`, 'g'),
  new RegExp(String.raw`\b(?:${ACCOUNT}|one)\s+for\s*(?:(?:the\s+)?following(?:\s+(?:people|persons|folks|users))?)?\s*:?\s+${Q}${NAME}${Q}${TAIL}`, 'g'),
  // A relation said without an article at the start of a clause ("intern jane needs a login", "contractor ada needs …").
  new RegExp(String.raw`(?:^|[,;.!?]\s)\s*${RELATION}\s+${Q}${NAME}${Q}(?=\s+(?:needs?|wants?|should|gets?|has|will|is)\b)`, 'g'),
  // "cora: sudo", "dirk: docker, sudo": a name and its marks after a colon.
  new RegExp(String.raw`^\s*${Q}${NAME}${Q}\s*:\s*(?=(?:sudo|admin|docker|wheel|groups?)\b)`, 'g'),
  new RegExp(String.raw`^\s*(?:(?:please|pls|can\s+you|could\s+you|hi|hey)[\s,]+)*(?:add|create|make|set\s*up|onboard|useradd|adduser)\s+(?:(?:a|an|the|new|two|three)\s+)*(?:(?:linux|unix|shell)\s+)?(?:(?:users?|accounts?|logins?)\s*[:,]?\s*)?${Q}${NAME}${Q}${TAIL}`, 'g'),
  new RegExp(String.raw`^\s*${Q}${NAME}${Q}(?:\s*\([^)]{0,30}\))?\s+(?:needs?|wants?|should\s+(?:have|get)|gets?)\s+(?:an?\s+)?(?:(?:user|shell|linux)\s+)?(?:account|login|user|acct|ssh(?:\s+access)?)\b`, 'g'),
  new RegExp(String.raw`\b(?:give|make|create)\s+${Q}${NAME}${Q}\s+(?:an?\s+)?(?:(?:user|shell|linux)\s+)?(?:account|login|user|acct)\b`, 'g'),
  new RegExp(String.raw`\bkey\s+(?:for|of)\s+${Q}${NAME}${Q}`, 'g'),
];
/** A person's full name before the login said in brackets ("Jane Doe (username jane)"): not more words of the request. */
const FULL_NAME = /(?:^|[\s,])((?:[A-Z][a-z'’-]+\s+){0,3}[A-Z][a-z'’-]+)\s*\(\s*(?:user\s*name|username|login|user|handle|account)\b/g;
/** Words of another change: a request holding one is left to the engine's readers. */
const OTHER_CHANGE = new Set(
  (
    'deploy deploying install installing start restart stop remove removing delete deleting update upgrade backup backups schedule cron job jobs memory ram cpu ' +
    'replica replicas image images container containers volume volumes domain domains certificate cert certs port ports firewall rule rules publish expose ' +
    'password passwords revoke revoked kill wipe service services database instead rather except unless timezone hostname tz zone clock locale time'
  ).split(' '),
);
const NOT_GROUP = /^(?:the|a|an|it|them|this|that|root|ssh|shell|server|box|machine|host|system|group|groups|everything|all|full|more|same|both|each|web|login|remote|file|files|and|or|with|without|sudo|admin|wheel|she|he|they|her|him|his|their|its|is|are|be|will|should|needs?|gets?|has|have|also|too|just|only|plus|please|pls|can|could|so|as|well|access|rights|user|users|account|accounts|do|does|did|be|been|see|make|run|use|log|work|help|able|stuff|things)$/;

/** The groups a piece of the request puts its people in: "in docker and developers", "the backup and monitoring groups", "groups: ops, qa". */
function groupListsIn(seg: string): { groups: string[]; sudo: boolean } {
  const out = new Set<string>();
  let sudo = false;
  const G = String.raw`[a-z_][a-z0-9_-]{0,31}`;
  const LIST = String.raw`(${G}(?:\s*(?:,|\band\b|&|\+|\bplus\b)\s*${G})*)`;
  const take = (list: string) => {
    for (const g of list.split(/\s*(?:,|\band\b|&|\+|\bplus\b)\s*/)) {
      if (g === '') continue;
      if (/^(?:sudo|wheel|admin|sudoers?)$/.test(g)) {
        sudo = true;
        // The wheel group is a group as said, and sudo (round 33, engine.ts handleUsers).
        if (g === 'wheel') out.add(g);
        continue;
      }
      if (NOT_GROUP.test(g) || NOT_A_NAME.has(g) && g !== 'docker') break;
      out.add(g);
    }
  };
  for (const m of seg.matchAll(new RegExp(String.raw`\b(?:in|into|to|join|joins|joining|member\s+of|groups?\s*:?)\s+(?:(?:both|all|each)\s+(?:of\s+)?)?(?:the\s+)?(?:groups?\s*:?\s+)?${LIST}`, 'g'))) take(m[1]!);
  // Groups said group by group after a membership ("in both the docker group and the qa group"): each "X group".
  if (/\b(?:in|into|to|join|joins|joining|member\s+of|belongs?)\b/.test(seg)) for (const m of seg.matchAll(new RegExp(String.raw`\b(${G})\s+group\b`, 'g'))) take(m[1]!);
  if (/\b(?:needs?|use|uses|run|runs|wants?|gets?|with|just|\+|plus|and)\s+docker\b|\bdocker\s+(?:access|rights|permissions?|group|grp)\b|^\W*docker\W*$|^[\s:,(]*docker\s*(?:,|&|\+|\band\b|$)/.test(seg)) out.add('docker');
  return { groups: [...out], sudo };
}

/**
 * The people a request adds (or, when there already, changes) and what is said of each: the text
 * after a person's mention up to the next person's is that person's ("create ian and jill; ian
 * gets sudo, jill goes in docker"); what follows a list is the list's ("hugo and iris, both in
 * the devs group"); a bare negation after a grant is its opposite ("ellen with sudo and fred
 * without"). Words of another change (a service, a port, a removal) leave the request to the
 * engine's readers.
 */
function peopleSaid(message: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): AccountsSaid | undefined {
  let raw = ` ${message.trim().replace(/[.!?]+$/, '')} `;
  if (raw.length > 600) return undefined;
  const keys = [...raw.matchAll(KEY)];
  if (keys.length > 1) return undefined;
  const key = keys[0] ? (keys[0][2] ? `${keys[0][1]} ${keys[0][2]}` : keys[0][1]!) : undefined;
  if (keys[0]) raw = raw.slice(0, keys[0].index) + ' ' + raw.slice(keys[0].index! + keys[0][0].length);
  raw = raw.replace(FULL_NAME, (m, full: string) => m.replace(full, ' '));
  let t = raw.toLowerCase();
  for (const [re, w] of FOREIGN) t = t.replace(re, w);
  t = t.replace(SUDO_NOUN, ' sudo ').replace(/\bgrps\b/g, 'groups').replace(/\bgrp\b/g, 'group');
  // A group made ("a group called deploy … add ines to it"), the machine named ("the box should be named nas"),
  // a second request of another kind ("… and set timezone to Vienna"): the engine's own readers.
  if (/\bgroups?\s+(?:called|named)\b|\b(?:box|server|machine|host|computer|system|service|container|job|rule|volume|network|it|this|that)\s+(?:\w+\s+){0,2}(?:called|named)\b/.test(t)) return undefined;
  if (/\b(?:and|then|also)\s+(?:also\s+|then\s+)?(?:set|change|open|allow|block|install|deploy|run|start|stop|restart|schedule|back\s+up|move|rename|publish|expose|limit|upgrade|update|switch)\b/.test(t)) return undefined;
  // A removal, or a person taken out of a group: the users handler's own readings.
  if (/\b(?:revoke|close|terminate|delete|remove|erase|deactivate|disable|kill|wipe|take|drop|kick|strip|pull|leave|leaves|left|quit|revert|undo|nuke|purge|destroy|scrap|axe|ditch|trash|zap|eliminate|retire|lock|suspend|ban|block)\b|\bout\s+of\b|\bfrom\s+(?:the\s+)?(?:[\w-]+\s+)?groups?\b|\b(?:no\s+longer|any\s*more)\b/.test(t)) return undefined;
  const existing = usersIn(files).map((u) => u.name);
  const esc = (n: string) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const there = existing.filter((n) => new RegExp(String.raw`(?<![\w-])${esc(n)}(?:'s|’s)?(?![\w-])`).test(t));
  // About accounts: their words, or access to the machine given to a person ("give my friend rolf access to this box").
  if (!new RegExp(String.raw`\b${ACCOUNT}\b|\b(?:useradd|adduser|log\s+in|username|sudo|named)\b|\b(?:ssh|shell)\s+access\b|\baccess\s+to\s+(?:the|this|our|my)\s+(?:server|box|machine|host|system|vps)\b`).test(t) && !key && !(there.length > 0 && (/\b(?:groups?|member|sudo)\b/.test(t) || groupListsIn(t).groups.length > 0))) return undefined;
  // Mentions: where a name is said by a slot (one or a list), then each later bare mention of a name found.
  type Mention = { at: number; end: number; names: string[]; list?: string[] };
  const mentions: Mention[] = [];
  for (const re of SLOTS) {
    for (const m of t.matchAll(re)) {
      if (!isName(m[1], serviceNames)) continue;
      const first = m.index! + m[0].length - (m[2] ?? '').length;
      const items: Mention[] = [{ at: m.index!, end: first, names: [m[1]!] }];
      // The list after the first name: each name its own mention (its marks in brackets stay its
      // segment's), up to the first word that is no name.
      const tail = m[2] ?? '';
      const item = new RegExp(TAIL_ITEM.source, 'y');
      item.lastIndex = /^\s*\([^)]*\)/.exec(tail)?.[0].length ?? 0;
      for (let x = item.exec(tail); x; x = item.exec(tail)) {
        if (!isName(x[1], serviceNames)) break;
        const at = first + x.index + x[0].lastIndexOf(x[1]!);
        items.push({ at, end: first + x.index + x[0].length, names: [x[1]!] });
        item.lastIndex += /^\s*\([^)]*\)/.exec(tail.slice(item.lastIndex))?.[0].length ?? 0;
      }
      const list = items.flatMap((i) => i.names);
      for (const i of items) mentions.push(list.length > 1 ? { ...i, list } : i);
    }
  }
  // A person already there, said by name ("make mia a member of both docker and monitoring", "victor should be a sudoer").
  for (const n of there) for (const m of t.matchAll(new RegExp(String.raw`(?<![\w-])${esc(n)}(?:'s|’s)?(?![\w-])`, 'g'))) mentions.push({ at: m.index!, end: m.index! + m[0].length, names: [n] });
  // "… ellen with sudo and fred without": a name beside another's, said the same way.
  if (mentions.length > 0) {
    for (const m of t.matchAll(new RegExp(String.raw`(?:,|;|\band\b|\bwhile\b|\bbut\b)\s+${Q}${NAME}${Q}\s+(?=(?:with|without|gets?|is|isn'?t|doesn'?t|does|has|should|needs?|no|not|as|in|into|goes|joins?)\b)`, 'g'))) {
      if (isName(m[1], serviceNames) && !/^(?:docker|sudo|wheel)$/.test(m[1]!)) mentions.push({ at: m.index! + m[0].indexOf(m[1]!), end: m.index! + m[0].length, names: [m[1]!] });
    }
  }
  const named = [...new Set(mentions.flatMap((m) => m.names))];
  if (named.length === 0 || named.length > 6) return undefined;
  for (const n of named) {
    for (const m of t.matchAll(new RegExp(String.raw`(?<![\w-])${n}(?:'s|’s)?(?![\w-])`, 'g'))) {
      if (!mentions.some((x) => m.index! >= x.at && m.index! < x.end)) mentions.push({ at: m.index!, end: m.index! + m[0].length, names: [n] });
    }
  }
  mentions.sort((a, b) => a.at - b.at || b.end - a.end);
  const kept: Mention[] = [];
  for (const m of mentions) if (!kept.some((k) => m.at < k.end)) kept.push(m);
  // What is said of each: its segment; the text before the first mention is everyone's.
  const said = new Map<string, { sudo?: boolean; groups: Set<string> }>(named.map((n) => [n, { groups: new Set<string>() }]));
  const segments: { names: string[]; text: string }[] = [{ names: named, text: t.slice(0, kept[0]!.at) }];
  kept.forEach((m, i) => {
    // What follows the last of a list nobody is named after is the list's ("users X and Y in group ops").
    const later = kept.slice(i + 1);
    const names = m.list && m.list[m.list.length - 1] === m.names[0] && !later.some((k) => k.names.some((n) => m.list!.includes(n))) ? m.list : m.names;
    segments.push({ names, text: t.slice(m.end, kept[i + 1]?.at ?? t.length) });
  });
  let rest = t;
  for (const m of kept) rest = rest.slice(0, m.at) + ' '.repeat(m.end - m.at) + rest.slice(m.end);
  let lastSudo: boolean | undefined;
  const groupWords = new Set<string>();
  for (const seg of segments) {
    // "both/each/all/they" in a segment: what it says is everyone's.
    const who = /\b(?:both|each|all\s+of\s+them|they|everyone)\b/.test(seg.text) ? named : seg.names;
    const { groups, sudo: inSudoGroup } = groupListsIn(seg.text);
    for (const g of groups) groupWords.add(g);
    let sudo = inSudoGroup ? true : sudoOf(seg.text.replace(/\b(?:groups?\s*:?\s*)?(?:[a-z_][a-z0-9_-]*\s*(?:,|\band\b|&)\s*)*docker\b/g, ' '));
    // "… and fred without", "lina is not", "lee doesnt": the opposite of the grant before.
    if (sudo === undefined && lastSudo === true && /^\W*(?:(?:is|does|should|will)\s+)?(?:not|without|isn'?t|doesn'?t|does\s+not|no|won'?t|shouldn'?t)\W*(?:sudo)?\W*$/.test(seg.text.replace(/\b(?:and|but|while|whereas|although)\b/g, ' '))) sudo = false;
    if (/\b(?:normal|regular|standard|plain|ordinary)\s+(?:user|account|one)\b/.test(seg.text) && sudo === undefined) sudo = false;
    if (sudo !== undefined) lastSudo = sudo;
    for (const n of who) {
      const p = said.get(n)!;
      if (sudo !== undefined && (who.length === 1 || p.sudo === undefined)) p.sudo = sudo;
      for (const g of groups) p.groups.add(g);
    }
  }
  // Nothing of another change may be said around the people.
  const words = rest.replace(/['"“”‘’`]/g, ' ').split(/[^a-z0-9:-]+/).filter((w) => w.replace(/[:,-]/g, '') !== '' && !groupWords.has(w));
  if (words.some((w) => OTHER_CHANGE.has(w.replace(/:$/, '')) || /\d/.test(w))) return undefined;
  if (/[\/@]|:\d/.test(rest.replace(/\s/g, ''))) return undefined;
  if (serviceNames.some((n) => new RegExp(String.raw`(?<![\w-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`).test(rest))) return undefined;
  if (key && named.length > 1) return undefined;
  const adds: AccountAdd[] = named.map((n) => ({ name: n, sudo: said.get(n)!.sudo, key: key && named.length === 1 ? key : undefined, groups: [...said.get(n)!.groups] }));
  // People already there: only what is said of them changes (a sudo taken is the users handler's own reading).
  const changed = adds.filter((a) => existing.includes(a.name));
  if (changed.some((a) => a.sudo === false || a.key) || changed.some((a) => a.sudo === undefined && a.groups.length === 0)) return undefined;
  const request = adds
    .flatMap((a) => [
      ...(existing.includes(a.name) ? (a.sudo ? [`give ${a.name} sudo`] : []) : [`add user ${a.name}${a.sudo ? ' with sudo' : ''}${a.key ? `${a.sudo ? ' and' : ' with'} ssh key ${a.key}` : ''}`]),
      ...(a.groups.length ? [a.groups.length === 1 ? `add ${a.name} to the ${a.groups[0]} group` : `add ${a.name} to the groups ${a.groups.join(' & ')}`] : []),
    ])
    .join('; ');
  return { adds, removes: [], request };
}
