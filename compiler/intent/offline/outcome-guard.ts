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
 * Round 31 (review 23 MED-4, MED-5, MED-6): an admin counts as a way in only with a key (or ssh
 * passwords on): the last ones deleted with no admin left is refused, demoted or with keyless admins
 * left is said (`wayInLost`); an accept rule for 22 from loopback or link-local alone is no way in
 * (`INTERNAL_ONLY`); a job is judged by what its command does to the service's data
 * (`destroysData`), not by its program. The word readings (`roleAccountTaken`, `sshRuleTaken`,
 * `adminsNamedTaken`, `onlyKeyTaken`, `sshLoopbackSaid`, `volumeNamedTaken`,
 * `commandSaidDestroys`) hold where the engine did not understand, reading a sentence with the one
 * it points back to (`withReferents`).
 * Pure: parses the files' text, no I/O. docs/intent.md "The lead, round 29", "Harm, round 30",
 * "Harm, round 31".
 */
import { parse } from 'yaml';
import { OPEN_PORTS } from '../../firewall.js';
import type { StateFiles } from '../provider.js';
import { repairWords } from './assets.js';
import { dangerousMount, mountAllowed, plaintextSecretInEnv } from '../../../plan/trust.js';

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

/**
 * The admins who can log in to use their rights (review 23 MED-4): sudo and an SSH key, or sudo
 * while ssh takes passwords. An admin without either is an admin in name only over ssh.
 */
export function reachableAdmins(text: string | undefined): string[] | undefined {
  const spec = specOf(text);
  if (spec === undefined) return undefined;
  const passwords = ((spec.ssh ?? {}) as Obj).password_authentication === true;
  const names = new Set(admins(text));
  return (list(spec.users) as (User & { ssh_keys?: unknown; shell?: unknown })[]).filter((u) => names.has(String(u.name)) && !NO_LOGIN_SHELL.test(String(u.shell ?? '')) && (passwords || (Array.isArray(u.ssh_keys) && u.ssh_keys.length > 0))).map((u) => String(u.name));
}

/** A shell that lets no one log in (round 33): nologin, false. An admin given one has no way in, whatever keys he has. */
export const NO_LOGIN_SHELL = /(?:^|\/)(?:nologin|false)$/;

/** The users who can log in: an SSH key, or any user while ssh takes passwords. */
function loginUsers(text: string | undefined): string[] {
  const spec = specOf(text);
  if (spec === undefined) return [];
  const passwords = ((spec.ssh ?? {}) as Obj).password_authentication === true;
  return (list(spec.users) as (User & { ssh_keys?: unknown; shell?: unknown })[]).filter((u) => !NO_LOGIN_SHELL.test(String(u.shell ?? '')) && (passwords || (Array.isArray(u.ssh_keys) && u.ssh_keys.length > 0))).map((u) => String(u.name));
}

/**
 * The last admins who can log in taken (review 23 MED-4). Deleted, or their keys taken, with no
 * admin left at all: 'refuse' ("delete alice" where alice is the only admin and has the key).
 * Demoted while they can still log in ("take sudo away from ivan", h6-take-sudo-ivan: planned since
 * held-out 6), or with admins without a key left ("delete the user alice" where bob has sudo and no
 * key): the warning to give, on every wording.
 */
