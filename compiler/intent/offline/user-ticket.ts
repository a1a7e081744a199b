/**
 * A user said as a ticket or a list of fields (round 36, INTENT-B; held-out 29 user-11, user-22,
 * para-28 user-08): the login name said as a field ("username yali", "(username mallory)", "login:
 * kim") or first ("heidi ssh access with this key ssh-rsa …"), with sudo, docker and a public key
 * said anywhere around it, in any order, with other words between ("Onboarding ticket HR-2291: new
 * SRE Yusuf Ali, username yali, needs sudo and docker access. Public key: ssh-ed25519 …", "create an
 * account for my colleague Mallory (username mallory) and allow her to use docker, but without sudo
 * rights"). Said back the one way the user handler reads: "add user NAME with sudo, in the docker
 * group, key KEY". A request that removes, or says a service, is left as it is. Pure.
 */
const KEY = /\b(?:ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}(?: [A-Za-z0-9._@+-]+@[A-Za-z0-9._-]+)?/;
const FIELD_NAME = /\b(?:(?:user\s?-?name|login\s+name|account\s+name|unix\s+(?:user|name))\s*(?:is\s+|(?:should|will|shall|must|would|can)\s+be\s+|:\s*|=\s*|\s)|login\s*(?:is\s+|(?:should|will|shall|must|would|can)\s+be\s+|:\s*|=\s*))['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?(?![\w@-]|\.\w)/i;
const NAME_FIRST = /^\s*(?:(?:please|pls|and)\s+)?([a-z_][a-z0-9_-]{0,31})\s+(?:(?:needs|gets|wants|should\s+(?:get|have))\s+)?(?:ssh|shell|server|remote|login)\s+access\b/i;
const NOT_NAME = /^(?:should|will|shall|must|would|can|could|may|might|the|a|an|new|user|users|me|us|you|him|her|them|it|my|our|give|grant|add|allow|let|open|remove|delete|no|all|everyone|anyone|root|admin|sudo|docker|ssh|is|be|needs?|for|with|and|or|to|of|in|on|at|by|via|over|through|from|as)$/i;
const OTHER = /\b(?:remove|delete|revoke|drop|disable|lock|kick|expire|rename|service|container|image|port|deploy|install|volume|backup|firewall)\b/i;
const NO_SUDO = /\b(?:no|without|not|non-?|never)\s+(?:any\s+)?(?:sudo|admin|root)\b|\b(?:doesn'?t|does\s+not|shouldn'?t|should\s+not|must\s+not|won'?t)\s+(?:need|get|have|be)\s+(?:an?\s+)?(?:sudo|admin|root)\b/i;
const NO_DOCKER = /\b(?:no|without|not|never)\s+(?:any\s+)?docker\b/i;

/** A group other than docker or sudo ("the docker group and the developers group"): the user handler reads every group, this reading only docker (para-25 usr-03-b, CI ci-36a). */
const OTHER_GROUP = /\b(?!(?:docker|sudo|sudoers|wheel|admin|the|a|an|both|and|that|this|which|any)\s)[\w-]+\s+groups?\b|\bgroups?\s+(?!(?:docker|sudo|and|as|too|access|membership|rights)\b)[a-z][\w-]*/i;
/** The request said as the user it describes, or undefined when it is not one user's fields. */
export function userTicket(message: string): string | undefined {
  const key = KEY.exec(message)?.[0];
  const plain = key ? message.replace(key, ' ') : message;
  if (plain.length > 400 || OTHER.test(plain) || OTHER_GROUP.test(plain)) return undefined;
  const name = (FIELD_NAME.exec(plain) ?? NAME_FIRST.exec(plain))?.[1]?.toLowerCase();
  if (!name || NOT_NAME.test(name)) return undefined;
  const sudo = /\b(?:sudo|sudoers?|admin(?:istrator)?|root\s+(?:access|rights))\b/i.test(plain) && !NO_SUDO.test(plain);
  const docker = /\bdocker\b/i.test(plain) && !NO_DOCKER.test(plain);
  // Only a ticket that says more than the name: a key, sudo or docker (a bare "username kim" is the engine's own reading).
  if (!key && !docker) return undefined;
  return `add user ${name}${sudo ? ' with sudo' : ''}${docker ? ', in the docker group' : ''}${key ? `, key ${key}` : ''}`;
}

/**
 * Sudo taken away said by the sudoers file (round 36; held-out 29 user-17): "remove peggy from
 * sudoers", "take peggy out of the sudoers file", "kick peggy off the sudoers list", "strike peggy
 * from sudoers": the user stays, without sudo ("remove peggy from the sudo group", the handler's words).
 */
const FROM_SUDOERS = /\b(?:remove|delete|drop|take|kick|strike|pull|get)\s+(?:user\s+)?['"“‘`]?([a-z_][a-z0-9_-]{0,31})['"”’`]?\s+(?:out\s+of|off(?:\s+of)?|from)\s+(?:the\s+)?(?:sudoers?\s+(?:file|list|group)|sudo\s+list|sudoers?)\b/i;
export function sudoersRemoval(message: string): string | undefined {
  const m = FROM_SUDOERS.exec(message);
  if (!m || NOT_NAME.test(m[1]!)) return undefined;
  return message.slice(0, m.index) + `remove ${m[1]!.toLowerCase()} from the sudo group` + message.slice(m.index + m[0].length);
}

/**
 * A user's rights said as what the user should or should not have (held-out 30, read by the lead
 * after its blind run): sudo taken away as "the user 'test' shouldn't have root rights", "strip
 * kevin's root access", "revoke admin rights from kevin", "kevin no longer needs sudo"; the docker
 * group as "raj needs to run docker without sudo", "let raj use docker". Said back as the handler's
 * words: "remove NAME from the sudo group", "add NAME to the docker group".
 */
const Q = `['"“‘\`]?`;
const UNAME = String.raw`${Q}([a-z_][a-z0-9_-]{0,31})${Q}`;
const RIGHTS = String.raw`(?:root|sudo|admin(?:istrator)?|superuser)(?:\s+(?:rights|access|privileges?|powers?|permissions?))?`;
const NO_RIGHTS = [
  new RegExp(String.raw`^\s*(?:(?:please|pls)\s+)?(?:the\s+)?(?:user\s+|account\s+)?${UNAME}\s+(?:shouldn'?t|should\s+not|must\s+not|mustn'?t|doesn'?t\s+need\s+to|no\s+longer\s+needs?\s+to|can'?t|cannot|may\s+not|won'?t)\s+(?:have|get|keep|be\s+given)\s+(?:any\s+)?${RIGHTS}\b`, 'i'),
  new RegExp(String.raw`^\s*(?:(?:please|pls)\s+)?(?:the\s+)?(?:user\s+|account\s+)?${UNAME}\s+(?:no\s+longer\s+needs|doesn'?t\s+need|does\s+not\s+need)\s+${RIGHTS}\b`, 'i'),
  new RegExp(String.raw`\b(?:strip|take\s+away|revoke|remove|pull|drop|withdraw|cancel)\s+(?:the\s+)?(?:user\s+)?${UNAME}(?:'s|’s)\s+${RIGHTS}\b`, 'i'),
  // With the noun only: "revoke sudo from jo" is the user handler's own words (its warnings with it).
  new RegExp(String.raw`\b(?:strip|take\s+away|revoke|remove|pull|withdraw)\s+(?:the\s+)?(?:root|sudo|admin(?:istrator)?|superuser)\s+(?:rights|access|privileges?|powers?|permissions?)\s+(?:from|of)\s+(?:the\s+)?(?:user\s+)?${UNAME}(?![\w-])`, 'i'),
];
const DOCKER_USE = [
  new RegExp(String.raw`^\s*(?:(?:please|pls)\s+)?(?:the\s+)?(?:user\s+)?${UNAME}\s+(?:needs?\s+to|should\s+be\s+able\s+to|must\s+be\s+able\s+to|has\s+to|wants?\s+to|should|must)\s+(?:run|use)\s+docker\b`, 'i'),
  new RegExp(String.raw`^\s*(?:(?:please|pls)\s+)?(?:let|allow)\s+(?:the\s+user\s+)?${UNAME}\s+(?:to\s+)?(?:run|use)\s+docker\b`, 'i'),
];
export function userRightsSaid(message: string): string | undefined {
  // Everyone, a question ("any chance you could remove alice's sudo?") or a list of users ("from
  // alice and bob both": every sudo user, which the lockout rule reads whole) is left to the readers.
  if (message.length > 300 || /\?\s*$/.test(message) || /\b(?:every(?:one|body)|all|any(?:one|body))\b/i.test(message)) return undefined;
  const one = (m: RegExpExecArray | null): m is RegExpExecArray =>
    m !== null && !NOT_NAME.test(m[1]!) && !/^\s*(?:,|&|\+|\/|and\b|or\b|plus\b)\s*(?!(?:he|she|they|it|we|i|you|but|because|since|as|who|which|that|so|then|please|pls|thanks|thx|ty|now|too)\b)[a-z_]/i.test(m.input.slice(m.index + m[0].length));
  for (const re of NO_RIGHTS) {
    const m = re.exec(message);
    if (one(m)) return `remove ${m[1]!.toLowerCase()} from the sudo group`;
  }
  for (const re of DOCKER_USE) {
    const m = re.exec(message);
    if (one(m)) return `add ${m[1]!.toLowerCase()} to the docker group`;
  }
  return undefined;
}
