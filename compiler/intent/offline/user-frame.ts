/**
 * A user as a frame (round 29): its slots — name, SSH key, groups, sudo — read from where they
 * are said, in any order: the key after "key:", "her/his/their key (is)", "here's her key", "with
 * this key", or pasted on its own after the name; the groups after "groups:", "in the … group(s)",
 * "member of the … group", "with groups a,b"; sudo as "with sudo", "sudo: yes", "and give him
 * sudo". The frame is said back in the one form the users handler reads ("add user nina with ssh
 * key …; add nina to the groups www-data & docker").
 *
 * Read only when every word of the request is a slot or a word of the frame ("add", "user",
 * "her", "key", "groups", "please"): anything else is left to the engine's own readers, and the
 * engine uses the frame's reading only when its own does not carry every slot (engine.ts
 * `runOfflineEngine`).
 *
 * Two references to users are resolved here too, never guessed:
 * - a user named by a prefix or a nickname ("al", "rob", "will") that is no user but could be one
 *   or more users there are ("alice", "alex") asks which one (`userByPrefix`), and the answer
 *   completes the request;
 * - "remove sudo from everyone except alice", "only alice keeps sudo": sudo is taken from every
 *   other user who has it (`sudoExcept`); when none of those kept has sudo, it asks (nobody would).
 * Pure.
 */
import { parse } from 'yaml';

export interface UserFrame {
  name: string;
  key?: string;
  groups: string[];
  sudo: boolean;
  /** The request as the users handler reads it. */
  request: string;
}

interface User {
  name: string;
  sudo?: boolean;
  groups?: string[];
  ssh_keys?: string[];
}

const KEY = /((?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3})(?: ([A-Za-z0-9._@+-]+@[A-Za-z0-9._-]+))?/;
const Q = String.raw`['"“”‘’\`]`;
const PERSON = String.raw`([a-z_][a-z0-9_-]{0,31})`;
/** Words that are never a person's name here. */
const NOT_A_NAME = /^(?:the|a|an|and|or|it|them|user|users|account|accounts|login|group|groups|sudo|admin|me|us|you|him|her|his|their|they|no|not|with|without|only|just|also|too|please|pls|new|key|keys|ssh|root|my|our|for|to|in|into|from|of|on|as|this|that|is|are|be|member|members|people|everyone|everybody|access|give|grant|make|put|let|set|get|create|add|remove|delete|called|named|here|there|shell|password|one|some|someone|somebody|key:)$/;
/** Words of the frame itself. */
const FRAME_WORDS = new Set(
  (
    'a an the this that and also plus with please pls kindly new add create make set up onboard useradd adduser user account login for called named name ' +
    "her his their its my key keys pubkey public ssh is here here's heres this: groups group in into to the member members of put him her them they she he give grant " +
    'sudo admin yes true y should be needs need an as well too access rights privileges account: user: - and, on it system box server machine s'
  ).split(/\s+/),
);

export function usersIn(files: Record<string, string | undefined>): User[] {
  try {
    return ((parse(files['security.yaml'] ?? '') ?? {}).spec?.users ?? []) as User[];
  } catch {
    return [];
  }
}

/** The groups a request names, and the spans they take. */
function groupsIn(t: string): { groups: string[]; spans: [number, number][] } {
  const G = String.raw`[a-z_][a-z0-9_-]{0,31}`;
  const STOP = /^(?:with|key|ssh|sudo|and|the|please|pls|too|also|no|as|her|his|their|a|an|for|of|called|named|yes)$/;
  const groups: string[] = [];
  const spans: [number, number][] = [];
  const forms = [
    new RegExp(String.raw`\b(?:with\s+)?groups?\s*:?\s+(${G}(?:\s*(?:,|&|\+|\band\b)\s*${G})*)`, 'gi'),
    new RegExp(String.raw`\b(?:in|into|to|join|joins|member\s+of)\s+(?:the\s+)?(?:groups?\s+)?(${G}(?:\s*(?:,|&|\+|\band\b)\s*${G})*)\s+groups?\b`, 'gi'),
    new RegExp(String.raw`\b(?:member\s+of|in|into)\s+(?:the\s+)?groups?\s+(${G})`, 'gi'),
  ];
  for (const re of forms) {
    for (const m of t.matchAll(re)) {
      const items = m[1]!.split(/\s*(?:,|&|\+|\band\b)\s*/i).map((g) => g.toLowerCase());
      const kept: string[] = [];
      for (const g of items) {
        if (STOP.test(g)) break;
        kept.push(g);
      }
      if (kept.length === 0) continue;
      groups.push(...kept);
      // The span ends after the last group kept (a "key …" after a comma is another slot).
      const last = kept[kept.length - 1]!;
      const end = m.index! + m[0].toLowerCase().lastIndexOf(last) + last.length;
      const tail = t.slice(end).match(/^\s+groups?\b/i)?.[0] ?? '';
      spans.push([m.index!, end + tail.length]);
    }
  }
  return { groups: [...new Set(groups)], spans };
}

