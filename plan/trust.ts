/**
 * Trust-boundary rules both halves need: which host paths a container may not mount
 * without an allow-list entry, and which steps hand a container more power than it had
 * (a dangerous mount, a secret it did not hold). The compiler refuses or marks these as
 * `security` steps; the policy (plan/policy.ts) makes such steps need an admin signature
 * and a confirmation, and the runtime enforces that at apply. docs/security.md lists them.
 */
import type { PlanStep } from './types.js';

/**
 * Host paths a container must not mount (nor a parent of them, nor anything under them)
 * unless `spec.safety.allow_host_mounts` in manifest.yaml names the path: the engine's
 * socket is root on the host; the others are the host's own system (and, on the device image,
 * where its data partition keeps them: a plan made elsewhere is checked the same way there).
 */
export const DANGEROUS_HOST_PATHS: readonly { path: string; what: string }[] = [
  { path: '/var/run/docker.sock', what: "the Docker Engine's socket (root on the host)" },
  { path: '/run/docker.sock', what: "the Docker Engine's socket (root on the host)" },
  { path: '/run/containerd', what: "containerd's socket (root on the host)" },
  { path: '/var/run/containerd', what: "containerd's socket (root on the host)" },
  { path: '/run/docker', what: 'the Docker Engine runtime directory' },
  { path: '/var/lib/docker', what: "the Docker Engine's data (every container's files)" },
  { path: '/var/lib/containerd', what: "containerd's data (every container's files)" },
  { path: '/var/lib/claude', what: "Claude.OS's keys, journal and audit log" },
  // The device image (docs/image.md) keeps these on its data partition, under /data itself;
  // /var/lib/claude, /etc/claude.d and /var/lib/containerd only link there.
  { path: '/data/claude', what: "the Claude.OS device's keys, journal and audit log" },
  { path: '/data/claude.d', what: "the Claude.OS device's state repository" },
  { path: '/data/containerd', what: "the Claude.OS device's containerd data (every container's files)" },
  { path: '/data/system', what: "the Claude.OS device's console password" },
  { path: '/etc', what: 'the host system configuration' },
  { path: '/proc', what: 'the host kernel process interface' },
  { path: '/sys', what: 'the host kernel and devices' },
  { path: '/dev', what: 'the host devices' },
  { path: '/boot', what: 'the host kernel and boot loader' },
  { path: '/root', what: "root's home directory" },
  { path: '/bin', what: 'host system programs' },
  { path: '/sbin', what: 'host system programs' },
  { path: '/usr', what: 'host system programs' },
  { path: '/lib', what: 'host system libraries' },
  { path: '/lib64', what: 'host system libraries' },
];

/**
 * The first component of each dangerous path (`/var`, `/run`, `/etc`, …). A path under one of
 * them, one of them, or a parent of one starts with the same component: a path whose first
 * component is none of these is not dangerous.
 */
const DANGEROUS_TOPS: ReadonlySet<string> = new Set(DANGEROUS_HOST_PATHS.map((d) => firstComponent(d.path)));

/** `/var` of `/var/lib/docker`, `/etc` of `/etc`. */
function firstComponent(p: string): string {
  const cut = p.indexOf('/', 1);
  return cut < 0 ? p : p.slice(0, cut);
}

function under(p: string, dir: string): boolean {
  if (dir === '/') return p.startsWith('/');
  // no `dir + '/'`: that was a new string per pair, 44 per mount checked (15 MB over a
  // 10,000-service plan; docs/plans.md, "Fewer allocations while planning")
  return p === dir || (p.length > dir.length && p.charCodeAt(dir.length) === 47 && p.startsWith(dir));
}

/**
 * Why mounting host path `source` is dangerous, or null when it is not. `/` and any parent
 * of a dangerous path (e.g. `/var`, `/run`) are dangerous too; so is any `*.sock` of an
 * engine (docker.sock, containerd.sock).
 */
export function dangerousMount(source: string): string | null {
  if (!source.startsWith('/')) return null;
  const p = source.replace(/\/+$/, '') || '/';
  if (p === '/') return 'the whole host file system';
  if (/(^|\/)(docker|containerd|podman|crio)\.sock$/.test(p)) return 'a container engine socket (root on the host)';
  // not under, nor one of, nor a parent of a dangerous path: no need for the two passes over
  // the list (46 comparisons for each mount of every container of a plan)
  if (!DANGEROUS_TOPS.has(firstComponent(p))) return null;
  for (const d of DANGEROUS_HOST_PATHS) if (under(p, d.path)) return d.what;
  for (const d of DANGEROUS_HOST_PATHS) if (under(d.path, p)) return `${d.path} (${d.what}) is inside it`;
  return null;
}

/** The innermost mount whose target holds `path`, or undefined. */
export function mountHolding<T extends { target: string }>(mounts: readonly T[], path: string): T | undefined {
  let best: T | undefined;
  for (const m of mounts) if ((path === m.target || path.startsWith(m.target + '/')) && (!best || m.target.length > best.target.length)) best = m;
  return best;
}

/** Whether `allow` (normalised absolute paths from manifest.yaml) permits mounting `source`. */
export function mountAllowed(source: string, allow: readonly string[]): boolean {
  const p = source.replace(/\/+$/, '') || '/';
  return allow.some((a) => (a.replace(/\/+$/, '') || '/') === p);
}

interface MountLike {
  source: string;
}
interface SpecLike {
  name?: string;
  mounts?: readonly MountLike[];
}

