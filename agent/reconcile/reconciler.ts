/**
 * The reconcile pass, level-based as Kubernetes controllers are: whatever triggered it (a
 * change in the state dir, the periodic timer, start-up, a container event), a pass reads
 * the whole desired state and the observed system and acts on the difference:
 *
 *   read HEAD, then every state file → validate the whole set (compile)
 *     ── errors? log them at file:line:col, event reconcile.failed, notify, apply nothing
 *   → save the notification settings (the last good ones) → observe → plan → sign
 *   → nothing to do? clear a pending plan that no longer applies
 *   → changed files vs HEAD: a hand edit; none: drift (reported: event + notification)
 *   → policy.ts decides: apply (hand edits committed with an author that says so),
 *     queue as the pending plan (pending.ts; a newer one supersedes it), report, or nothing
 *
 * Passes never overlap: a trigger during a pass runs one more pass after it. Everything the
 * pass needs from the host (observe, plan, apply) comes in through `ReconcileHost`, so the
 * daemon wires the one planning path (agent/flow.ts) and tests can count what it does.
 *
 * Must not: import `cli/` or the server, print, or exit (the daemon gets a log function).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, sha256Hex } from '../../common/canonical.js';
import { appendLineDurable, writeFileAtomic } from '../../common/fsutil.js';
import type { Paths } from '../../common/paths.js';
import { trace } from '../../common/trace.js';
import { StateFileError, readStateFileText } from '../../common/state-read.js';
import { compileFiles, type CompileResult } from '../../compiler/compile.js';
import { renderDiagnostic } from '../../compiler/diagnostics.js';
import type { ResolvedModel } from '../../compiler/model.js';
import type { ObservedState, PlanPayload } from '../../plan/types.js';
import type { ApplyEvent, ApplyResult } from '../../runtime/apply.js';
import { Notifier, saveNotifyConfig, type NotificationInput, type NotifyConfig } from '../../runtime/notify/index.js';
import { driftSince, readAppliedRecord } from '../../runtime/state/applied.js';
import { openStateRepo, STATE_FILE_NAMES } from '../../runtime/state/repo.js';
import { clearFailing, logsRepeat, writeFailing, type Failing } from './failing.js';
import { clearPaused, DEFAULT_BACKOFF, PAUSED_FILE, pauseMs, pausedLine, readPaused, waitText, writePaused, type Backoff, type Paused } from './paused.js';
import { clearPending, pendingKey, readPending, writePending, type PendingPlan } from './pending.js';
import { decide, ignored, type Decision } from './policy.js';

export const RECONCILER_ACTOR_NAME = 'claude-reconciler';
export const APPLIES_FILE = 'reconciler/applies.json';
const EVENTS_FILE = 'events.jsonl';
/** How old (ms) an observation started before the pass (Reconciler.prefetch) may be to be used. */
export const PREFETCH_MAX_AGE_MS = 2000;
/** Pending plans live longer than interactive ones: they wait for a person. */
export const PENDING_TTL_MS = 24 * 60 * 60 * 1000;

/** A signed plan (agent/flow.ts `Planned`). */
export interface Planned {
  payload: PlanPayload;
  envelopeText: string;
}

/** agent/flow.ts `PlanFilesResult`, the parts the pass reads. */
export type PlanOutcome = { ok: true; planned: Planned; warnings: string[] } | { ok: false; stage: string; problems: string[]; warnings: string[] };

/** What the pass needs from the host; the daemon wires agent/flow.ts (host.ts). */
export interface ReconcileHost {
  paths: Paths;
  hostId: string;
  snapshot(): Promise<ObservedState>;
  plan(compiled: CompileResult, o: { request: string; base: string | null; observed: ObservedState; now: Date; ttlMs: number }): Promise<PlanOutcome>;
  apply(planned: Planned, o: { yes: boolean; actor: { name: string; email: string }; trigger: string; rollbackOnHealthFailure: boolean; onEvent: (e: ApplyEvent) => void }): Promise<ApplyResult>;
  /** Queue with the other plan-and-apply requests of this host (agent/flow.ts request lock) from reading the state to the end of the apply; returns the release. */
  lock?(): Promise<() => void>;
}