/**
 * The request read as one user's frame (a name and at least one of key, groups, sudo), or
 * undefined when it says anything else.
 */
export function userFrame(message: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): UserFrame | undefined {
  let t = ` ${message.trim().replace(/[.!]+$/, '')} `;
  if (t.length > 900 || /\b(?:remove|delete|revoke|take|strip|drop|no|not|without|never|except|but|only)\b/i.test(t)) return undefined;
  const k = KEY.exec(t);
  let key: string | undefined;
  if (k) {
    key = k[2] ? `${k[1]} ${k[2]}` : k[1]!;
    t = t.slice(0, k.index) + ' ' + t.slice(k.index + k[0].length);
    if (KEY.test(t)) return undefined;
  }
  const { groups, spans } = groupsIn(t);
  for (const [a, b] of [...spans].sort((x, y) => y[0] - x[0])) t = t.slice(0, a) + ' ' + t.slice(b);
  const sudoSaid = /\bsudo\s*:\s*(?:yes|true|y|on)\b|\b(?:with|and|plus|\+|gets?|needs?|give\s+(?:him|her|them)|grant\s+(?:him|her|them))\s+(?:sudo|admin(?:\s+rights)?)\b|\bas\s+an?\s+admin\b/i;
  const sudo = sudoSaid.test(t);
  t = t.replace(new RegExp(sudoSaid.source, 'gi'), ' ');
  const forms = [
    new RegExp(String.raw`^\s*(?:please\s+|pls\s+)?(?:useradd|adduser)\s+${Q}?${PERSON}${Q}?`, 'i'),
    new RegExp(String.raw`^\s*(?:please\s+|pls\s+)?(?:add|create|make|set\s*up|onboard)\s+(?:(?:a|an)\s+)?(?:new\s+)?(?:(?:user|account|login)\s+)?(?:for\s+)?${Q}?${PERSON}${Q}?(?=\s*(?:[,.;:]|\s-\s|$|\s(?:with|in|into|to|member|and)\b))`, 'i'),
    new RegExp(String.raw`^\s*(?:new\s+)?(?:user|account|login)\s*:?\s*${Q}?${PERSON}${Q}?(?=\s*(?:[,.;:]|$|\s(?:with|in|member|and)\b))`, 'i'),
    new RegExp(String.raw`^\s*${Q}?${PERSON}${Q}?\s+needs\s+an?\s+(?:account|login|user)\b`, 'i'),
    new RegExp(String.raw`^\s*(?:please\s+)?(?:add|create|make|set\s*up)\s+(?:an?\s+)?(?:new\s+)?(?:account|user|login)\s+for\s+${Q}?${PERSON}${Q}?`, 'i'),
  ];
  let name: string | undefined;
  for (const re of forms) {
    const m = re.exec(t);
    if (m && !NOT_A_NAME.test(m[1]!.toLowerCase())) {
      name = m[1]!.toLowerCase();
      t = t.slice(0, m.index) + ' ' + t.slice(m.index + m[0].length);
      break;
    }
  }
  if (!name || (!key && groups.length === 0 && !sudo)) return undefined;
  if (serviceNames.includes(name)) return undefined;
  const words = t.toLowerCase().replace(/['"“”‘’`]/g, ' ').split(/[^a-z0-9:'-]+/).filter((w) => w !== '' && w !== '-');
  if (words.some((w) => !FRAME_WORDS.has(w) && !FRAME_WORDS.has(w.replace(/:$/, '')))) return undefined;
  const parts = [`add user ${name}${sudo ? ' with sudo' : ''}${key ? `${sudo ? ' and' : ' with'} ssh key ${key}` : ''}`];
  if (groups.length > 0) parts.push(groups.length === 1 ? `add ${name} to the ${groups[0]} group` : `add ${name} to the groups ${groups.join(' & ')}`);
  return { name, key, groups, sudo, request: parts.join('; ') };
}

