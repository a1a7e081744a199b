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
 * CLAUDE_OBSERVE_SCOPE (a regular expression, tests only) limits planning, snapshots and the
 * base check to managed containers and networks whose name matches, as for the observation
 * commands (cli/observe-env.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Paths } from '../common/paths.js';
import { compileFiles } from '../compiler/compile.js';
import { DiagnosticSink, renderDiagnostic } from '../compiler/diagnostics.js';
import { lockoutGate } from '../compiler/firewall.js';
import { firewallSpecOf, plan } from '../compiler/planner.js';
import { signPlan } from '../compiler/sign.js';
import { serializeEnvelope } from '../plan/envelope.js';
import { loadOrCreateHostId, loadOrCreateHostKey, loadTrustedKeys } from '../plan/keys.js';
import { PLAN_POLICY } from '../plan/policy.js';
import type { ObservedState, PlanPayload, PlanStep, Provenance } from '../plan/types.js';
import type { ApplyEvent, ApplyResult } from '../runtime/apply.js';
import type { Engine } from '../runtime/engine.js';
import { acquirePidLock, ownerAlive, readLockOwner, type LockOwner } from '../runtime/pidlock.js';
import { STATE_FILE_NAMES } from '../runtime/state/repo.js';
import { StalePlanError } from '../runtime/verify.js';
import { compilerVersion } from './commands/plan.js';

export const REQUEST_LOCK_FILE = 'request.lock';
export const DEFAULT_MAX_REPLANS = 3;

/** A signed plan and its payload. */
export interface Planned {
  payload: PlanPayload;
  envelopeText: string;
}

// ── the host: keys, observer and engine (scoped in tests) ──────────────────────────────

export interface FlowHost {
  paths: Paths;
  hostId: string;
  /** CLAUDE_OBSERVE_SCOPE, when set. */
  scope?: RegExp;
  /** Observes the system (scoped); `stateCommit` is left to the caller. */
  observe(): Promise<ObservedState>;
  /** The runtime engine for applyPlan (same observer, same scope). */
  engine(): Promise<Engine>;
}

/** The scope from CLAUDE_OBSERVE_SCOPE; throws a clear Error for a bad expression. */
export function scopeFromEnv(env: Record<string, string | undefined>): RegExp | undefined {
  const s = env.CLAUDE_OBSERVE_SCOPE;
  if (!s) return undefined;
  try {
    return new RegExp(s);
  } catch (e) {
    throw new Error(`CLAUDE_OBSERVE_SCOPE is not a valid regular expression: ${(e as Error).message}`);
  }
}

/** Drops managed containers and networks outside the scope. */
export function scoped(o: ObservedState, scope: RegExp | undefined): ObservedState {
  if (!scope) return o;
  return {
    ...o,
    containers: o.containers.filter((c) => !c.managed || scope.test(c.name)),
    networks: o.networks.filter((n) => !n.managed || scope.test(n.name)),
  };
}

export async function openFlowHost(paths: Paths, env: Record<string, string | undefined>): Promise<FlowHost> {
  const hostId = loadOrCreateHostId(paths.dataDir, paths.root);
  const scope = scopeFromEnv(env);
  const { hostObserver, nftFirewall } = await import('../runtime/host-engine.js');
  const raw = hostObserver({ root: paths.root, dataDir: paths.dataDir, hostId });
  const observe = async () => scoped(await raw(), scope);
  let engine: Engine | undefined;
  return {
    paths,
    hostId,
    ...(scope ? { scope } : {}),
    observe,
    async engine() {
      if (engine) return engine;
      const { DockerEngine } = await import('../runtime/drivers/docker.js');
      engine = new DockerEngine({ root: paths.root, dataDir: paths.dataDir, hostId, firewall: nftFirewall(paths.dataDir), observe, ...(scope ? { scope } : {}) });
      return engine;
    },
  };
}

/** HEAD of the state repo, or null (no repo, or no commit yet). */
export async function stateHeadOf(stateDir: string): Promise<string | null> {
  const git = (await import('isomorphic-git')).default;
  const fs = await import('node:fs');
  try {
    return await git.resolveRef({ fs, dir: stateDir, ref: 'HEAD' });
  } catch {
    return null;
  }
}

/** The state files present in the state dir, as text (not validated: the compiler judges them). */
export function readStateDirFiles(stateDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of STATE_FILE_NAMES) {
    const p = join(stateDir, n);
    if (existsSync(p)) out[n] = readFileSync(p, 'utf8');
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
  env: Record<string, string | undefined>;
  ttlMs?: number;
  allowDestructive?: boolean;
  /** `--i-know-what-i-am-doing` for the firewall lock-out gate. */
  force?: boolean;
}

