/**
 * Plan-and-apply as one request, shared by `claude rollback`, `claude "<msg>"` and the tests
 * of concurrent requests.
 *
 *   [request lock] → read HEAD, then the state files → compile → observe → plan → sign
 *   → approve → apply (runtime: apply lock → base check → …)   ── stale? → re-plan (≤ maxReplans)
 *
 * Two rules make concurrent requests safe (docs/state-and-audit.md, "Concurrency"):
 *
 * 1. A plan's base names the state commit its files were READ from (not the HEAD at planning
 *    time), so a request whose files were read before another apply committed is refused by
 *    the runtime's base check (V8: fingerprints and state commit, under the apply lock): no
 *    lost update, even when the two changes touch different resources.
 * 2. Refused as stale, the request reads the state again and re-plans (up to maxReplans
 *    times), telling the user. Cooperating requests on one host also queue on
 *    `<dataDir>/request.lock` from reading the state to the end of the apply (never while a
 *    human decides), so they usually never go stale; the re-plan catches everything else
 *    (`claude apply` of a saved plan, the API, a `docker stop` by hand).
 *
 * This module is also the ONE place the CLI builds this host (`openFlowHost`: host id, host
 * key, observer, engine, firewall backend) and the ONE planning function (`planFiles`:
 * compile → firewall lock-out gate → plan against the observed snapshot, with the commit
 * the files came from as the base → sign with the host key). `claude plan`, `claude
 * "<msg>"`, `claude apply`, `claude rollback`, `claude diff`, `claude recover` and the
 * troubleshooting flow all go through them.
 *
 * Several Claude.OS instances (several data dirs) may share one Docker Engine: each has its
 * own host id, stamped as `claude.os/host` on what its runtime creates, and each observer
 * counts only resources with its own host id as managed (docs/runtime.md, "Instances
 * sharing a Docker Engine"). Tests isolate themselves that way: their own CLAUDE_DATA_DIR.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, type Paths } from '../common/paths.js';
import { collectIfLarge } from '../common/collect.js';
import { trace } from '../common/trace.js';
import { STATE_FILE_MAX_BYTES, readStateFileText } from '../common/state-read.js';
// The compiler is loaded by planFiles alone (a dynamic import): applying, recovering and
// rolling back a plan signed elsewhere run without it, as on a device whose image leaves
// the compiler out (test/runtime-cli.test.ts).
import type { ParsedOf } from '../plan/review.js';
import type { CompileResult } from '../compiler/compile.js';
import type { ResolvedModel } from '../compiler/model.js';
import type { LockoutResult } from '../compiler/firewall.js';
import type { ObservedSource } from '../compiler/observed-source.js';
import { serializeEnvelope, type Envelope, type TrustedKey } from '../plan/envelope.js';
import { loadOrCreateHostId, loadOrCreateHostKey, loadTrustedKeys, readHostId } from '../plan/keys.js';
import { PLAN_POLICY } from '../plan/policy.js';
import type { ObservedState, PlanPayload, PlanStep, Provenance } from '../plan/types.js';
import type { ApplyEvent, ApplyResult, RecoverResult } from '../runtime/apply.js';
import type { Engine } from '../runtime/engine.js';
import { acquirePidLock, type LockHolder } from '../runtime/pidlock.js';
import { STATE_FILE_NAMES, readStateHead } from '../runtime/state/head.js';
import { StalePlanError } from '../runtime/verify.js';

export const REQUEST_LOCK_FILE = 'request.lock';

export const DEFAULT_MAX_REPLANS = 3;

/** A signed plan and its payload. */
export interface Planned {
  payload: PlanPayload;
  envelopeText: string;
  /** The signed envelope, when this process signed it (writeEnvelope writes it without making envelopeText). */
  envelope?: Envelope;
}

/**
 * A plan signed here: `envelopeText` is made when first read (and kept), so `claude plan --out`
 * writes the file from the envelope's bytes (plan/envelope.ts writeEnvelope) and never holds the
 * whole text unless something reads it (docs/plans.md, "Performance").
 */