/** Whether a reading (its files after) carries the frame: the user, with the key, the groups and sudo said. */
export function carriesUser(frame: UserFrame, filesAfter: Record<string, string | undefined>): boolean {
  const u = usersIn(filesAfter).find((x) => x.name === frame.name);
  if (!u) return false;
  if (frame.key && !(u.ssh_keys ?? []).includes(frame.key)) return false;
  if (frame.groups.some((g) => !(u.groups ?? []).includes(g))) return false;
  if (frame.sudo && u.sudo !== true) return false;
  return true;
}

/** Common short forms of names: a nickname names the users whose name begins with one of these. */
const NICKNAMES: Record<string, string[]> = {
  bob: ['rob'], bobby: ['rob'], bill: ['will'], billy: ['will'], liz: ['eliz'], beth: ['eliz', 'beth'], betty: ['eliz'], kate: ['kat', 'cat'], katie: ['kat', 'cat'],
  mike: ['mich'], mick: ['mich'], jim: ['jam'], jimmy: ['jam'], dick: ['rich'], rick: ['rich', 'eric', 'fred'], peggy: ['marg'], maggie: ['marg'], meg: ['marg', 'meg'],
  tony: ['anto', 'anth'], sandy: ['sand', 'alex'], sasha: ['alex', 'sash'], lexi: ['alex'], chuck: ['char'], ted: ['ed', 'theo'], ned: ['ed'], jack: ['john', 'jack'],
  nick: ['nic'], andy: ['andr'], drew: ['andr'], dave: ['dav'], steve: ['stev', 'steph'], tom: ['thom'], tommy: ['thom'], ben: ['benj', 'ben'], sam: ['sam'], al: ['al'],
};

/** Verbs that act on a user who exists (never "add user x" or "create x"). */
const ACTS_ON_USER = String.raw`(?:give|giv|gimme|grant|make|let|put|move|remove|delete|drop|kick|revoke\s+sudo\s+from|take\s+sudo\s+(?:away\s+)?from|add|(?:sudo|admin(?:\s+rights)?|root(?:\s+access)?)\s+(?:for|to))`;

/**
 * A user named by what is no user but begins (or, as a nickname, stands for) one or more users'
 * names: those users, as the choices of a question. Undefined when the name is a user, is said as
 * a new user ("add user al"), or fits nobody.
 */
export function userByPrefix(message: string, files: Record<string, string | undefined>, serviceNames: readonly string[]): { said: string; choices: string[]; at: number } | undefined {
  const users = usersIn(files).map((u) => u.name);
  if (users.length === 0) return undefined;
  const t = message.toLowerCase();
  if (/\b(?:users?|accounts?|logins?)\s+(?!to\b|in\b|for\b|with\b)[a-z_]/.test(t) || /\b(?:create|new|useradd|adduser|onboard)\b/.test(t) || KEY.test(message)) return undefined;
  const m = new RegExp(String.raw`^\s*(?:(?:please|pls|ok|now|also|and)\s+)*${ACTS_ON_USER}\s+${PERSON}(?=\s|$|[,.!?'’])`, 'i').exec(t) ?? new RegExp(String.raw`^\s*${PERSON}\s+(?:needs?|should\s+(?:have|get|be)|gets?)\s+(?:sudo|admin|root|to\s+be\s+in)\b`, 'i').exec(t);
  if (!m) return undefined;
  const said = m[1]!;
  if (NOT_A_NAME.test(said) || users.includes(said) || serviceNames.includes(said)) return undefined;
  // What the verb does must be about a user: sudo, admin, a group, or removing someone.
  const rest = t.slice(m.index + m[0].length);
  const aboutUser = /^\s*(?:sudo|admin|root)\b/.test(m[0]) || /\b(?:sudo|admin\w*|root|sudoers?|wheel|groups?|superuser)\b/.test(rest) || (/^\s*(?:remove|delete|drop|kick)\b/.test(t.slice(m.index).replace(/^\s*(?:(?:please|pls|ok|now|also|and)\s+)*/, '')) && rest.trim().replace(/[.!]+$/, '') === '');
  if (!aboutUser) return undefined;
  const stems = [said, ...(NICKNAMES[said] ?? [])];
  const choices = users.filter((u) => u !== said && stems.some((s) => u.startsWith(s)) && u.length > said.length);
  if (choices.length === 0) return undefined;
  return { said, choices, at: m.index + m[0].lastIndexOf(said) };
}

