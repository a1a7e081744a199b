/**
 * From findings to a fix: `proposeFix(diagnosis, files, opts) → FixProposal`. A fix is
 * always a set of state files (the current ones, maybe edited), so it goes through the
 * normal plan → approve → apply path. Pure: no I/O; the files come in as text and the
 * edits keep their comments and layout (yaml's Document API).
 *
 * What each fix hint becomes:
 *   reapply (start)          the files unchanged: planning them again starts what is stopped
 *   reapply (remove-orphan)  the files unchanged: the plan removes orphaned managed containers
 *   move-port                services.yaml: the service's host port → the suggested one
 *   raise-memory             services.yaml: resources.memory → the suggested size
 *   raise-cpu                services.yaml: resources.cpu → the suggested cores
 *   manual                   nothing to apply; said to the user
 *   (port-not-answering)     network.yaml: when the firewall drops this host's own probe (a drop
 *                            input policy, no loopback rule), allow-loopback (and allow-established)
 *                            first in its rules; the service is not blamed
 *
 * A port held by a container Claude.OS does not manage is never removed by a plan (the
 * runtime only touches what carries its labels); the honest fixes are to move the service
 * to another port, or for the user to stop that container and apply again.
 */
import { isMap, isSeq, parseDocument, type Document, YAMLMap } from 'yaml';
import type { Diagnosis, Finding, FixHint } from '../../plan/diagnosis.js';
import { compileFirewall, hostTrafficDropped, type FirewallSpec } from '../firewall.js';
import { DiagnosticSink } from '../diagnostics.js';

export interface FixOption {
  /** 1-based, as shown to the user. */
  n: number;
  title: string;
  /** Numbered steps in plain language ("Stop the orphaned container 'apache2'", "Restart nginx"). */
  steps: string[];
  /** The complete state files after the fix (unchanged files included). */
  files: Record<string, string>;
  /** File names whose text changed. */
  changed: string[];
  /** Services that should run (and whose published ports should answer) after the fix. */
  services: string[];
}

export interface FixProposal {
  /** "I found the problem: …" */
  explanation: string;
  /** The options, best first; empty when nothing in the state files can fix it. */
  options: FixOption[];
  /** What only the user can do (build an image, free disk space, stop a foreign process). */
  manual: string[];
}

export class FixError extends Error {
  override name = 'FixError';
}

const SERVICES = 'services.yaml';

function serviceNode(doc: Document, name: string): YAMLMap | null {
  const seq = doc.getIn(['spec', 'services']);
  if (!isSeq(seq)) return null;
  for (const it of seq.items) if (isMap(it) && it.get('name') === name) return it;
  return null;
}

/** services.yaml with the service's host port `from` moved to `to`. */
export function movePort(text: string, service: string, from: number, to: number): string {
  const doc = parseDocument(text);
  const svc = serviceNode(doc, service);
  if (!svc) throw new FixError(`services.yaml has no service named '${service}'`);
  const ports = svc.get('ports');
  let moved = false;
  if (isSeq(ports)) {
    for (const p of ports.items) {
      if (isMap(p) && Number(p.get('host')) === from) {
        p.set('host', to);
        moved = true;
      }
    }
  }
  if (!moved) throw new FixError(`service '${service}' in services.yaml publishes no host port ${from}`);
  return doc.toString();
}

/** "512Mi" style size for a byte count (whole MiB, or GiB when exact). */
export function sizeText(bytes: number): string {
  const mib = Math.ceil(bytes / (1024 * 1024));
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}

/** services.yaml with the service's memory limit set. */
export function setMemory(text: string, service: string, bytes: number): string {
  const doc = parseDocument(text);
  const svc = serviceNode(doc, service);
  if (!svc) throw new FixError(`services.yaml has no service named '${service}'`);
  const res = svc.get('resources');
  if (isMap(res)) res.set('memory', sizeText(bytes));
  else svc.set('resources', doc.createNode({ memory: sizeText(bytes) }));
  return doc.toString();
}

/** "0.25" style cores (up to 3 decimals, as the schema allows). */
export function cpuText(cores: number): string {
  return String(Math.round(cores * 1000) / 1000);
}

