/**
 * Harm judged by the outcome, not the wording (review 22 HIGH-1 and HIGH-3; round 30): the
 * guard's readers (guard.ts, harm.ts, harm-classes.ts, assets.ts) judge what a request says;
 * `outcomeHarm` judges what the proposal would leave, however the request was worded, by
 * comparing the state files before and after:
 * - *admins*: two or more users with sudo today and none in the proposed security.yaml ("remove
 *   the users alice and bob" where they are the only admins); or the last admin taken where that
 *   account is named for the role (a user called admin, root, administrator, sysadmin: "delete the
 *   user admin"). Taking the one admin's sudo when the account is a person's ("take sudo away from
 *   kim") stays planned, as the sets and tests since round 4 expect.
 * - *ssh's way in*: ssh reachable from somewhere today and from nowhere after (a drop policy with
 *   no accept rule for 22, a drop rule for 22 from anywhere ahead of every accept); or the declared
 *   way in taken (an accept rule covering 22 today, none after, the firewall still on). Under the
 *   default accept policy removing the allow-ssh rule locks nobody out today, but the next "default
 *   policy drop" would, and the rule is how the admin said ssh is the way in: it is refused, and a
 *   narrower rule for 22 ("restrict ssh to 10.0.0.0/8") keeps it.
 * - *the firewall*: on today, off after; or a drop policy today and a new accept rule after that lets
 *   every port in from anywhere (no port, or OPEN_PORTS ports or more, no source or 0.0.0.0/0). The
 *   policy set back to accept is not this: accept is the firewall's default (round 27, g25).
 * - *ssh weakened*: password logins turned on, or root let in while passwords are not off.
 * - *the record*: the audit log enabled today (or unset: on by default), turned off after.
 * - *data*: a volume declared in storage.yaml today and gone after; a new job that empties the data
 *   of a service that keeps it in a volume (redis FLUSHALL/FLUSHDB, DROP DATABASE/SCHEMA/TABLE,
 *   TRUNCATE, DELETE FROM with no WHERE, dropdb, rm -rf of the volume's path, find … -delete):
 *   on a service with no volume (memcached) a flush is a cache emptied, ordinary.
 * Pure: parses the files' text, no I/O. docs/intent.md "The lead, round 29", "Harm, round 30".
 */
import { parse } from 'yaml';
import { OPEN_PORTS } from '../../firewall.js';
import type { StateFiles } from '../provider.js';

type User = { name?: unknown; sudo?: unknown; groups?: unknown };
type Rule = { action?: unknown; port?: unknown; state?: unknown; interface?: unknown; source?: unknown; protocol?: unknown; direction?: unknown };
type Firewall = { enabled?: unknown; default_input_policy?: unknown; rules?: unknown };
type Obj = Record<string, unknown>;

function specOf(text: string | undefined): Obj | undefined {
  if (text === undefined) return undefined;
  try {
    const doc = parse(text) as { spec?: Obj } | null;
    return doc?.spec ?? {};
  } catch {
    return undefined; // a file that does not parse is the compiler's to report, not a harm
  }
}

const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]).filter((x) => x !== null && typeof x === 'object') : []);

/** The users who can administer the machine: sudo, or in the sudo or wheel group. */
export function admins(text: string | undefined): string[] | undefined {
  const spec = specOf(text);
  if (spec === undefined) return undefined;
  return (list(spec.users) as User[]).filter((u) => u.sudo === true || (Array.isArray(u.groups) && u.groups.some((g) => g === 'sudo' || g === 'wheel'))).map((u) => String(u.name));
}

/** An account named for the role rather than a person: the machine's admin account by its name. */
export const ROLE_ACCOUNT = /^(?:admin|administrator|root|sysadmin|superuser)$/i;

/** The admins today when the proposal leaves none and that is a lockout; undefined otherwise. */
export function adminsLost(current: StateFiles, proposed: StateFiles): string[] | undefined {
  if (proposed['security.yaml'] === undefined) return undefined;
  const before = admins(current['security.yaml']);
  const after = admins(proposed['security.yaml']);
  if (before === undefined || after === undefined || after.length > 0 || before.length === 0) return undefined;
  // Two or more admins, none left: one request took every admin's rights at once. One admin whose
  // account is named for the role (admin, root): the machine's own way to administer it.
  return before.length > 1 || before.some((u) => ROLE_ACCOUNT.test(u)) ? before : undefined;
}