export interface ReconcilerOptions {
  host: ReconcileHost;
  now?: () => Date;
  log?: (line: string) => void;
  notifier?: Notifier;
}

export type PassOutcome =
  | { status: 'invalid'; problems: string[] }
  | { status: 'unplanned'; stage: string; problems: string[] }
  | { status: 'noop'; committed?: boolean }
  | { status: 'reported' | 'queued'; decision: Decision; planId: string; drift: boolean }
  | { status: 'paused'; decision: Decision; planId: string; drift: boolean; paused: Paused }
  | { status: 'applied' | 'incomplete' | 'rolled-back' | 'needs-attention'; decision: Decision; planId: string; drift: boolean; result: ApplyResult }
  | { status: 'refused'; error: string; stale: boolean };

export interface PassRecord {
  trigger: string;
  startedAt: string;
  durationMs: number;
  outcome: PassOutcome;
}

export class Reconciler {
  private readonly now: () => Date;
  readonly notifier: Notifier;
  private running: Promise<PassRecord> | null = null;
  private again: string | null = null;
  /** The failure of the last pass while it repeats (failing.ts): said once, then counted; null after a pass gets past it. */
  private failing: (Failing & { key: string }) | null = null;
  private lastDrift: string | null = null;
  /** Passes run so far, and the last one. */
  passes = 0;
  last: PassRecord | null = null;
  /** Called after each pass (tests, the benchmark). */
  onPass?: (r: PassRecord) => void;
  /** `spec.reconcile` timing of the last state files that validated (the daemon's interval and debounce). */
  settings: { intervalMs: number; debounceMs: number } | null = null;
  /** `spec.reconcile.backoff` of the last state files that validated (paused.ts). */
  private backoff: Backoff = DEFAULT_BACKOFF;
  /** The last compile, by the files' text (a pass over unchanged files does not compile again). */
  private compiled: { key: string; result: CompileResult } | null = null;
  /** The files of the last HEAD read (a commit's files never change). */
  private headFiles: { commit: string; files: Record<string, string> } | null = null;
  /** An observation started before the pass (`prefetch`), while a change settles. */
  private prefetched: { at: number; seq: number; observed: Promise<ObservedState> } | null = null;
  /** Bumped by what makes an observation in flight out of date (a container event, an apply). */
  private observationSeq = 0;

  constructor(private readonly o: ReconcilerOptions) {
    this.now = o.now ?? (() => new Date());
    this.notifier = o.notifier ?? new Notifier({ dataDir: o.host.paths.dataDir, now: this.now, hostId: o.host.hostId, log: (l) => this.log(l) });
  }

  private get dataDir(): string {
    return this.o.host.paths.dataDir;
  }

  private log(line: string): void {
    this.o.log?.(`claude-reconciler: ${line}`);
  }

  /** Runs a pass now, or (when one is running) once more after it; resolves with that pass. */
  trigger(trigger: string): Promise<PassRecord> {
    if (this.running) {
      this.again = this.again ?? trigger;
      return this.running;
    }
    const run = async (): Promise<PassRecord> => {
      let rec = await this.pass(trigger);
      while (this.again) {
        const t = this.again;
        this.again = null;
        rec = await this.pass(t);
      }
      return rec;
    };
    const running = run();
    this.running = running;
    void running.finally(() => {
      this.running = null;
      // A trigger that came after the loop's last check: run it now.
      if (this.again) {
        const t = this.again;
        this.again = null;
        void this.trigger(t);
      }
    });
    return running;
  }

  /**
   * Starts observing the system now, for the next pass (the daemon calls it while a change to
   * the state files settles: the observation does not depend on the files). Does nothing while
   * a pass runs or a recent observation is in flight. The pass uses it only when it is at most
   * PREFETCH_MAX_AGE_MS old and nothing has invalidated it (a container event, an apply);
   * else it observes again. Planning on it stays safe: the runtime refuses a plan whose base
   * no longer matches the system (stale), and the pass then plans again.
   */
  prefetch(): void {
    if (this.running) return;
    const now = performance.now();
    if (this.prefetched && this.prefetched.seq === this.observationSeq && now - this.prefetched.at < PREFETCH_MAX_AGE_MS / 2) return;
    const observed = this.o.host.snapshot();
    observed.catch(() => undefined); // the pass observes again and reports the error
    this.prefetched = { at: now, seq: this.observationSeq, observed };
  }