export function plannedOf(payload: PlanPayload, envelope: Envelope): Planned {
  let text: string | undefined;
  const planned = { payload, envelope } as Planned;
  Object.defineProperty(planned, 'envelopeText', {
    get: () => (text ??= serializeEnvelope(envelope)),
    set: (v: string) => {
      text = v;
      delete planned.envelope; // the text no longer matches it
    },
    enumerable: true,
    configurable: true,
  });
  return planned;
}

// ── the host: host id, key, observer, engine ────────────────────────────────────────

/** This host. As the compiler's ObservedSource, `snapshot()` is the planner's observation. */
export interface FlowHost extends ObservedSource {
  paths: Paths;
  /** This instance's host id (plan/keys.ts): the `claude.os/host` label of what it manages. */
  hostId: string;
  /** Observes the system (the planner's snapshot: managed = this host id); `stateCommit` is left to the caller. */
  snapshot(): Promise<ObservedState>;
  /** The runtime engine for applyPlan (same observer, same host id). */
  engine(): Promise<Engine>;
  /** The network namespace nft runs in (tests); absent: the host's own. */
  netns?: string;
}

export interface OpenFlowHostOptions {
  /** Run nft inside this network namespace (tests). */
  netns?: string;
  /** Told when nft is not installed (the firewall is then read as absent). */
  warn?: (message: string) => void;
}

/**
 * This host, built once per command: the host id (made on first use), the planner's
 * observer and, on demand, the engine. Throws plan/keys.ts KeyError for a damaged host-id file.
 */
export async function openFlowHost(paths: Paths, o: OpenFlowHostOptions = {}): Promise<FlowHost> {
  const hostId = loadOrCreateHostId(paths.dataDir, paths.root);
  const { hostObserver, createHostEngine } = await import('../runtime/host-engine.js');
  const observe = hostObserver({ root: paths.root, dataDir: paths.dataDir, hostId, ...(o.netns ? { netns: o.netns } : {}), ...(o.warn ? { warn: o.warn } : {}) });
  let engine: Promise<Engine> | undefined;
  return {
    paths,
    hostId,
    snapshot: observe,
    engine: () => (engine ??= createHostEngine({ root: paths.root, dataDir: paths.dataDir, hostId, observe, ...(o.netns ? { netns: o.netns } : {}) })),
    ...(o.netns ? { netns: o.netns } : {}),
  };
}

/** An observation started before the state files were compiled (`observeEarly`). */
export interface EarlyObservation {
  /** The host id it counts as managed: used only when the host opened after the compile has the same. */
  hostId: string;
  observed: Promise<ObservedState>;
  /** Where its warnings go (nft not installed): held until this is called, so nothing is said for a plan that stops at the compile. */
  warnTo(warn: (message: string) => void): void;
}

/**
 * Starts the planner's observation of this host now, before the state files are compiled, so
 * that nft's child (`nft -j list table inet claude`, ≈ 30 ms of a cold `claude plan`) and the
 * engine's lists run beside the compile and the plan validator's load (docs/compiler.md,
 * "Performance"). Only when this instance's host id exists already: it is read, never made,
 * so a plan whose files do not compile leaves nothing behind; null otherwise (the first plan
 * observes after the compile, as before). It only reads; a failure is reported where the
 * observation is used (planFiles: stage `observe`), never here.
 */
