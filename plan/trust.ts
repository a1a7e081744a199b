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
 * socket is root on the host; the others are the host's own system.
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

function under(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir === '/' ? '/' : dir + '/');
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
  for (const d of DANGEROUS_HOST_PATHS) if (under(p, d.path)) return d.what;
  for (const d of DANGEROUS_HOST_PATHS) if (under(d.path, p)) return `${d.path} (${d.what}) is inside it`;
  return null;
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

/** The dangerous host mounts a step would give a container or a job ("/etc (…)"). */
export function dangerousMountsOfStep(step: Pick<PlanStep, 'op' | 'params'>): string[] {
  const specs: SpecLike[] = [];
  const p = step.params as Record<string, unknown>;
  if (step.op === 'container.create') specs.push(p as SpecLike);
  else if (step.op === 'container.replace' && p.spec) specs.push(p.spec as SpecLike);
  else if (step.op === 'schedule.apply' && Array.isArray(p.jobs)) specs.push(...(p.jobs as SpecLike[]));
  const out: string[] = [];
  for (const s of specs) for (const m of s.mounts ?? []) if (dangerousMount(m.source)) out.push(m.source);
  return [...new Set(out)].sort();
}

/** P2 applies: the step needs an admin signature. */
export function stepNeedsAdmin(step: Pick<PlanStep, 'op' | 'params' | 'risk'>): boolean {
  if (step.op === 'host.apply' && step.risk === 'security') return true;
  return dangerousMountsOfStep(step).length > 0;
}