  /** Something changed on the system (a container event): an observation in flight is out of date. */
  invalidateObservation(): void {
    this.observationSeq++;
    this.prefetched = null;
  }

  /** The prefetched observation when still usable (see `prefetch`), taken once. */
  private takePrefetched(): Promise<ObservedState> | null {
    const p = this.prefetched;
    this.prefetched = null;
    if (!p || p.seq !== this.observationSeq || performance.now() - p.at > PREFETCH_MAX_AGE_MS) return null;
    return p.observed.catch(() => this.o.host.snapshot());
  }

  /** Waits for the pass in progress (if any) and the notifications in flight. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    await this.notifier.drain();
  }

  private async pass(trigger: string): Promise<PassRecord> {
    const t0 = performance.now();
    const startedAt = this.now().toISOString();
    let outcome: PassOutcome;
    let release: (() => void) | null = null;
    try {
      release = (await this.o.host.lock?.()) ?? null;
      outcome = await this.passInner(trigger);
    } catch (e) {
      // A bug or an unexpected system error: reported like a failed pass, and the next pass tries again.
      const error = (e as Error)?.message ?? String(e);
      this.fail({ key: `internal|${error}`, stage: 'internal', title: `reconcile pass failed: ${error}`, problems: [], trigger, log: [`pass failed: ${error}`], event: { error } });
      outcome = { status: 'refused', error, stale: false };
    } finally {
      release?.();
    }
    // A pass that planned and then applied, queued, reported or found nothing to do is past any failure.
    if (!['invalid', 'unplanned', 'refused'].includes(outcome.status)) this.recovered();
    const rec: PassRecord = { trigger, startedAt, durationMs: performance.now() - t0, outcome };
    this.passes++;
    this.last = rec;
    this.onPass?.(rec);
    return rec;
  }

  private async passInner(trigger: string): Promise<PassOutcome> {
    const { stateDir } = this.o.host.paths;
    // HEAD first, then the files (agent/flow.ts, rule 1): a plan's base names the commit its files were read after.
    const repo = existsSync(join(stateDir, '.git', 'HEAD')) ? await openStateRepo(stateDir, { create: false }) : null;
    const head = repo ? await repo.headCommit() : null;
    let files: Record<string, string>;
    try {
      files = readStateFiles(stateDir);
    } catch (e) {
      if (!(e instanceof StateFileError)) throw e;
      const problems = [`${e.message}\n  hint: ${e.hint}`];
      this.failed('validate', problems, trigger, `a state file was refused (${e.reason}); nothing was applied`);
      return { status: 'invalid', problems };
    }
    trace('reconcile: files read');
    const key = sha256Hex(canonicalJson(files));
    if (this.compiled?.key !== key) this.compiled = { key, result: compileFiles(files) };
    const compiled = this.compiled.result;
    trace('reconcile: compiled');
    if (!compiled.model) {
      const problems = compiled.diagnostics.filter((d) => d.severity === 'error').map(renderDiagnostic);
      this.failed('validate', problems, trigger, `the state files do not validate (${problems.length} error${problems.length === 1 ? '' : 's'}); nothing was applied`);
      return { status: 'invalid', problems };
    }
    const model = compiled.model;
    this.settings = { intervalMs: model.reconcile.intervalMs, debounceMs: model.reconcile.debounceMs };
    this.backoff = model.reconcile.backoff;
    saveNotifyConfig(this.dataDir, notifyConfigOf(model));
    if (repo && head && this.headFiles?.commit !== head) this.headFiles = { commit: head, files: await repo.filesAt(head) };
    const headFiles = repo && head ? this.headFiles!.files : {};
    trace('reconcile: HEAD files');
    const changedFiles = STATE_FILE_NAMES.filter((n) => files[n] !== headFiles[n]);
    let observed: ObservedState;
    try {
      const prefetched = this.takePrefetched();
      observed = await (prefetched ?? this.o.host.snapshot());
      trace(prefetched ? 'reconcile: observed (prefetched during the debounce)' : 'reconcile: observed');
    } catch (e) {
      const problem = (e as Error).message;
      this.failed('observe', [problem], trigger, `cannot observe the system: ${problem}`);
      return { status: 'unplanned', stage: 'observe', problems: [problem] };
    }
    const drift = changedFiles.length === 0;
    const request = drift ? 'restore the applied state (drift corrected by claude-reconciler)' : `hand edit of ${changedFiles.join(', ')} (applied by claude-reconciler)`;
    const planned = await this.o.host.plan(compiled, { request, base: head, observed, now: this.now(), ttlMs: PENDING_TTL_MS });
    trace('reconcile: planned');
    if (!planned.ok) {
      this.failed(planned.stage, planned.problems, trigger, `cannot plan the state files (${planned.stage}); nothing was applied`);
      return { status: 'unplanned', stage: planned.stage, problems: planned.problems };
    }
    if (this.failing && PLANNING_STAGES.has(this.failing.stage)) this.recovered();
    const { payload } = planned.planned;
    if (payload.steps.length === 0) {
      const pending = readPending(this.dataDir);
      if (pending) {
        clearPending(this.dataDir, pending.planId);
        this.event({ type: 'reconcile.pending.cleared', planId: pending.planId, reason: 'the system already matches the state files' });
        this.log(`pending plan ${pending.planId} dropped: the system already matches the state files`);
      }
      this.lastDrift = null;
      this.endPause('the system matches the state files');
      if (!drift && repo) {
        // Nothing to change on the system (a comment, reordered keys): record the edit in history.
        const r = await this.applyPlan(planned.planned, { action: 'apply', rule: 'empty', reason: 'no change to the system', confirmed: false }, trigger, drift, model.safety.rollbackOnHealthFailure);
        return r.status === 'applied' ? { status: 'noop', committed: true } : r;
      }
      return { status: 'noop' };
    }
    const decision = decide(payload.steps, model.safety, model.reconcile, { changedFiles, appliesLastHour: this.appliesLastHour() });
    let driftLines: string[] = [];
    if (drift && decision.action !== 'none') {
      driftLines = this.describeDrift(payload, observed, model.reconcile.ignore);
      const key = sha256Hex(canonicalJson(payload.steps.map((s) => s.id)));
      if (this.lastDrift !== key) {
        this.lastDrift = key;
        this.event({ type: 'drift.detected', targets: [...new Set(payload.steps.map((s) => s.target))], drift: driftLines, policy: model.reconcile.drift, action: decision.action });
        this.log(`drift: ${driftLines.join('; ')} → ${decision.action} (${decision.rule}: ${decision.reason})`);
        this.notifier.notify({ source: 'reconciler', kind: 'drift.detected', severity: 'warning', title: `drift: the system no longer matches the applied state (${driftLines.length} resource${driftLines.length === 1 ? '' : 's'}); ${decisionWords(decision)}`, detail: driftLines });
      }
    } else if (!drift) this.lastDrift = null;
    switch (decision.action) {
      case 'none':
        return { status: 'noop' };
      case 'report':
        return { status: 'reported', decision, planId: payload.id, drift };
      case 'queue':
        this.queue(planned.planned, decision, drift, changedFiles, driftLines);
        return { status: 'queued', decision, planId: payload.id, drift };
      case 'apply': {
        const paused = this.paused(payload, trigger);
        if (paused) return { status: 'paused', decision, planId: payload.id, drift, paused };
        return this.applyPlan(planned.planned, decision, trigger, drift, model.safety.rollbackOnHealthFailure);
      }
    }
  }

  /**
   * The back-off of a plan whose apply failed (paused.ts): the pause of this plan while it
   * lasts, else null (try it now). A pause of another plan, or one an apply has succeeded
   * since, ends here; an expired one, or one a person overrides with `claude reconcile`,
   * stays, so a failure of this attempt counts on from it (and is not notified again).
   */
  private paused(payload: PlanPayload, trigger: string): Paused | null {
    const p = readPaused(this.dataDir);
    if (!p) return null;
    const applied = readAppliedRecord(this.dataDir)?.planId ?? null;
    if (p.key !== pendingKey(payload)) this.endPause(p.kind === 'drift' ? 'the drift changed' : 'the state files changed');
    else if (p.appliedPlanId !== applied) this.endPause(`an apply succeeded since (${applied})`);
    else if (trigger === 'manual') this.log(`\`claude reconcile\` tries it now, during its pause (${pausedLine(p)})`);
    else if (Date.parse(p.until) > this.now().getTime()) return p;
    return null;
  }