export async function observeEarly(paths: Paths, o: { netns?: string } = {}): Promise<EarlyObservation | null> {
  let hostId: string | null;
  try {
    hostId = readHostId(paths.dataDir);
  } catch {
    return null; // a damaged host-id file: openFlowHost says so, after the compile
  }
  if (!hostId) return null;
  const held: string[] = [];
  let warn: ((message: string) => void) | undefined;
  const { hostObserver } = await import('../runtime/host-engine.js');
  const observed = hostObserver({ root: paths.root, dataDir: paths.dataDir, hostId, ...(o.netns ? { netns: o.netns } : {}), warn: (m) => (warn ? warn(m) : held.push(m)) })();
  observed.catch(() => {}); // its error is planFiles' to report, when the compile succeeds
  // one turn of the event loop: the child is spawned and the requests sent before the compile holds the thread
  await new Promise((r) => setImmediate(r));
  trace('plan: observing (started before the compile)');
  return {
    hostId,
    observed,
    warnTo(w) {
      warn = w;
      for (const m of held.splice(0)) w(m);
    },
  };
}

/** The compiler's version (package.json), recorded in each plan's provenance. */
export function compilerVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** HEAD of the state repo, or null (no repo, or no commit yet). Reads .git with node:fs (runtime/state/head.ts), not isomorphic-git. */
export async function stateHeadOf(stateDir: string): Promise<string | null> {
  return readStateHead(stateDir);
}

/**
 * The state files present in the state dir, as text (not validated: the compiler judges them).
 * A symbolic link, a non-regular file or a file over `maxBytes` (a state file's 8 MiB; 1 MiB for
 * a request, whose texts go to the provider) throws StateFileError and nothing is read from it
 * (common/state-read.ts).
 */
export function readStateDirFiles(stateDir: string, maxBytes: number = STATE_FILE_MAX_BYTES): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of STATE_FILE_NAMES) {
    const text = readStateFileText(stateDir, n, maxBytes);
    if (text !== null) out[n] = text;
  }
  return out;
}

// ── planning state files ─────────────────────────────────────────────────────────────

export interface PlanFilesOptions {
  request: string;
  engine: Provenance['engine'];
  model?: string | null;
  promptHash?: string | null;
  /** The state commit the files were read from (or are meant to replace): the plan's base. */
  base: string | null;
  now: Date;
  /** The environment: SSH_CONNECTION / SSH_CLIENT for the firewall lock-out gate. */
  env: Record<string, string | undefined>;
  ttlMs?: number;
  allowDestructive?: boolean;
  /** `--i-know-what-i-am-doing`: the lock-out gate warns (CLA6012) instead of refusing (CLA6010). */
  force?: boolean;
  /** An observation already made (`claude diff` compares the same one for drift), or under way (`observeEarly`); default: observe now. */
  observed?: ObservedState | Promise<ObservedState>;
  /** The host's CPU cores (a CPU limit above them is CLA4008); default: this machine's (os.availableParallelism). */
  hostCpus?: number;
  /** Secrets generated for this proposal (compiler/planner.ts PlanOptions.freshSecrets). */
  freshSecrets?: readonly string[];
  /**
   * Called once the compile result is no longer needed (planned, before signing): the caller
   * drops its own reference to it there, so that the collection before signing frees the model.
   * Given, planFiles also collects before planning and before signing when the heap is large
   * (common/collect.ts): a one-shot command's peak (`claude plan` at 10,000 services). The
   * daemons (the reconciler, the API) give none: their heap is large for other reasons, and
   * a full collection per plan would be a pause per pass.
   */
  letGo?: () => void;
}

export type PlanFilesResult =
  | {
      ok: true;
      planned: Planned;
      /** Compiler and planner warnings, rendered (CLA6012 when forced past the lock-out gate). */
      warnings: string[];
      /** The lock-out gate's verdict; its notes are in the plan's display when it changes the firewall. */
      lockout: LockoutResult;
      /** The host key that signed it; `created` when this call generated it. */
      hostKey: { keyid: string; created: boolean };
    }
  | {
      ok: false;
      /** compile: the files have errors; lockout: the firewall would cut the admin off; observe: the system cannot be read; plan: the planner refused. */
      stage: 'compile' | 'lockout' | 'observe' | 'plan';
      problems: string[];
      warnings: string[];
    };