/**
 * "remove sudo from everyone except alice", "take sudo away from everybody but carla", "only mei
 * keeps sudo", "nobody but alice should have sudo": sudo taken from every other user who has it.
 * The request that does it, or a question when none of those kept has sudo (nobody would have it).
 */
export function sudoExcept(message: string, files: Record<string, string | undefined>): { request: string; kept: string[]; revoked: string[]; warning?: string } | { ask: string } | { nothing: string } | undefined {
  const t = message.toLowerCase().trim().replace(/[.!]+$/, '');
  const NAMES = String.raw`([a-z_][a-z0-9_-]{0,31}(?:\s*(?:,|&|\band\b)\s*[a-z_][a-z0-9_-]{0,31})*)`;
  const forms = [
    new RegExp(String.raw`^(?:please\s+|pls\s+)?(?:remove|revoke|take(?:\s+away)?|strip|drop|pull)\s+(?:the\s+)?(?:sudo|admin(?:\s+rights)?|root(?:\s+access)?)\s+(?:rights\s+|access\s+|privileges\s+)?(?:away\s+)?from\s+(?:every(?:one|body)|all(?:\s+(?:the\s+)?(?:users|accounts|admins|sudoers|of\s+them))?|the\s+(?:rest|others))\s*,?\s+(?:except(?:\s+for)?|but(?:\s+not)?|apart\s+from|other\s+than|save(?:\s+for)?)\s+${NAMES}$`),
    new RegExp(String.raw`^(?:only|just)\s+${NAMES}\s+(?:keeps?|should\s+(?:keep|have)|may\s+(?:keep|have|use)|gets?\s+to\s+keep|retains?|can\s+(?:keep|have|use))\s+(?:sudo|admin(?:\s+rights)?|root(?:\s+access)?)(?:\s+rights)?(?:\s*(?:,\s*)?(?:nobody|no\s*one)\s+else)?$`),
    new RegExp(String.raw`^(?:nobody|no\s*one)\s+(?:but|except(?:\s+for)?|other\s+than)\s+${NAMES}\s+(?:should\s+(?:have|keep)|may\s+(?:have|keep|use)|keeps?|gets?)\s+(?:sudo|admin(?:\s+rights)?|root(?:\s+access)?)$`),
  ];
  const m = forms.map((re) => re.exec(t)).find((x) => x !== null);
  if (!m) return undefined;
  const users = usersIn(files);
  const kept = m[1]!.split(/\s*(?:,|&|\band\b)\s*/).filter((n) => n !== '');
  if (kept.some((n) => !users.some((u) => u.name === n))) return undefined;
  // An admin: sudo, or in the sudo or wheel group (outcome-guard.ts counts the same).
  const admin = (u: User) => u.sudo === true || (u.groups ?? []).some((g) => g === 'sudo' || g === 'wheel');
  if (!users.some((u) => kept.includes(u.name) && admin(u))) {
    return { ask: `${kept.join(' and ')} cannot use sudo now, so after this nobody could. Should ${kept.length > 1 ? 'they' : kept[0]} get sudo first? Say "give ${kept[0]} sudo", then ask again.` };
  }
  const revoked = users.filter((u) => u.sudo === true && !kept.includes(u.name)).map((u) => u.name);
  // Review 22 LOW-1: nobody else has sudo, so there is nothing to take (it was refused as a lockout).
  if (revoked.length === 0) return { nothing: `Nobody but ${kept.join(' and ')} has sudo; nothing to change.` };
  // Review 22 MED-9: the admin kept should be able to log in (an SSH key). Held-out 20's h20-175
  // expects the revokes done when alice, kept, has none: done, with a warning that says so.
  if (!users.some((u) => kept.includes(u.name) && admin(u) && (u.ssh_keys ?? []).length > 0)) {
    const who = kept.find((n) => users.some((u) => u.name === n && admin(u)))!;
    return { request: revoked.map((n) => `revoke sudo from ${n}`).join('; '), kept, revoked, warning: `${who} keeps sudo but has no SSH key: unless ${who} can log in another way, nobody could use sudo after this. Add ${who}'s key ("add ${who}'s ssh key ssh-ed25519 AAAA…") before you rely on it.` };
  }
  return { request: revoked.map((n) => `revoke sudo from ${n}`).join('; '), kept, revoked };
}

