/**
 * Offline analyzers, in the manner of k8sgpt's: each is a rule that reads only observed
 * facts (and the desired services, when the caller knows them) and returns findings with
 * evidence. They never change anything and never call out; `resolveOwner` (reading /proc
 * to name the process holding a port) is injected so the rules stay pure.
 *
 *   analyze(facts, opts) → Diagnosis
 */
import { exitRequest, type ExitRequest, isCrashLooping, isOomKilled, mb } from '../anomalies.js';
import type { ContainerFacts, DesiredService, Facts, Listener, LogLine } from '../../../plan/observed.js';
import type { Check, Diagnosis, Evidence, Finding, FixHint, PortHolderInfo } from '../../../plan/diagnosis.js';
import { compareCodePoints } from '../../../common/order.js';

export type { Check, Diagnosis, Evidence, Finding, FixHint, PortHolderInfo } from '../../../plan/diagnosis.js';

export interface AnalyzeOptions {
  /** Only findings about this service (and what it depends on or what blocks it). */
  service?: string;
  /** Names the process behind listening sockets (ports.ts `resolveOwners`); default: none. */
  resolveOwners?: (ls: Listener[]) => Listener[];
  /** Results of TCP probes of running services' published ports: "service:port" → answered. */
  probes?: Map<string, boolean>;
  /** Log lines to quote as evidence. Default 5. */
  evidenceLines?: number;
  unhealthyChecks?: number;
  diskPercent?: number;
  /** Ports a move-port fix must not suggest (already used by the desired state or the host). */
  usedPorts?: Set<number>;
  /** Findings made elsewhere over readings this pure pass cannot take (slow.ts: "why is X slow?"). */
  extra?: Finding[];
}

/** A service as the analyzers see it: desired (when known) and its containers. */
export interface ServiceView {
  name: string;
  desired?: DesiredService;
  containers: ContainerFacts[];
  /** Should be running: desired running+enabled with replicas, or (without desired state) has a managed container. */
  wantRunning: boolean;
}

export function serviceViews(f: Facts): ServiceView[] {
  const byName = new Map<string, ServiceView>();
  for (const d of f.desired ?? []) {
    byName.set(d.name, { name: d.name, desired: d, containers: [], wantRunning: d.enabled && d.state === 'running' && d.replicas > 0 });
  }
  for (const c of f.containers) {
    if (!c.managed || !c.service) continue;
    let v = byName.get(c.service);
    if (!v) {
      if (f.desired) continue; // an orphan: not a service of the desired state
      v = { name: c.service, containers: [], wantRunning: true };
      byName.set(c.service, v);
    }
    v.containers.push(c);
  }
  return [...byName.values()].sort((a, b) => compareCodePoints(a.name, b.name));
}

const isUp = (c: ContainerFacts) => c.status === 'running';

function logsOf(f: Facts, name: string, n: number): string[] {
  const ls: LogLine[] = f.logs[name] ?? [];
  return ls.slice(-n).map((l) => l.text);
}