/** services.yaml with the service's CPU limit set (cores). */
export function setCpu(text: string, service: string, cores: number): string {
  const doc = parseDocument(text);
  const svc = serviceNode(doc, service);
  if (!svc) throw new FixError(`services.yaml has no service named '${service}'`);
  const res = svc.get('resources');
  if (isMap(res)) res.set('cpu', cpuText(cores));
  else svc.set('resources', doc.createNode({ cpu: cpuText(cores) }));
  return doc.toString();
}

/**
 * services.yaml with postgres started as `postgres -c max_connections=N` (the official and
 * the local images' command): an existing `max_connections=` argument is replaced, another
 * command gets `-c max_connections=N` appended, no command becomes `postgres -c …`.
 */
export function setPgMaxConnections(text: string, service: string, n: number): string {
  const doc = parseDocument(text);
  const svc = serviceNode(doc, service);
  if (!svc) throw new FixError(`services.yaml has no service named '${service}'`);
  const cmd = svc.get('command');
  const arg = `max_connections=${n}`;
  let argv: string[];
  if (isSeq(cmd)) argv = cmd.items.map((x) => String((x as { value?: unknown }).value ?? x));
  else if (typeof cmd === 'string') argv = cmd.trim().split(/\s+/);
  else argv = ['postgres'];
  const i = argv.findIndex((a) => /^max_connections=/.test(a));
  if (i >= 0) argv[i] = arg;
  else argv.push('-c', arg);
  svc.set('command', doc.createNode(argv, { flow: true }));
  return doc.toString();
}

const NETWORK = 'network.yaml';

/**
 * What the state's firewall does to this host's own connections, the ones the observer probes
 * published ports with (127.0.0.1 over loopback) and the replies to them: the rules missing for
 * them to pass, or null when they pass (or there is no firewall to blame).
 */
export function firewallBlocksHost(files: Readonly<Record<string, string>>, port: number): { loopback: boolean; established: boolean } | null {
  const text = files[NETWORK];
  if (!text) return null;
  let spec: FirewallSpec | undefined;
  try {
    spec = (parseDocument(text).toJS() as { spec?: { firewall?: FirewallSpec } } | null)?.spec?.firewall;
  } catch {
    return null;
  }
  if (!spec) return null;
  const dropped = hostTrafficDropped(compileFirewall(spec, { sink: new DiagnosticSink() }), port);
  return dropped.loopback ? { loopback: true, established: dropped.replies } : null;
}

/** network.yaml with the rules a host needs first in its firewall: replies (if missing) and loopback. */
export function addHostRules(text: string, established: boolean): string {
  const doc = parseDocument(text);
  const rules = doc.getIn(['spec', 'firewall', 'rules']);
  // A rule of the same name that does not do it (interface lo0, or after a drop that matches
  // first) is replaced by the one at the top: a second rule of that name would not compile (CLA6005).
  if (isSeq(rules)) rules.items = rules.items.filter((it) => !(isMap(it) && ['allow-loopback', ...(established ? ['allow-established'] : [])].includes(String(it.get('name')))));
  const add = [
    ...(established ? [{ name: 'allow-established', state: 'established,related', action: 'accept', comment: 'replies to connections this host made' }] : []),
    { name: 'allow-loopback', interface: 'lo', action: 'accept', comment: 'local traffic' },
  ];
  if (isSeq(rules)) rules.items.unshift(...add.map((r) => doc.createNode(r)));
  else doc.setIn(['spec', 'firewall', 'rules'], doc.createNode(add));
  return doc.toString();
}

function holderName(f: Finding): string {
  const h = f.data?.holder;
  if (!h) return 'another process';
  if (h.container) return h.container;
  return `${h.process ?? 'a process'}${h.pid !== undefined ? ` (PID ${h.pid})` : ''}`;
}

function problemSentence(f: Finding): string {
  switch (f.analyzer) {
    case 'port-conflict': {
      const h = f.data?.holder;
      const who = h?.container ? `'${h.container}'${h.pid !== undefined ? `, PID ${h.pid}` : ''}` : '';
      const what = h?.container ? (h.managed ? `an orphaned container (${who}) from a previous configuration` : `a container Claude.OS does not manage (${who})`) : holderName(f);
      return `Another process is using port ${f.data?.port}: ${what}.`;
    }
    case 'not-running':
      return f.explanation;
    case 'dependency-down':
      return f.title + '.';
    default:
      return f.explanation;
  }
}