  /** Ends the back-off, if any, saying why once (log, reconcile.resumed event). */
  private endPause(why: string): void {
    const p = readPaused(this.dataDir);
    if (!p) return;
    this.dropPause();
    this.log(`${p.kind === 'drift' ? 'self-heal' : 'the hand edit'} resumes: ${why} (it was paused after ${plural(p.attempts, 'failed attempt', 'failed attempts')} since ${p.since})`);
    this.event({ type: 'reconcile.resumed', planId: p.planId, kind: p.kind, attempts: p.attempts, since: p.since, why });
  }

  private dropPause(): void {
    try {
      clearPaused(this.dataDir);
    } catch (e) {
      this.log(`cannot remove ${PAUSED_FILE}: ${(e as Error).message}`);
    }
  }

  /** A pass that could not plan: every problem logged, event reconcile.failed, notified (once per distinct failure: fail). */
  private failed(stage: string, problems: string[], trigger: string, title: string): void {
    this.fail({ key: `${stage}|${problems.join('\n')}`, stage, title, problems, trigger, log: problems, event: { error: title, problems } });
  }

  /**
   * A pass met a failure. The same one as the last pass: only counted (failing.ts), with a log
   * line at the 2nd, 4th, 8th … pass in a row, so a failure that lasts a day writes about ten
   * lines, not one a minute. A different one: said in full (`log`, a reconcile.failed event, a
   * critical notification), with how long the one before it lasted.
   */
  private fail(f: { key: string; stage: string; title: string; problems: string[]; trigger: string; log: string[]; event?: Record<string, unknown>; planId?: string; detail?: string[] }): void {
    const now = this.now().toISOString();
    const prev = this.failing;
    if (prev?.key === f.key) {
      prev.passes++;
      prev.lastAt = now;
      this.saveFailing(prev);
      if (logsRepeat(prev.passes)) this.log(`still failing (${prev.stage}): ${prev.passes} passes in a row since ${prev.since}, the same as logged then: ${prev.title}`);
      return;
    }
    if (prev) this.log(`the failure changed after ${plural(prev.passes, 'pass')} (${prev.stage} since ${prev.since}: ${prev.title})`);
    this.failing = { version: 1, key: f.key, stage: f.stage, title: f.title, problems: f.problems, since: now, lastAt: now, passes: 1 };
    this.saveFailing(this.failing);
    for (const l of f.log) this.log(l);
    if (f.event) this.event({ type: 'reconcile.failed', stage: f.stage, ...f.event, rolledBack: false, trigger: f.trigger, ...(prev ? { previous: { stage: prev.stage, error: prev.title, passes: prev.passes, since: prev.since } } : {}) });
    const detail = f.detail ?? f.problems;
    this.notifier.notify({ source: 'reconciler', kind: 'reconcile.failed', severity: 'critical', title: f.title, ...(f.planId ? { planId: f.planId } : {}), ...(detail.length ? { detail } : {}) });
  }