/**
 * The one planning function: compile the files (or take a compile result) → the firewall
 * lock-out gate (compiler/firewall.ts: the admin's SSH connection and the API port must stay
 * reachable, unless `force`) → observe → plan against the snapshot with `base` as its state
 * commit → sign with the host key. Never throws for bad input; observation failures are
 * returned as stage `observe`.
 */
export async function planFiles(host: FlowHost, input: Readonly<Record<string, string>> | CompileResult, o: PlanFilesOptions): Promise<PlanFilesResult> {
  // The compiler is loaded here, not at start-up: `claude apply PLAN.json` and the API's
  // read-only routes use this module without planning (docs/runtime.md, "Performance").
  const [{ compileFiles }, { DiagnosticSink, renderDiagnostic }, { lockoutGate }, { desiredJobs, firewallSpecOf, plan }, { signPlan }] = await Promise.all([
    import('../compiler/compile.js'),
    import('../compiler/diagnostics.js'),
    import('../compiler/firewall.js'),
    import('../compiler/planner.js'),
    import('../compiler/sign.js'),
  ]);
  // let, not const: both are let go before signing (below)
  let compiled: CompileResult | undefined = isCompileResult(input) ? input : compileFiles(input);
  const servicesText = isCompileResult(input) ? input.written?.sources['services.yaml'] : input['services.yaml'];
  input = {};
  const warnings = compiled.diagnostics.filter((d) => d.severity !== 'error').map(renderDiagnostic);
  let model = compiled.model;
  if (!model) return { ok: false, stage: 'compile', problems: compiled.diagnostics.filter((d) => d.severity === 'error').map(renderDiagnostic), warnings };
  const sink = new DiagnosticSink();
  const lockout = lockoutGate(firewallSpecOf(model.firewall), o.env, { sink, ...(apiReachable(model) ? { apiPort: model.api.port } : {}), force: o.force === true });
  if (sink.hasErrors()) return { ok: false, stage: 'lockout', problems: sink.sorted().map(renderDiagnostic), warnings };
  // A CPU limit above this host's cores: Docker refuses it when it creates the container (the
  // apply then rolls back). The cores are observed here, so it is said now, at services.yaml line:col.
  const cores = o.hostCpus ?? (await import('node:os')).availableParallelism();
  const over = model.services.filter((s) => s.resources.nanoCpus !== undefined && s.resources.nanoCpus > cores * 1e9);
  if (over.length > 0) {
    // Where each limit is written: the compile's positions, or (the cache's fast path keeps none) the source parsed again, on this error path only.
    const text = compiled.written?.sources['services.yaml'] ?? servicesText ?? (existsSync(join(host.paths.stateDir, 'services.yaml')) ? readFileSync(join(host.paths.stateDir, 'services.yaml'), 'utf8') : undefined);
    const parsed = text === undefined ? undefined : (await import('../compiler/parse.js')).parseFile({ name: 'services.yaml', text }, new DiagnosticSink());
    const declared = ((parsed?.value.spec as { services?: { name?: unknown; resources?: { cpu?: unknown } }[] } | undefined)?.services ?? []);
    for (const s of over) {
      const i = declared.findIndex((d) => d?.name === s.name);
      const at = ['spec', 'services', i, 'resources', 'cpu'];
      const pos = i < 0 ? undefined : (compiled.written?.positions?.['services.yaml'] ?? parsed?.positions)?.nearest(at);
      sink.report('CLA4008', pos, { service: s.name, cpu: String(declared[i]?.resources?.cpu ?? s.resources.nanoCpus! / 1e9), cores });
    }
  }
  if (sink.hasErrors()) return { ok: false, stage: 'plan', problems: sink.sorted().map(renderDiagnostic), warnings };
  let observed: ObservedState;
  try {
    observed = { ...(await (o.observed ?? host.snapshot())), stateCommit: o.base };
  } catch (e) {
    return { ok: false, stage: 'observe', problems: [observeProblem(e)], warnings };
  }
  trace('plan: observed');
  const key = loadOrCreateHostKey(host.paths.dataDir, host.hostId);
  // The engine is asked about the images it lacks now, while the planner works (agent/images.ts
  // askAboutImages). Not before the key: a key that cannot be read returns at once, not after
  // the answers. A plan the planner refuses (below) abandons them: the refusal ends the command
  // at once (it waited for a registry that does not answer, ~25 s, after printing).
  const { askAboutImages, unavailableImageWarnings } = await import('./images.js');
  const abandon = new AbortController();
  const asked = askAboutImages(() => host.engine(), modelImages(model, desiredJobs), observed.images, new Map(), abandon.signal);
  if (asked.size) trace(`plan: asked the engine about ${asked.size} image(s) it lacks`);
  let payload: ReturnType<typeof plan>;
  // the parse's and the check's garbage collected before the planner's is added to it (a
  // one-shot command that lets go, with a large state dir, only)
  if (o.letGo) collectIfLarge('before planning');
  try {
    payload = plan(model, observed, {
      request: o.request,
      now: o.now,
      nonce: randomBytes(32).toString('hex'),
      hostId: host.hostId,
      ...(o.ttlMs !== undefined ? { ttlMs: o.ttlMs } : {}),
      provenance: { engine: o.engine, model: o.model ?? null, promptHash: o.promptHash ?? null },
      compilerVersion: compilerVersion(),
      allowDestructive: o.allowDestructive === true,
      sink,
      ...(o.freshSecrets?.length ? { freshSecrets: o.freshSecrets } : {}),
    });
  } catch (e) {
    abandon.abort();
    throw e;
  }
  trace('plan: planned');
  const all = sink.sorted();
  if (sink.hasErrors()) abandon.abort();
  if (sink.hasErrors()) return { ok: false, stage: 'plan', problems: all.filter((d) => d.severity === 'error').map(renderDiagnostic), warnings: [...warnings, ...all.filter((d) => d.severity !== 'error').map(renderDiagnostic)] };
  // Display only (never changes what apply does): the gate's notes and a forced gate's warnings.
  const display = (payload.display ??= {}) as { lockout?: string[]; warnings?: string[] };
  if (payload.steps.some((st) => st.op === 'firewall.apply' || st.op === 'firewall.remove') && lockout.notes.length) display.lockout = [...lockout.notes];
  const forced = all.filter((d) => d.code === 'CLA6012').map((d) => `${d.code}: ${d.message}`);
  if (forced.length) display.warnings = [...(display.warnings ?? []), ...forced];
  // An image this host cannot get fails the apply after the approval: say so before it.
  const noImage = await unavailableImageWarnings(() => host.engine(), payload, observed.images, host.paths.dataDir, undefined, asked);
  trace('plan: images checked');
  if (noImage.length) display.warnings = [...(display.warnings ?? []), ...noImage];
  // Every security.yaml change is confirmed at apply (runtime V9, checked there against the
  // state repo itself); the plan says so, so `plan`, `show` and a reviewer in CI see the
  // confirmation the apply will ask for (plan/policy.ts confirmNotes).
  const confirm = await securityYamlNote(host.paths.stateDir, o.base, payload.desired.files['security.yaml'], (compiled as { parsedOf?: ParsedOf }).parsedOf);
  if (confirm) {
    (display as { confirm?: string[] }).confirm = [confirm.note];
    // What it changes, one line each (a user, a key, a secret, a certificate): the plan shows
    // them and the apply repeats them after "Applied" (agent/security-changes.ts).
    if (confirm.changes.length) (display as { security?: string[] }).security = confirm.changes;
  }
  // Not display: a change the lock-out proof flagged is kept only when the admin confirms it
  // (`claude confirm`, or a new connection from the admin's address through the new table);
  // the runtime's own probes cannot see the admin's side (issue 13).
  if (forced.length) {
    for (const st of payload.steps) {
      if (st.op !== 'firewall.apply') continue;
      st.params.adminConfirm = true;
      const [first, ...rest] = lockout.admin?.ports ?? [];
      if (lockout.admin && first !== undefined) st.params.adminProbe = { address: lockout.admin.address, ports: [first, ...rest] };
    }
  }
  // lockout and confirm were added behind the planner's keys: display's keys back in order (its
  // values are the planner's, or lists of strings), so signing walks the payload once and keeps
  // it as the signed object (signPlan would otherwise put the whole payload in order; docs/plans.md)
  payload.display = Object.fromEntries(Object.entries(display).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as typeof payload.display;
  // The model is not needed any more: let go here and by the caller, then the planner's garbage
  // collected before the signing buffer (27 MB at 10,000 services) is added to the heap; the
  // peak of `claude plan` was here (docs/plans.md, "Collected where the plan lets go").
  model = undefined;
  compiled = undefined;
  if (o.letGo) {
    o.letGo();
    collectIfLarge('before signing');
  }
  return {
    ok: true,
    planned: plannedOf(payload, signPlan(payload, key.privateKey)),
    warnings: [...warnings, ...all.map(renderDiagnostic)],
    lockout,
    hostKey: { keyid: key.keyid, created: key.created },
  };
}

/**
 * The confirmation note of a plan whose security.yaml differs from the one committed at `base`
 * (runtime/verify.ts securityYamlChange's description) and what it changes, or undefined. A state repo that cannot be
 * read gives no note: the apply's own V9 check still asks.
 */
async function securityYamlNote(stateDir: string, base: string | null, after: string | undefined, parsedOf?: ParsedOf): Promise<{ note: string; changes: string[] } | undefined> {
  const [{ committedStateFiles }, { securityYamlChange }, { securityYamlChanges }] = await Promise.all([import('../runtime/state/head.js'), import('../runtime/verify.js'), import('./security-changes.js')]);
  let before: string | undefined;
  if (base) {
    try {
      before = (await committedStateFiles(stateDir, base, () => new Date()))['security.yaml'];
    } catch {
      return undefined;
    }
  }
  const note = securityYamlChange(before, after)?.description;
  return note ? { note, changes: securityYamlChanges(before, after, parsedOf) } : undefined;
}

/**
 * The images the plan of `model` can ensure (compiler/planner.ts: its services' and its jobs'),
 * with the manifest's pull setting, as the planner writes them in its `image.ensure` steps.
 */
function modelImages(model: ResolvedModel, desiredJobs: (m: ResolvedModel) => readonly { image?: string }[]): { ref: string; pull: boolean }[] {
  const pull = model.images.pull;
  const refs = [...model.services.map((s) => s.resolvedImage), ...desiredJobs(model).flatMap((j) => (j.image !== undefined ? [j.image] : []))];
  return [...new Set(refs)].map((ref) => ({ ref, pull }));
}

/**
 * Whether the API port is one the admin reaches over the network: it is enabled and does not
 * listen on loopback only (a disabled or local-only API cannot be cut off by the firewall).
 */
function apiReachable(model: { api: { enabled: boolean; listen?: string } }): boolean {
  const listen = model.api.listen ?? '';
  return model.api.enabled && !/^127\.|^::1$|^localhost$/.test(listen);
}

function isCompileResult(x: Readonly<Record<string, string>> | CompileResult): x is CompileResult {
  return Array.isArray((x as CompileResult).diagnostics);
}

/** Why the system could not be observed, said plainly. */
function observeProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { address?: string };
  if (err?.syscall === 'connect') return `cannot reach the Docker Engine (${err.code ?? 'error'} on ${err.address ?? 'the docker socket'}); is dockerd running and is its socket readable (docker ps)? Planning needs to read the current state.`;
  const name = (err as Error)?.name;
  if (name === 'ObserveError' || name === 'NftError') return (err as Error).message;
  return `cannot observe the system: ${(err as Error)?.message ?? String(e)}`;
}