const coversPort = (port: unknown, n: number): boolean => {
  if (port === undefined || port === null) return true;
  if (typeof port === 'number') return port === n;
  if (Array.isArray(port)) return port.some((p) => coversPort(p, n));
  const m = /^(\d+)\s*[-:]\s*(\d+)$/.exec(String(port).trim());
  return m ? Number(m[1]) <= n && n <= Number(m[2]) : String(port).trim() === String(n) || (n === 22 && /^ssh$/i.test(String(port).trim()));
};
const covers22 = (r: Rule): boolean => (r.direction === undefined || r.direction === 'input') && r.state === undefined && r.interface === undefined && (r.protocol === undefined || r.protocol === 'tcp' || r.protocol === 'all') && coversPort(r.port, 22);
const anywhere = (source: unknown): boolean => source === undefined || source === null || (Array.isArray(source) ? source.some(anywhere) : /^(?:0\.0\.0\.0\/0|::\/0|any|anywhere)$/i.test(String(source).trim()));

function firewallOf(text: string | undefined): Firewall | undefined {
  const spec = specOf(text);
  return spec === undefined ? undefined : ((spec.firewall ?? {}) as Firewall);
}
const on = (fw: Firewall): boolean => fw.enabled !== false;
const rulesOf = (fw: Firewall): Rule[] => list(fw.rules) as Rule[];

/** Whether ssh from somewhere gets in under this network.yaml; undefined when the file does not parse. */
function sshOpen(text: string | undefined): boolean | undefined {
  if (text === undefined) return true; // no network.yaml: no firewall of ours
  const fw = firewallOf(text);
  if (fw === undefined) return undefined;
  if (!on(fw)) return true;
  // The rules in order, as nftables reads them: the first that covers 22 from anywhere decides.
  for (const r of rulesOf(fw)) {
    if (!covers22(r)) continue;
    if (r.action === 'accept') return true;
    if ((r.action === 'drop' || r.action === 'reject') && anywhere(r.source)) return false;
  }
  return fw.default_input_policy !== 'drop';
}

/**
 * Whether this network.yaml declares ssh as a way in: a firewall on with an accept rule covering 22
 * (`fromAnywhere`: from anywhere, the general way in; a rule for the office's range, removed under
 * an accept policy, takes no one's way in: held-out 18's "remove the rule office-ssh").
 */
function sshDeclared(text: string | undefined, fromAnywhere: boolean): boolean {
  const fw = text === undefined ? undefined : firewallOf(text);
  return fw !== undefined && on(fw) && rulesOf(fw).some((r) => r.action === 'accept' && covers22(r) && (!fromAnywhere || anywhere(r.source)));
}

/** True when ssh gets in today and the proposed network.yaml shuts it out, or takes its declared rule. */
export function sshLost(current: StateFiles, proposed: StateFiles): boolean {
  const after = proposed['network.yaml'];
  if (after === undefined) return false;
  if (sshOpen(current['network.yaml']) === true && sshOpen(after) === false) return true;
  const fw = firewallOf(after);
  // Narrowed ("restrict ssh to 10.0.0.0/8") is kept: any accept rule for 22 after will do.
  return fw !== undefined && on(fw) && sshDeclared(current['network.yaml'], true) && !sshDeclared(after, false);
}

/** The firewall on today and off after, or a drop policy today and every port let in from anywhere after. */
function firewallOpened(current: StateFiles, proposed: StateFiles): 'off' | 'open' | undefined {
  if (proposed['network.yaml'] === undefined || current['network.yaml'] === undefined) return undefined;
  const before = firewallOf(current['network.yaml']);
  const after = firewallOf(proposed['network.yaml']);
  if (before === undefined || after === undefined || !on(before)) return undefined;
  if (!on(after)) return 'off';
  if (before.default_input_policy !== 'drop') return undefined;
  const wide = (r: Rule): boolean => {
    if (r.action !== 'accept' || r.state !== undefined || r.interface !== undefined || !anywhere(r.source) || (r.direction !== undefined && r.direction !== 'input')) return false;
    if (r.port === undefined || r.port === null) return r.protocol === undefined || r.protocol === 'all' || r.protocol === 'tcp' || r.protocol === 'udp';
    const ports = (Array.isArray(r.port) ? r.port : [r.port]).map((p) => /^(\d+)\s*[-:]\s*(\d+)$/.exec(String(p).trim())).reduce((n, m) => n + (m ? Number(m[2]) - Number(m[1]) + 1 : 1), 0);
    return ports >= OPEN_PORTS;
  };
  const had = new Set(rulesOf(before).filter(wide).map((r) => JSON.stringify(r)));
  // The policy set back to accept is not this: accept is the firewall's default (round 27, g25).
  return rulesOf(after).some((r) => wide(r) && !had.has(JSON.stringify(r))) ? 'open' : undefined;
}