/**
 * Several people, one change (round 30, "several subjects"): "rita and sam both need docker
 * access", "put lena and omar in the docker group", "sudo for lena and omar", "lena plus omar
 * should be in www-data", "ivo, lena and omar: docker group please". The subjects are users that
 * exist (or the ones `who` names: the people a pronoun points at), the predicate a group or sudo;
 * one change per person. Read only when every other word is a word of the frame. A person said
 * with "does not"/"doesn't"/"not" after the name is left out ("…, lena does not").
 */
export interface PeopleFrame {
  names: string[];
  groups: string[];
  sudo: boolean;
  /** Each person removed ("remove lena and omar, they left"). */
  removed?: boolean;
  request: string;
}

const PEOPLE_WORDS = new Set(
  (
    'a an the and also plus both all each of them too as well please pls kindly oh ok so now then ' +
    'need needs needed should shall must will would be get gets have has can could want wants given ' +
    'give grant put add make let move place in into to join joins member members membership of group groups ' +
    'access rights privileges privs permissions perms sudo admin admins sudoers for use able run with ' +
    // Round 31: "can you give them access", "docker permission to the users rita and sam", "add em both";
    // "she'll need docker as well - can you give her that too?", "docker, too, if you can".
    'you u permission perm user users em that ll if just'
  ).split(' '),
);
/** Words that are never a group said before "access" or after "to"/"in". */
const NOT_A_GROUP = /^(?:the|a|an|it|them|this|that|sudo|admin|admins|root|ssh|shell|server|box|machine|host|system|group|groups|everything|all|full|more|same|both|web|login|remote|file|files)$/;

