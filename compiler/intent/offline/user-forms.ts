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
    'the a an and or it them user users account accounts acct login logins group groups sudo admin me us you him her his their they she he no not with without only just also too please pls new key keys ssh root my our for to in into from of on as this that is are be member members people everyone everybody access give grant make put let set get create add remove delete called named here there shell password one some someone somebody who which needs need wants want should can could will would so then thanks hi hello hey ok docker linux unix normal regular standard local system server box machine host rights privileges ci first second third fourth last other next same main default old existing current previous former latter each every'
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
    'revoke close terminate delete remove erase deactivate disable get rid kill offboard deprovision wipe entirely completely fully now anymore any more longer works work here left quit gone ' +
    "but don doesn isn shouldn wouldn won has have doesn't doesnt does isn't isnt is not with us company team job anyway since today yesterday s t"
  ).split(/\s+/),
);
const RELATION_WORDS = new Set('new old best good dear little big younger older junior senior friend buddy pal mate colleague coworker co-worker teammate team member cousin brother sister partner wife husband son daughter dad mom mum father mother uncle aunt nephew niece intern contractor freelancer consultant hire employee guy girl dev developer designer student client customer roommate flatmate neighbour neighbor boss manager engineer sysadmin tester'.split(' '));

const isName = (n: string | undefined, serviceNames: readonly string[]): n is string => n !== undefined && !NOT_A_NAME.has(n) && !RELATION_WORDS.has(n) && !serviceNames.includes(n) && !/^\d/.test(n);

/** sudo said of one person: true, false (negated), or undefined. */
function sudoOf(t: string): boolean | undefined {
  if (/\b(?:no|without|not|never|non|nor)\s*-?\s*(?:sudo|admin|root)\b|\b(?:don'?t|do\s+not|shouldn'?t|should\s+not|must\s+not|mustn'?t|never)\s+(?:\w+\s+){0,3}?(?:sudo|admin|root)\b|\b(?:sudo|admin)\s*:\s*(?:no|false|n|off)\b/.test(t)) return false;
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
  if (!/\b(?:revoke|close|terminate|delete|remove|erase|deactivate|disable|get\s+rid\s+of|offboard|deprovision|wipe)\b/.test(t)) return undefined;
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

/** The accounts a request adds or removes, or undefined when it says anything else. */
export function accountsSaid(message: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): AccountsSaid | undefined {
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
  if (!new RegExp(String.raw`\b${ACCOUNT}\b|\b(?:useradd|adduser|log\s+in)\b`).test(t) && !/\bssh\s+access\b|\(\s*(?:no\s+)?(?:sudo|admin)\s*\)/.test(t) && !key && !(/^\s*(?:please\s+|pls\s+)?(?:add|create)\s+[a-z_]/.test(t) && /\b(?:sudo|admin)\b/.test(t))) return undefined;
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
      new RegExp(String.raw`^\s*(?:(?:please|pls|can\s+you|could\s+you)\s+)*(?:add|create|make|set\s*up|useradd|adduser)\s+(?:(?:a|an|the)\s+)?(?:(?:new|linux|unix|shell)\s+)?(?:user|account|login)?\s*${Q}${NAME}${Q}(?=\s|,|$)`),
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