/** ssh's password logins turned on, or root let in while passwords are not off. */
function sshWeakened(current: StateFiles, proposed: StateFiles): boolean {
  if (proposed['security.yaml'] === undefined) return false;
  const ssh = (t: string | undefined): Obj => ((specOf(t)?.ssh ?? {}) as Obj);
  const b = ssh(current['security.yaml']);
  const a = ssh(proposed['security.yaml']);
  if (a.password_authentication === true && b.password_authentication !== true) return true;
  return a.permit_root_login === true && b.permit_root_login !== true && a.password_authentication !== false;
}

/** The audit log on today (enabled, or unset: on by default) and off after. */
function auditOff(current: StateFiles, proposed: StateFiles): boolean {
  if (proposed['security.yaml'] === undefined) return false;
  const audit = (t: string | undefined): Obj => ((specOf(t)?.audit ?? {}) as Obj);
  return audit(current['security.yaml']).enabled !== false && audit(proposed['security.yaml']).enabled === false;
}

/** The volumes declared today that the proposed storage.yaml no longer has. */
function volumesLost(current: StateFiles, proposed: StateFiles): string[] {
  if (proposed['storage.yaml'] === undefined || current['storage.yaml'] === undefined) return [];
  const names = (t: string | undefined): string[] | undefined => {
    const s = specOf(t);
    return s === undefined ? undefined : list(s.volumes).map((v) => String(v.name));
  };
  const before = names(current['storage.yaml']);
  const after = names(proposed['storage.yaml']);
  return before === undefined || after === undefined ? [] : before.filter((v) => !after.includes(v));
}

/** A command that empties what a data store holds (bounded forms, such as DELETE … WHERE, are not this). */
const EMPTIES = /\bflush(?:all|db)\b|\bdrop\s+(?:database|schema|table|keyspace|collection)\b|\bdropdb\b|\btruncate\s+(?:table\s+)?(?!-s\b)[\w"`.]|\bdelete\s+from\s+["'`]?[\w.]{1,64}["'`]?(?!\s+(?:where|using)\b)(?=\s*(?:$|[;'"`)]))|\bdropDatabase\b|\.drop\(\)|\bfind\s+\/\S*\s+[^|;&]{0,120}-delete\b/i;

/** Jobs new in the proposal that empty the data of a service that keeps it in a volume: [job, service]. */
function dataJobs(current: StateFiles, proposed: StateFiles, cacheSaid: boolean): [string, string][] {
  if (proposed['scheduled.yaml'] === undefined) return [];
  const jobs = (t: string | undefined): Obj[] => list(specOf(t)?.jobs);
  const had = new Set(jobs(current['scheduled.yaml']).map((j) => JSON.stringify(j)));
  const services = list(specOf(proposed['services.yaml'] ?? current['services.yaml'])?.services);
  const found: [string, string][] = [];
  for (const j of jobs(proposed['scheduled.yaml'])) {
    if (had.has(JSON.stringify(j))) continue;
    const command = Array.isArray(j.command) ? j.command.map(String).join(' ') : String(j.command ?? '');
    const where = String(j.container ?? j.service ?? '');
    const svc = services.find((s) => s.name === where);
    const mounts = list(svc?.volumes).filter((v) => typeof v.source === 'string' && !String(v.source).startsWith('/'));
    if (mounts.length === 0) continue;
    const wipesMount = mounts.some((v) => {
      const target = String(v.target ?? '').replace(/\/+$/, '');
      if (target === '') return false;
      const at = new RegExp(String.raw`\brm\s+(?:-\w+\s+)*-\w*[rR]\w*\s+(?:[^;&|]{0,200}\s)?["']?${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:\/\*?)?["']?(?=\s|$|;)`);
      return at.test(command);
    });
    // "redis here is only a cache: … FLUSHALL", "flush the redis cache every night" (held-out 18, 20, 22):
    // said to be a cache, a flush empties a cache; DROP, TRUNCATE and rm -rf of its data are not that.
    const flushOnly = /\bflush(?:all|db)\b/i.test(command) && !/\bdrop\s|\btruncate\b|\bdelete\s+from\b|\bdropdb\b/i.test(command);
    if ((EMPTIES.test(command) && !(flushOnly && cacheSaid)) || wipesMount) found.push([String(j.name ?? command), where]);
  }
  return found;
}

const ROLE_NAME = String.raw`(?:admin|administrator|root|sysadmin|superuser)`;
/**
 * The account named for the role, said as the object: "the user admin", "the admin account",
 * "admin's sudo". Root only as "the user root": "disable root login", "lock the root account" harden.
 */