  private saveFailing(f: Failing & { key: string }): void {
    const { key: _key, ...rest } = f;
    try {
      writeFailing(this.dataDir, rest);
    } catch (e) {
      this.log(`cannot record the failure for claude status: ${(e as Error).message}`);
    }
  }

  /** A pass got past the failure: say once how long it lasted (log, reconcile.recovered event and notification). */
  private recovered(): void {
    const f = this.failing;
    if (!f) return;
    this.failing = null;
    try {
      clearFailing(this.dataDir);
    } catch {
      /* status shows it until the next failure or recovery */
    }
    const what = PLANNING_STAGES.has(f.stage) ? 'the state files validate and plan again' : 'the reconcile passes succeed again';
    this.log(`${what}, after ${plural(f.passes, 'failed pass', 'failed passes')} (${f.stage}) since ${f.since}`);
    this.event({ type: 'reconcile.recovered', stage: f.stage, error: f.title, passes: f.passes, since: f.since });
    this.notifier.notify({ source: 'reconciler', kind: 'reconcile.recovered', severity: 'info', title: `${what}, after ${plural(f.passes, 'failed pass', 'failed passes')} since ${f.since}`, detail: [`was: ${f.title}`] });
  }

  private queue(planned: Planned, decision: Decision, drift: boolean, changedFiles: string[], driftLines: string[]): void {
    const { payload } = planned;
    const key = pendingKey(payload);
    const existing = readPending(this.dataDir);
    if (existing?.key === key) return; // the same change is already waiting
    const entry: PendingPlan = {
      version: 1,
      key,
      planId: payload.id,
      envelopeText: planned.envelopeText,
      kind: drift ? 'drift' : 'edit',
      reason: decision.reason,
      rule: decision.rule,
      changedFiles,
      steps: payload.steps.map((s) => s.description ?? `${s.op} ${s.target}`),
      ...(drift ? { drift: driftLines } : {}),
      createdAt: payload.createdAt,
      expiresAt: payload.expiresAt,
    };
    const superseded = writePending(this.dataDir, entry);
    if (superseded) this.event({ type: 'reconcile.pending.superseded', planId: superseded.planId, by: payload.id });
    this.event({ type: 'reconcile.pending', planId: payload.id, kind: entry.kind, rule: decision.rule, reason: decision.reason, steps: payload.steps.length, ...(superseded ? { supersedes: superseded.planId } : {}) });
    this.log(`plan ${payload.id} (${payload.steps.length} step${payload.steps.length === 1 ? '' : 's'}) is pending approval: ${decision.reason}${superseded ? ` (supersedes ${superseded.planId})` : ''}; approve with \`claude apply\``);
    this.notifier.notify({
      source: 'reconciler',
      kind: 'reconcile.pending',
      severity: 'warning',
      title: `a plan is waiting for approval (${decision.reason}); review and apply it with \`claude apply\``,
      detail: entry.steps,
      planId: payload.id,
    });
  }