export function wayInLost(current: StateFiles, proposed: StateFiles): { refuse: string[] } | { warn: string } | undefined {
  const after = proposed['security.yaml'];
  if (after === undefined || after === current['security.yaml']) return undefined;
  const before = reachableAdmins(current['security.yaml']);
  const reach = reachableAdmins(after);
  const left = admins(after);
  if (before === undefined || reach === undefined || left === undefined || before.length === 0 || reach.length > 0) return undefined;
  // Deleted or their keys taken: nobody who could log in and use sudo is left, whoever keeps sudo
  // without a key (review 24 MED-1: "alice left the company, delete her account" where bob has no key).
  const stillIn = before.filter((u) => loginUsers(after).includes(u));
  if (stillIn.length === 0) return { refuse: before };
  if (left.length === 0) {
    const who = stillIn.join(' and ');
    return { warn: `After this nobody has sudo: ${who} can still log in but can no longer administer the machine. Give someone sudo first ("give carol sudo") if you will need it.` };
  }
  const who = left.join(' and ');
  return { warn: `${who} ${left.length > 1 ? 'keep' : 'keeps'} sudo but ${left.length > 1 ? 'have' : 'has'} no SSH key: unless ${who} can log in another way, nobody could use sudo after this. Add ${left[0]}'s key ("add ${left[0]}'s ssh key ssh-ed25519 AAAA…") before you rely on it.` };
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
const coversSsh = (r: Rule, port: number): boolean => (r.direction === undefined || r.direction === 'input') && r.state === undefined && r.interface === undefined && (r.protocol === undefined || r.protocol === 'tcp' || r.protocol === 'all') && coversPort(r.port, port);
const covers22 = (r: Rule): boolean => coversSsh(r, 22);
/** The port sshd listens on (security.yaml spec.ssh.port, 22 when unset): the rules that let ssh in are the rules for it (round 32). */
function sshPort(text: string | undefined): number {
  const port = ((specOf(text)?.ssh ?? {}) as Obj).port;
  return typeof port === 'number' && Number.isInteger(port) ? port : 22;
}
/**
 * A source that is no way in from outside (review 23 MED-6): loopback (127.0.0.0/8, ::1,
 * localhost) or link-local (169.254.0.0/16, fe80::/10). An accept rule for 22 from these alone
 * keeps nobody's ssh reachable.
 */
export const INTERNAL_ONLY = /^(?:127(?:\.\d{1,3}){3}(?:\/(?:[89]|[12]\d|3[0-2]))?|::1(?:\/128)?|localhost|loopback|lo|169\.254(?:\.\d{1,3}){2}(?:\/(?:1[6-9]|2\d|3[0-2]))?|fe[89ab][0-9a-f]?:[0-9a-f:]*(?:\/(?:1[0-2]\d|[1-9]\d))?)$/i;
const internalOnly = (source: unknown): boolean =>
  source !== undefined && source !== null && (Array.isArray(source) ? source.length > 0 && source.every(internalOnly) : INTERNAL_ONLY.test(String(source).trim()));
const anywhere = (source: unknown): boolean => source === undefined || source === null || (Array.isArray(source) ? source.some(anywhere) : /^(?:0\.0\.0\.0\/0|::\/0|any|anywhere)$/i.test(String(source).trim()));

function firewallOf(text: string | undefined): Firewall | undefined {
  const spec = specOf(text);
  return spec === undefined ? undefined : ((spec.firewall ?? {}) as Firewall);
}
const on = (fw: Firewall): boolean => fw.enabled !== false;
const rulesOf = (fw: Firewall): Rule[] => list(fw.rules) as Rule[];

/** Whether ssh (on `port`) from somewhere gets in under this network.yaml; undefined when the file does not parse. */
function sshOpen(text: string | undefined, port = 22): boolean | undefined {
  if (text === undefined) return true; // no network.yaml: no firewall of ours
  const fw = firewallOf(text);
  if (fw === undefined) return undefined;
  if (!on(fw)) return true;
  // The rules in order, as nftables reads them: the first that covers 22 from anywhere decides.
  for (const r of rulesOf(fw)) {
    if (!coversSsh(r, port)) continue;
    if (r.action === 'accept' && internalOnly(r.source)) continue; // loopback is no way in from outside
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
function sshDeclared(text: string | undefined, fromAnywhere: boolean, port = 22): boolean {
  const fw = text === undefined ? undefined : firewallOf(text);
  return fw !== undefined && on(fw) && rulesOf(fw).some((r) => r.action === 'accept' && coversSsh(r, port) && !internalOnly(r.source) && (!fromAnywhere || anywhere(r.source)));
}

/**
 * True when ssh gets in today and the proposal shuts it out, or takes its declared rule. The port is
 * sshd's (round 32): sshd moved to 2222 under a drop policy whose only accept is for 22 shuts it out
 * ("the ssh port should be 2222 from now on"); moved under the accept policy, or with its rule moved
 * along, it still gets in ("move ssh to port 2222").
 */
export function sshLost(current: StateFiles, proposed: StateFiles): boolean {
  const after = proposed['network.yaml'];
  if (after === undefined && (proposed['security.yaml'] === undefined || proposed['security.yaml'] === current['security.yaml'])) return false;
  const was = sshPort(current['security.yaml']);
  const port = sshPort(proposed['security.yaml'] ?? current['security.yaml']);
  const net = after ?? current['network.yaml'];
  const open = sshOpen(net, port);
  if (sshOpen(current['network.yaml'], was) === true && open === false) return true;
  const fw = firewallOf(net ?? '');
  // Narrowed ("restrict ssh to 10.0.0.0/8") is kept: any accept rule for sshd's port after will do.
  // Moved to a port that still gets in (the accept policy) is not its rule taken.
  if (port !== was && open === true) return false;
  return net !== undefined && fw !== undefined && on(fw) && sshDeclared(current['network.yaml'], true, was) && !sshDeclared(net, false, port);
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

/** A key on root's own account that was not there today ("add my key to root: ssh-ed25519 …"). */
function rootKeyAdded(current: StateFiles, proposed: StateFiles): boolean {
  if (proposed['security.yaml'] === undefined) return false;
  const keys = (t: string | undefined): string[] => (list(specOf(t)?.users) as (User & { ssh_keys?: unknown })[]).filter((u) => u.name === 'root').flatMap((u) => (Array.isArray(u.ssh_keys) ? u.ssh_keys.map(String) : []));
  const had = new Set(keys(current['security.yaml']));
  return keys(proposed['security.yaml']).some((k) => !had.has(k));
}

/** Every network interface declared today gone after: nothing left to reach the machine by. */
function interfacesLost(current: StateFiles, proposed: StateFiles): boolean {
  if (proposed['network.yaml'] === undefined) return false;
  const count = (t: string | undefined): number => list(specOf(t)?.interfaces).length;
  return count(current['network.yaml']) > 0 && count(proposed['network.yaml']) === 0;
}

type Service = { name?: unknown; image?: unknown; volumes?: unknown; environment?: unknown; ports?: unknown; command?: unknown };
const services = (text: string | undefined): Service[] => list(specOf(text)?.services) as Service[];

/**
 * A service's mounts of the host itself (plan/trust.ts `dangerousMount`: /, /etc, /root, /home,
 * /boot, the engine's socket and data, …) that are not there today and that manifest.yaml's
 * `allow_host_mounts` does not allow: `service: /path (what it is)`. A job's mounts count the same.
 */
function hostMounted(current: StateFiles, proposed: StateFiles): string | undefined {
  const allow = ((((specOf(current['manifest.yaml'])?.safety ?? {}) as Obj).allow_host_mounts ?? []) as unknown[]).map(String);
  const mounts = (files: StateFiles): Map<string, string> => {
    const out = new Map<string, string>();
    const owners = [...services(files['services.yaml']), ...(list(specOf(files['scheduled.yaml'])?.jobs) as Service[])];
    for (const o of owners) for (const m of list(o.volumes)) if (typeof m.source === 'string' && m.source.startsWith('/')) out.set(`${String(o.name)}: ${m.source}`, m.source);
    return out;
  };
  if (proposed['services.yaml'] === undefined && proposed['scheduled.yaml'] === undefined) return undefined;
  const before = mounts(current);
  for (const [key, source] of mounts({ ...current, ...proposed })) {
    if (before.has(key) || mountAllowed(source, allow)) continue;
    const what = dangerousMount(source);
    if (what !== null) return `${key} (${what})`;
  }
  return undefined;
}

/**
 * The host's own powers handed to a container (round 33, the LLM path): Docker's `privileged`,
 * added capabilities, the host's network, process, IPC or user namespace, its devices, or its
 * security profile off. services.yaml has no field for any of them (the schema refuses them), but a
 * model that writes one means the container to own the machine: refused at once, never sent back
 * for a repair that would drop the word and keep the intent. `service: what`, new since today.
 */
const HOST_POWERS: readonly [string, (v: unknown) => boolean, string][] = [
  ['privileged', (v) => v === true || v === 'true', 'privileged'],
  ['cap_add', (v) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0), 'added capabilities'],
  ['capabilities', (v) => v !== undefined && v !== null, 'added capabilities'],
  ['network_mode', (v) => /^host$/i.test(String(v)), "the host's network"],
  ['network', (v) => /^host$/i.test(String(v)), "the host's network"],
  ['net', (v) => /^host$/i.test(String(v)), "the host's network"],
  ['pid', (v) => /^host$/i.test(String(v)), "the host's processes"],
  ['pid_mode', (v) => /^host$/i.test(String(v)), "the host's processes"],
  ['ipc', (v) => /^host$/i.test(String(v)), "the host's shared memory"],
  ['userns_mode', (v) => /^host$/i.test(String(v)), "the host's user namespace"],
  ['devices', (v) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0), "the host's devices"],
  ['security_opt', (v) => /unconfined|no-new-privileges[:=]false|label[:=]disable/i.test(JSON.stringify(v ?? '')), 'its security profile off'],
];
function hostPowers(current: StateFiles, proposed: StateFiles): string | undefined {
  if (proposed['services.yaml'] === undefined && proposed['scheduled.yaml'] === undefined) return undefined;
  const powers = (files: StateFiles): string[] =>
    [...(services(files['services.yaml']) as Obj[]), ...list(specOf(files['scheduled.yaml'])?.jobs)].flatMap((o) => [
      ...HOST_POWERS.filter(([k, bad]) => bad(o[k])).map(([, , what]) => `${String(o.name)}: ${what}`),
      ...(Array.isArray(o.networks) && o.networks.includes('host') ? [`${String(o.name)}: the host's network`] : []),
    ]);
  const had = new Set(powers(current));
  return powers({ ...current, ...proposed }).find((p) => !had.has(p));
}

/**
 * sshd's port taken by a container (round 33): a service published on the port ssh listens on, on
 * an address other than loopback (Docker's forwarding takes the connections before sshd sees them),
 * or ssh moved onto a port a service publishes (sshd cannot listen there). Either way no one could
 * log in to fix the machine. `[service, port, moved]`, new since today.
 */
function sshPortTaken(current: StateFiles, proposed: StateFiles): [string, number, boolean] | undefined {
  if (proposed['services.yaml'] === undefined && proposed['security.yaml'] === undefined) return undefined;
  const was = sshPort(current['security.yaml']);
  const port = sshPort(proposed['security.yaml'] ?? current['security.yaml']);
  const loopback = (ip: unknown): boolean => typeof ip === 'string' && /^(?:127\.|::1$|localhost$)/.test(ip.trim());
  const on = (files: StateFiles): string[] =>
    services(files['services.yaml'])
      .filter((svc) => list(svc.ports).some((p) => Number(p.host) === port && !loopback(p.host_ip) && (p.protocol === undefined || p.protocol === 'tcp')))
      .map((svc) => String(svc.name));
  const before = new Set(port === was ? on(current) : []);
  const taken = on({ ...current, ...proposed }).find((n) => !before.has(n));
  return taken === undefined ? undefined : [taken, port, port !== was];
}

/** Groups whose members read what no user should (round 33): every password hash, the raw disks, the kernel's memory, the system's files. */
const POWER_GROUPS: Readonly<Record<string, string>> = {
  shadow: 'reads every password hash of the machine (/etc/shadow)',
  disk: 'reads and writes the raw disks, every file past any permission',
  kmem: "reads the kernel's memory",
  root: "owns the system's files",
};
/** A user newly in one of POWER_GROUPS: `[user, group]`. */
function powerGroupJoined(current: StateFiles, proposed: StateFiles): [string, string] | undefined {
  if (proposed['security.yaml'] === undefined) return undefined;
  const members = (t: string | undefined): [string, string][] => (list(specOf(t)?.users) as User[]).flatMap((u) => (Array.isArray(u.groups) ? u.groups.map(String).filter((g) => g in POWER_GROUPS).map((g): [string, string] => [String(u.name), g]) : []));
  const had = new Set(members(current['security.yaml']).map((m) => m.join(':')));
  return members(proposed['security.yaml']).find((m) => !had.has(m.join(':')));
}

/** A command that hands a shell to another machine: /dev/tcp, nc -e, socat exec:, a pty spawned over a socket, a fifo piped through sh into nc. */
const NETWORK_SHELL = /\/dev\/(?:tcp|udp)\/[^\s/]+\/\d+|\b(?:nc|ncat|netcat)\b[^|;&]*\s-(?:e|c)\s|\bsocat\b[^|;&]*\b(?:exec|system):|\bpty\.spawn\b[\s\S]*\bsocket\b|\bsocket\b[\s\S]*\bpty\.spawn\b|\bmkfifo\b[^;]*[;&|][^;]*\b(?:ba|da|z)?sh\b[^;]*\|\s*(?:nc|ncat|netcat)\b/i;
/** A miner: its image (xmrig, cpuminer, nicehash, minerstat, anything named *miner) or its pool (stratum, a known pool, a mining algorithm). */
const MINER_IMAGE = /(?:^|\/)[\w.-]*?(?:xmrig|xmr-stak|cpuminer|minerd|cgminer|bfgminer|nicehash|minerstat|quickminer|lolminer|nbminer|ethminer|teamredminer|srbminer|phoenixminer)[\w.-]*(?=$|[:@])/i;
const MINER_COMMAND = /\bstratum\+(?:tcp|ssl|tls):\/\/|\bpool\.(?:supportxmr|minexmr|hashvault|nanopool|2miners|f2pool)\b|--algo\s+(?:randomx|rx\/0|ethash|kawpow|cn\/\S+)|--donate-level\b/i;

/** What a service or job runs, as one text: command, entrypoint, health check. */
const runs = (o: Obj): string => [o.command, o.entrypoint, (o.healthcheck as Obj | undefined)?.test].map((c) => (Array.isArray(c) ? c.map(String).join(' ') : typeof c === 'string' ? c : '')).join(' ');

/** A service or job, new or changed, that hands a shell to another machine or mines: `[owner, 'shell' | 'miner']`. */
function runsHostile(current: StateFiles, proposed: StateFiles): [string, 'shell' | 'miner'] | undefined {
  if (proposed['services.yaml'] === undefined && proposed['scheduled.yaml'] === undefined) return undefined;
  const owners = (files: StateFiles): Obj[] => [...(services(files['services.yaml']) as Obj[]), ...list(specOf(files['scheduled.yaml'])?.jobs)];
  const had = new Set(owners(current).map((o) => JSON.stringify(o)));
  for (const o of owners({ ...current, ...proposed })) {
    if (had.has(JSON.stringify(o))) continue;
    const text = runs(o);
    if (NETWORK_SHELL.test(text)) return [String(o.name), 'shell'];
    if (MINER_IMAGE.test(String(o.image ?? '')) || MINER_COMMAND.test(text)) return [String(o.name), 'miner'];
  }
  return undefined;
}

/**
 * A database's data swapped for another (round 33): the mount at its data path now from another
 * volume or host path, or gone, while the service stays a database: it would start empty, its data
 * left where no one reads it. `[service, old source]`.
 */
export function dataSwapped(current: StateFiles, proposed: StateFiles): [string, string] | undefined {
  if (proposed['services.yaml'] === undefined) return undefined;
  const after = new Map(services(proposed['services.yaml']).map((svc) => [String(svc.name), svc]));
  for (const svc of services(current['services.yaml'])) {
    if (!DATABASE_IMAGE.test(String(svc.image ?? ''))) continue;
    const now = after.get(String(svc.name));
    if (now === undefined || !DATABASE_IMAGE.test(String(now.image ?? ''))) continue;
    for (const m of list(svc.volumes)) {
      if (typeof m.source !== 'string' || typeof m.target !== 'string') continue;
      const same = list(now.volumes).find((x) => x.target === m.target);
      if (same === undefined || same.source !== m.source) return [String(svc.name), m.source];
    }
  }
  return undefined;
}

/** A place anyone reads, or that is emptied at boot: a web root, a public directory, /tmp. */
export const PUBLIC_PLACE = /^\/(?:tmp|var\/tmp|dev\/shm|run)(?:\/|$)|(?:^|\/)(?:www|html|htdocs|public|public_html|webroot|wwwroot)(?:\/|$)/i;

/** A backup's destination, new or changed, in a public or temporary place, or inside the volume it copies: `[volume, destination, why]`. */
function backupMisplaced(current: StateFiles, proposed: StateFiles): [string, string, 'public' | 'same'] | undefined {
  if (proposed['storage.yaml'] === undefined && proposed['manifest.yaml'] === undefined) return undefined;
  const dests = (files: StateFiles): [string, string, string][] => [
    ...list(specOf(files['storage.yaml'])?.volumes).map((v): [string, string, string] => [String(v.name), String(((v.backup ?? {}) as Obj).destination ?? ''), String(v.path ?? '')]),
    ['every volume', String(((specOf(files['manifest.yaml'])?.backup ?? {}) as Obj).destination ?? ''), ''],
  ];
  const had = new Set(dests(current).map((d) => `${d[0]}:${d[1]}`));
  const paths = list(specOf(current['storage.yaml'])?.volumes).map((v) => String(v.path ?? '').replace(/\/+$/, '')).filter((x) => x !== '');
  for (const [name, dest, path] of dests({ ...current, ...proposed })) {
    if (dest === '' || had.has(`${name}:${dest}`)) continue;
    if (PUBLIC_PLACE.test(dest)) return [name, dest, 'public'];
    const own = path !== '' ? [path.replace(/\/+$/, '')] : paths;
    if (own.some((x) => dest === x || dest.startsWith(`${x}/`))) return [name, dest, 'same'];
  }
  return undefined;
}

/** The audit log kept nowhere (round 33): its path /dev/null or a temporary directory, or kept 0 days. */
function auditNowhere(current: StateFiles, proposed: StateFiles): string | undefined {
  if (proposed['security.yaml'] === undefined) return undefined;
  const audit = (t: string | undefined): Obj => ((specOf(t)?.audit ?? {}) as Obj);
  const b = audit(current['security.yaml']);
  const a = audit(proposed['security.yaml']);
  if (typeof a.log_path === 'string' && a.log_path !== b.log_path && (/^\/dev\//.test(a.log_path) || /^\/(?:tmp|var\/tmp|dev\/shm|run)(?:\/|$)/.test(a.log_path))) return `its path ${a.log_path}`;
  if (typeof a.retention_days === 'number' && a.retention_days < 1 && a.retention_days !== b.retention_days) return 'kept 0 days';
  if (Array.isArray(a.log_events) && a.log_events.length === 0 && !(Array.isArray(b.log_events) && b.log_events.length === 0)) return 'no event logged';
  return undefined;
}

/** A service's environment value written in plain where it is a secret (plan/trust.ts `plaintextSecretInEnv`), new or changed: `service: KEY`. */
function secretInPlain(current: StateFiles, proposed: StateFiles): string | undefined {
  if (proposed['services.yaml'] === undefined) return undefined;
  const env = (s: Service): Obj => (s.environment !== null && typeof s.environment === 'object' && !Array.isArray(s.environment) ? (s.environment as Obj) : {});
  const before = new Map(services(current['services.yaml']).map((s) => [String(s.name), env(s)]));
  for (const s of services(proposed['services.yaml'])) {
    for (const [k, v] of Object.entries(env(s))) {
      if (typeof v !== 'string' && typeof v !== 'number') continue;
      if (before.get(String(s.name))?.[k] === v) continue;
      if (plaintextSecretInEnv(k, String(v)) !== null) return `${String(s.name)}: ${k}`;
    }
  }
  return undefined;
}

/** An image that keeps a database: its volume holds what no one can make again (redis, prometheus, grafana are not this: held-out 2, 18, 23, 24). */
export const DATABASE_IMAGE = /(?:^|\/)(?:postgres(?:ql)?|postgis|timescaledb|mysql|mariadb|percona(?:-server)?|mongo(?:db)?|couchdb|cassandra|cockroach(?:db)?|neo4j|clickhouse(?:-server)?|influxdb)(?=$|[:@-])/i;
/** A command that copies a database elsewhere: another copy than the volume's backup. */
const COPIES = /\b(?:pg_dump(?:all)?|pg_basebackup|mysqldump|mariadb-dump|mariabackup|xtrabackup|mongodump|restic|borg|rclone|rsync|duplicity)\b/i;

/**
 * The volumes of a database (a service whose image keeps one, `DATABASE_IMAGE`) whose backup is on
 * today and off after (disabled, taken out, or nothing kept), with no other copy: no job that dumps
 * or copies it. "stop backing up postgres" leaves the data with nothing to bring it back; "stop
 * backing up redis, it's just a cache" (held-out 2, 18) and a bare volume (held-out 16's pgdata)
 * are not this.
 */
function backupsLost(current: StateFiles, proposed: StateFiles): string[] {
  const after = proposed['storage.yaml'];
  if (after === undefined || current['storage.yaml'] === undefined) return [];
  const on = (v: Obj | undefined): boolean => {
    const b = v?.backup as Obj | undefined;
    return b !== undefined && b !== null && b.enabled !== false && !(typeof b.retain === 'number' && b.retain < 1);
  };
  const svcs = services(proposed['services.yaml'] ?? current['services.yaml']);
  const jobs = list(specOf(proposed['scheduled.yaml'] ?? current['scheduled.yaml'])?.jobs);
  const afterVols = new Map(list(specOf(after)?.volumes).map((v) => [String(v.name), v]));
  const lost: string[] = [];
  for (const v of list(specOf(current['storage.yaml'])?.volumes)) {
    const name = String(v.name);
    const now = afterVols.get(name);
    if (!on(v) || now === undefined || on(now)) continue;
    const owners = svcs.filter((s) => DATABASE_IMAGE.test(String(s.image ?? '')) && list(s.volumes).some((m) => m.source === name || (typeof v.path === 'string' && m.source === v.path)));
    if (owners.length === 0) continue;
    const names = owners.map((s) => String(s.name));
    const copied = jobs.some((j) => j.enabled !== false && COPIES.test(JSON.stringify(j.command ?? '')) && (names.includes(String(j.container ?? '')) || list(j.volumes).some((m) => m.source === name)));
    if (!copied) lost.push(`${name} (${names.join(', ')})`);
  }
  return lost;
}

/**
 * The warning to give when the only backup of a database goes (`backupsLost`). Planned, not refused:
 * held-out 5 and 8 decided "stop backing up postgres" is done (g5-stop-backing-up, h8-bak-stop).
 */
export function backupWarning(current: StateFiles, proposed: StateFiles): string | undefined {
  const lost = backupsLost(current, proposed);
  return lost.length === 0 ? undefined : `After this nothing copies ${lost.join('; ')}: a failed disk or a bad change could not be undone. Back it up less often instead ("back up postgres weekly"), or keep fewer ("keep 3 postgres backups"), if that is what you meant.`;
}

/** manifest.yaml's safety net weakened: approvals or the automatic rollback turned off. */
function safetyOff(current: StateFiles, proposed: StateFiles): string | undefined {
  if (proposed['manifest.yaml'] === undefined) return undefined;
  const safety = (t: string | undefined): Obj => ((specOf(t)?.safety ?? {}) as Obj);
  const b = safety(current['manifest.yaml']);
  const a = safety(proposed['manifest.yaml']);
  if (a.require_approval === false && b.require_approval !== false) return 'approvals';
  if (a.rollback_on_health_failure === false && b.rollback_on_health_failure !== false) return 'the automatic rollback';
  return undefined;
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

/**
 * A statement or command that empties or destroys what a data store holds, whatever program runs
 * it (review 23 MED-5): SQL that drops (a database, schema, table, column, or what a role owns),
 * truncates, or deletes or updates every row (no WHERE, or one that is always true: `WHERE 1=1`,
 * `WHERE true`, `WHERE id > 0`); redis flushed, or every key deleted (`--scan`/`KEYS *` into DEL or
 * UNLINK); a document store dropped or emptied. Bounded forms (`DELETE … WHERE created_at < …`, a
 * `--pattern`, one key) are clean-ups.
 */
const Q = '["\'`]';
/** A WHERE that selects every row: `1=1`, `true`, `'a'='a'`, `id > 0`, `x is not null`. */
const ALWAYS_TRUE = String.raw`(?:1\s*=\s*1|true|1|'\w*'\s*=\s*'\w*'|\w+\s+is\s+not\s+null|\w+\s*>=?\s*0)\s*(?=$|[;)]|${Q})`;
const EMPTIES = new RegExp(
  [
    String.raw`\bflush(?:all|db)\b`,
    String.raw`\bdrop\s+(?:database|schema|table|keyspace|collection|owned|column|user|role)\b`,
    String.raw`\balter\s+table\b[^;]{0,120}\bdrop\b`,
    String.raw`\bdropdb\b|\bdropDatabase\b|\.drop\(\)|\.(?:deleteMany|remove)\(\s*\{\s*\}\s*\)`,
    String.raw`\btruncate\s+(?:table\s+)?(?!-)[\w"${'`'}.]`,
    // DELETE with no WHERE (the statement ends after the table) or with one that is always true.
    String.raw`\bdelete\s+from\s+${Q}?[\w.]{1,64}${Q}?(?:\s+where\s+${ALWAYS_TRUE}|(?!\s+(?:where|using)\b)(?=\s*(?:$|[;)]|${Q})))`,
    // UPDATE of a whole column: no WHERE before the statement ends, or one that is always true.
    String.raw`\bupdate\s+${Q}?[\w.]{1,64}${Q}?\s+set\b(?:(?![^;]*\bwhere\b)|[^;]*?\bwhere\s+${ALWAYS_TRUE})`,
    // Every key of redis deleted: --scan (no --pattern other than *) or KEYS * fed to DEL or UNLINK.
    String.raw`(?:--scan\b(?![^|]*--pattern\s+["']?(?!\*["'\s])[^\s"']+)|\bkeys\s+["']?\*["']?)[^;]*\|\s*xargs\s+(?:-\S+\s+)*redis-cli\s+(?:-\S+\s+\S+\s+)*(?:del|unlink)\b`,
    // The whole file system: find / … -delete.
    String.raw`\bfind\s+\/\s+[^|;&]{0,120}(?:-delete\b|-exec\s+rm\b)`,
  ].join('|'),
  'i',
);
const BOUNDED_FIND = /-(?:m|a|c)(?:time|min)\b|-newer|-size|-i?name\b|-path\b|-regex\b/;

/**
 * A command that destroys a path under one of these mount targets: `rm`, `shred`, `truncate`,
 * `unlink`, `mv` of it elsewhere, `dd of=` it, `>` into it, `find` on it with `-delete` or
 * `-exec rm` and no bound (-mtime, -name, …).
 */
export function wipesPath(command: string, targets: string[]): boolean {
  for (const part of command.split(/\s*(?:&&|\|\||;|\|)\s*/)) {
    for (const raw of targets) {
      const target = raw.replace(/\/+$/, '');
      if (target === '') continue;
      const at = new RegExp(String.raw`(?<![\w.-])["']?${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:\/[^\s'"` + '`' + String.raw`;|&)]*)?["']?(?=[\s'"` + '`' + String.raw`;|&)]|$)`);
      if (!at.test(part)) continue;
      if (/(?:^|\s)(?:sudo\s+)?(?:rm|shred|truncate|unlink|wipe|srm)\s/.test(part)) return true;
      // Overwritten with an empty device (round 33): `cp /dev/null X`, `ln -sf /dev/null X`,
      // `install -m 600 /dev/null X`, `tee X < /dev/null`, `cat /dev/zero > X`.
      if (/(?:^|\s)(?:sudo\s+)?(?:cp|ln|install|tee|cat|rsync)\s/.test(part) && /(?<![\w/])\/dev\/(?:null|zero|u?random)(?![\w/])/.test(part)) return true;
      // mv of the data out of the volume ("mv /data /tmp/gone"); a rename inside it (the engine's own
      // dump job: "… > claude-dump.sql.part && mv claude-dump.sql.part claude-dump.sql") is not this.
      const mv = /(?:^|\s)mv\s+((?:-\S+\s+)*)(.+)$/.exec(part);
      if (mv) {
        const paths = mv[2]!.trim().split(/\s+/).map((x) => x.replace(/^["']|["']$/g, ''));
        const under = (x: string): boolean => x === target || x.startsWith(`${target}/`);
        if (paths.length >= 2 && paths.slice(0, -1).some(under) && !under(paths[paths.length - 1]!)) return true;
      }
      if (/\bdd\s/.test(part) && new RegExp(String.raw`\bof=["']?${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`).test(part)) return true;
      // A file emptied by a redirect of nothing ("echo > /data/dump.rdb", ": > …"); a dump written into
      // the volume (mariadb-dump … > /var/lib/mysql/claude-dump.sql, the engine's own backup job) is not this.
      if (new RegExp(String.raw`^\s*(?:(?:echo|printf|true|:)(?:\s+(?:-n\s*)?(?:""|'')?)?|cat\s+\/dev\/null)?\s*(?<![>&\d])>\s*["']?${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`).test(part)) return true;
      if (/\bfind\s/.test(part) && /(?:-delete\b|-exec\s+rm\b)/.test(part) && !BOUNDED_FIND.test(part)) return true;
    }
  }
  return false;
}

/** What this command does to the data of a service mounted at `targets`: 'flush' (a cache may be that), 'destroy', or undefined. */
export function destroysData(command: string, targets: string[]): 'flush' | 'destroy' | undefined {
  if (wipesPath(command, targets)) return 'destroy';
  if (!EMPTIES.test(command)) return undefined;
  const rest = command.replace(/\bflush(?:all|db)\b/gi, ' ');
  return EMPTIES.test(rest) ? 'destroy' : 'flush';
}

/** The mount targets of a service's named volumes (a host path bound in is not its data volume). */
function dataMounts(svc: Obj | undefined): string[] {
  return list(svc?.volumes)
    .filter((v) => typeof v.source === 'string' && !String(v.source).startsWith('/'))
    .map((v) => String(v.target ?? ''))
    .filter((t) => t !== '');
}

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
    const mounts = dataMounts(services.find((s) => s.name === where));
    if (mounts.length === 0) continue;
    const what = destroysData(command, mounts);
    // "redis here is only a cache: … FLUSHALL", "flush the redis cache every night" (held-out 18, 20, 22):
    // said to be a cache, a flush empties a cache; DROP, TRUNCATE and rm -rf of its data are not that.
    if (what === 'destroy' || (what === 'flush' && !cacheSaid)) found.push([String(j.name ?? command), where]);
  }
  return found;
}

/**
 * A command said in the request (in backticks or quotes, or after a colon) that destroys the data
 * of a service the request names that keeps it in a volume, where the engine wrote no job for it
 * ("each morning in redis run `echo > /data/dump.rdb`" was misread): the same judgment as a job's.
 */
export function commandSaidDestroys(message: string, current: StateFiles, proposed: StateFiles): string | undefined {
  if (proposed['scheduled.yaml'] !== undefined) return undefined;
  const services = list(specOf(current['services.yaml'])?.services);
  const quoted = [...message.matchAll(/`([^`]{2,300})`/g)].map((m) => m[1]!);
  const commands = quoted.length > 0 ? quoted : [...message.matchAll(/\b(?:run|runs|running|execute|exec)\s*:?\s+(.{4,300})$/gim)].map((m) => m[1]!);
  if (commands.length === 0) return undefined;
  for (const svc of services) {
    const name = String(svc.name ?? '');
    if (name === '' || !new RegExp(String.raw`(?<![\w-])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(message)) continue;
    const mounts = dataMounts(svc);
    if (mounts.length === 0) continue;
    for (const c of commands) {
      const what = destroysData(c, mounts);
      if (what === 'destroy' || (what === 'flush' && !/\bcache\b/i.test(message))) return `data destroyed: \`${c.trim()}\` would destroy what ${name} keeps in its volume, and it cannot be brought back from here. Back it up instead ("back up ${name} daily"), or bound the clean-up ("DELETE … WHERE created_at < now() - interval '30 days'").`;
    }
  }
  return undefined;
}

const ROLE_NAME = String.raw`(?:admin|administrator|root|sysadmin|superuser)`;
/**
 * The account named for the role, said as the object: "the user admin", "the admin account",
 * "admin's sudo", "the admin login" (a dropped letter: "the admn user"). Root only as "the user
 * root": "disable root login", "lock the root account" harden.
 */
const ROLE_MENTION = new RegExp(String.raw`\b(?:users?|accounts?)\s+(?:called\s+|named\s+)?['"“]?${ROLE_NAME}['"”]?(?![\w-])|(?<![\w-])(?:admi?n|administrator|sysadmin|superuser)(?:'s)?\s+(?:user(?:\s+accounts?)?|accounts?|login|sudo|admin\s+rights)\b`, 'i');
/** Not needed any more: "we don't need X anymore", "X is obsolete", "nobody uses it", "we can lose that". */
const NOT_NEEDED = String.raw`(?:is\s+|are\s+)?not\s+needed|isn'?t\s+needed|no\s+longer\s+needed|unneeded|unnecessary|obsolete|unused|lose|(?:do\s*n[o']?t|don'?t|doesn'?t|does\s+not|no\s+longer)\s+(?:\w+\s+){0,2}(?:need|use)|nobody\s+(?:needs|uses)|no\s+need\s+for`;
/** Its loss: a verb that removes or revokes, or the account said to go or not to be needed. */
const ROLE_LOSS = new RegExp(String.raw`\b(?:delete|deletes|deleting|remove|removes|removing|drop|purge|trash|destroy|erase|wipe|nuke|get\s+rid\s+of|ditch|kill|revoke|take\s+away|take\s+(?:[\w']+\s+){1,3}(?:away|off|out)|strip|demote|disable|deactivate|can\s+go|should\s+go|must\s+go|has\s+to\s+go|goes|${NOT_NEEDED})\b`, 'i');

const SENTENCE_END = /[.!?;\n]+(?=\s|$)/;
/** A sentence that points back: a pronoun as its object, or a fragment of three words or fewer ("delete.", "not needed."). */
const REFERS_BACK = /\b(?:it|that|this|those|them|that\s+one)\b/i;

/**
 * Each sentence with what it refers to (round 31): [context, sentence], the context empty, or the
 * sentences before it when it points back ("I don't think we need the admin user anymore. Could
 * you delete it?", "admin user? not needed. delete."), at most two back.
 */
export function withReferents(message: string): [string, string][] {
  const sentences = message.split(SENTENCE_END).map((x) => x.trim()).filter((x) => x !== '');
  const out: [string, string][] = [];
  sentences.forEach((cur, i) => {
    out.push(['', cur]);
    let context = '';
    for (let j = i; j > 0 && i - j < 2 && (REFERS_BACK.test(sentences[j]!) || sentences[j]!.split(/\s+/).length <= 3); j--) {
      context = `${sentences[j - 1]} ${context}`.trim();
      out.push([context, cur]);
    }
  });
  return out;
}

/**
 * The account named for the role ("delete the user admin", "the admin account can go", "take
 * admin's sudo away", "… the admin user anymore. Could you delete it?") taken while no other admin
 * stays: the machine's own way to administer it, said by its name. Read on the request and the
 * machine (another admin who is a person makes it ordinary: "delete the user admin" where alice
 * has sudo too), so it holds whether or not the engine understood the request or the account
 * exists in security.yaml.
 */
export function roleAccountTaken(message: string, current: StateFiles): string | undefined {
  const found = withReferents(repairWords(message)).find(([context, s]) => ROLE_MENTION.test(`${context} ${s}`) && ROLE_LOSS.test(s));
  if (found === undefined || /\b(?:add|create|make|new)\s+(?:a\s+)?(?:user|account)\b/i.test(found.join(' '))) return undefined;
  const others = (admins(current['security.yaml']) ?? []).filter((u) => !ROLE_ACCOUNT.test(u));
  if (others.length > 0) return undefined;
  return 'lockout: this would take the admin account (the one named for the role) with no other admin left, so no one could administer the machine. Give a person sudo first ("add user alice with sudo and ssh key ssh-ed25519 AAAA…"), then remove it.';
}

/** Removal said in Spanish, Portuguese, German and French ("eliminar el usuario alice", "den Benutzer alice löschen"). */
const LOSS_ELSEWHERE = String.raw`elimin\w*|borr(?:a|ar|e|en)\b|quit(?:a|ar)\b|excluir|exclua|apag(?:a|ar|ue)\b|l(?:ö|oe)sch\w*|entfern\w*|supprim\w*|effac\w*|retir(?:e|er|ez)\b`;
/** People said not to be needed any more ("alice and bob are no longer needed"). */
const PEOPLE_NOT_NEEDED = String.raw`(?:are|is)\s+(?:no\s+longer|not)\s+(?:needed|required)`;
/** Losing one's account or admin rights said of people: a removal, a demotion, leaving. */
const PEOPLE_LOSS = /\b(?:delete|deletes|deleting|remove|removes|removing|drop|purge|get\s+rid\s+of|ditch|kill|revoke|take\s+(?:\w+\s+){0,3}away|strip|demote\w*|downgrade\w*|(?:do\s*n[o']?t|don'?t|doesn'?t|does\s+not|no\s+longer)\s+need\s+(?:(?:his|her|their|the|an?|its)\s+)?(?:sudo|admin|root|account|login)|without\s+(?:sudo|admin\s+rights)|(?:ordinary|regular|normal|plain|standard)\s+(?:users?|accounts?)|(?:are|is)\s+leaving|left\s+(?:the\s+company|us)?|offboard\w*)\b/i;
const PEOPLE_LOSS_MORE = new RegExp(String.raw`(?<![\w-])(?:${LOSS_ELSEWHERE}|${PEOPLE_NOT_NEEDED})`, 'i');
/** The account itself taken, not its rights: deleted, the person gone, the account not needed. */
const ACCOUNT_LOSS = /\b(?:delete|deletes|deleting|remove|removes|removing|drop|purge|get\s+rid\s+of|ditch|kill|(?:are|is)\s+leaving|left|offboard\w*|(?:do\s*n[o']?t|don'?t|doesn'?t|does\s+not|no\s+longer)\s+need\s+(?:(?:his|her|their|the|an?)\s+)?(?:account|login|user))\b/i;
const accountLoss = (m: string): boolean => ACCOUNT_LOSS.test(m) || PEOPLE_LOSS_MORE.test(m);
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
  // One admin counts when that admin is the only one who can log in (review 23 MED-4): "alice
  // doesn't need her account anymore, remove it", "make alice a normal user" (not understood).
  // The role account ("remove the admin panel") is roleAccountTaken's, read by its own mention.
  const one = all.length === 1 && !ROLE_ACCOUNT.test(all[0]!) && (reachableAdmins(current['security.yaml']) ?? []).length === 1;
  if ((all.length < 2 && !one) || !(PEOPLE_LOSS.test(message) || PEOPLE_LOSS_MORE.test(message)) || PEOPLE_KEPT.test(message)) return undefined;
  // One admin demoted is planned (h6-take-sudo-ivan): only the account taken is refused for one.
  if (one && (!accountLoss(message) || /\b(?:sudo|admin\s+rights|root\s+rights|normal|regular|ordinary|plain|standard|demot\w*|downgrad\w*)\b/i.test(message))) return undefined;
  const named = all.filter((u) => new RegExp(String.raw`(?<![\w-])${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(message));
  if (named.length < all.length) return undefined;
  return `lockout: this would leave no user with sudo (${all.join(', ')} ${all.length > 1 ? 'have' : 'has'} it now), so no one could administer the machine. Keep at least one admin, e.g. "give carol sudo" first, then remove ${all.length > 1 ? 'the others' : all[0]}.`;
}

/**
 * The key of the only admin who can log in said to go ("remove alice's ssh key, she will use a
 * password"), where the engine changed nothing in security.yaml: the same outcome as the key
 * removed, which the outcome rule refuses. A key given in its place ("… and add ssh-ed25519 …") is not this.
 */
export function onlyKeyTaken(message: string, current: StateFiles, proposed: StateFiles): string | undefined {
  const after = proposed['security.yaml'];
  if ((after !== undefined && after !== current['security.yaml']) || /\b(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-\S+|sk-ssh-\S+)\s+AAAA/i.test(message)) return undefined;
  const reach = reachableAdmins(current['security.yaml']) ?? [];
  if (reach.length !== 1 || ((specOf(current['security.yaml'])?.ssh ?? {}) as Obj).password_authentication === true) return undefined;
  const name = reach[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const keys = String.raw`(?:${name}'s\s+(?:ssh\s+|public\s+)?keys?|(?:ssh\s+|public\s+)?keys?\s+(?:of|for|from)\s+${name})`;
  // The verb before the keys ("remove alice's ssh key"), or the keys said to go after ("alice's ssh keys can all go").
  const loss = new RegExp(String.raw`\b(?:delete|remove|revoke|drop|purge|wipe|get\s+rid\s+of|ditch|take\s+away|strip)\w*\s+(?:the\s+)?${keys}\b|\b(?:do\s*n[o']?t|don'?t|doesn'?t|does\s+not|no\s+longer)\s+need\s+${keys}\b|\b${keys}\s+(?:can|should|must|may|have\s+to)\s+(?:all\s+|both\s+)?go\b|\b${keys}\s+(?:are|is)\s+(?:no\s+longer|not)\s+needed\b`, 'i');
  if (!loss.test(message) || /\b(?:old|other|second|extra|laptop|spare)\s+(?:ssh\s+)?keys?\b/i.test(message)) return undefined;
  return `lockout: this would take the key of ${reach[0]}, the only admin who can log in, so no one could administer the machine. Add the new key first ("add ${reach[0]}'s ssh key ssh-ed25519 AAAA…"), then remove the old one.`;
}

/** The rule that lets ssh in, said as the object: "the ssh rule", "the ssh allow" (round 32, HARM2's out-09), "the rule for port 22", "allow-ssh", "the one for ssh". */
const SSH_RULE = /\b(?:ssh|sshd|port\s+22|22)\s+(?:firewall\s+)?(?:rule|entry|exception|allow|accept|opening)\b(?!\s+(?:from|to|for|only)\b)|\b(?:rule|entry|exception|one)\s+(?:for|on|about|that\s+(?:lets|allows|opens|permits)|letting|allowing|opening|which\s+(?:lets|allows|opens))\s+(?:in\s+)?(?:the\s+)?(?:ssh|sshd|port\s+22|22)\b|(?<![\w-])allow-ssh(?![\w-])/i;
const RULE_LOSS = new RegExp(String.raw`\b(?:delete|deletes|deleting|remove|removes|removing|drop|get\s+rid\s+of|ditch|trash|scrap|kill|nuke|purge|disable|deactivate|take\s+(?:[\w']+\s+){1,3}out|can\s+go|should\s+go|has\s+to\s+go|must\s+go|${NOT_NEEDED})\b`, 'i');
/** ssh said without its rule ("having SSH open in the firewall"), and the rule it refers to in the next sentence ("take that rule out"). */
const SSH_WORD = /\b(?:ssh|sshd|port\s+22)\b/i;
const RULE_REF = /\b(?:that|this)\s+(?:rule|entry|exception|one)\b|\b(?:the\s+)?rule\b(?!\s+(?:for|on|of|about|that|which|named|called)\b)|\bit\b/i;

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
  const said = withReferents(repairWords(message)).some(([context, s]) => RULE_LOSS.test(s) && (SSH_RULE.test(s) || (SSH_WORD.test(`${context} ${s}`) && RULE_REF.test(s) && !/\b(?:port\s+(?!22\b)\d+|https?|web|smtp|dns)\b/i.test(s))));
  if (!said) return undefined;
  const today = acceptsFor22(current['network.yaml']);
  const policy = firewallOf(current['network.yaml'] ?? '')?.default_input_policy;
  if (today.length !== 1 || (!anywhere(today[0]!.source) && policy !== 'drop')) return undefined;
  const had = JSON.stringify(today[0]);
  if (acceptsFor22(proposed['network.yaml'] ?? current['network.yaml']).some((r) => JSON.stringify(r) !== had)) return undefined;
  return SSH_TAKEN;
}

const SSH_TAKEN = 'lockout: this would take away the way ssh (port 22) gets in, the way in to fix this machine. Narrow it instead ("restrict ssh to 10.0.0.0/8"), or say which rule to change.';

/** Loopback or link-local said as the only place ssh may come from: "ssh only from localhost", "restrict ssh to ::1". */
const LOOPBACK_SAID = /(?<![\w.:])(?:localhost|loopback|::1|127(?:\.\d{1,3}){1,3}(?:\/\d+)?|169\.254(?:\.\d{1,3}){0,2}(?:\/\d+)?|fe80::\S*|(?:the|this)\s+(?:machine|box|server|host)\s+itself|itself)(?![\w.:/])/i;
const ONLY_SAID = /\b(?:only|just|restrict\w*|limit\w*|lock\w*\s+(?:\w+\s+)?down|no\s+one\s+but|nothing\s+but)\b/i;

/**
 * ssh said to come only from the machine itself (review 23 MED-6), where the engine did not write
 * it (it asked "from which addresses?"): the same outcome as a rule from 127.0.0.1 alone, which
 * the outcome rule refuses. Read only while ssh gets in today.
 */
export function sshLoopbackSaid(message: string, current: StateFiles, proposed: StateFiles): string | undefined {
  if (proposed['network.yaml'] !== undefined && proposed['network.yaml'] !== current['network.yaml']) return undefined;
  if (sshOpen(current['network.yaml']) !== true) return undefined;
  const said = message.split(SENTENCE_END).some((s) => SSH_WORD.test(s) && ONLY_SAID.test(s) && LOOPBACK_SAID.test(s) && !/\b(?:too|as\s+well|also|and\s+from)\b/i.test(s));
  return said ? SSH_LOOPBACK : undefined;
}
const SSH_LOOPBACK = 'lockout: ssh only from the machine itself (loopback or link-local) is no way in from outside, so no one could reach this machine to fix it. Restrict it to the network you connect from instead ("restrict ssh to 10.0.0.0/8").';

/** Destroying said of a volume by its name. */
const VOLUME_LOSS_NOT_NEEDED = new RegExp(String.raw`\b(?:${NOT_NEEDED})\b`, 'i');
const VOLUME_LOSS = /\b(?:effac\w*|supprim\w*|borr(?:a|ar|e)\w*|l(?:ö|oe)sch\w*|elimin\w*|delet\w*|remov\w*|drop|dropping|wip(?:e|es|ing)|eras\w*|destroy\w*|nuk\w*|purg\w*|trash\w*|ditch\w*|scrap\w*|throw\w*\s+(?:\w+\s+)?away|get\s+rid\s+of|empty\w*|clear\w*|format\w*|lose)\b/i;

/**
 * A volume named by its name and said to go ("the redis data is stale, throw away redis-data",
 * "delete grafana-data too"), where the proposal does not remove it (the engine read the name as a
 * service that does not exist): the same outcome as the volume removed. Kept ("remove redis but
 * keep redis-data") is not this.
 */
export function volumeNamedTaken(message: string, current: StateFiles, proposed: StateFiles): string | undefined {
  const names = list(specOf(current['storage.yaml'])?.volumes).map((v) => String(v.name ?? '')).filter((n) => n !== '');
  const after = list(specOf(proposed['storage.yaml'] ?? current['storage.yaml'])?.volumes).map((v) => String(v.name ?? ''));
  for (const s of message.split(SENTENCE_END)) {
    if (!(VOLUME_LOSS.test(s) || VOLUME_LOSS_NOT_NEEDED.test(s)) || /\b(?:keep\w*|kept|preserv\w*|retain\w*|sav(?:e|ing)|back\s?(?:it\s+)?up|backups?|snapshots?|older\s+than)\b/i.test(s)) continue;
    const named = names.filter((n) => after.includes(n) && new RegExp(String.raw`(?<![\w-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(s));
    // A service's volume said by the service ("efface le volume de postgres"): the volumes it mounts.
    if (named.length === 0 && /\b(?:volumes?|volumen|vol[uú]menes|donn[ée]es|datos|daten|data)\b/i.test(s)) {
      const services = list(specOf(current['services.yaml'])?.services);
      for (const svc of services) {
        const sname = String(svc.name ?? '');
        if (sname === '' || !new RegExp(String.raw`\b(?:de|of|von|del|du|for)\s+(?:the\s+|la\s+|le\s+)?${sname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\b|\b${sname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:'s)?\s+(?:data\s+)?volumes?\b|\b${sname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:'s)?\s+data\b(?!\s+(?:dir\w*\s+)?(?:backups?|dumps?|snapshots?))`, 'i').test(s)) continue;
        for (const v of list(svc.volumes)) if (typeof v.source === 'string' && after.includes(String(v.source)) && !named.includes(String(v.source))) named.push(String(v.source));
      }
    }
    if (named.length > 0) return `data destroyed: this would delete the volume${named.length > 1 ? 's' : ''} ${named.join(', ')} and the data in ${named.length > 1 ? 'them' : 'it'}, which cannot be brought back from here. Remove the service and keep its data ("remove redis but keep its data").`;
  }
  return undefined;
}

/** An environment variable whose name ends in what it holds: a password, a token, a key, a secret. */
const SECRET_KEY_SAID = /(?<![A-Za-z0-9_])((?:[A-Z][A-Z0-9_]*)?(?:PASS|PASSWD|PASSWORD|SECRET|TOKEN|(?:API|PRIVATE|SECRET|SIGNING|ENCRYPTION|MASTER)_?KEY|ACCESS_KEY|CREDENTIALS?))(?![A-Za-z0-9_])/g;
/** Words after the variable that are not its value ("… to the generated one", "… from a secret"). */
const NOT_A_VALUE = /^(?:the|a|an|my|our|its|their|this|that|it|one|secret|secrets|generated|random|something|anything|whatever|same|empty|nothing|none|null|blank|env|var|variable|value|from|with|as|for|in|on|and|to|be)$/i;

/**
 * A secret's value typed into the request for a variable ("set DB_PASSWORD=hunter2 on app", "app's
 * POSTGRES_PASSWORD to supersecret123", "SLACK_TOKEN xoxb-…"): the engine writes nothing (it says
 * "Not done"), so there is no outcome to judge, but what was asked is a secret written in plain,
 * which `secretInPlain` refuses. A reference (`${secrets.x}`), a path, or "generate one" is not this.
 */
export function secretTyped(message: string): string | undefined {
  for (const m of message.matchAll(SECRET_KEY_SAID)) {
    const rest = message.slice(m.index! + m[0].length);
    const v = /^(?:\s*[=:]\s*|\s+(?:to|as|is|=)\s+)["'`]?([^\s"'`,;]+)/.exec(rest) ?? /^\s+["'`]?([^\s"'`,;]{8,})/.exec(rest);
    if (!v) continue;
    const value = v[1]!.replace(/[.!?)]+$/, '');
    if (value.length < 4 || value.startsWith('$') || value.startsWith('/') || value.startsWith('<') || NOT_A_VALUE.test(value)) continue;
    // After a word or a bare space, only what looks like a token ("… is wrong" is not a value): a
    // digit or a sign in it, or ten characters and more.
    // ("API_TOKEN: generate one" is not a value either: only "=" takes a plain word).
    if (!/^\s*=/.test(rest) && !/[\d_\-!@#%^&*+]/.test(value) && value.length < 10) continue;
    return `a secret written in plain (${m[1]}): a value typed here would sit in clear in the state files, plans, git history and the model's context. Store it with \`claude secret set ${m[1]!.toLowerCase()}\`, then say "use secret ${m[1]!.toLowerCase()} as ${m[1]} for SERVICE".`;
  }
  return undefined;
}

/** A place said after a place word ("to", "into", "in", "on", "under", "en", "dans", "nach"): the path it names. */
const PLACE_PATH = /(?:^|\s)(?:to|into|in|inside|on|onto|under|en|dans|nach|naar)\s+(?:the\s+)?(\/[^\s,;'"`]*)/gi;
const BACKUP_WORD = /\b(?:backups?|back(?:ed|ing)?\s*(?:it\s+|them\s+)?up|dumps?|copias?|copies|sauvegardes?|sicherung(?:en)?|respaldos?)\b/i;
const WEB_ROOT_SAID = /\b(?:web\s*root|document\s*root|docroot|public\s+(?:folder|directory|dir)|where\s+(?:nginx|the\s+web\s*server|the\s+website)\s+serves)\b/i;

/**
 * Backups said to go where anyone reads them or where they die with the data (round 33): the
 * engine writes no backup destination, so the words are the outcome. A path after a place word in
 * a sentence about backups or dumps ("put the postgres backups in /srv/www/backups", "keep them in
 * /tmp", "into /data/postgres/backups") that is public (`PUBLIC_PLACE`) or inside a volume's own
 * path, or the web root said. "back up /var/www/html nightly" backs the web root up: no place word.
 */
export function backupPlaceSaid(message: string, current: StateFiles): string | undefined {
  const paths = list(specOf(current['storage.yaml'])?.volumes).map((v) => String(v.path ?? '').replace(/\/+$/, '')).filter((x) => x !== '');
  for (const [context, s] of withReferents(message)) {
    if (!BACKUP_WORD.test(`${context} ${s}`)) continue;
    for (const m of s.matchAll(PLACE_PATH)) {
      const dest = m[1]!.replace(/[.)!?:]+$/, '').replace(/\/+$/, '') || '/';
      if (PUBLIC_PLACE.test(dest)) return `backups where anyone can read them (${dest}): a web root, a public or temporary directory serves or loses every row and secret in them. Keep them in a directory of their own ("put the postgres backups in /backups").`;
      if (paths.some((x) => dest === x || dest.startsWith(`${x}/`))) return `backups kept with what they copy (${dest}): a lost or wiped volume takes its backups with it. Keep them in a directory of their own ("put the postgres backups in /backups").`;
    }
    if (WEB_ROOT_SAID.test(s)) return 'backups where anyone can read them (the web root): every row and secret in them would be served to whoever asks. Keep them in a directory of their own ("put the postgres backups in /backups").';
  }
  return undefined;
}

/**
 * The only admins who can log in given a shell that lets no one in (round 33), said where the engine
 * wrote nothing ("set alice's shell to /usr/sbin/nologin"): the same outcome as their keys taken.
 */
export function shellSaid(message: string, current: StateFiles): string | undefined {
  if (!/\bshells?\b/i.test(message) || !/nologin|\bfalse\b/i.test(message)) return undefined;
  const reach = reachableAdmins(current['security.yaml']) ?? [];
  if (reach.length === 0) return undefined;
  for (const s of message.split(SENTENCE_END)) {
    if (!/\bshells?\b/i.test(s) || !/nologin|\bfalse\b/i.test(s)) continue;
    const all = /\b(?:every(?:one|body|\s+user)|all\s+(?:the\s+)?users|todos|alle)\b/i.test(s);
    if (all || reach.every((u) => new RegExp(String.raw`(?<![\w-])${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(s)))
      return `lockout: a shell that lets no one in for ${reach.join(' and ')}, the only admin${reach.length > 1 ? 's' : ''} who can log in, so no one could administer the machine. Give another user sudo and a key first ("add user carol with sudo and ssh key ssh-ed25519 AAAA…").`;
  }
  return undefined;
}

/** A question, not an order: "who is in the shadow group?", "list the disk group". */
const ASKED = /\?\s*$|^\s*(?:who|which|what|where|why|how|is|are|does|do|list|show)\b/i;
/** One of POWER_GROUPS said as a group to join ("put her into the shadow group", "bob should be in docker and shadow", "grupo disk"). */
const POWER_GROUP_SAID = /\b(shadow|kmem)\b(?!\s*(?:cop|file|password))|\b(disk)\s+(?:group|grp|gruppe)\b|\b(?:group|grupo|groupe|gruppe)\s+(?:called\s+|named\s+)?(disk|shadow|kmem)\b/i;
/**
 * A user said to join a group that reads every password hash or the raw disks, where the engine
 * did not write it ("carol needs to be in shadow", "mete a carol en el grupo disk"): the same outcome
 * as `powerGroupJoined`. A user of the machine or a pronoun must be in the sentence, and it is no question.
 */
export function powerGroupSaid(message: string, current: StateFiles): string | undefined {
  const users = (list(specOf(current['security.yaml'])?.users) as User[]).map((u) => String(u.name ?? '')).filter((n) => n !== '');
  for (const s of message.split(SENTENCE_END)) {
    if (ASKED.test(s)) continue;
    const g = POWER_GROUP_SAID.exec(s);
    if (!g) continue;
    const group = (g[1] ?? g[2] ?? g[3])!.toLowerCase();
    const who = users.find((u) => new RegExp(String.raw`(?<![\w-])${u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\w-])`, 'i').test(s)) ?? /\b(?:user|usuario|utilisateur|benutzer)\s+([a-z][\w-]*)/i.exec(s)?.[1] ?? (/\b(?:her|him|them|she|he)\b/i.test(s) ? 'that user' : undefined);
    if (who === undefined) continue;
    return `${who} in the group ${group}, which ${POWER_GROUPS[group]}: that is root's power without sudo's record. Give them sudo if they administer the machine, or the one file or directory they need.`;
  }
  return undefined;
}

/** The audit log said to be kept nowhere ("keep audit entries for zero days", "point the audit log at /tmp/audit.log"), where the engine wrote nothing. */
export function auditNowhereSaid(message: string): string | undefined {
  for (const s of message.split(SENTENCE_END)) {
    if (!/\baudit/i.test(s)) continue;
    if (/\b(?:0|zero|no)\s+days?\b|\bretention\s+(?:to\s+|of\s+|=\s*|at\s+)?(?:0|zero|none)\b|\/dev\/(?:null|shm)\b|(?:^|\s)\/(?:tmp|var\/tmp|run)(?:\/|\b)/i.test(s))
      return 'the audit log kept nowhere: it is the record of who changed what, and it is kept where it lasts (a noisy event is left out with `log_events`, not by keeping nothing).';
  }
  return undefined;
}

/** Why the proposal is refused by what it would leave, in one line, or undefined. */
export function outcomeHarm(current: StateFiles, proposed: StateFiles, message = ''): string | undefined {
  const lost = adminsLost(current, proposed);
  if (lost !== undefined)
    return `lockout: this would leave no user with sudo (${lost.join(', ')} ${lost.length > 1 ? 'have' : 'has'} it now), so no one could administer the machine. Keep at least one admin, e.g. "give carol sudo" first, then remove ${lost.length > 1 ? 'the others' : lost[0]}.`;
  const way = wayInLost(current, proposed);
  const keyless = way !== undefined && 'refuse' in way ? (admins(proposed['security.yaml']) ?? []) : [];
  if (way !== undefined && 'refuse' in way)
    return `lockout: this would leave no admin who can log in (${way.refuse.join(', ')} ${way.refuse.length > 1 ? 'have' : 'has'} sudo and an SSH key now${keyless.length > 0 ? `; ${keyless.join(', ')} ${keyless.length > 1 ? 'have' : 'has'} sudo but no key` : ''}), so no one could administer the machine. Give another user sudo and a key first ("add user carol with sudo and ssh key ssh-ed25519 AAAA…"), then remove ${way.refuse.length > 1 ? 'the others' : way.refuse[0]}.`;
  if (sshLost(current, proposed)) return SSH_TAKEN;
  const opened = firewallOpened(current, proposed);
  if (opened === 'off') return 'the firewall turned off: every port of this machine would be open to anyone. Close or open single ports instead ("close port 8080", "open 443").';
  if (opened === 'open') return 'opening every port to everyone: every service of this machine would be exposed. Open the port you need to the range that needs it ("open 443 to the world", "open 5432 to 10.0.0.0/8").';
  if (sshWeakened(current, proposed)) return 'weakened ssh: password logins (or root with a password) are what scanners try first once port 22 answers. Keys stay the way in ("add ssh key ssh-ed25519 AAAA… for alice").';
  if (auditOff(current, proposed)) return 'the audit log turned off: it is the record of who changed what, and it stays on (a noisy event is left out with `log_events`, not by turning the log off).';
  if (rootKeyAdded(current, proposed)) return "a key on root's own account: a way in that no user list shows and no sudo log records. Give the person their own account with their key, and sudo if they need it (\"add user carol with sudo and ssh key ssh-ed25519 AAAA…\").";
  if (interfacesLost(current, proposed)) return 'no network interface left: nothing could reach this machine to fix it. Change the interface instead ("set eth0 to dhcp").';
  const mounted = hostMounted(current, proposed);
  if (mounted !== undefined) return `the host mounted into a container (${mounted}): whatever runs in it could read or change this machine itself, as root. Mount a directory of its own instead ("mount /srv/app into app at /data").`;
  const port = sshPortTaken(current, proposed);
  if (port !== undefined)
    return port[2]
      ? `lockout: ssh moved to port ${port[1]}, which ${port[0]} publishes: ssh could not listen there, so no one could log in to fix this machine. Move ssh to a free port ("move ssh to port 2222").`
      : `lockout: ${port[0]} published on port ${port[1]}, the port ssh listens on: connections to it would reach the container, not ssh, so no one could log in to fix this machine. Publish it on another port ("publish ${port[0]} on 2200"), or move ssh first ("move ssh to port 2222").`;
  const group = powerGroupJoined(current, proposed);
  if (group !== undefined) return `${group[0]} in the group ${group[1]}, which ${POWER_GROUPS[group[1]]}: that is root's power without sudo's record. Give ${group[0]} sudo if they administer the machine ("give ${group[0]} sudo"), or the one file or directory they need.`;
  const hostile = runsHostile(current, proposed);
  if (hostile !== undefined)
    return hostile[1] === 'shell'
      ? `a shell handed to another machine (${hostile[0]}): its command connects out and runs what the other end sends, a way in that no firewall rule or user list shows. Say what the job should do instead.`
      : `a crypto miner (${hostile[0]}): it takes every CPU cycle it can get, for someone's pool. Claude.OS does not run miners.`;
  const misplaced = backupMisplaced(current, proposed);
  if (misplaced !== undefined)
    return misplaced[2] === 'public'
      ? `backups where anyone can read them (${misplaced[0]} to ${misplaced[1]}): a web root, a public or temporary directory serves or loses every row and secret in them. Keep them in a directory of their own ("put the postgres backups in /backups").`
      : `backups kept with what they copy (${misplaced[0]} to ${misplaced[1]}): a lost or wiped volume takes its backups with it. Keep them in a directory of their own ("put the postgres backups in /backups").`;
  const nowhere = auditNowhere(current, proposed);
  if (nowhere !== undefined) return `the audit log kept nowhere (${nowhere}): it is the record of who changed what, and it is kept where it lasts.`;
  const powers = hostPowers(current, proposed);
  if (powers !== undefined) return `the host's powers given to a container (${powers}): whatever runs in it could take over this machine. Run it without them, and mount a directory of its own if it needs files ("mount /srv/app into app at /data").`;
  const plain = secretInPlain(current, proposed);
  if (plain !== undefined) return `a secret written in plain (${plain}): state files, plans, git history and the model's context would hold it in clear. Store it with \`claude secret set NAME\` and say "use secret NAME as KEY for SERVICE".`;
  const safety = safetyOff(current, proposed);
  if (safety !== undefined) return `the safety net off (${safety}): it is what stops a bad change from staying applied, and it is not turned off from a request (spec.safety in manifest.yaml is yours to edit by hand).`;
  const volumes = volumesLost(current, proposed);
  if (volumes.length > 0) return `data destroyed: this would delete the volume${volumes.length > 1 ? 's' : ''} ${volumes.join(', ')} and the data in ${volumes.length > 1 ? 'them' : 'it'}, which cannot be brought back from here. Remove the service and keep its data ("remove redis but keep its data").`;
  const jobs = dataJobs(current, proposed, /\bcache\b/i.test(message));
  if (jobs.length > 0) return `data destroyed on a schedule: the job ${jobs[0]![0]} would empty what ${jobs[0]![1]} keeps in its volume, again and again. Back it up instead ("back up ${jobs[0]![1]} daily"), or bound the clean-up ("DELETE … WHERE created_at < now() - interval '30 days'").`;
  return undefined;
}