/** The containers or jobs a step gives mounts to. */
function specsOf(step: Pick<PlanStep, 'op' | 'params'>): readonly SpecLike[] {
  const p = step.params as Record<string, unknown>;
  if (step.op === 'container.create') return [p as SpecLike];
  if (step.op === 'container.replace' && p.spec) return [p.spec as SpecLike];
  if (step.op === 'schedule.apply' && Array.isArray(p.jobs)) return p.jobs as SpecLike[];
  return [];
}

/** The dangerous host mounts a step would give a container or a job ("/etc (…)"). */
export function dangerousMountsOfStep(step: Pick<PlanStep, 'op' | 'params'>): string[] {
  const out: string[] = [];
  for (const s of specsOf(step)) for (const m of s.mounts ?? []) if (dangerousMount(m.source)) out.push(m.source);
  return [...new Set(out)].sort();
}

/**
 * A firewall step after which every port no rule drops is open (P2): the input policy set to
 * accept in network.yaml, or a live drop turned to accept (by any edit: the key dropped, the
 * firewall disabled) — the planner marks both (compiler/planner.ts, from observed.firewall.inputPolicy).
 */
export function opensEveryPort(step: Pick<PlanStep, 'op' | 'params'>): boolean {
  return (step.op === 'firewall.apply' || step.op === 'firewall.remove') && (step.params as { opensEveryPort?: boolean }).opensEveryPort === true;
}

/** P2 applies: the step needs an admin signature. Stops at the first dangerous mount (the policy asks it of every step). */
export function stepNeedsAdmin(step: Pick<PlanStep, 'op' | 'params' | 'risk'>): boolean {
  if (step.op === 'host.apply' && step.risk === 'security') return true;
  if (opensEveryPort(step)) return true;
  for (const s of specsOf(step)) for (const m of s.mounts ?? []) if (dangerousMount(m.source)) return true;
  return false;
}

// ── plaintext secrets and remote code ─────────────────────────────────────────────────

/** An environment variable name that says its value is a secret. */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|(^|_)PASS$|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?$|AUTH_?KEY)/i;
/** …unless it names a file, a path, a user, a method or a switch rather than the value. */
const NOT_A_VALUE_NAME = /(_FILE|_PATH|_DIR|_USER|_USERNAME|_NAME|_METHOD|_LENGTH|_REQUIRED|_ENABLED|_TTL|_EXPIRY|_HEADER)$/i;
/** Values that are settings, not secrets. */
const SETTING_VALUE = /^(true|false|yes|no|on|off|none|null|\d{1,6}|trust|md5|scram-sha-256|password|required|optional|disabled|enabled)$/i;

/** Well-known secret formats, found in any value or command. */
const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{30,}\b/, 'a GitHub token'],
  [/\bsk-(ant-)?[A-Za-z0-9_-]{20,}\b/, 'an API key (sk-…)'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\/\s:@]+:[^@\s\/]+@/i, 'a URL with a password in it'],
  [/\b(mysql|mysqldump|mariadb|mariadb-dump|mysqladmin)\b.*\s-p(?![\s'"$])\S+/, 'a password on a mysql command line (-p…)'],
  [/(^|[\s;&|])[A-Z_]*(PASSWORD|PASSWD|TOKEN|SECRET)=(?![\s'"]*\$)\S+/, 'a password set on a command line'],
];

/** `text` with `${secrets.…}` references (the safe way) removed, so only plaintext remains. */
function withoutRefs(text: string): string {
  return text.replace(/\$\{secrets\.[^}]*\}/g, '');
}

/**
 * Why an environment value looks like a plaintext secret (by its variable's name, or by a
 * well-known pattern), or null. References (`${secrets.x}`) are the safe form.
 */
export function plaintextSecretInEnv(key: string, value: string): string | null {
  const plain = withoutRefs(value).trim();
  if (plain === '') return null;
  if (SECRET_NAME.test(key) && !NOT_A_VALUE_NAME.test(key) && !SETTING_VALUE.test(plain) && !plain.startsWith('/') && plain === value.trim()) {
    return `the variable's name says it is a secret`;
  }
  return plaintextSecretInText(value);
}

/** Why a command (or any text) holds a plaintext secret by a well-known pattern, or null. */
export function plaintextSecretInText(text: string): string | null {
  const plain = withoutRefs(text);
  for (const [re, what] of SECRET_PATTERNS) if (re.test(plain)) return what;
  return null;
}

const FETCH = '(curl|wget|fetch|busybox\\s+wget)';
const RUNNER = '(sudo\\s+)?(env\\s+)?(ba|z|k|da|a)?sh|python[0-9.]*|perl|ruby|node|php';
const REMOTE_CODE: readonly RegExp[] = [
  new RegExp(`\\b${FETCH}\\b[^|;&\\n]*\\|\\s*(${RUNNER})\\b`),
  new RegExp(`\\$\\(\\s*${FETCH}\\b`),
  new RegExp('`\\s*' + FETCH + '\\b'),
  new RegExp(`<\\(\\s*${FETCH}\\b`),
  new RegExp(`\\b(${RUNNER})\\s+-c\\s+["']?\\$\\(\\s*${FETCH}`),
];

/** The part of a command that downloads code and runs it, or null. */
export function fetchAndExecute(command: string): string | null {
  for (const re of REMOTE_CODE) {
    const m = re.exec(command);
    if (m) return m[0].trim().slice(0, 60);
  }
  return null;
}