function hostPortsOf(v: ServiceView): { port: number; protocol: 'tcp' | 'udp' }[] {
  const src = v.desired ? v.desired.ports : v.containers.flatMap((c) => c.ports);
  const seen = new Set<string>();
  const out: { port: number; protocol: 'tcp' | 'udp' }[] = [];
  for (const p of src) {
    if (p.host === undefined || p.protocol === 'sctp') continue;
    const k = `${p.host}/${p.protocol}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ port: p.host, protocol: p.protocol });
  }
  return out;
}

/** Who holds a host port, other than the service's own containers. */
export function portHolder(f: Facts, port: number, protocol: 'tcp' | 'udp', own: Set<string>, resolve?: (ls: Listener[]) => Listener[]): PortHolderInfo | null {
  const c = f.portHolders.find((h) => h.hostPort === port && h.protocol === protocol && !own.has(h.container));
  if (c) return { container: c.container, managed: c.managed, ...(c.foreignHost !== undefined ? { foreignHost: c.foreignHost } : {}), ...(c.service ? { service: c.service } : {}), ...(c.pid ? { pid: c.pid } : {}) };
  if (f.portHolders.some((h) => h.hostPort === port && h.protocol === protocol && own.has(h.container))) return null;
  const ls = f.listeners.filter((l) => l.port === port && l.protocol === protocol);
  if (ls.length === 0) return null;
  const named = resolve ? resolve(ls.map((l) => ({ ...l }))) : ls;
  const l = named.find((x) => x.pid !== undefined) ?? named[0]!;
  return { ...(l.pid !== undefined ? { pid: l.pid } : {}), ...(l.process ? { process: l.process } : {}) };
}

export function describeHolder(h: PortHolderInfo): string {
  if (h.container) {
    const pid = h.pid !== undefined ? ` (PID ${h.pid})` : '';
    if (h.managed && h.service) return `the container '${h.container}'${pid}, service ${h.service}`;
    if (h.managed) return `the container '${h.container}'${pid}, left over from a previous configuration (an orphaned managed container)`;
    if (h.foreignHost !== undefined) return `the container '${h.container}'${pid}, held by a container managed by another Claude.OS instance (${foreignWords(h.foreignHost)})`;
    return `the container '${h.container}'${pid}, which Claude.OS does not manage`;
  }
  if (h.pid !== undefined) return `${h.process ?? 'a process'} (PID ${h.pid})`;
  return 'a process on the host (its owner could not be read)';
}

function suggestPort(port: number, used: Set<number>, f: Facts): number {
  const taken = new Set([...used, ...f.portHolders.map((h) => h.hostPort), ...f.listeners.map((l) => l.port)]);
  const candidates = port === 80 ? [8080, 8081, 8000, 8888] : port === 443 ? [8443, 9443] : [];
  for (const c of candidates) if (!taken.has(c)) return c;
  for (let p = port < 1024 ? port + 8000 : port + 1; p < 65536; p++) if (!taken.has(p)) return p;
  return port;
}

/** Whether the container's last exit was asked for (a stop or kill request, not a crash). */
function lastExitRequest(f: Facts, name: string): ExitRequest | undefined {
  const last = f.events.filter((e) => e.type === 'container.die' && e.container === name).pop();
  return last === undefined ? undefined : exitRequest(f, last);
}

/** Signal numbers as `docker kill` reports them, with the names people know them by. */
const SIGNALS: Record<string, string> = { '1': 'SIGHUP', '2': 'SIGINT', '3': 'SIGQUIT', '6': 'SIGABRT', '9': 'SIGKILL', '15': 'SIGTERM' };

/** How a container that was asked to exit was stopped, in words. */
function stopPhrase(req: ExitRequest | undefined): string {
  if (req === undefined) return 'it exited cleanly, as after `docker stop`';
  if (req.by === 'stop') return 'by a stop request, as `docker stop` sends';
  const sig = req.signal === undefined ? '' : /^\d+$/.test(req.signal) && SIGNALS[req.signal] ? ` with ${SIGNALS[req.signal]} (signal ${req.signal})` : ` with ${req.signal}`;
  return `killed${sig}, as \`docker kill\` does; not a crash`;
}

function statusPhrase(c: ContainerFacts): string {
  switch (c.status) {
    case 'exited':
      return `Container exited (exit code ${c.exitCode ?? '?'})`;
    case 'created':
      return c.error ? `Container could not start: ${c.error}` : 'Container was created but never started';
    case 'restarting':
      return `Container is restarting (exit code ${c.exitCode ?? '?'}, ${c.restartCount} restarts)`;
    case 'paused':
      return 'Container is paused';
    case 'dead':
      return 'Container is dead (the engine could not stop or remove it cleanly)';
    default:
      return `Container is ${c.status}`;
  }
}

// ── the rules ──────────────────────────────────────────────────────────────────────────

interface Ctx {
  f: Facts;
  o: AnalyzeOptions;
  views: ServiceView[];
  n: number;
}

type Rule = (ctx: Ctx) => Finding[];

/** OBS101: a service that should run has a container that is not running, or none at all. */
const notRunning: Rule = ({ f, views, n }) => {
  const out: Finding[] = [];
  for (const v of views) {
    if (!v.wantRunning) continue;
    if (v.containers.length === 0) {
      const failed = [...f.events].reverse().find((e) => e.type === 'reconcile.failed');
      out.push({
        analyzer: 'not-running',
        code: 'OBS101',
        severity: 'critical',
        service: v.name,
        title: `${v.name} has no container`,
        explanation: `${v.name} is in the desired state but no container exists for it${failed ? ': the last apply failed and was rolled back' : ''}.`,
        evidence: failed?.detail ? [{ label: 'last failed apply', lines: [failed.detail] }] : [],
        fixes: [{ kind: 'reapply', service: v.name, reason: 'start' }],
      });
      continue;
    }
    for (const c of v.containers) {
      if (isUp(c) || c.status === 'restarting') continue;
      const lines = logsOf(f, c.name, n);
      const ev: Evidence[] = [];
      if (c.error) ev.push({ label: 'engine error', lines: [c.error] });
      if (lines.length) ev.push({ label: `last ${lines.length} log lines of ${c.name}`, lines });
      out.push({
        analyzer: 'not-running',
        code: 'OBS101',
        severity: 'critical',
        service: v.name,
        container: c.name,
        title: `${v.name}: ${statusPhrase(c)}`,
        explanation:
          c.status === 'exited' && !c.oomKilled && (c.exitCode === 0 || lastExitRequest(f, c.name))
            ? `${v.name} was stopped (${stopPhrase(lastExitRequest(f, c.name))}), but the desired state says it should be running.`
            : `${v.name} is not running: ${statusPhrase(c).toLowerCase()}.`,
        evidence: ev,
        fixes: [{ kind: 'reapply', service: v.name, reason: 'start' }],
        ...(c.exitCode !== undefined ? { data: { exitCode: c.exitCode } } : {}),
      });
    }
  }
  return out;
};

/** OBS102: a host port of a service that is down is held by something else. */
const portConflict: Rule = ({ f, o, views }) => {
  const out: Finding[] = [];
  for (const v of views) {
    if (!v.wantRunning) continue;
    if (v.containers.length > 0 && v.containers.every(isUp)) continue;
    const own = new Set(v.containers.map((c) => c.name));
    for (const { port, protocol } of hostPortsOf(v)) {
      const h = portHolder(f, port, protocol, own, o.resolveOwners);
      if (!h) continue;
      const fixes: FixHint[] = [];
      const suggested = suggestPort(port, o.usedPorts ?? new Set(), f);
      if (h.container && h.managed && !h.service) fixes.push({ kind: 'reapply', reason: 'remove-orphan' });
      else if (h.container && h.managed && h.service && !(f.desired ?? []).some((d) => d.name === h.service && d.enabled)) fixes.push({ kind: 'reapply', reason: 'remove-orphan' });
      fixes.push({ kind: 'move-port', service: v.name, port, suggested, protocol });
      if (h.container && !h.managed && h.foreignHost !== undefined) fixes.push({ kind: 'manual', action: `the container ${h.container} belongs to another Claude.OS instance (${foreignWords(h.foreignHost)}); remove it there, or use another host port (a plan here never removes it)` });
      else if (h.container && !h.managed) fixes.push({ kind: 'manual', action: `stop the container yourself if it is not needed: docker stop ${h.container} (Claude.OS does not manage it, so a plan will not remove it)` });
      else if (!h.container) fixes.push({ kind: 'manual', action: `stop ${h.process ?? 'the process'}${h.pid !== undefined ? ` (PID ${h.pid})` : ''} if it is not needed, then apply again` });
      out.push({
        analyzer: 'port-conflict',
        code: 'OBS102',
        severity: 'critical',
        service: v.name,
        ...(h.container ? { container: h.container } : {}),
        title: `Port ${port} is already in use by ${h.container ? `'${h.container}'` : (h.process ?? 'another process')}`,
        explanation: `${v.name} needs host port ${port}/${protocol}, but it is held by ${describeHolder(h)}, so ${v.name} cannot bind it.`,
        evidence: [{ label: `holder of port ${port}/${protocol}`, lines: [holderLine(h)] }],
        fixes,
        data: { port, holder: h },
      });
    }
  }
  return out;
};

/** "host id host-…", or what an unlabelled one is. */
function foreignWords(hostId: string): string {
  return hostId ? `host id ${hostId}` : 'no host id: made by an older Claude.OS; re-apply there to adopt it';
}

function holderLine(h: PortHolderInfo): string {
  if (h.container) return `container ${h.container}${h.managed ? ' (managed)' : h.foreignHost !== undefined ? ` (managed by another Claude.OS instance: ${foreignWords(h.foreignHost)})` : ' (not managed)'}${h.pid !== undefined ? `, pid ${h.pid}` : ''}`;
  return `pid ${h.pid ?? '?'} ${h.process ?? '?'}`;
}

/** OBS103: managed containers whose service is not in the desired state (only with desired state). */
const orphans: Rule = ({ f }) => {
  if (!f.desired) return [];
  const want = new Map(f.desired.map((d) => [d.name, d]));
  const out: Finding[] = [];
  for (const c of f.containers) {
    if (!c.managed) continue;
    const d = c.service ? want.get(c.service) : undefined;
    const extraReplica = d && c.replica !== undefined && c.replica > d.replicas;
    if (d && d.enabled && !extraReplica) continue;
    out.push({
      analyzer: 'orphan',
      code: 'OBS103',
      severity: isUp(c) ? 'warning' : 'info',
      ...(c.service ? { service: c.service } : {}),
      container: c.name,
      title: `Orphaned container '${c.name}'`,
      explanation: `'${c.name}' carries the Claude.OS labels but ${c.service ? `service ${c.service}` : 'its service'} is not in the desired state${extraReplica ? ' at that replica count' : ''}; it is left over from a previous configuration. Applying the state again removes it.`,
      evidence: [{ label: 'container', lines: [`${c.name} ${c.image} ${c.status}`] }],
      fixes: [{ kind: 'reapply', reason: 'remove-orphan' }],
    });
  }
  return out;
};

/** OBS104: the image of a service is not present locally. */
const missingImage: Rule = ({ f, views }) => {
  const have = new Set(f.images);
  const out: Finding[] = [];
  for (const v of views) {
    const imgs = new Set<string>();
    for (const c of v.containers) if (!c.imagePresent) imgs.add(c.image);
    if (v.desired && !have.has(v.desired.image) && !have.has(`${v.desired.image}:latest`)) imgs.add(v.desired.image);
    for (const image of [...imgs].sort()) {
      out.push({
        analyzer: 'missing-image',
        code: 'OBS104',
        severity: 'critical',
        service: v.name,
        title: `Image ${image} is missing`,
        explanation: `${v.name} uses the image ${image}, which is not present on this host, so its container cannot be created again.`,
        evidence: [{ label: 'local images', lines: [f.images.length ? `${f.images.length} images present; ${image} is not one of them` : 'no images present'] }],
        fixes: [{ kind: 'manual', action: `load the image into the container engine (docker load -i <file>.tar), or pull ${image} on a host that reaches a registry, or map it to an image this host has in manifest.yaml spec.images.aliases; then apply again` }],
      });
    }
  }
  return out;
};

/** OBS105: an unhealthy container, with its last health output. */
const unhealthy: Rule = ({ views, o }) => {
  const out: Finding[] = [];
  for (const v of views) {
    for (const c of v.containers) {
      // Docker keeps the last health status of a stopped container: only a running one is
      // "running, but its health check keeps failing" (a stopped one is OBS101's).
      if (c.health !== 'unhealthy' || !isUp(c)) continue;
      const last = c.healthLog.slice(-3);
      out.push({
        analyzer: 'unhealthy',
        code: 'OBS105',
        severity: c.failingStreak >= (o.unhealthyChecks ?? 3) ? 'critical' : 'warning',
        service: v.name,
        container: c.name,
        title: `${v.name} is unhealthy (${c.failingStreak} failed health checks in a row)`,
        explanation: `${v.name} is running, but its health check keeps failing, so it is probably not serving requests.`,
        evidence: last.length ? [{ label: 'last health check output', lines: last.map((p) => `exit ${p.exitCode}: ${p.output || '(no output)'}`) }] : [],
        fixes: [{ kind: 'manual', action: `look at \`claude logs ${v.name}\` and the health output above; the health check runs inside the container` }],
      });
    }
  }
  return out;
};

/** OBS106: the OOM killer ended a container. */
const oomKilled: Rule = ({ f, views, n }) => {
  const out: Finding[] = [];
  for (const v of views) {
    for (const c of v.containers) {
      if (!isOomKilled(f, c)) continue;
      const cur = v.desired?.memoryLimit ?? c.memoryLimit;
      const suggested = cur ? Math.max(64 * 1024 * 1024, roundMb(cur * 2)) : 512 * 1024 * 1024;
      const lines = logsOf(f, c.name, n);
      out.push({
        analyzer: 'oom-killed',
        code: 'OBS106',
        severity: 'critical',
        service: v.name,
        container: c.name,
        title: `${v.name} was killed: out of memory${cur ? ` (limit ${mb(cur)} MB)` : ''}`,
        explanation: `The kernel's out-of-memory killer stopped ${v.name} because it used more memory than ${cur ? `its limit of ${mb(cur)} MB` : 'the host could give it'}.`,
        evidence: [{ label: 'container state', lines: [`OOMKilled=true exit code ${c.exitCode ?? '?'} restarts ${c.restartCount}`] }, ...(lines.length ? [{ label: `last ${lines.length} log lines`, lines }] : [])],
        fixes: [{ kind: 'raise-memory', service: v.name, ...(cur ? { currentBytes: cur } : {}), suggestedBytes: suggested }],
      });
    }
  }
  return out;
};

function roundMb(b: number): number {
  return Math.ceil(b / (1024 * 1024)) * 1024 * 1024;
}

/** OBS107: a crash loop (restart count rising), with the last log lines. */
const crashLoop: Rule = ({ f, views, n }) => {
  const out: Finding[] = [];
  for (const v of views) {
    for (const c of v.containers) {
      if (!isCrashLooping(f, c)) continue;
      if (isOomKilled(f, c)) continue; // reported as an OOM kill, whose fix is known
      const lines = logsOf(f, c.name, n);
      out.push({
        analyzer: 'crash-loop',
        code: 'OBS107',
        severity: 'critical',
        service: v.name,
        container: c.name,
        // While it is up again between two restarts, Docker reports exit code 0: not the last exit's.
        title: `${v.name} is crash-looping (${c.restartCount} restarts${c.status === 'running' ? '; up again for now' : `, last exit code ${c.exitCode ?? '?'}`})`,
        explanation: `${v.name} starts and exits again at once; Docker keeps restarting it (restart policy ${c.restartPolicy}). The log lines below show why it exits.`,
        evidence: lines.length ? [{ label: `last ${lines.length} log lines of ${c.name}`, lines }] : [{ label: 'logs', lines: ['(the container wrote nothing before exiting)'] }],
        fixes: [{ kind: 'manual', action: `fix the service's command or configuration in services.yaml (see the log lines), or stop it with state: stopped` }],
        ...(c.exitCode !== undefined && c.status !== 'running' ? { data: { exitCode: c.exitCode } } : {}),
      });
    }
  }
  return out;
};

/** OBS108: a service is up but one it depends on is down. */
const dependencyDown: Rule = ({ views }) => {
  const byName = new Map(views.map((v) => [v.name, v]));
  const out: Finding[] = [];
  for (const v of views) {
    if (!v.desired || v.containers.length === 0 || !v.containers.some(isUp)) continue;
    for (const dep of v.desired.dependsOn) {
      const d = byName.get(dep);
      if (!d) continue;
      const up = d.containers.some(isUp);
      if (up) continue;
      const c = d.containers[0];
      const state = c ? (c.status === 'exited' ? 'stopped' : c.status) : 'not created';
      out.push({
        analyzer: 'dependency-down',
        code: 'OBS108',
        severity: 'critical',
        service: v.name,
        title: `${v.name} is up, but ${dep}, which it depends on, is ${state}`,
        explanation: `${v.name} is running, but ${dep}, which it depends on, is ${state}; requests that need ${dep} will fail.`,
        evidence: [{ label: dep, lines: [c ? `${c.name}: ${statusPhrase(c)}` : 'no container'] }],
        fixes: d.wantRunning ? [{ kind: 'reapply', service: dep, reason: 'start' }] : [{ kind: 'manual', action: `${dep} is stopped in the desired state; set it to running in services.yaml` }],
        data: { dependsOn: dep },
      });
    }
  }
  return out;
};

/** OBS109: a mount over the disk threshold. */
const diskFull: Rule = ({ f, o }) =>
  f.host.disks
    .filter((d) => d.usagePercent > (o.diskPercent ?? 90))
    .map((d) => ({
      analyzer: 'disk-full' as const,
      code: 'OBS109',
      severity: d.usagePercent >= 98 ? ('critical' as const) : ('warning' as const),
      title: `Disk ${d.mount} is ${d.usagePercent}% full`,
      explanation: `The filesystem at ${d.mount} has ${Math.round(((d.totalBytes - d.usedBytes) / 1024 ** 3) * 10) / 10} GB left. Services that write (databases, logs) fail when it fills up.`,
      evidence: [{ label: 'df', lines: [`${d.mount} total ${Math.round(d.totalBytes / 1024 ** 3)} GB, used ${Math.round(d.usedBytes / 1024 ** 3)} GB (${d.usagePercent}%)`] }],
      fixes: [{ kind: 'manual' as const, action: 'free space (old images: docker image prune; old logs; backups), or grow the disk' }],
      data: { mount: d.mount },
    }));

/** OBS110: a running service whose published port refuses connections. */
const portNotAnswering: Rule = ({ f, views, o }) => {
  const probes = o.probes ?? (f.probes ? new Map(Object.entries(f.probes)) : null);
  if (!probes) return [];
  const out: Finding[] = [];
  for (const v of views) {
    for (const c of v.containers) {
      if (!isUp(c)) continue;
      for (const p of c.ports) {
        if (p.host === undefined) continue;
        if (probes.get(`${c.name}:${p.host}`) !== false) continue;
        out.push({
          analyzer: 'port-not-answering',
          code: 'OBS110',
          severity: 'critical',
          service: v.name,
          container: c.name,
          title: `${v.name} is running but port ${p.host} does not answer`,
          explanation: `The container runs, but nothing accepts connections on host port ${p.host}; the service inside may have failed to start listening.`,
          evidence: [{ label: 'probe', lines: [`TCP connect to ${p.hostIp ?? '127.0.0.1'}:${p.host} refused or timed out`] }],
          fixes: [{ kind: 'manual', action: `look at \`claude logs ${v.name}\`` }],
          data: { port: p.host },
        });
      }
    }
  }
  return out;
};

/** OBS100: the observer itself could not read something. */
const observer: Rule = ({ f }) =>
  f.errors.map((e) => ({
    analyzer: 'observer' as const,
    code: 'OBS100',
    severity: 'warning' as const,
    title: `Could not observe: ${e}`,
    explanation: 'Part of the system could not be read, so this diagnosis may be incomplete.',
    evidence: [],
    fixes: [],
  }));

export const RULES: Record<Exclude<Finding['analyzer'], never>, Rule> = {
  observer,
  'not-running': notRunning,
  'port-conflict': portConflict,
  orphan: orphans,
  'missing-image': missingImage,
  unhealthy,
  'oom-killed': oomKilled,
  'crash-loop': crashLoop,
  'dependency-down': dependencyDown,
  'disk-full': diskFull,
  'port-not-answering': portNotAnswering,
  // "why is X slow?" findings need readings over a window (slow.ts); they come in as `extra`.
  slow: ({ o }) => o.extra ?? [],
};

const SEV = { critical: 0, warning: 1, info: 2 } as const;

/** Runs every rule; with `service`, keeps the findings about it, what blocks it and what it depends on. */
export function analyze(f: Facts, o: AnalyzeOptions = {}): Diagnosis {
  const views = serviceViews(f);
  const ctx: Ctx = { f, o, views, n: o.evidenceLines ?? 5 };
  let findings = Object.values(RULES).flatMap((r) => r(ctx));
  // A crash-looping or OOM-killed container is also "not running" half the time; keep the specific one.
  const specific = new Set(findings.filter((x) => x.analyzer === 'crash-loop' || x.analyzer === 'oom-killed').map((x) => x.container));
  findings = findings.filter((x) => !(x.analyzer === 'not-running' && x.container && specific.has(x.container)));
  if (o.service) {
    const v = views.find((x) => x.name === o.service);
    const related = new Set([o.service, ...(v?.desired?.dependsOn ?? [])]);
    findings = findings.filter((x) => (x.service && related.has(x.service)) || x.analyzer === 'disk-full' || x.analyzer === 'observer' || (x.analyzer === 'slow' && !x.service));
  }
  findings.sort((a, b) => SEV[a.severity] - SEV[b.severity] || compareCodePoints(a.service ?? '', b.service ?? '') || compareCodePoints(a.code, b.code) || compareCodePoints(a.title, b.title));
  const checks: Check[] = [];
  for (const v of views) {
    if (o.service && v.name !== o.service && !(views.find((x) => x.name === o.service)?.desired?.dependsOn ?? []).includes(v.name)) continue;
    const bad = findings.find((x) => x.service === v.name && x.severity !== 'info' && x.analyzer !== 'dependency-down');
    const c = v.containers[0];
    const line = bad
      ? bad.title.startsWith(`${v.name}: `)
        ? bad.title.slice(v.name.length + 2)
        : bad.title
      : !v.wantRunning
        ? 'stopped (as desired)'
        : c
          ? `running${c.health !== 'none' ? ` (${c.health})` : ''}`
          : 'no container';
    checks.push({ subject: v.name, ok: !bad, line });
  }
  return { ...(o.service ? { service: o.service } : {}), checks, findings, healthy: !findings.some((x) => x.severity !== 'info') };
}