export interface ProposeOptions {
  /** Ports the desired state's services publish (a moved port must not collide). */
  hostOf?: (service: string) => string | undefined;
}

/**
 * Builds the fix options from the findings. Option order: remove an orphan that blocks a
 * port (then restart), restart what is stopped, raise a memory limit, move a port.
 */
export function proposeFix(d: Diagnosis, files: Readonly<Record<string, string>>): FixProposal {
  const problems = d.findings.filter((f) => f.severity !== 'info' || f.fixes.some((x) => x.kind === 'reapply'));
  const manual: string[] = [];
  for (const f of problems) for (const x of f.fixes) if (x.kind === 'manual' && !manual.includes(x.action)) manual.push(x.action);
  if (problems.length === 0) return { explanation: 'I found no problem to fix.', options: [], manual: [] };

  // A published port that does not answer because the firewall drops this host's own probe
  // (a drop input policy with no loopback rule): the service is not at fault, the firewall is.
  const blocked = problems
    .filter((f) => f.analyzer === 'port-not-answering' && typeof f.data?.port === 'number')
    .map((f) => ({ f, why: firewallBlocksHost(files, f.data!.port as number) }))
    .filter((b): b is { f: Finding; why: NonNullable<ReturnType<typeof firewallBlocksHost>> } => b.why !== null);
  if (blocked.length > 0) {
    const ports = [...new Set(blocked.map((b) => b.f.data!.port as number))].sort((a, b) => a - b);
    const established = blocked.some((b) => b.why.established);
    const steps = [
      `Add the firewall rule allow-loopback (interface lo, accept) to network.yaml${established ? ', and allow-established (replies to this host\'s own connections)' : ''}`,
    ];
    const services = [...new Set(blocked.map((b) => b.f.service).filter((x): x is string => !!x))].sort();
    const kept = manual.filter((m) => !blocked.some((b) => b.f.fixes.some((x) => x.kind === 'manual' && x.action === m)));
    return {
      explanation: `I found the problem: the firewall drops the connections this host makes to itself: its input policy is drop and no rule accepts the loopback interface${established ? ' (nor the replies to this host\'s own connections)' : ''}, so port${ports.length === 1 ? '' : 's'} ${ports.join(', ')} cannot be reached even from this machine. The service${services.length === 1 ? '' : 's'} may be fine.`,
      options: [{ n: 1, title: steps[0]!, steps, files: { ...files, [NETWORK]: addHostRules(files[NETWORK]!, established) }, changed: [NETWORK], services }],
      manual: kept,
    };
  }

  const main = problems.find((f) => f.analyzer === 'port-conflict') ?? problems.find((f) => f.severity === 'critical') ?? problems[0]!;
  const explanation = `I found the problem: ${problemSentence(main)}`;
  const hints = problems.flatMap((f) => f.fixes.map((x) => ({ f, x })));
  const services = [...new Set(problems.filter((f) => f.service && f.fixes.some((x) => x.kind !== 'manual')).map((f) => f.service!))].sort();

  const options: FixOption[] = [];
  const reapply = hints.filter(({ x }) => x.kind === 'reapply');
  const orphanRemoval = hints.filter(({ x }) => x.kind === 'reapply' && x.reason === 'remove-orphan');
  const memory = hints.filter((h): h is { f: Finding; x: Extract<FixHint, { kind: 'raise-memory' }> } => h.x.kind === 'raise-memory');
  const cpu = hints.filter((h): h is { f: Finding; x: Extract<FixHint, { kind: 'raise-cpu' }> } => h.x.kind === 'raise-cpu');
  const moves = hints.filter((h): h is { f: Finding; x: Extract<FixHint, { kind: 'move-port' }> } => h.x.kind === 'move-port');
  const portBlocked = problems.some((f) => f.analyzer === 'port-conflict');

  // 1. Re-apply as is: starts stopped services and removes orphans (only useful when no foreign holder blocks a port).
  const foreignBlock = problems.some((f) => f.analyzer === 'port-conflict' && !f.fixes.some((x) => x.kind === 'reapply'));
  if (reapply.length > 0 && !foreignBlock && memory.length === 0) {
    const steps: string[] = [];
    for (const { f } of orphanRemoval) if (f.data?.holder?.container) steps.push(`Stop and remove the orphaned container '${f.data.holder.container}'`);
    for (const { f } of orphanRemoval) if (f.analyzer === 'orphan' && f.container) steps.push(`Remove the orphaned container '${f.container}'`);
    const starts = [...new Set(reapply.filter(({ x }) => x.kind === 'reapply' && x.reason === 'start' && x.service).map(({ x }) => (x as { service: string }).service))].sort();
    for (const s of starts) steps.push(`Restart ${s}`);
    if (portBlocked) for (const s of services) if (!starts.includes(s)) steps.push(`Restart ${s}`);
    options.push({ n: 0, title: steps.length ? steps.join(', then ') : 'Apply the state files again', steps: [...new Set(steps)], files: { ...files }, changed: [], services: [...new Set([...services, ...starts])].sort() });
  }
  // 2. Raise memory limits.
  if (memory.length > 0 && files[SERVICES]) {
    let text = files[SERVICES];
    const steps: string[] = [];
    for (const { x } of memory) {
      text = setMemory(text, x.service, x.suggestedBytes);
      steps.push(`Raise the memory limit of ${x.service}${x.currentBytes ? ` from ${sizeText(x.currentBytes)}` : ''} to ${sizeText(x.suggestedBytes)} (services.yaml)`, `Restart ${x.service} with the new limit`);
    }
    options.push({ n: 0, title: steps[0]!, steps, files: { ...files, [SERVICES]: text }, changed: [SERVICES], services: [...new Set(memory.map(({ x }) => x.service))].sort() });
  }
  // 2b. Raise CPU limits (a throttled service).
  if (cpu.length > 0 && files[SERVICES]) {
    let text = files[SERVICES];
    const steps: string[] = [];
    for (const { x } of cpu) {
      text = setCpu(text, x.service, x.suggestedCores);
      steps.push(`Raise the CPU limit of ${x.service}${x.currentCores !== undefined ? ` from ${cpuText(x.currentCores)}` : ''} to ${cpuText(x.suggestedCores)} CPU (services.yaml)`, `Restart ${x.service} with the new limit`);
    }
    options.push({ n: 0, title: steps[0]!, steps, files: { ...files, [SERVICES]: text }, changed: [SERVICES], services: [...new Set(cpu.map(({ x }) => x.service))].sort() });
  }
  // 2c. postgres: more connections, and the memory they need.
  const pgc = hints.filter((h): h is { f: Finding; x: Extract<FixHint, { kind: 'raise-pg-connections' }> } => h.x.kind === 'raise-pg-connections');
  if (pgc.length > 0 && files[SERVICES]) {
    let text = files[SERVICES];
    const steps: string[] = [];
    for (const { x } of pgc) {
      text = setPgMaxConnections(text, x.service, x.suggested);
      steps.push(`Raise max_connections of ${x.service} from ${x.current} to ${x.suggested} (services.yaml command)`);
      if (x.memoryBytes) {
        text = setMemory(text, x.service, x.memoryBytes);
        steps.push(`Raise the memory limit of ${x.service} to ${sizeText(x.memoryBytes)} for the extra connections`);
      }
      steps.push(`Restart ${x.service} with the new settings`);
    }
    options.push({ n: 0, title: steps[0]!, steps, files: { ...files, [SERVICES]: text }, changed: [SERVICES], services: [...new Set(pgc.map(({ x }) => x.service))].sort() });
  }
  // 3. Move ports away from what holds them.
  if (moves.length > 0 && files[SERVICES]) {
    let text = files[SERVICES];
    const steps: string[] = [];
    for (const { f, x } of moves) {
      text = movePort(text, x.service, x.port, x.suggested);
      steps.push(`Move ${x.service} from port ${x.port} to port ${x.suggested} (services.yaml); '${holderName(f)}' keeps port ${x.port}`);
    }
    const svcs = [...new Set(moves.map(({ x }) => x.service))].sort();
    for (const s of svcs) steps.push(`Restart ${s}`);
    options.push({ n: 0, title: steps[0]!, steps, files: { ...files, [SERVICES]: text }, changed: [SERVICES], services: svcs });
  }
  options.forEach((o, i) => (o.n = i + 1));
  return { explanation, options, manual };
}