// ── applying ─────────────────────────────────────────────────────────────────────────

export interface ApplyPlannedOptions {
  now: () => Date;
  actor: { name: string; email: string };
  /** Security/destructive steps confirmed (the user saw the plan and said yes, or --yes). */
  yes: boolean;
  interactiveConfirm?: (steps: PlanStep[]) => Promise<boolean>;
  onEvent?: (e: ApplyEvent) => void;
  /** How long to wait for the runtime's apply lock (ms). Default 60 s. */
  lockWaitMs?: number;
  /** What started the apply, for the `reconcile.started` event (the reconciler: `watch`, `interval`, `drift (…)`); default `apply`. */
  trigger?: string;
  /** manifest.yaml safety.rollback_on_health_failure (runtime/apply.ts); default true. */
  rollbackOnHealthFailure?: boolean;
  /** More keys to trust besides the data dir's (cluster mode: the members' keys, docs/cluster.md). */
  extraTrustedKeys?: readonly TrustedKey[];
}

/** applyPlan with this host's engine, keys, policy and state dir (a plan made here, or a plan file's text). Throws the runtime's refusals. */
/**
 * The modules `applyPlanned` loads (runtime/apply.ts and its own lazy imports before the first
 * step and at its end), loaded now: the CLI worker's warm-up (cli/main.ts preloadApplyPath).
 */