  private async applyPlan(planned: Planned, decision: Extract<Decision, { action: 'apply' }>, trigger: string, drift: boolean, rollbackOnHealthFailure: boolean): Promise<PassOutcome> {
    const { payload } = planned;
    const pending = readPending(this.dataDir);
    if (pending && pending.planId !== payload.id) {
      clearPending(this.dataDir, pending.planId);
      this.event({ type: 'reconcile.pending.superseded', planId: pending.planId, by: payload.id });
    }
    const actor = { name: `${RECONCILER_ACTOR_NAME} (${drift ? 'self-heal' : 'hand edit'})`, email: `reconciler@${this.o.host.hostId}.claude-os.local` };
    this.log(`applying ${payload.id} (${payload.steps.length} step${payload.steps.length === 1 ? '' : 's'}; ${decision.rule}: ${decision.reason})`);
    let result: ApplyResult;
    this.invalidateObservation();
    try {
      result = await this.o.host.apply(planned, { yes: decision.confirmed, actor, trigger: drift && trigger !== 'startup' ? `drift (${trigger})` : trigger, rollbackOnHealthFailure, onEvent: (e) => this.onApplyEvent(e) });
    } catch (e) {
      const err = e as Error & { clause?: string; hint?: string };
      const stale = err.name === 'StalePlanError';
      if (stale) {
        this.log(`plan ${payload.id} refused as stale (the system or the state changed while planning); planning again`);
        this.again = this.again ?? 'replan';
      } else {
        this.fail({ key: `refused|${err.name}|${err.message}`, stage: 'refused', title: `the reconciler's plan was refused: ${err.message}`, problems: [], trigger, log: [`plan ${payload.id} refused: ${err.message}${err.hint ? ` (hint: ${err.hint})` : ''}`], planId: payload.id, ...(err.hint ? { detail: [`hint: ${err.hint}`] } : {}) });
      }
      return { status: 'refused', error: err.message, stale };
    }
    if (payload.steps.length > 0) this.recordApply();
    const before = readPaused(this.dataDir);
    const key = pendingKey(payload);
    if (result.status === 'applied') {
      if (before) this.dropPause();
      const after = before?.key === key ? `, after ${plural(before.attempts, 'failed attempt', 'failed attempts')} since ${before.since}` : '';
      this.log(`applied ${payload.id} in ${Math.round(result.durationMs)} ms${result.stateCommit ? `, state commit ${result.stateCommit.slice(0, 8)}` : ''}${after}`);
      for (const w of result.warnings) this.log(`  warning: ${w}`);
      const unhealthy = result.warnings.filter((w) => w.includes('rollback_on_health_failure is false'));
      if (unhealthy.length) this.notifier.notify({ source: 'reconciler', kind: 'reconcile.unhealthy', severity: 'critical', title: `applied ${payload.id}, but ${unhealthy.length} container${unhealthy.length === 1 ? ' is' : 's are'} not healthy (kept: rollback_on_health_failure is false)`, detail: unhealthy, planId: payload.id });
      if (payload.steps.length > 0)
        this.notifier.notify({
          source: 'reconciler',
          kind: drift ? 'drift.corrected' : 'reconcile.applied',
          severity: 'info',
          title: (drift ? `drift corrected: ${payload.steps.length} step${payload.steps.length === 1 ? '' : 's'} restored the applied state` : `hand edit applied: ${payload.steps.length} step${payload.steps.length === 1 ? '' : 's'}`) + after,
          detail: payload.steps.map((s) => s.description ?? `${s.op} ${s.target}`),
          planId: payload.id,
        });
    } else {
      const why = result.error ? `${result.error.message}${result.error.step ? ` (step ${result.error.step})` : ''}` : result.status;
      const outcome = result.status === 'rolled-back' ? 'rolled back' : result.status === 'incomplete' ? 'left incomplete: its changes are live but the clean-up or state commit failed; `claude recover` completes it' : 'the rollback did not restore everything: run `claude recover`';
      this.log(`apply of ${payload.id} failed: ${why}; ${outcome}`);
      // The same plan will fail the same way at the next pass: it waits, longer after each failure (paused.ts).
      const same = before?.key === key ? before : null;
      const now = this.now();
      const attempts = (same?.attempts ?? 0) + 1;
      const paused: Paused = {
        version: 1,
        key,
        kind: drift ? 'drift' : 'edit',
        planId: payload.id,
        attempts,
        reason: why,
        since: same?.since ?? now.toISOString(),
        lastAt: now.toISOString(),
        until: new Date(now.getTime() + pauseMs(attempts, this.backoff)).toISOString(),
        appliedPlanId: readAppliedRecord(this.dataDir)?.planId ?? null,
      };
      try {
        writePaused(this.dataDir, paused);
      } catch (e) {
        this.log(`cannot record the back-off (${(e as Error).message}): the next pass tries again`);
      }
      this.log(`${pausedLine(paused)}; \`claude reconcile\` tries it now`);
      this.event({ type: 'reconcile.paused', planId: payload.id, kind: paused.kind, attempts, until: paused.until, since: paused.since, reason: why });
      // One notification per episode; an apply not rolled back whole needs a person each time.
      if (attempts === 1 || result.status !== 'rolled-back')
        this.notifier.notify({ source: 'reconciler', kind: 'reconcile.failed', severity: 'critical', title: `the reconciler's apply failed and was ${result.status === 'rolled-back' ? 'rolled back' : result.status === 'incomplete' ? 'applied but not completed (run `claude recover`)' : 'NOT fully rolled back (needs attention)'}: ${why}`, planId: payload.id, detail: [`${pausedLine(paused)}; tried again then, less often after each failure (at most every ${waitText(this.backoff.maxMs)}), without notifying again`, ...(result.rollback?.problems ?? [])] });
    }
    return { status: result.status, decision, planId: payload.id, drift, result };
  }