export type PlanFilesResult = { ok: true; planned: Planned; warnings: string[] } | { ok: false; problems: string[] };

/** Compiles the files, observes the system, plans against it and signs with the host key. */
export async function planFiles(host: FlowHost, files: Readonly<Record<string, string>>, o: PlanFilesOptions): Promise<PlanFilesResult> {
  const compiled = compileFiles(files);
  const warnings = compiled.diagnostics.filter((d) => d.severity !== 'error').map(renderDiagnostic);
  if (!compiled.model) return { ok: false, problems: compiled.diagnostics.map(renderDiagnostic) };
  const sink = new DiagnosticSink();
  lockoutGate(firewallSpecOf(compiled.model.firewall), o.env, { sink, force: o.force === true });
  if (sink.hasErrors()) return { ok: false, problems: sink.sorted().map(renderDiagnostic) };
  const observed = { ...(await host.observe()), stateCommit: o.base };
  const key = loadOrCreateHostKey(host.paths.dataDir, host.hostId);
  const payload = plan(compiled.model, observed, {
    request: o.request,
    now: o.now,
    nonce: randomBytes(32).toString('hex'),
    hostId: host.hostId,
    ...(o.ttlMs !== undefined ? { ttlMs: o.ttlMs } : {}),
    provenance: { engine: o.engine, model: o.model ?? null, promptHash: o.promptHash ?? null },
    compilerVersion: compilerVersion(),
    allowDestructive: o.allowDestructive === true,
    sink,
  });
  const all = sink.sorted();
  if (sink.hasErrors()) return { ok: false, problems: all.map(renderDiagnostic) };
  return { ok: true, planned: { payload, envelopeText: serializeEnvelope(signPlan(payload, key.privateKey)) }, warnings: [...warnings, ...all.map(renderDiagnostic)] };
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
}

/** applyPlan with this host's engine, keys, policy and state dir. Throws the runtime's refusals. */
export async function applyPlanned(host: FlowHost, planned: Planned, o: ApplyPlannedOptions): Promise<ApplyResult> {
  const { applyPlan } = await import('../runtime/apply.js');
  return applyPlan(planned.envelopeText, {
    engine: await host.engine(),
    dataDir: host.paths.dataDir,
    stateDir: host.paths.stateDir,
    trustedKeys: loadTrustedKeys(host.paths.dataDir),
    hostId: host.hostId,
    policy: PLAN_POLICY,
    now: o.now,
    yes: o.yes,
    lockWaitMs: o.lockWaitMs ?? 60_000,
    actor: o.actor,
    ...(o.interactiveConfirm ? { interactiveConfirm: o.interactiveConfirm } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  });
}

// ── the request lock ─────────────────────────────────────────────────────────────────

export interface RequestLockOptions {
  dataDir: string;
  /** How long to wait for another request (ms). Default 10 minutes. */
  waitMs?: number;
  /** Called once when another request holds it and this one starts waiting. */
  onWait?: (owner: LockOwner) => void;
}

/** Takes `<dataDir>/request.lock`; returns the release function. */
export async function acquireRequestLock(o: RequestLockOptions): Promise<() => void> {
  const path = join(o.dataDir, REQUEST_LOCK_FILE);
  const owner = readLockOwner(path);
  if (owner && ownerAlive(owner)) o.onWait?.(owner);
  return acquirePidLock(path, { timeoutMs: o.waitMs ?? 600_000, purpose: 'plan-and-apply request' });
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
  | { status: 'applied' | 'rolled-back' | 'needs-attention'; planned: P; result: ApplyResult; replans: number }
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

// ── prompting (TTY only) ─────────────────────────────────────────────────────────────

export interface LineReader {
  /** Writes the prompt and resolves with the next line, or null at end of input. */
  next(prompt: string): Promise<string | null>;
  close(): void;
}

/** One reader over ctx.stdin for a whole command (lines typed ahead are kept). */
export function lineReader(io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream }): LineReader {
  const rl = createInterface({ input: io.stdin, terminal: false });
  const queue: string[] = [];
  let waiting: ((l: string | null) => void) | null = null;
  let closed = false;
  rl.on('line', (l) => {
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(l);
    } else queue.push(l);
  });
  rl.on('close', () => {
    closed = true;
    if (waiting) {
      const w = waiting;
      waiting = null;
      w(null);
    }
  });
  return {
    next(prompt) {
      io.stdout.write(prompt);
      if (queue.length) return Promise.resolve(queue.shift()!);
      if (closed) return Promise.resolve(null);
      return new Promise((res) => (waiting = res));
    },
    close: () => rl.close(),
  };
}