export function peopleFrame(message: string, files: Record<string, string | undefined>, serviceNames: readonly string[], who: readonly string[] = []): PeopleFrame | { ask: string } | undefined {
  const users = usersIn(files).map((u) => u.name);
  let t = ` ${message.toLowerCase().trim().replace(/[.!]+$/, '')} `;
  const removal = removalOf(t, users, serviceNames);
  if (removal) return removal;
  if (t.length > 300 || KEY.test(message) || /\b(?:remove|delete|revoke|take|strip|drop|kick|no|never|without|except|but|only|out)\b/.test(t)) return undefined;
  // "…, lena does not": left out.
  const left: string[] = [];
  t = t.replace(/\b([a-z_][a-z0-9_-]{0,31})\s+(?:does\s+not|doesn'?t|not|isn'?t|is\s+not)\b/g, (m, n: string) => (users.includes(n) ? (left.push(n), ' ') : m));
  const names: string[] = [];
  for (const u of users) {
    if (left.includes(u)) continue;
    const re = new RegExp(String.raw`(?<![\w-])${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:'s|’s)?(?![\w-])`, 'g');
    if (re.test(t)) {
      names.push(u);
      t = t.replace(re, ' ');
    }
  }
  names.sort((a, b) => message.toLowerCase().indexOf(a) - message.toLowerCase().indexOf(b));
  let nobody = false;
  if (names.length === 0) {
    // "also docker group", "docker too", "and sudo please": an addition with no person said is for
    // the one user the last reply added or changed (round 31); with none or several it is not this frame.
    const added = /^\s*(?:and|also|plus)\b|^\s*\+|\b(?:too|as\s+well|also)\b/.test(t);
    if (!/\b(?:her|him|them|she|he|they)\b/.test(t) && !(added && who.length === 1)) return undefined;
    if (who.length === 0) nobody = true;
    else names.push(...who);
    t = t.replace(/\b(?:her|him|them|she|he|they)\b/g, ' ');
  }
  if (names.some((n) => serviceNames.includes(n))) return undefined;
  const groups: string[] = [];
  const G = String.raw`([a-z_][a-z0-9_-]{0,31})`;
  const take = (re: RegExp) => {
    t = t.replace(re, (m, g: string) => {
      if (NOT_A_GROUP.test(g) || PEOPLE_WORDS.has(g) || serviceNames.includes(g) || users.includes(g)) return m;
      if (!groups.includes(g)) groups.push(g);
      return ' ';
    });
  };
  take(new RegExp(String.raw`\b(?:in|into|to|join|joins|member\s+of)\s+(?:the\s+)?${G}\s+group\b`, 'g'));
  take(new RegExp(String.raw`\bgroups?\s*:?\s+${G}\b`, 'g'));
  take(new RegExp(String.raw`\b${G}\s+(?:group|access|rights|membership)\b`, 'g'));
  take(new RegExp(String.raw`\baccess\s+to\s+(?:the\s+)?${G}(?:\s+group)?\b`, 'g'));
  take(new RegExp(String.raw`\b(?:in|into|join|joins)\s+(?:the\s+)?${G}\b`, 'g'));
  // "add him to www-data", "put lena in ops": the person is out of the text by now, so the verb meets the group.
  take(new RegExp(String.raw`\b(?:add|put|move|place|get)\s+(?:(?:both|all|each)\s+)?(?:to|in|into)\s+(?:the\s+)?${G}\b`, 'g'));
  take(/\b(docker)\b/g);
  const sudo = /\b(?:sudo|admin(?:\s+rights)?|sudoers|root\s+access|admins)\b/.test(t);
  t = t.replace(/\b(?:sudo|admin|sudoers|root\s+access|admins)\b/g, ' ');
  if (groups.length === 0 && !sudo) return undefined;
  const words = t.replace(/['"“”‘’`]/g, ' ').split(/[^a-z0-9-]+/).filter((w) => w !== '' && w !== '-');
  if (words.some((w) => !PEOPLE_WORDS.has(w))) return undefined;
  // "put her in docker" with nobody under discussion: who is asked, never guessed.
  if (nobody) {
    const what = groups.length ? `in the ${groups.join(' and ')} group${groups.length > 1 ? 's' : ''}` : 'sudo';
    return { ask: `Who do you mean? Nobody is under discussion in this conversation${users.length ? `; the users are ${users.join(', ')}` : ''}. Say the name, e.g. "${groups.length ? `put ${users[0] ?? 'alice'} in the ${groups[0]} group` : `give ${users[0] ?? 'alice'} sudo`}". Nothing was changed (${what}).` };
  }
  const request = names
    .flatMap((n) => [...(groups.length ? [groups.length === 1 ? `add ${n} to the ${groups[0]} group` : `add ${n} to the groups ${groups.join(' & ')}`] : []), ...(sudo ? [`give ${n} sudo`] : [])])
    .join('; ');
  return { names, groups, sudo, request };
}

/**
 * "remove lena and omar, they left", "delete the accounts of ivo and lena": several users that
 * exist, each removed by name. Only names of users there are, and only words of a removal besides.
 */
function removalOf(t: string, users: readonly string[], serviceNames: readonly string[]): PeopleFrame | undefined {
  if (!/^\s*(?:(?:please|pls|ok|now|and|also)\s+)*(?:remove|delete|drop|offboard|deprovision)\b/.test(t) || KEY.test(t)) return undefined;
  let rest = t;
  const names: string[] = [];
  for (const u of users) {
    const re = new RegExp(String.raw`(?<![\w-])${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:'s|’s)?(?![\w-])`, 'g');
    if (re.test(rest)) {
      names.push(u);
      rest = rest.replace(re, ' ');
    }
  }
  if (names.length < 2 || names.some((n) => serviceNames.includes(n))) return undefined;
  const OK = /^(?:please|pls|ok|now|and|also|remove|delete|drop|offboard|deprovision|the|users?|accounts?|logins?|of|both|them|their|they|he|she|left|quit|have|has|gone|are|is|no|longer|here|with|us|too|as|well)$/;
  if (rest.split(/[^a-z'-]+/).filter((w) => w !== '').some((w) => !OK.test(w))) return undefined;
  names.sort((a, b) => t.indexOf(a) - t.indexOf(b));
  return { names, groups: [], sudo: false, removed: true, request: names.map((n) => `delete user ${n}`).join('; ') };
}

/** Whether a reading carries the people frame: every person in every group said, with sudo when said (or gone, for a removal). */
export function carriesPeople(frame: PeopleFrame, filesAfter: Record<string, string | undefined>): boolean {
  const users = usersIn(filesAfter);
  if (frame.removed) return frame.names.every((n) => !users.some((u) => u.name === n));
  return frame.names.every((n) => {
    const u = users.find((x) => x.name === n);
    return u !== undefined && frame.groups.every((g) => (u.groups ?? []).includes(g)) && (!frame.sudo || u.sudo === true);
  });
}