  private onApplyEvent(e: ApplyEvent): void {
    if (e.type === 'reconcile.step' && e.status !== 'started') this.log(`  ${e.status} ${e.message || e.step}${e.error ? `: ${e.error}` : ''}`);
    else if (e.type === 'rollback.started') this.log(`  rolling back: ${e.reason}`);
  }

  /** One line per drifted resource: from the last apply's record when it has one, else the step. */
  private describeDrift(payload: PlanPayload, observed: ObservedState, ignore: readonly string[]): string[] {
    const targets = new Set(payload.steps.map((s) => s.target).filter((t) => !ignored(t, ignore)));
    const rec = readAppliedRecord(this.dataDir);
    const lines = rec ? driftSince(rec, observed).filter((d) => targets.has(d.key)).map((d) => d.description) : [];
    const described = new Set(rec ? driftSince(rec, observed).filter((d) => targets.has(d.key)).map((d) => d.key) : []);
    for (const s of payload.steps) if (targets.has(s.target) && !described.has(s.target)) lines.push(`${s.target}: to restore, ${(s.description ?? s.op).replace(/^./, (c) => c.toLowerCase())}`);
    return [...new Set(lines)];
  }

  private event(e: Record<string, unknown>): void {
    try {
      appendLineDurable(join(this.dataDir, EVENTS_FILE), JSON.stringify({ ts: this.now().toISOString(), ...e }));
    } catch (err) {
      this.log(`cannot write the event log: ${(err as Error).message}`);
    }
  }