const ROLE_MENTION = new RegExp(String.raw`\b(?:users?|accounts?)\s+(?:called\s+|named\s+)?['"“]?${ROLE_NAME}['"”]?(?![\w-])|(?<![\w-])(?:admin|administrator|sysadmin|superuser)(?:'s)?\s+(?:user(?:\s+account)?|account|sudo|admin\s+rights)\b`, 'i');
/** Its loss: a verb that removes or revokes, or the account said to go. */
const ROLE_LOSS = /\b(?:delete|deletes|deleting|remove|removes|removing|drop|purge|trash|destroy|erase|wipe|nuke|get\s+rid\s+of|ditch|kill|revoke|take\s+away|take\s+(?:[\w']+\s+){1,3}away|strip|demote|disable|deactivate|can\s+go|should\s+go|must\s+go|has\s+to\s+go|goes|is\s+not\s+needed|isn'?t\s+needed|no\s+longer\s+needed)\b/i;

/**
 * The account named for the role ("delete the user admin", "the admin account can go", "take
 * admin's sudo away") taken while no other admin stays: the machine's own way to administer it,
 * said by its name. Read on the request and the machine (another admin who is a person makes it
 * ordinary: "delete the user admin" where alice has sudo too), so it holds whether or not the
 * engine understood the request or the account exists in security.yaml.
 */
export function roleAccountTaken(message: string, current: StateFiles): string | undefined {
  const sentence = message.split(/[.!?;\n]+(?=\s|$)/).find((s) => ROLE_MENTION.test(s) && ROLE_LOSS.test(s));
  if (sentence === undefined || /\b(?:add|create|make|new)\s+(?:a\s+)?(?:user|account)\b/i.test(sentence)) return undefined;
  const others = (admins(current['security.yaml']) ?? []).filter((u) => !ROLE_ACCOUNT.test(u));
  if (others.length > 0) return undefined;
  return 'lockout: this would take the admin account (the one named for the role) with no other admin left, so no one could administer the machine. Give a person sudo first ("add user alice with sudo and ssh key ssh-ed25519 AAAA…"), then remove it.';
}

/** Losing one's account or admin rights said of people: a removal, a demotion, leaving. */
const PEOPLE_LOSS = /\b(?:delete|deletes|deleting|remove|removes|removing|drop|purge|get\s+rid\s+of|ditch|kill|revoke|take\s+(?:\w+\s+){0,3}away|strip|demote\w*|downgrade\w*|(?:do\s*n[o']?t|don'?t|no\s+longer)\s+need\s+(?:sudo|admin|root)|without\s+(?:sudo|admin\s+rights)|(?:ordinary|regular|normal|plain|standard)\s+(?:users?|accounts?)|(?:are|is)\s+leaving|left\s+(?:the\s+company|us)?|offboard\w*)\b/i;
/** Someone kept, or the loss said of something else than the account or its rights. */
const PEOPLE_KEPT = /\b(?:stays?|keeps?|remains?|still|except|but|other\s+than|apart\s+from|keys?|groups?|passwords?|shell|home|docker|mail|ports?|rules?|services?)\b|\?\s*$/i;

/**
 * Every admin named, said to go or to lose their rights ("alice and bob don't need sudo anymore",
 * "bob left, alice too, delete both accounts"), where the machine has two or more admins and these
 * are all of them, and the engine changed nothing in security.yaml (it did not understand): refused.
 * One of them kept ("make bob a regular user, alice stays admin") or the loss said of a key or a
 * group is not this. When the proposal changes security.yaml, what it leaves is judged, not the
 * words (`adminsLost` in outcomeHarm): "remove bob; alice is the admin" names both admins and keeps
 * alice, and is planned (review 23 HIGH-5).
 */
export function adminsNamedTaken(message: string, current: StateFiles, proposed: StateFiles = {}): string | undefined {
  const after = proposed['security.yaml'];
  if (after !== undefined && after !== current['security.yaml']) return undefined;
  const all = admins(current['security.yaml']) ?? [];
  if (all.length < 2 || !PEOPLE_LOSS.test(message) || PEOPLE_KEPT.test(message)) return undefined;
  const named = all.filter((u) => new RegExp(String.raw`(?<![\w-])${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(message));
  if (named.length < all.length) return undefined;
  return `lockout: this would leave no user with sudo (${all.join(', ')} have it now), so no one could administer the machine. Keep at least one admin, e.g. "give carol sudo" first, then remove the others.`;
}

/** The rule that lets ssh in, said as the object: "the ssh rule", "the rule for port 22", "allow-ssh", "the one for ssh". */
const SSH_RULE = /\b(?:ssh|sshd|port\s+22|22)\s+(?:firewall\s+)?(?:rule|entry|exception)\b|\b(?:rule|entry|exception|one)\s+(?:for|on|about|that\s+(?:lets|allows|opens|permits)|letting|allowing|opening|which\s+(?:lets|allows|opens))\s+(?:in\s+)?(?:the\s+)?(?:ssh|sshd|port\s+22|22)\b|(?<![\w-])allow-ssh(?![\w-])/i;
const RULE_LOSS = /\b(?:delete|deletes|deleting|remove|removes|removing|drop|get\s+rid\s+of|ditch|trash|scrap|kill|nuke|purge|disable|deactivate|can\s+go|should\s+go|has\s+to\s+go|must\s+go)\b/i;

const acceptsFor22 = (text: string | undefined): Rule[] => {
  const fw = text === undefined ? undefined : firewallOf(text);
  return fw === undefined || !on(fw) ? [] : rulesOf(fw).filter((r) => r.action === 'accept' && covers22(r));
};

/**
 * The rule that lets ssh in, said to go, where it is the machine's only one and the proposal adds
 * no other in its place: refused whether or not the engine understood the request ("make the
 * default policy drop and delete the ssh rule" was read without its second half). "Delete the ssh
 * rule and allow ssh from 10.0.0.0/8 instead" adds a rule for 22, and is planned.
 */
export function sshRuleTaken(message: string, current: StateFiles, proposed: StateFiles): string | undefined {
  if (!message.split(/[.!?;\n]+(?=\s|$)/).some((s) => SSH_RULE.test(s) && RULE_LOSS.test(s))) return undefined;
  const today = acceptsFor22(current['network.yaml']);
  const policy = firewallOf(current['network.yaml'] ?? '')?.default_input_policy;
  if (today.length !== 1 || (!anywhere(today[0]!.source) && policy !== 'drop')) return undefined;
  const had = JSON.stringify(today[0]);
  if (acceptsFor22(proposed['network.yaml'] ?? current['network.yaml']).some((r) => JSON.stringify(r) !== had)) return undefined;
  return SSH_TAKEN;
}

const SSH_TAKEN = 'lockout: this would take away the way ssh (port 22) gets in, the way in to fix this machine. Narrow it instead ("restrict ssh to 10.0.0.0/8"), or say which rule to change.';

/** Why the proposal is refused by what it would leave, in one line, or undefined. */
export function outcomeHarm(current: StateFiles, proposed: StateFiles, message = ''): string | undefined {
  const lost = adminsLost(current, proposed);
  if (lost !== undefined)
    return `lockout: this would leave no user with sudo (${lost.join(', ')} ${lost.length > 1 ? 'have' : 'has'} it now), so no one could administer the machine. Keep at least one admin, e.g. "give carol sudo" first, then remove ${lost.length > 1 ? 'the others' : lost[0]}.`;
  if (sshLost(current, proposed)) return SSH_TAKEN;
  const opened = firewallOpened(current, proposed);
  if (opened === 'off') return 'the firewall turned off: every port of this machine would be open to anyone. Close or open single ports instead ("close port 8080", "open 443").';
  if (opened === 'open') return 'opening every port to everyone: every service of this machine would be exposed. Open the port you need to the range that needs it ("open 443 to the world", "open 5432 to 10.0.0.0/8").';
  if (sshWeakened(current, proposed)) return 'weakened ssh: password logins (or root with a password) are what scanners try first once port 22 answers. Keys stay the way in ("add ssh key ssh-ed25519 AAAA… for alice").';
  if (auditOff(current, proposed)) return 'the audit log turned off: it is the record of who changed what, and it stays on (a noisy event is left out with `log_events`, not by turning the log off).';
  const volumes = volumesLost(current, proposed);
  if (volumes.length > 0) return `data destroyed: this would delete the volume${volumes.length > 1 ? 's' : ''} ${volumes.join(', ')} and the data in ${volumes.length > 1 ? 'them' : 'it'}, which cannot be brought back from here. Remove the service and keep its data ("remove redis but keep its data").`;
  const jobs = dataJobs(current, proposed, /\bcache\b/i.test(message));
  if (jobs.length > 0) return `data destroyed on a schedule: the job ${jobs[0]![0]} would empty what ${jobs[0]![1]} keeps in its volume, again and again. Back it up instead ("back up ${jobs[0]![1]} daily"), or bound the clean-up ("DELETE … WHERE created_at < now() - interval '30 days'").`;
  return undefined;
}