export async function preloadApplyPath(): Promise<void> {
  await Promise.all([import('../runtime/apply.js'), import('../runtime/state/head.js'), import('../runtime/state/repo.js'), import('../runtime/state/applied.js'), import('../runtime/audit.js')]);
}

export async function applyPlanned(host: FlowHost, planned: Planned | string, o: ApplyPlannedOptions): Promise<ApplyResult> {
  const { applyPlan } = await import('../runtime/apply.js');
  return applyPlan(typeof planned === 'string' ? planned : planned.envelopeText, {
    engine: await host.engine(),
    dataDir: host.paths.dataDir,
    stateDir: host.paths.stateDir,
    root: host.paths.root,
    trustedKeys: [...loadTrustedKeys(host.paths.dataDir), ...(o.extraTrustedKeys ?? []).filter((k) => !loadTrustedKeys(host.paths.dataDir).some((t) => t.keyid === k.keyid))],
    hostId: host.hostId,
    policy: PLAN_POLICY,
    now: o.now,
    yes: o.yes,
    lockWaitMs: o.lockWaitMs ?? 60_000,
    actor: o.actor,
    ...(o.trigger ? { trigger: o.trigger } : {}),
    ...(o.rollbackOnHealthFailure === false ? { rollbackOnHealthFailure: false } : {}),
    ...(o.interactiveConfirm ? { interactiveConfirm: o.interactiveConfirm } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  });
}

/**
 * After a crash or a failed rollback (`claude recover`): reverts a firewall change nobody
 * confirmed (when nft is installed), then settles the interrupted apply on this host's
 * engine (runtime/apply.ts recover: roll back, or complete one that reached its clean-up).
 * Throws when the engine cannot be reached.
 */
export async function recoverHost(host: FlowHost, o: { now: () => Date; onEvent?: (e: ApplyEvent) => void }): Promise<{ result: RecoverResult; firewall: string[] }> {
  const firewall: string[] = [];
  const engine = await host.engine();
  try {
    const { NftDriver } = await import('../runtime/drivers/nft.js');
    const { recoverPendingFirewall } = await import('../runtime/firewall-confirm.js');
    const r = await recoverPendingFirewall(new NftDriver(host.netns ? { netns: host.netns } : {}), join(host.paths.dataDir, 'journal'), o.now().getTime());
    for (const id of r.reverted) firewall.push(`reverted unconfirmed firewall change ${id}`);
  } catch {
    /* no nft on this host, or nothing pending */
  }
  const { recover } = await import('../runtime/apply.js');
  const result = await recover({ engine, dataDir: host.paths.dataDir, stateDir: host.paths.stateDir, now: o.now, ...(o.onEvent ? { onEvent: o.onEvent } : {}) });
  return { result, firewall };
}

// ── the request lock ─────────────────────────────────────────────────────────────────

export interface RequestLockOptions {
  dataDir: string;
  /** How long to wait for another request (ms). Default 10 minutes. */
  waitMs?: number;
  /** Called when another request holds it and this one starts waiting, and again for each later holder. Default: pidlock's line on stderr, after 3 s. */
  onWait?: (holder: LockHolder) => void;
}

/** Takes `<dataDir>/request.lock`; returns the release function. */
export async function acquireRequestLock(o: RequestLockOptions): Promise<() => void> {
  const path = join(o.dataDir, REQUEST_LOCK_FILE);
  const say = o.onWait;
  return acquirePidLock(path, { timeoutMs: o.waitMs ?? 600_000, purpose: 'plan-and-apply request', ...(say ? { onWait: (w) => say(w.owner), noticeAfterMs: 0 } : {}) });
}

// ── plan, approve, apply, re-plan when stale ──────────────────────────────────────────

export interface PlanAndApplyOptions<P extends Planned> {
  /**
   * Reads the current state (HEAD first, then the files) and returns a signed plan, or null
   * when there is nothing to apply or it cannot be planned (the callback reports why).
   * `attempt` is 0 first, then 1, 2, … after each stale refusal.
   */
  makePlan(attempt: number): Promise<P | null>;
  /** Shows the plan and decides. `replanned` is true after a stale refusal. */
  approve(planned: P, info: { attempt: number; replanned: boolean }): Promise<boolean>;
  /** Applies (normally `applyPlanned`); throws the runtime's refusals. */
  apply(planned: P): Promise<ApplyResult>;
  /** How many times to re-plan after a stale refusal. Default 3. */
  maxReplans?: number;
  /** Told each time the plan is refused as stale and is made again. */
  onReplan?(error: StalePlanError, replan: number): void;
  /** Queue with other requests on `<dataDir>/request.lock` from reading the state to the end of the apply. */
  requestLock?: RequestLockOptions;
  /** Release the request lock while `approve` runs (a human is deciding). */
  releaseLockForApproval?: boolean;
}

export type FlowOutcome<P extends Planned> =
  | { status: 'applied' | 'incomplete' | 'rolled-back' | 'needs-attention'; planned: P; result: ApplyResult; replans: number }
  | { status: 'unplanned'; replans: number }
  | { status: 'declined'; planned: P; replans: number }
  | { status: 'stale'; planned: P; error: StalePlanError; replans: number };

/**
 * The request loop. Refusals other than a stale base (signature, expiry, lock timeout,
 * needs-attention) are thrown to the caller unchanged.
 */
export async function planAndApply<P extends Planned>(o: PlanAndApplyOptions<P>): Promise<FlowOutcome<P>> {
  const max = o.maxReplans ?? DEFAULT_MAX_REPLANS;
  let release: (() => void) | null = null;
  const lock = async () => {
    if (o.requestLock && !release) release = await acquireRequestLock(o.requestLock);
  };
  const unlock = () => {
    release?.();
    release = null;
  };
  let replans = 0;
  try {
    for (let attempt = 0; ; attempt++) {
      await lock();
      const planned = await o.makePlan(attempt);
      if (!planned) return { status: 'unplanned', replans };
      if (o.releaseLockForApproval) unlock();
      if (!(await o.approve(planned, { attempt, replanned: attempt > 0 }))) return { status: 'declined', planned, replans };
      await lock();
      try {
        const result = await o.apply(planned);
        return { status: result.status, planned, result, replans };
      } catch (e) {
        if (!(e instanceof StalePlanError)) throw e;
        if (replans >= max) return { status: 'stale', planned, error: e, replans };
        replans++;
        o.onReplan?.(e, replans);
      }
    }
  } finally {
    unlock();
  }
}

/** The line the interactive flows print when they re-plan. */
export const REPLANNED_MESSAGE = 'The system changed while planning; re-planned.';