  private appliesLastHour(): number {
    const since = this.now().getTime() - 3600_000;
    return readApplies(this.dataDir).filter((t) => t >= since).length;
  }

  private recordApply(): void {
    const since = this.now().getTime() - 3600_000;
    const kept = [...readApplies(this.dataDir).filter((t) => t >= since), this.now().getTime()];
    try {
      writeFileAtomic(join(this.dataDir, APPLIES_FILE), JSON.stringify(kept), 0o600);
    } catch (e) {
      this.log(`cannot record the apply for max_changes_per_hour: ${(e as Error).message}`);
    }
  }
}

function readApplies(dataDir: string): number[] {
  try {
    const a = JSON.parse(readFileSync(join(dataDir, APPLIES_FILE), 'utf8')) as unknown;
    return Array.isArray(a) ? a.filter((t): t is number => typeof t === 'number') : [];
  } catch {
    return [];
  }
}

/**
 * The state files present, as text: read once, after the quiet period, all together.
 * A symbolic link, a non-regular file or one over 1 MiB throws StateFileError (common/state-read.ts).
 */
export function readStateFiles(stateDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of STATE_FILE_NAMES) {
    const text = readStateFileText(stateDir, n);
    if (text !== null) out[n] = text;
  }
  return out;
}

/** The saved notification settings from the resolved manifest (the webhook secret stays ciphertext). */
export function notifyConfigOf(model: Pick<ResolvedModel, 'notifications'>): NotifyConfig {
  const n = model.notifications;
  return { version: 1, minSeverity: n.minSeverity, ...(n.webhook ? { webhook: { ...n.webhook } } : {}) };
}

/** The stages of a pass before its plan exists: a plan made clears their failure. */
const PLANNING_STAGES = new Set(['validate', 'observe', 'compile', 'lockout', 'plan']);

function plural(n: number, one: string, many = `${one}es`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function decisionWords(d: Decision): string {
  if (d.action === 'apply') return 'restoring it (self-heal)';
  if (d.action === 'queue') return `the correcting plan waits for approval (${d.reason})`;
  if (d.action === 'report') return 'reported only (reconcile.drift: report)';
  return 'nothing to do';
}
