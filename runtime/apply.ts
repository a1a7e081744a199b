/**
 * Applying a signed plan: the runtime's one entry point that changes the system.
 *
 *   verify (V1–V7) → lock → recover an interrupted apply → base (V8)
 *   → firewall pre-flight (`nft -c` of every firewall.apply ruleset) → confirm (V9)
 *   → snapshot → journal apply.started → execute the step DAG → finalize → unlock
 *
 * The DAG walk starts every step whose dependencies are done, so independent steps run in
 * parallel and dependent ones in order. The first failure stops new steps from starting;
 * the steps already running finish; everything not started is skipped. Then the whole
 * apply is rolled back: the steps that began are undone in reverse order (each one puts its
 * target back as the snapshot has it), then the snapshot is restored as a whole (a
 * convergent pass over every container, network, volume, host file, schedule and firewall
 * table it holds), and the result is verified by observing again and comparing the
 * fingerprints with the snapshot's. If that comparison fails, the runtime writes the
 * needs-attention marker and refuses new plans until `claude recover` succeeds.
 *
 * Replacing or removing a container never deletes the old one during the apply: it is
 * renamed `<name>.old-<plan8>` and stopped, deleted only in the finalize phase, and renamed
 * back on rollback. Volume data deleted by a plan goes to a trash directory the same way.
 *
 * Only this module and `drivers/` change things; `verify.ts` refuses before anything does.
 */
import { compareCodePoints } from '../common/order.js';
import { existsSync, readdirSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalJson, sha256Hex } from '../common/canonical.js';
import { SimulatedCrash } from '../common/failpoints.js';
import { trace } from '../common/trace.js';
import { appendLineDurable, appendLineFramed, SpaceReserve, writeFileAtomic, writeFilesAtomic } from '../common/fsutil.js';
import type { TrustedKey } from '../plan/envelope.js';
import { diffFingerprints, mountKey, resourceFingerprints } from '../plan/fingerprint.js';
import {
  FIREWALL_RECORD,
  HOST_FILES_RECORD,
  LIMITS_RECORD,
  MOUNTS_RECORD,
  fstabLine,
  fstabWithBlock,
  normalizeMode,
  SCHEDULE_RECORD,
  VOLUMES_RECORD,
  type FirewallRecord,
  type HostFilesRecord,
  type LimitsRecord,
  type MountsRecord,
  type ScheduleRecord,
  type VolumesRecord,
} from '../plan/host-state.js';
import type { ContainerSpec, HealthSpec, MountSpec, ObservedState, PlanPayload, PlanStep } from '../plan/types.js';
import { StepError, type Engine, type NetworkRecord, type RunState } from './engine.js';
import { findInterrupted, Journal, journalPath, readJournal, readJournalChecked, rotateJournalIfLarge, type JournalRecord } from './journal.js';
import { fenceEngine } from './fenced-engine.js';
import { acquireApplyLock, LockLostError, tokenIfFree, type ApplyLock } from './lock.js';
import { redact, resolveEnv } from './secrets.js';
import { readStartupRecord, startLead, writeStartupRecord } from './start-order.js';
import { containerNamesOf, pruneSnapshots, readSnapshotParts, snapshotFile, snapshotRef, takeSnapshot, type Snapshot, type SnapshotParts } from './snapshot.js';
import {
  APPLIED_PLANS_FILE,
  appliedPlanIds,
  checkBase,
  checkConfirmation,
  securityYamlChange,
  PlanRefusedError,
  ReplayError,
  StalePlanError,
  claimedPlanId,
  openPlan,
  verifyOpenedPlan,
  type SignaturePolicy,
} from './verify.js';

export const EVENTS_FILE = 'events.jsonl';
/** How many restore-and-verify passes a rollback makes before it needs attention. */
export const ROLLBACK_ATTEMPTS = 4;
/** How long a container a rollback started again has to become ready (uncontended ms). */
export const RESTORED_READY_MS = 30_000;
export const NEEDS_ATTENTION_FILE = 'needs-attention.json';

// ── public types ─────────────────────────────────────────────────────────────────────

/** A test-only crash point: the apply process kills itself here (CLAUDE_TEST_CRASH_AT_STEP). */
export interface CrashPoint {
  /**
   * Steps: the 0-based ordinal of the step begin, in the order steps started, and the step
   * id. Finalize: ordinal steps.length, stepId `finalize` (before: right after
   * finalize.begin; after: old containers and trash removed); ordinal steps.length + 1,
   * stepId `commit` (after: the state commit made, `committed` not journaled yet).
   * Rollback: stepId `rollback`, ordinal = how many undos were done before this one (after).
   */
  ordinal: number;
  stepId: string;
  when: 'before' | 'after';
}

export type ApplyEvent =
  | { type: 'reconcile.started'; planId: string; steps: number; trigger: string }
  | { type: 'lock.waiting'; holder: string }
  | { type: 'reconcile.refused'; planId: string; clause: string; step?: string; error: string }
  | { type: 'recover'; planId: string; action: 'rollback' | 'complete' }
  | { type: 'reconcile.step'; planId: string; step: string; op: string; target: string; status: 'started' | 'done' | 'failed' | 'skipped'; durationMs: number; message: string; error?: string }
  | { type: 'rollback.started'; planId: string; reason: string }
  | { type: 'rollback.step'; planId: string; step: string; ok: boolean; message: string }
  | { type: 'reconcile.completed'; planId: string; success: true; changes: number; durationMs: number }
  | { type: 'reconcile.failed'; planId: string; error: string; rolledBack: boolean; durationMs: number };

export interface StepResult {
  id: string;
  op: string;
  target: string;
  description: string;
  status: 'done' | 'failed' | 'skipped' | 'not-started';
  durationMs: number;
  /** The success line ("Created network 'webstack'", "Started postgres (healthy)"). */
  message: string;
  error?: string;
  hint?: string;
}

export interface Reachable {
  service: string;
  container: string;
  port: number;
  protocol: 'tcp' | 'udp';
  hostIp: string | null;
}

export interface RollbackReport {
  ok: boolean;
  /** Steps undone, in the order they were undone. */
  undone: string[];
  /** What is still different from the snapshot (empty when ok). */
  problems: string[];
}

export interface ApplyResult {
  planId: string;
  /**
   * applied; rolled-back; needs-attention (the rollback did not restore the snapshot);
   * incomplete (every step succeeded and the changes are live, but the clean-up or the state
   * commit failed: a non-zero outcome that `claude recover` or the next apply completes).
   */
  status: 'applied' | 'rolled-back' | 'needs-attention' | 'incomplete';
  durationMs: number;
  confirmation: string;
  steps: StepResult[];
  error?: { name: string; message: string; hint?: string; step?: string };
  rollback?: RollbackReport;
  stateCommit: string | null;
  reachable: Reachable[];
  /** The journal records this apply wrote: what it touched. */
  touched: JournalRecord[];
  /** Things that did not stop the apply but need a look (e.g. an unfinished clean-up). */
  warnings: string[];
  /**
   * What the plan's security.yaml change did, as the plan listed it (display.security: "user
   * bob added", "secret api_token replaced (new value)"); present when it changed security.yaml.
   */
  securityChanges?: string[];
}

export interface ApplyOptions {
  engine: Engine;
  dataDir: string;
  /** The state dir (git repo) to commit the plan's desired files to after success; omitted: no commit. */
  stateDir?: string;
  trustedKeys: readonly TrustedKey[];
  hostId: string;
  policy?: SignaturePolicy;
  now: () => Date;
  yes?: boolean;
  interactiveConfirm?: (steps: PlanStep[]) => Promise<boolean>;
  onEvent?: (e: ApplyEvent) => void;
  /** How long to wait for another apply's lock (ms). Default 0: refuse at once, naming the holder. */
  lockWaitMs?: number;
  /** Who is applying (audit actor, git author). */
  actor?: { name: string; email: string };
  /**
   * manifest.yaml `safety.rollback_on_health_failure` (default true). False: a container
   * that starts but does not become healthy in time (HealthTimeoutError) does not fail the
   * apply; the step counts as done with a warning, the rest goes on, and nothing is rolled
   * back. Any other failure still rolls the whole apply back. The reconciler passes it.
   */
  rollbackOnHealthFailure?: boolean;
  /** What started this apply, for the `reconcile.started` event (default `apply`; the reconciler says `watch`, `interval`, `startup`, `drift`…). */
  trigger?: string;
  /** Test-only: called at each crash point; the test runner kills the process there. */
  crashAt?: (p: CrashPoint) => void;
  /**
   * CLAUDE_ROOT: when given, the certificates of the plan's security.yaml get their files
   * (a self-signed placeholder until issued) before any container starts (runtime/certs).
   */
  root?: string;
}

/** Refused because an earlier rollback failed; `claude recover` first. */
export class NeedsAttentionError extends PlanRefusedError {
  override name = 'NeedsAttentionError';
  constructor(readonly marker: NeedsAttention) {
    super(
      'needs-attention',
      marker.action === 'complete'
        ? `the runtime needs attention since ${marker.since}: ${marker.planId} was applied, but completing it (clean-up and state commit) failed:\n  ${marker.problems.join('\n  ')}`
        : `the runtime needs attention since ${marker.since}: the rollback of ${marker.planId} did not restore the previous state:\n  ${marker.problems.join('\n  ')}`,
      marker.action === 'complete'
        ? 'fix what is listed (e.g. free disk space, or `claude recover --repair-state` for the state repository), then run `claude recover`'
        : 'fix what is listed (e.g. a container that cannot start), then run `claude recover`',
    );
  }
}

/**
 * Refused before anything changed: there is not enough free space for the apply's own
 * records (snapshot, saved plan, journal, the space reserve a rollback needs, the state
 * commit). Whatever this apply had written is removed again.
 */
export class NoSpaceError extends PlanRefusedError {
  override name = 'NoSpaceError';
  constructor(where: string, detail: string) {
    super('no-space', `not enough free disk space for the apply's records in ${where} (${detail}); nothing was changed`, `free some space on the file system of ${where} (\`df -h ${where}\`), then apply again`);
  }
}

/** The state repository is damaged beyond the safe repairs: refused before anything changed. */
export class StateRepoRefusedError extends PlanRefusedError {
  override name = 'StateRepoRefusedError';
  constructor(message: string, hint: string) {
    super('state-repo', message, hint);
  }
}

/** The data dir's disk filled up during the apply: the apply stops and rolls back (on reserved space). */
export class DiskFullError extends Error {
  override name = 'DiskFullError';
  readonly hint = 'free some disk space in the data dir, then apply again';
  constructor(dataDir: string) {
    super(`the disk of the data dir ${dataDir} is full: the apply stopped and rolled back using the space it had reserved`);
  }
}

/** How much space an apply holds back for its rollback (journal records, record files, events, audit). */
export const SPACE_RESERVE_BYTES = 256 * 1024;
export const SPACE_RESERVE_FILE = 'space.reserve';

/** A crash (simulated) or a lost lock: the process must stop at once, changing nothing more. */
function mustStop(e: unknown): boolean {
  return e instanceof LockLostError || e instanceof SimulatedCrash;
}

/**
 * Refused by the firewall pre-flight: a `firewall.apply` step's ruleset does not load on
 * this kernel (`nft -c -f` refused it), or the current table cannot be saved in a form that
 * reloads. Checked after the lock and before the snapshot: nothing has changed.
 */
export class FirewallRulesetError extends PlanRefusedError {
  override name = 'FirewallRulesetError';
  constructor(
    readonly step: string,
    readonly nftMessage: string,
  ) {
    super(
      'firewall-preflight',
      `step ${step} (firewall.apply) failed the firewall pre-flight check on this host; nothing was changed.\n${nftMessage}`,
      'fix the firewall section of the configuration (the line nft names), then plan and apply again; `sudo nft -c -f FILE` runs the same check by hand',
    );
  }
}

/**
 * The firewall pre-flight: every `firewall.apply` ruleset goes through `engine.firewallCheck`
 * (`nft -c -f`; nothing changes). Returns the ids of the checked steps, which then load once.
 */
async function firewallPreflight(engine: Engine, payload: PlanPayload): Promise<Set<string>> {
  const checked = new Set<string>();
  for (const step of payload.steps) {
    if (step.op !== 'firewall.apply') continue;
    try {
      await engine.firewallCheck(step.params.ruleset);
    } catch (e) {
      throw new FirewallRulesetError(step.id, errText(e));
    }
    checked.add(step.id);
  }
  return checked;
}

/**
 * Refused by the mount pre-flight: a `mount.apply` step cannot be carried out as planned
 * (the device is missing, mounted elsewhere, holds another filesystem without format: true,
 * the target is not empty, …). Checked after the lock and before the snapshot: nothing has changed.
 */
export class MountPreflightError extends PlanRefusedError {
  override name = 'MountPreflightError';
  constructor(
    readonly step: string,
    message: string,
    hint: string,
  ) {
    super('mount-preflight', `step ${step} (mount.apply): ${message}`, hint);
  }
}

/**
 * The mount pre-flight: every `mount.apply` step is checked against the device as it is now
 * (drivers/mounts.ts `check`; nothing changes). A step that would format is refused unless
 * the plan marked it destructive (so V9 asked for an explicit confirmation).
 */
async function mountPreflight(engine: Engine, payload: PlanPayload): Promise<void> {
  for (const step of payload.steps) {
    if (step.op !== 'mount.apply') continue;
    if (!engine.mountCheck) throw new MountPreflightError(step.id, 'this engine cannot mount devices', 'apply mounts with the Docker or containerd engine of this host');
    let c;
    try {
      c = await engine.mountCheck(step.params.mount, step.params.previous);
    } catch (e) {
      const hint = (e as { hint?: unknown }).hint;
      throw new MountPreflightError(step.id, errText(e), typeof hint === 'string' ? hint : 'fix the mount in storage.yaml, then plan and apply again');
    }
    if (c.action === 'format' && step.risk !== 'destructive') {
      throw new MountPreflightError(step.id, `${c.device} holds ${c.found}, so it would be formatted, but the step is not marked destructive`, 'plan again: a step that formats is destructive and needs explicit approval');
    }
  }
}

export interface NeedsAttention {
  planId: string;
  since: string;
  problems: string[];
  snapshot: string;
  /** What recovery has to do: roll back (default) or complete an applied plan. */
  action?: 'rollback' | 'complete';
}

export function readNeedsAttention(dataDir: string): NeedsAttention | null {
  const f = join(dataDir, NEEDS_ATTENTION_FILE);
  if (!existsSync(f)) return null;
  return readJsonFile<NeedsAttention>(f, 'the needs-attention marker', `it only holds the problems of the last failed rollback; move it aside (mv ${f} ${f}.damaged) and run \`claude recover\``);
}

/** A file written by the runtime that does not parse: names the file and the repair. */
export class DamagedFileError extends Error {
  override name = 'DamagedFileError';
  constructor(
    readonly file: string,
    what: string,
    detail: string,
    readonly hint: string,
  ) {
    super(`${what} ${file} is damaged (${detail})`);
  }
}

/** Reads a JSON file the runtime wrote; a parse error names the file and how to repair it. */
export function readJsonFile<T>(file: string, what: string, repair: string): T {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    const detail = text.length === 0 ? 'it is empty' : `${(e as Error).message}; ${text.length} bytes`;
    throw new DamagedFileError(file, what, detail, repair);
  }
}

// ── small helpers ──────────────────────────────────────────────────────────────────────

/**
 * HEAD of the state repo, or null when it has no commit (or is not a repo yet). Read from
 * the files git keeps (HEAD, the loose ref, packed-refs), without loading a git library.
 */
function stateHead(stateDir: string): string | null {
  const gitdir = join(stateDir, '.git');
  try {
    const head = readFileSync(join(gitdir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref: (\S+)$/.exec(head)?.[1];
    if (!ref) return null;
    if (existsSync(join(gitdir, ref))) {
      const oid = readFileSync(join(gitdir, ref), 'utf8').trim();
      return /^[0-9a-f]{40}$/.test(oid) ? oid : null;
    }
    const packed = existsSync(join(gitdir, 'packed-refs')) ? readFileSync(join(gitdir, 'packed-refs'), 'utf8') : '';
    for (const line of packed.split('\n')) {
      const [oid, name] = line.split(' ');
      if (name === ref && oid && /^[0-9a-f]{40}$/.test(oid)) return oid;
    }
    return null;
  } catch {
    return null;
  }
}

export function oldName(name: string, planId: string): string {
  return `${name}.old-${planId.replace(/^plan-/, '').slice(0, 8)}`;
}

/**
 * A step's `reconcile.step` event (started, done, failed, skipped) is written without an fsync:
 * the log is advisory, and each was a synchronous fsync before the step's engine request (the
 * network's create waited for four of them) and between a step's end and the next one's
 * start. So is `reconcile.started` (session 22: its fsync was one of the serial ones before the
 * first step). The apply's other events (completed, failed, rollback) are fsynced, which
 * makes the events before them durable too (one fsync flushes the whole file).
 */
function appendEvent(dataDir: string, now: () => Date, e: ApplyEvent): void {
  appendLineFramed(join(dataDir, EVENTS_FILE), JSON.stringify({ ts: now().toISOString(), ...e }), e.type !== 'reconcile.step' && e.type !== 'reconcile.started');
}

/** The events log is advisory: a write that fails (a full disk) never stops an apply or a rollback. */
function recordEvent(dataDir: string, now: () => Date, e: ApplyEvent): void {
  try {
    appendEvent(dataDir, now, e);
  } catch (err) {
    if (mustStop(err)) throw err;
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The container specs of a plan, by container name (from create and replace steps). */
function specsOf(payload: PlanPayload): Map<string, ContainerSpec> {
  const m = new Map<string, ContainerSpec>();
  for (const s of payload.steps) {
    if (s.op === 'container.create') m.set(s.params.name, s.params);
    if (s.op === 'container.replace') m.set(s.params.spec.name, s.params.spec);
  }
  return m;
}

export function reachableOf(payload: PlanPayload): Reachable[] {
  const out: Reachable[] = [];
  for (const spec of specsOf(payload).values()) {
    if (spec.state !== 'running') continue;
    for (const p of spec.ports) {
      if (p.host === undefined) continue;
      out.push({ service: spec.service, container: spec.name, port: p.host, protocol: p.protocol, hostIp: p.hostIp ?? null });
    }
  }
  return out.sort((a, b) => compareCodePoints(a.service, b.service) || a.port - b.port);
}

/** The volume record (plan/host-state.ts): `{volumes: {name: {path, permissions?, owner?}}}`. */
type VolumeRegistry = VolumesRecord['volumes'];

function parseRegistry(text: string | null): VolumeRegistry {
  if (!text) return {};
  try {
    return (JSON.parse(text) as Partial<VolumesRecord>).volumes ?? {};
  } catch {
    return {};
  }
}

function formatRegistry(reg: VolumeRegistry): string {
  return JSON.stringify(JSON.parse(canonicalJson({ volumes: reg })), null, 2) + '\n';
}

/** The success line for a step, worded as the spec's examples. */
function successMessage(step: PlanStep, detail: Record<string, unknown>, specs: Map<string, ContainerSpec>): string {
  switch (step.op) {
    case 'network.create':
      return `Created network '${step.params.name}'`;
    case 'network.remove':
      return `Removed network '${step.params.name}'`;
    case 'volume.create':
      return `Created volume '${step.params.name}'`;
    case 'volume.remove':
      return step.params.deleteData ? `Deleted volume '${step.params.volume.name}' and its data` : `Released volume '${step.params.volume.name}' (data kept)`;
    case 'image.ensure':
      return detail.result === 'pulled' ? `Pulled image ${step.params.ref}` : `Image ${step.params.ref} present`;
    case 'container.create':
      return `Created container ${step.params.name}`;
    case 'container.start': {
      // A replica is named by its container (nginx-2): "Started nginx" three times says nothing.
      const spec = specs.get(step.params.name);
      const who = spec && spec.replica > 1 ? step.params.name : (spec?.service ?? step.params.name);
      return `Started ${who}${detail.ready ? ` (${String(detail.ready)})` : ''}`;
    }
    case 'container.stop':
      return `Stopped ${step.params.name}`;
    case 'container.remove': {
      // The plan says why ("no longer declared", "service 'api' scaled down"): most removals
      // are of a service the user took out, not of an orphan.
      const why = /\(([^()]*)\)$/.exec(step.description ?? '')?.[1];
      return `Removed container ${step.params.name}${why ? ` (${why})` : ''}`;
    }
    case 'container.replace':
      if (detail.inPlace) return `Updated the limits of ${step.params.spec.name} in place (it kept running)`;
      return `Replaced ${step.params.spec.service}${detail.ready ? ` (${String(detail.ready)})` : ''}`;
    case 'firewall.apply':
      return 'Firewall rules applied';
    case 'firewall.remove':
      return 'Firewall table removed';
    case 'host.apply': {
      const removed = Array.isArray(detail.removed) ? detail.removed.length : 0;
      return `Host files written (${step.params.files.length})${removed ? `, removed (${removed})` : ''}`;
    }
    case 'schedule.apply':
      return `Scheduled jobs updated (${step.params.jobs.length})`;
    case 'mount.apply': {
      const m = step.params.mount;
      const how = detail.formatted ? `formatted as ${m.type} (it held ${String(detail.found)}) and mounted` : detail.action === 'mounted' ? 'already mounted' : detail.action === 'remount' ? 'remounted' : 'mounted';
      return `${String(detail.device ?? m.source)} ${how} at ${m.target}; fstab updated`;
    }
    case 'mount.remove':
      return `Unmounted ${step.params.mount.target}; fstab line removed`;
    default:
      return (step as PlanStep).description;
  }
}

// ── the executor: one step ─────────────────────────────────────────────────────────────

interface Ctx {
  engine: Engine;
  dataDir: string;
  payload: PlanPayload;
  specs: Map<string, ContainerSpec>;
  /** Plain secret values resolved so far (redacted from every message). */
  secretValues: string[];
  /** firewall.apply steps whose ruleset passed the pre-flight check: loaded without a second check. */
  firewallChecked: ReadonlySet<string>;
  /** The last queued update of each data-dir record (updateRecord: one at a time per record). */
  recordUpdates: Map<string, Promise<void>>;
  /** Appends to the audit log (a device about to be formatted). */
  audit?: (event: string, details: Record<string, unknown>) => Promise<void>;
  /** Containers created for a held start (`heldStarts`): their create asks the engine for it. */
  held?: ReadonlySet<string>;
  /** Called when a `container.start` step's start call has returned (before its readiness wait). */
  onStartCalled?: (stepId: string) => void;
  /** Start steps whose start call waits for `leadCalled` (runtime/start-order.ts `startLead`). */
  startAfter?: ReadonlySet<string>;
  /** Resolves once the lead start step's start call has returned (or it ended, or the apply stops starting steps). */
  leadCalled?: Promise<void>;
}

/**
 * Read-modify-write of a data-dir record, one update at a time per record. The steps of a
 * phase run in parallel (two volume.create steps milliseconds apart), and an entry written
 * between another step's read and its write would otherwise be lost.
 */
function updateRecord(ctx: Ctx, name: string, edit: (text: string | null) => string | null): Promise<void> {
  const prev = ctx.recordUpdates.get(name) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(async () => ctx.engine.writeRecord(name, edit(await ctx.engine.readRecord(name))));
  ctx.recordUpdates.set(name, next);
  return next;
}

async function waitIfRunning(ctx: Ctx, spec: ContainerSpec, timeoutMs: number, probe: HealthSpec | null): Promise<string | undefined> {
  if (spec.state !== 'running') return undefined;
  const r = await ctx.engine.waitReady(spec.name, { probe, timeoutMs, ports: spec.ports });
  return r.state;
}

async function createFromSpec(ctx: Ctx, spec: ContainerSpec): Promise<string> {
  const { env, secretValues } = await resolveEnv(spec.env, ctx.payload.desired.files['security.yaml'], ctx.dataDir);
  ctx.secretValues.push(...secretValues);
  return ctx.held?.has(spec.name) ? ctx.engine.createContainer(spec, env, { held: true }) : ctx.engine.createContainer(spec, env);
}

async function runStep(ctx: Ctx, step: PlanStep): Promise<Record<string, unknown>> {
  const { engine } = ctx;
  switch (step.op) {
    case 'network.create':
      await engine.createNetwork(step.params);
      return {};
    case 'network.remove':
      await engine.removeNetwork(step.params.name);
      return {};
    case 'volume.create': {
      const before = await engine.volumeDir(step.params.path);
      await engine.createVolumeDir(step.params);
      const { params } = step;
      await updateRecord(ctx, VOLUMES_RECORD, (text) => {
        const reg = parseRegistry(text);
        reg[params.name] = {
          path: params.path,
          ...(params.permissions !== undefined ? { permissions: normalizeMode(params.permissions) } : {}),
          ...(params.owner !== undefined ? { owner: params.owner } : {}),
        };
        return formatRegistry(reg);
      });
      return { existed: before.exists };
    }
    case 'volume.remove': {
      const gone = step.params.volume.name;
      await updateRecord(ctx, VOLUMES_RECORD, (text) => {
        const reg = parseRegistry(text);
        delete reg[gone];
        return Object.keys(reg).length ? formatRegistry(reg) : null;
      });
      if (step.params.deleteData) await engine.trashVolumeDir(step.params.volume.path, ctx.payload.id);
      return {};
    }
    case 'image.ensure':
      return { result: await engine.ensureImage(step.params.ref, step.params.requested, step.params.pull) };
    case 'container.create': {
      const id = await createFromSpec(ctx, step.params);
      // A plan without a separate start step for a running container: start it here.
      const hasStart = ctx.payload.steps.some((s) => s.op === 'container.start' && s.params.name === step.params.name);
      if (!hasStart && step.params.state === 'running') {
        await engine.startContainer(id);
        return { id, ready: await waitIfRunning(ctx, step.params, 60_000, step.params.healthcheck) };
      }
      return { id };
    }
    case 'container.start': {
      if (ctx.startAfter?.has(step.id)) {
        trace(`start: ${step.params.name} after the lead's start call`);
        await ctx.leadCalled;
      }
      await engine.startContainer(step.params.name);
      trace(`start: ${step.params.name} started`);
      ctx.onStartCalled?.(step.id);
      if (!step.params.waitHealthy) return {};
      const spec = ctx.specs.get(step.params.name);
      const probe = step.params.probe ?? spec?.healthcheck ?? null;
      const r = await engine.waitReady(step.params.name, { probe, timeoutMs: step.params.healthTimeoutMs, ports: spec?.ports ?? [] });
      return { ready: r.state, readyMs: r.ms };
    }
    case 'container.stop':
      await engine.stopContainer(step.params.name, step.params.timeoutS);
      return {};
    case 'container.remove': {
      // Kept (renamed, stopped) until the apply succeeds, so a rollback only renames it back.
      const c = await engine.inspectContainer(step.params.name);
      if (!c) return { absent: true };
      await engine.stopContainer(c.id, 10);
      await engine.renameContainer(c.id, oldName(step.params.name, ctx.payload.id));
      return { id: c.id };
    }
    case 'container.replace': {
      const spec = step.params.spec;
      const old = await engine.inspectContainer(spec.name);
      // Only the limits changed: in place (docker update), recorded so the observer sees the
      // new config hash on the same container; a limit to remove, or an engine that cannot, replaces.
      // Both ways: a rollback must be able to set the old limits again the same way (none →
      // 128Mi in place could not be undone in place: the limit stayed after a rollback).
      if (step.params.limitsOnly && old && engine.updateLimits && limitsSettable(old.limits, spec.resources) && limitsSettable(spec.resources, old.limits ?? {})) {
        const before = old.running && spec.state === 'running' && engine.runState ? await engine.runState(old.id) : null;
        await engine.updateLimits(old.id, spec.resources);
        // A lowered memory limit can get it killed (cgroup v2 at once; v1 as soon as it grows):
        // watched, then ready, before "Updated"; a failure rolls back, which sets the old limits.
        if (old.running && spec.state === 'running') await checkAfterLimits(ctx, old.id, spec, before, step.params.healthTimeoutMs);
        await updateRecord(ctx, LIMITS_RECORD, (text) => {
          const reg = parseLimits(text);
          reg[spec.name] = { id: old.id, configHash: spec.configHash };
          return JSON.stringify(JSON.parse(canonicalJson({ containers: reg })), null, 2) + '\n';
        });
        return { id: old.id, inPlace: true };
      }
      if (old) {
        await engine.stopContainer(old.id, 10);
        await engine.renameContainer(old.id, oldName(spec.name, ctx.payload.id));
      }
      const id = await createFromSpec(ctx, spec);
      if (spec.state === 'running') await engine.startContainer(id);
      const ready = await waitIfRunning(ctx, spec, step.params.healthTimeoutMs, spec.healthcheck);
      return { id, oldId: old?.id ?? null, ready };
    }
    case 'firewall.apply': {
      const tableHash = await engine.firewallApply(step.params.ruleset, step.params.confirmTimeoutMs, step.params.probes ?? [], {
        checked: ctx.firewallChecked.has(step.id),
        // A change the lock-out proof flagged: only the admin's side confirms it (issue 13).
        ...(step.params.adminConfirm === true ? { adminConfirm: true } : {}),
        ...(step.params.adminConfirm === true && step.params.adminProbe ? { adminProbe: step.params.adminProbe } : {}),
      });
      const record: FirewallRecord = { rulesetHash: sha256Hex(step.params.ruleset), tableHash: tableHash ?? '' };
      await engine.writeRecord(FIREWALL_RECORD, JSON.stringify(record, null, 2) + '\n');
      return { hash: step.params.hash };
    }
    case 'firewall.remove':
      await engine.firewallApply(null, step.params.confirmTimeoutMs ?? 0, []);
      await engine.writeRecord(FIREWALL_RECORD, null);
      return {};
    case 'host.apply': {
      // Written files and removed ones (files an earlier apply wrote that the state no longer
      // wants) in one call: the engine checks every path (under CLAUDE_ROOT, no `..`) before
      // it touches any. The snapshot holds the removed files' content for a rollback.
      const written = new Set(step.params.files.map((f) => f.path));
      const removed = [...new Set(step.params.remove ?? [])].filter((p) => !written.has(p)).sort();
      await engine.writeHostFiles([
        ...step.params.files.map((f) => ({ path: f.path, content: Buffer.from(f.content, 'utf8').toString('base64'), mode: normalizeMode(f.mode) })),
        ...removed.map((path) => ({ path, content: null, mode: '0644' })),
      ]);
      const record: HostFilesRecord = { files: Object.fromEntries(step.params.files.map((f) => [f.path, normalizeMode(f.mode)]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))) };
      await engine.writeRecord(HOST_FILES_RECORD, JSON.stringify(record, null, 2) + '\n');
      return { files: step.params.files.length, removed };
    }
    case 'schedule.apply': {
      const record: ScheduleRecord = { jobs: step.params.jobs };
      await engine.writeRecord(SCHEDULE_RECORD, step.params.jobs.length ? JSON.stringify(record, null, 2) + '\n' : null);
      return { jobs: step.params.jobs.length };
    }
    case 'mount.apply': {
      if (!engine.mountDevice) throw new StepError('this engine cannot mount devices', 'apply mounts with the Docker or containerd engine of this host');
      const { mount, previous } = step.params;
      const r = await engine.mountDevice(mount, {
        ...(previous ? { previous } : {}),
        onFormat: async (device, found) => {
          // Never without the destructive mark (V9 confirmed it); recorded before mkfs runs.
          if (step.risk !== 'destructive') throw new StepError(`${device} holds ${found} and would be formatted, but step ${step.id} is not destructive`, 'plan again');
          await ctx.audit?.('storage.formatted', { device, source: mount.source, target: mount.target, type: mount.type, found, step: step.id });
        },
      });
      await updateRecord(ctx, MOUNTS_RECORD, (text) => {
        const reg = parseMounts(text);
        if (previous) delete reg[previous.target];
        reg[mount.target] = mount;
        return formatMounts(reg);
      });
      await syncFstab(ctx);
      return { action: r.action, device: r.device, found: r.found, formatted: r.formatted };
    }
    case 'mount.remove': {
      if (!engine.unmountTarget) throw new StepError('this engine cannot unmount devices', 'apply mounts with the Docker or containerd engine of this host');
      const { mount } = step.params;
      const was = await engine.unmountTarget(mount.target);
      await updateRecord(ctx, MOUNTS_RECORD, (text) => {
        const reg = parseMounts(text);
        delete reg[mount.target];
        return Object.keys(reg).length ? formatMounts(reg) : null;
      });
      await syncFstab(ctx);
      return { unmounted: was };
    }
    default: {
      const never: never = step;
      throw new Error(`unknown op ${(never as PlanStep).op}`);
    }
  }
}

/** The mounts record (plan/host-state.ts): `{mounts: {target: MountSpec}}`. */
function parseMounts(text: string | null): Record<string, MountSpec> {
  if (!text) return {};
  try {
    return (JSON.parse(text) as Partial<MountsRecord>).mounts ?? {};
  } catch {
    return {};
  }
}

function formatMounts(reg: Record<string, MountSpec>): string {
  return JSON.stringify(JSON.parse(canonicalJson({ mounts: reg })), null, 2) + '\n';
}

/** Claude.OS's block of CLAUDE_ROOT/etc/fstab, made from the mounts record (after it was updated). */
async function syncFstab(ctx: Pick<Ctx, 'engine' | 'recordUpdates'>): Promise<void> {
  const { engine } = ctx;
  if (!engine.readFstab || !engine.writeFstab) return;
  await (ctx.recordUpdates.get(MOUNTS_RECORD) ?? Promise.resolve());
  const mounts = Object.values(parseMounts(await engine.readRecord(MOUNTS_RECORD))).sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
  const before = await engine.readFstab();
  const next = fstabWithBlock(before, mounts.map(fstabLine));
  if (next !== before) await engine.writeFstab(next);
}

/** Puts a mount target back as the snapshot has it: what was mounted there (the plan's own specs say how). */
async function restoreMount(engine: Engine, snap: Snapshot, target: string, specs: readonly MountSpec[]): Promise<void> {
  if (!engine.mountedAt || !engine.unmountTarget || !engine.mountDevice) return;
  const was = snap.mounted?.[target] ?? null;
  const now = await engine.mountedAt(target);
  if (now && (!was || now.majmin !== was.majmin)) await engine.unmountTarget(target);
  if (was && (!now || now.majmin !== was.majmin)) {
    const spec = specs.find((m) => m.target === target && m.type === was.fstype);
    if (!spec) throw new Error(`mount ${target}: ${was.source} (${was.fstype}) was mounted there before; mount it again by hand`);
    await engine.mountDevice({ ...spec, format: false }, {});
  }
}

async function restoreFstab(engine: Engine, snap: Snapshot): Promise<void> {
  if (snap.fstab !== undefined && engine.writeFstab && engine.readFstab && (await engine.readFstab()) !== snap.fstab) await engine.writeFstab(snap.fstab);
  await engine.writeRecord(MOUNTS_RECORD, snap.records[MOUNTS_RECORD] ?? null);
}

/** The mount specs a mount step knows: what it mounts and what it replaces or removes. */
function mountSpecsOf(step: PlanStep): MountSpec[] {
  if (step.op === 'mount.apply') return step.params.previous ? [step.params.previous, step.params.mount] : [step.params.mount];
  if (step.op === 'mount.remove') return [step.params.mount];
  return [];
}

// ── rollback: put targets back as the snapshot has them ───────────────────────────────

/** Restores one container name: removes what this apply created under it, brings the old one back. */
async function restoreContainer(engine: Engine, snap: Snapshot, name: string, restarted?: Set<string>): Promise<void> {
  const was = snap.containers.find((c) => c.name === name);
  const cur = await engine.inspectContainer(name);
  if (cur && cur.id !== was?.id) await engine.removeContainer(cur.id);
  const aside = await engine.inspectContainer(oldName(name, snap.planId));
  if (aside && aside.id !== was?.id) await engine.removeContainer(aside.id);
  if (!was) return;
  let c = await engine.inspectContainer(was.id);
  if (!c) {
    await engine.recreateContainer(was);
    c = await engine.inspectContainer(name);
    if (!c) throw new Error(`container ${name} could not be recreated`);
  } else if (c.name !== name) {
    await engine.renameContainer(c.id, name);
  }
  // Networks it lost (one the plan or the rollback recreated was force-emptied): attach again.
  const attached = new Set(c.networks.map((n) => n.name));
  for (const n of was.networks) if (!attached.has(n.name)) await engine.connectNetwork(c.id, n.name, n.aliases);
  // Limits changed in place (the same container): the old ones back, before it is started again
  // (a limit that got it OOM-killed would kill it again at once, and with restart "no" it would
  // stay down while the rollback said it was restored: review 19, MED-2).
  if (c.id === was.id && was.limits && engine.updateLimits && canonicalJson(c.limits ?? {}) !== canonicalJson(was.limits) && limitsSettable(c.limits, was.limits)) await engine.updateLimits(c.id, was.limits);
  if (was.running && !c.running) {
    restarted?.add(name);
    try {
      await engine.startContainer(c.id);
    } catch (e) {
      // It cannot start as it is (e.g. it still points at a network that was removed and
      // created again): create it afresh from the snapshot, which names networks by name.
      await engine.removeContainer(c.id);
      await engine.recreateContainer(was);
      await engine.startContainer(name).catch((e2: unknown) => {
        throw new Error(`${name} does not start again: ${(e2 as Error).message} (first attempt: ${(e as Error).message})`);
      });
    }
  }
  if (!was.running && c.running) await engine.stopContainer(c.id, 10);
}

/** How long a container whose limits changed in place must keep running, the same run, before the readiness wait. */
export const LIMITS_SETTLE_MS = 2000;

/**
 * After limits changed in place on a running container (review 16 L1): for LIMITS_SETTLE_MS it
 * must keep running the same run (not killed for lack of memory, not restarted by its restart
 * policy), then be ready as after a start. Else a StepError: the apply rolls back, and the
 * rollback puts the old limits back on it (restoreContainer) and starts it again.
 */
async function checkAfterLimits(ctx: Ctx, id: string, spec: ContainerSpec, before: RunState | null, timeoutMs: number): Promise<void> {
  const { engine } = ctx;
  const memory = spec.resources.memoryBytes !== undefined ? `memory ${Math.round(spec.resources.memoryBytes / 1048576)}Mi` : 'its CPU limit';
  const hint = spec.resources.memoryBytes !== undefined ? `give ${spec.service} a higher memory limit in services.yaml (it uses more than ${memory}), then apply again` : `see \`claude logs ${spec.service}\``;
  if (before && engine.runState) {
    const end = Date.now() + Math.min(LIMITS_SETTLE_MS, timeoutMs || LIMITS_SETTLE_MS);
    for (;;) {
      const now = await engine.runState(id);
      const restarted = now !== null && (now.startedAt !== before.startedAt || now.restarts !== before.restarts);
      if (!now || !now.running || restarted) {
        const what = now?.oomKilled ? 'was killed for lack of memory' : restarted ? 'restarted' : `stopped${now ? ` (exit code ${now.exitCode})` : ''}`;
        throw new StepError(`${spec.name} ${what} after its limits were changed in place (${memory})`, hint);
      }
      if (Date.now() >= end) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await engine.waitReady(id, { probe: spec.healthcheck, timeoutMs: timeoutMs || 60_000, ports: spec.ports }).catch((e: unknown) => {
    throw new StepError(`${spec.name} is not ready after its limits were changed in place (${memory}): ${(e as Error).message}`, hint);
  });
}

/** Whether `want` can be set in place over `have`: a limit cannot be removed so, only set or changed. */
function limitsSettable(have: ContainerSpec['resources'] | undefined, want: ContainerSpec['resources']): boolean {
  return (have?.memoryBytes === undefined || want.memoryBytes !== undefined) && (have?.nanoCpus === undefined || want.nanoCpus !== undefined);
}

/** The container-limits record (plan/host-state.ts): `{containers: {name: {id, configHash}}}`. */
function parseLimits(text: string | null): LimitsRecord['containers'] {
  if (!text) return {};
  try {
    return (JSON.parse(text) as Partial<LimitsRecord>).containers ?? {};
  } catch {
    return {};
  }
}

/** Same network as the snapshot's, by what matters (an id changes when it is recreated). */
function sameNetwork(a: NetworkRecord, b: NetworkRecord): boolean {
  return a.driver === b.driver && a.internal === b.internal && (a.subnet === undefined || a.subnet === b.subnet) && canonicalJson(a.labels) === canonicalJson(b.labels);
}

async function restoreNetwork(engine: Engine, snap: Snapshot, name: string): Promise<void> {
  const was = snap.networks.find((n) => n.name === name);
  const cur = await engine.inspectNetwork(name);
  if (!was) {
    if (cur) await engine.removeNetwork(name, true);
    return;
  }
  if (cur && !sameNetwork(was, cur)) {
    // The plan replaced it with a different one: put the old one back (its containers are
    // attached again when they are restored).
    await engine.removeNetwork(name, true);
    await engine.recreateNetwork(was);
  } else if (!cur) await engine.recreateNetwork(was);
}

async function restoreVolumes(engine: Engine, snap: Snapshot, paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    const was = snap.volumeDirs[p];
    if (was) await engine.restoreVolumeDir(p, was, snap.planId);
  }
  await engine.writeRecord(VOLUMES_RECORD, snap.records[VOLUMES_RECORD] ?? null);
}

async function undoStep(engine: Engine, snap: Snapshot, step: PlanStep, restarted?: Set<string>): Promise<void> {
  switch (step.op) {
    case 'network.create':
    case 'network.remove':
      return restoreNetwork(engine, snap, step.params.name);
    case 'volume.create':
      return restoreVolumes(engine, snap, [step.params.path]);
    case 'volume.remove':
      return restoreVolumes(engine, snap, [step.params.volume.path]);
    case 'image.ensure':
      return; // an image present locally changes nothing that is managed
    case 'container.create':
    case 'container.start':
    case 'container.stop':
    case 'container.remove':
      return restoreContainer(engine, snap, step.params.name, restarted);
    case 'container.replace':
      return restoreContainer(engine, snap, step.params.spec.name, restarted);
    case 'firewall.apply':
    case 'firewall.remove':
      if (snap.firewall !== null) await engine.firewallRestore(snap.firewall);
      await engine.writeRecord(FIREWALL_RECORD, snap.records[FIREWALL_RECORD] ?? null);
      return;
    case 'host.apply':
      if (snap.hostFiles) await engine.writeHostFiles(snap.hostFiles);
      await engine.writeRecord(HOST_FILES_RECORD, snap.records[HOST_FILES_RECORD] ?? null);
      return;
    case 'schedule.apply':
      await engine.writeRecord(SCHEDULE_RECORD, snap.records[SCHEDULE_RECORD] ?? null);
      return;
    case 'mount.apply':
    case 'mount.remove': {
      // A format is not undone (the old data is gone); the mount, the fstab and the record are.
      const specs = mountSpecsOf(step);
      for (const t of [...new Set(specs.map((m) => m.target))]) await restoreMount(engine, snap, t, specs);
      await restoreFstab(engine, snap);
      return;
    }
    default:
      return;
  }
}

/**
 * Rolls back: undoes the begun steps in reverse order, restores the whole snapshot, then
 * verifies by observing again. Never throws for a step that fails to undo: it records it.
 */
export async function rollback(
  engine: Engine,
  payload: PlanPayload,
  snap: Snapshot,
  begun: readonly string[],
  journal: Journal,
  reason: string,
  onEvent: (e: ApplyEvent) => void,
  crashAt?: (p: CrashPoint) => void,
  /** Which restored containers get the readiness check: those this rollback started again (default), or every running one the plan names (recovery: an earlier pass may have started them). */
  readyCheck: 'restarted' | 'touched' = 'restarted',
): Promise<RollbackReport> {
  journal.append({ t: 'rollback.begin', planId: payload.id, reason });
  onEvent({ type: 'rollback.started', planId: payload.id, reason });
  const byId = new Map(payload.steps.map((s) => [s.id, s]));
  const undone: string[] = [];
  const problems: string[] = [];
  /** Containers the rollback started again: they must become ready, as after a start. */
  const restarted = new Set<string>();
  for (const id of [...begun].reverse()) {
    const step = byId.get(id);
    if (!step) continue;
    try {
      await undoStep(engine, snap, step, restarted);
      trace(`rollback: undid ${id}`);
      crashAt?.({ ordinal: undone.length, stepId: 'rollback', when: 'after' });
      undone.push(id);
      journal.append({ t: 'rollback.step', planId: payload.id, step: id, ok: true });
      onEvent({ type: 'rollback.step', planId: payload.id, step: id, ok: true, message: `Undid: ${step.description}` });
    } catch (e) {
      journal.append({ t: 'rollback.step', planId: payload.id, step: id, ok: false, error: errText(e) });
      onEvent({ type: 'rollback.step', planId: payload.id, step: id, ok: false, message: `Could not undo ${step.description}: ${errText(e)}` });
    }
  }
  // The convergent pass over the whole snapshot (also covers steps undone above), then the
  // verification: the observed state must be the snapshot's again. Docker releases some
  // things asynchronously (a removed container's published port, say), so a pass that
  // leaves problems is retried a few times before the rollback is declared failed.
  for (let attempt = 1; ; attempt++) {
    problems.length = 0;
    problems.push(...(await restoreSnapshot(engine, payload, snap, restarted)));
    trace(`rollback: snapshot restored (pass ${attempt})`);
    try {
      const now = resourceFingerprints(await engine.observe());
      trace('rollback: observed');
      const touched = touchedKeys(payload);
      for (const c of diffFingerprints(snap.fingerprints, now).filter((d) => touched.has(d.key))) problems.push(`${c.key} is ${c.change === 'changed' ? 'different from' : c.change === 'added' ? 'present but was not in' : 'missing from'} the snapshot`);
    } catch (e) {
      problems.push(`could not observe the system to verify the rollback: ${errText(e)}`);
    }
    if (problems.length === 0 || attempt >= ROLLBACK_ATTEMPTS) break;
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
  // What the rollback started again gets the same readiness probing as a start (its own
  // health command, its published ports, or the start window): a restored service that is
  // not healthy is not "verified" (issue 13).
  if (readyCheck === 'touched') for (const n of containerNamesOf(payload)) restarted.add(n);
  if (problems.length === 0 && restarted.size > 0) {
    const names = [...restarted].filter((n) => snap.containers.some((c) => c.name === n && c.running)).sort();
    const results = await Promise.all(names.map((n) => engine.waitRestored(n, RESTORED_READY_MS).then(() => null, (e: unknown) => (mustStop(e) ? e : `container ${n} was put back but did not become ready: ${errText(e)}`))));
    for (const r of results) {
      if (r === null) continue;
      if (typeof r !== 'string') throw r;
      problems.push(r);
    }
  }
  const ok = problems.length === 0;
  trace('rollback: verified');
  journal.append({ t: 'rollback.end', planId: payload.id, ok, problems });
  return { ok, undone, problems };
}

/**
 * The fingerprint keys a plan can change: its networks, volumes, containers (and their
 * `.old-<plan8>` names), the firewall table, host files and schedule. The verification of a
 * rollback compares these; a managed resource the plan never touched (another service that
 * restarted meanwhile, say) is not the rollback's to restore.
 */
export function touchedKeys(payload: PlanPayload): Set<string> {
  const keys = new Set<string>();
  const container = (name: string) => {
    keys.add(`container/${name}`);
    keys.add(`container/${oldName(name, payload.id)}`);
  };
  for (const s of payload.steps) {
    switch (s.op) {
      case 'network.create':
      case 'network.remove':
        keys.add(`network/${s.params.name}`);
        break;
      case 'volume.create':
        keys.add(`volume/${s.params.name}`);
        break;
      case 'volume.remove':
        keys.add(`volume/${s.params.volume.name}`);
        break;
      case 'container.create':
      case 'container.start':
      case 'container.stop':
      case 'container.remove':
        container(s.params.name);
        break;
      case 'container.replace':
        container(s.params.spec.name);
        break;
      case 'firewall.apply':
      case 'firewall.remove':
        keys.add('firewall/inet-claude');
        break;
      case 'host.apply':
        keys.add('host/files');
        break;
      case 'schedule.apply':
        keys.add('schedule/jobs');
        break;
      case 'mount.apply':
      case 'mount.remove':
        for (const m of mountSpecsOf(s)) keys.add(mountKey(m.target));
        break;
      default:
        break;
    }
  }
  return keys;
}

/** The convergent restore of everything the snapshot holds; returns what could not be restored. */
export async function restoreSnapshot(engine: Engine, payload: PlanPayload, snap: Snapshot, restarted?: Set<string>): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      problems.push(`${what}: ${errText(e)}`);
    }
  };
  const planNames = new Set<string>();
  for (const s of payload.steps) {
    if (s.op === 'container.create' || s.op === 'container.start' || s.op === 'container.stop' || s.op === 'container.remove') planNames.add(s.params.name);
    if (s.op === 'container.replace') planNames.add(s.params.spec.name);
  }
  // 1. networks that existed come back first (containers attach to them).
  for (const n of snap.networks) await attempt(`network ${n.name}`, () => restoreNetwork(engine, snap, n.name));
  // 2. containers: those the plan named, then every snapshot container.
  const names = new Set([...planNames, ...snap.containers.map((c) => c.name)]);
  for (const name of [...names].sort()) await attempt(`container ${name}`, () => restoreContainer(engine, snap, name, restarted));
  // 3. networks the plan created go.
  for (const s of payload.steps) if (s.op === 'network.create' && !snap.networks.some((n) => n.name === s.params.name)) await attempt(`network ${s.params.name}`, () => restoreNetwork(engine, snap, s.params.name));
  // 4. volumes, host files, schedule, firewall.
  await attempt('volumes', () => restoreVolumes(engine, snap, Object.keys(snap.volumeDirs).sort()));
  if (snap.hostFiles) await attempt('host files', () => engine.writeHostFiles(snap.hostFiles!));
  if (snap.firewall !== null) await attempt('firewall', () => engine.firewallRestore(snap.firewall!));
  const mountSpecs = payload.steps.flatMap(mountSpecsOf);
  for (const t of Object.keys(snap.mounted ?? {}).sort()) await attempt(`mount ${t}`, () => restoreMount(engine, snap, t, mountSpecs));
  if (snap.fstab !== undefined) await attempt('fstab', () => restoreFstab(engine, snap));
  for (const [name, text] of Object.entries(snap.records)) await attempt(`record ${name}`, () => engine.writeRecord(name, text));
  return problems;
}

// ── finalize: the apply succeeded ──────────────────────────────────────────────────────

async function finalize(
  engine: Engine,
  payload: PlanPayload,
  journal: Journal,
  opts: Pick<ApplyOptions, 'dataDir' | 'stateDir' | 'now' | 'actor' | 'crashAt'>,
): Promise<string | null> {
  // (finalize.begin is journaled by the caller: from that record on, recovery goes forward.)
  const crash = (when: 'before' | 'after') => opts.crashAt?.({ ordinal: payload.steps.length, stepId: 'finalize', when });
  crash('before');
  // Old containers kept for a quick rollback go now; so does the trash.
  const names = [...specsOf(payload).keys(), ...payload.steps.flatMap((s) => (s.op === 'container.remove' ? [s.params.name] : []))];
  for (const name of names) {
    const aside = await engine.inspectContainer(oldName(name, payload.id));
    if (aside) await engine.removeContainer(aside.id);
  }
  await engine.purgeTrash(payload.id);
  trace('finalize: old containers and trash removed');
  crash('after');
  // Mark the plan applied (replay protection), once.
  const appliedFile = join(opts.dataDir, APPLIED_PLANS_FILE);
  const already = existsSync(appliedFile) && readFileSync(appliedFile, 'utf8').includes(`"${payload.id}"`);
  if (!already) appendLineDurable(appliedFile, JSON.stringify({ planId: payload.id, appliedAt: opts.now().toISOString() }));
  const stateCommit = await commitState(payload, opts);
  trace('finalize: state committed');
  // Test-only: the commit is made, the journal does not say so yet (recovery must not commit twice).
  opts.crashAt?.({ ordinal: payload.steps.length + 1, stepId: 'commit', when: 'after' });
  // What the system looks like now, for `claude diff`'s drift report (advisory; never fails).
  await (await import('./state/applied.js')).recordApplied(engine, opts.dataDir, { planId: payload.id, stateCommit, now: opts.now });
  trace('finalize: applied state recorded');
  journal.append({ t: 'committed', planId: payload.id, stateCommit });
  try {
    pruneSnapshots(opts.dataDir);
  } catch {
    /* housekeeping only */
  }
  return stateCommit;
}

/** Commits the plan's desired files to the state repo (runtime/state/repo.ts), once per plan. */
async function commitState(payload: PlanPayload, opts: Pick<ApplyOptions, 'stateDir' | 'now' | 'actor'>): Promise<string | null> {
  if (!opts.stateDir) return null;
  const { openStateRepo } = await import('./state/repo.js');
  const repo = await openStateRepo(opts.stateDir, { now: opts.now });
  const last = (await repo.history({ limit: 1 }))[0];
  if (last?.planId === payload.id) return last.commit;
  const s = payload.summary;
  return repo.commitState(payload.desired.files, {
    request: payload.request,
    planId: payload.id,
    summary: `${s.create} to create, ${s.update} to update, ${s.delete} to delete`,
    author: opts.actor ?? { name: 'claude', email: 'claude@localhost' },
  });
}

async function audit(opts: Pick<ApplyOptions, 'dataDir' | 'now' | 'actor'>, event: string, planId: string | null, details: Record<string, unknown>, secrets: readonly string[] = []): Promise<void> {
  const { appendAudit } = await import('./audit.js');
  await appendAudit(opts.dataDir, { actor: opts.actor?.name ?? 'claude', event, planId, details: details as never }, opts.now, { secrets });
}

/**
 * What the plan's security.yaml change did, as the plan listed it (display only, agent/flow.ts):
 * its lines, or for a plan made without them, its confirmation note said as done. A plan that
 * changes only security.yaml has no step, and its apply said no more than "Applied".
 */
function securityChangesOf(payload: PlanPayload): string[] {
  const d = payload.display as { security?: unknown; confirm?: unknown } | undefined;
  const lines = Array.isArray(d?.security) ? d.security.filter((l): l is string => typeof l === 'string') : [];
  if (lines.length) return lines;
  const notes = Array.isArray(d?.confirm) ? d.confirm.filter((l): l is string => typeof l === 'string') : [];
  const done: Record<string, string> = { creates: 'created', changes: 'changed', removes: 'removed' };
  return notes.map((n) => n.replace(/^The plan (creates|changes|removes) security\.yaml(.*?); every change to it is confirmed$/, (_m, w: string, rest: string) => `security.yaml ${done[w]}${rest}`));
}

function writeNeedsAttention(dataDir: string, m: NeedsAttention): void {
  writeFileAtomic(join(dataDir, NEEDS_ATTENTION_FILE), JSON.stringify(m, null, 2) + '\n', 0o600);
}

// ── apply ──────────────────────────────────────────────────────────────────────────────

/**
 * Applies plan.json text. Throws a PlanRefusedError (or LockHeldError) when it refuses,
 * before anything changes. Otherwise returns a result: applied, rolled back, or needs
 * attention (rollback did not restore the snapshot).
 */
export async function applyPlan(planText: string, opts: ApplyOptions): Promise<ApplyResult> {
  const t0 = Date.now();
  const onEvent = (e: ApplyEvent) => {
    if (e.type.startsWith('reconcile.')) recordEvent(opts.dataDir, opts.now, e);
    opts.onEvent?.(e);
  };
  // V1–V7: pure checks. When a trusted key signed the plan and nobody holds the apply lock,
  // the system is observed (base V8, Docker's work in its own processes) while V2–V7 run
  // (ours, CPU): ≈ 20–40 ms less before the first step. No lock is taken for it, so a plan
  // that V2–V7 refuse never holds the lock against another apply. The lock's fencing token is
  // read first: if the lock is then taken with exactly the next token, nobody held it in
  // between, so the observation, the journal and the marker read before it are what a reader
  // under the lock would see, and are kept; otherwise they are read again under the lock.
  trace('apply: begun');
  const seenToken = tokenIfFree(opts.dataDir);
  const marker = readNeedsAttention(opts.dataDir);
  if (marker) throw new NeedsAttentionError(marker);
  let observing: Promise<ObservedState> | undefined;
  let journalBefore: JournalRecord[] | undefined;
  let verified;
  try {
    const opened = openPlan(planText, opts.trustedKeys);
    trace('apply: opened V1');
    if (seenToken !== null && claimedPlanId(opened) !== null) {
      journalBefore = readJournal(opts.dataDir);
      trace('apply: journal read');
      if (!findInterrupted(journalBefore)) {
        observing = opts.engine.observe();
        observing.catch(() => undefined);
        // one turn of the event loop: the Engine API requests leave before V2–V7 take the CPU
        await new Promise((r) => setImmediate(r));
        trace('apply: observing');
      }
    }
    verified = verifyOpenedPlan(opened, { trustedKeys: opts.trustedKeys, hostId: opts.hostId, dataDir: opts.dataDir, now: opts.now, ...(opts.policy ? { policy: opts.policy } : {}) });
  } catch (e) {
    if (e instanceof PlanRefusedError) await audit(opts, 'plan.refused', null, { clause: e.clause, reason: e.message }).catch(() => undefined);
    throw e;
  }
  const payload = verified.payload;
  trace('apply: verified V1-V7');

  const lock = await acquireApplyLock(opts.dataDir, {
    planId: payload.id,
    purpose: 'apply',
    waitMs: opts.lockWaitMs ?? 0,
    now: opts.now,
    // Said at once: an apply waited for is a whole apply, and nothing else shows meanwhile.
    noticeAfterMs: 0,
    onWait: (w) => onEvent({ type: 'lock.waiting', holder: `pid ${w.owner.pid}, ${w.owner.purpose}` }),
  });
  trace('apply: lock taken');
  // Nobody held the lock since the reads above: they stand. Otherwise they are read again.
  const quiet = seenToken !== null && lock.owner.token === seenToken + 1;
  if (!quiet) {
    observing = undefined;
    journalBefore = undefined;
  }
  // Every side-effecting driver call checks the fencing token first (runtime/fenced-engine.ts).
  opts = { ...opts, engine: fenceEngine(opts.engine, () => lock.assertHeld()) };
  try {
    // An apply that crashed earlier is settled first (rolled back or completed).
    const interrupted = findInterrupted(journalBefore ?? readJournal(opts.dataDir));
    if (interrupted) {
      const rec = await recoverLocked(opts.engine, opts, lock, interrupted, onEvent);
      if (!rec.ok) throw new NeedsAttentionError(readNeedsAttention(opts.dataDir)!);
    }
    const markerNow = quiet && !interrupted ? null : readNeedsAttention(opts.dataDir);
    if (markerNow) throw new NeedsAttentionError(markerNow);
    // V6 again under the lock: the same plan may have been applied while we waited for it.
    if (appliedPlanIds(opts.dataDir).has(payload.id)) throw new ReplayError(payload.id);

    // The snapshot's engine reads (the containers, networks, records … the plan names) start
    // now, under the lock and after any recovery, beside the pre-flight below: Docker answers
    // while the state repo is checked (session 24: ≈ one Engine API round trip off the path
    // to the first step). Only reads; kept unless a person was asked to confirm (V9), after
    // which the snapshot is read again.
    let snapshotReads: Promise<SnapshotParts> | undefined = readSnapshotParts(opts.engine, payload);
    snapshotReads.catch(() => undefined);
    // The state repo's inspection likewise (it reads; the repair of a stale lock file, a change,
    // waits for the base check below): its walk and inflates run while Docker answers.
    const repoInspected = opts.stateDir ? inspectRepo(opts.stateDir) : undefined;
    repoInspected?.catch(() => undefined);
    // V8 base, the firewall pre-flight, V9 confirmation: still nothing has changed.
    let confirmation: string;
    let observed: ObservedState | undefined;
    let firewallChecked: Set<string>;
    try {
      observed = await (observing ?? opts.engine.observe());
      trace('apply: observed');
      checkBase(payload, resourceFingerprints(observed));
      trace('apply: base checked');
      if (opts.stateDir) {
        const head = stateHead(opts.stateDir);
        if (head !== payload.base.stateCommit) throw new StalePlanError([{ key: `state/commit ${payload.base.stateCommit?.slice(0, 12) ?? '(none)'} → ${head?.slice(0, 12) ?? '(none)'}`, change: 'changed' }]);
        await checkStateRepo(opts.stateDir, repoInspected);
        trace('apply: state repo checked');
      }
      firewallChecked = await firewallPreflight(opts.engine, payload);
      await mountPreflight(opts.engine, payload);
      trace('apply: firewall and mounts checked');
      // Every security.yaml change is confirmed (V9), also one that makes no security step.
      const extra: PlanStep[] = [];
      if (opts.stateDir) {
        const head = stateHead(opts.stateDir);
        const before = head ? (await (await import('./state/head.js')).committedStateFiles(opts.stateDir, head, opts.now))['security.yaml'] : undefined;
        const change = securityYamlChange(before, payload.desired.files['security.yaml']);
        if (change) extra.push(change);
        trace('apply: committed security.yaml read');
      }
      confirmation = await checkConfirmation(verified, { yes: opts.yes ?? false, interactiveConfirm: opts.interactiveConfirm }, extra);
      // a person answered: the system may have moved meanwhile; the snapshot is read after the answer
      if (confirmation === 'interactive') snapshotReads = undefined;
    } catch (e) {
      if (e instanceof PlanRefusedError) await audit(opts, 'plan.refused', payload.id, { clause: e.clause, reason: e.message }).catch(() => undefined);
      if (e instanceof FirewallRulesetError) onEvent({ type: 'reconcile.refused', planId: payload.id, clause: e.clause, step: e.step, error: e.message });
      throw e;
    }

    trace('apply: base, pre-flight, confirmation checked');
    // Certificates before any container starts: a web server that mounts one can start at
    // once (a self-signed placeholder until the ACME order succeeds, runtime/certs). Only
    // files under the data dir and CLAUDE_ROOT/srv/claude/certs are written; a failure
    // refuses the apply before any step ran.
    if (opts.root !== undefined && payload.desired.files['security.yaml']?.includes('certificates')) {
      const { prepareCertificates } = await import('./certs/index.js');
      // what the snapshot reads is read after these files are written, as before
      snapshotReads = undefined;
      const made = await prepareCertificates(payload.desired.files['security.yaml'], { dataDir: opts.dataDir, root: opts.root, now: opts.now() });
      if (made.length) trace(`apply: certificates prepared: ${made.join(', ')}`);
    }
    rotateJournalIfLarge(opts.dataDir);
    return await execute(payload, opts, lock, confirmation, onEvent, t0, firewallChecked, observed, snapshotReads).catch(async (e: unknown) => {
      if (e instanceof NoSpaceError) await audit(opts, 'plan.refused', payload.id, { clause: e.clause, reason: e.message }).catch(() => undefined);
      throw e;
    });
  } finally {
    lock.release();
  }
}

/**
 * How many problems the state repo has (runtime/state/repo.ts `inspectStateRepo`: reads only),
 * and the write of its cache of object dirs seen, held back: it runs before the stale-plan
 * check, and a refused plan changes nothing (`checkStateRepo` writes it once the plan stands).
 */
async function inspectRepo(stateDir: string): Promise<{ problems: number; saveCache: () => void }> {
  const { inspectStateRepo } = await import('./state/repo.js');
  let saveCache = () => undefined as void;
  const problems = (await inspectStateRepo(stateDir, { deferCacheWrite: (write) => void (saveCache = write) })).length;
  return { problems, saveCache };
}

/**
 * The state repository must be able to take the commit before anything changes: stale lock
 * files (an interrupted git command, a dead process's lock) are removed, as `claude recover
 * --repair-state` would; any other damage refuses the plan with the repair steps.
 * `inspected`: how many problems an inspection under this lock found (started beside the
 * observation, session 24); none: nothing to repair, nothing to refuse, and its cache of
 * object dirs seen is written now, after the stale-plan check (session 25).
 */
async function checkStateRepo(stateDir: string, inspected?: Promise<{ problems: number; saveCache: () => void }>): Promise<void> {
  const early = inspected ? await inspected.catch(() => null) : null;
  if (early?.problems === 0) {
    early.saveCache();
    return;
  }
  const { repairStateRepo, repairHint } = await import('./state/repo.js');
  const { remaining } = await repairStateRepo(stateDir);
  if (remaining.length === 0) return;
  throw new StateRepoRefusedError(
    `the state repository ${stateDir}/.git is damaged, so this apply could not be recorded; nothing was changed:\n  ${remaining.map((p) => `${p.path}: ${p.detail}`).join('\n  ')}`,
    repairHint(stateDir, remaining),
  );
}

/** Free bytes on the file system holding `path` (or its nearest existing parent). */
function freeBytes(path: string): number {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  const s = statfsSync(p);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * Before the first step: writes the snapshot and the saved plan, checks the state dir has
 * room for the commit, and writes the space reserve the rollback will use. ENOSPC here
 * removes what was written and refuses with NoSpaceError: nothing has changed yet. The three
 * files' fsyncs go at once (common/fsutil.ts `writeFilesAtomic`, `SpaceReserve.createAsync`),
 * then the snapshots dir's: two rounds of the disk's flush latency before the first step
 * instead of five in a row (docs/runtime.md, "The single service's critical path, session 22").
 * The reserve is armed only once the records are durable: an ENOSPC from a records fsync that
 * came after the reserve's own would otherwise release it and retry, and the apply would start
 * with a tripped reserve and fail at its first step with a rollback (review 22 LOW-6); now that
 * ENOSPC refuses up front, nothing changed.
 */
async function prepareRecords(opts: ApplyOptions, payload: PlanPayload, snap: Snapshot): Promise<{ ref: string; reserve: SpaceReserve }> {
  const ref = snapshotRef(payload.id);
  const written = [join(opts.dataDir, ref), planPath(opts.dataDir, payload.id)];
  try {
    if (opts.stateDir) {
      const need = 2 * Buffer.byteLength(JSON.stringify(payload.desired.files)) + 64 * 1024;
      const free = freeBytes(opts.stateDir);
      if (free < need) throw new NoSpaceError(opts.stateDir, `${free} bytes free, the state commit needs about ${need}`);
    }
    const [records, reserve] = await Promise.allSettled([
      writeFilesAtomic([snapshotFile(opts.dataDir, snap), { path: written[1]!, data: JSON.stringify(payload) + '\n', mode: 0o600 }]),
      SpaceReserve.createAsync(join(opts.dataDir, SPACE_RESERVE_FILE), SPACE_RESERVE_BYTES, { armed: false }),
    ]);
    const failed = [records, reserve].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      if (reserve.status === 'fulfilled' && !mustStop(failed.reason)) reserve.value.release();
      throw failed.reason;
    }
    const held = (reserve as PromiseFulfilledResult<SpaceReserve>).value;
    held.arm();
    return { ref, reserve: held };
  } catch (e) {
    if (mustStop(e)) throw e;
    for (const f of written) rmSync(f, { force: true });
    if (e instanceof NoSpaceError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new NoSpaceError(opts.dataDir, `${errText(e)}; the snapshot, the journal and ${SPACE_RESERVE_BYTES / 1024} KiB held back for a rollback must fit`);
    throw e;
  }
}

/**
 * The dependencies each step may begin beside instead of after (runtime/apply.ts, the DAG
 * walk): on an engine whose create resolves the network only at start (Docker,
 * `Engine.createsBeforeNetwork`), a new container on one network is created while that
 * network is created: ≈ 0.3 s at idle (the bridge, its iptables rules) off the stack's
 * critical path, which ran network → create → start. Only a network this plan makes new (a
 * `network.create` that waits for nothing: not one recreated after its removal, whose old
 * namesake may still exist), only a container on that one network (a second one is
 * connected at create, so it must exist), and only one the plan starts in a step of its own.
 */
export function earlyDependencies(steps: readonly PlanStep[], engine: Pick<Engine, 'createsBeforeNetwork'>): Map<string, Set<string>> {
  const early = new Map<string, Set<string>>();
  if (!engine.createsBeforeNetwork) return early;
  const newNetwork = new Map<string, string>();
  const startStep = new Set<string>();
  for (const s of steps) {
    if (s.op === 'network.create' && s.dependsOn.length === 0) newNetwork.set(s.params.name, s.id);
    if (s.op === 'container.start') startStep.add(s.params.name);
  }
  for (const s of steps) {
    // a create with no start step of its own starts the container itself: it needs the network
    if (s.op !== 'container.create' || s.params.networks.length !== 1 || !startStep.has(s.params.name)) continue;
    const net = newNetwork.get(s.params.networks[0]!.name);
    if (net !== undefined && s.dependsOn.includes(net)) early.set(s.id, new Set([net]));
  }
  return early;
}

/**
 * The container starts that may begin early, held (runtime/drivers/hold.ts; an engine with
 * `holdStart`, Docker): a `container.start` step that waits for other containers' start steps
 * (their readiness: web after postgres and redis), of a container this plan creates. Each maps
 * to its container's name and those start steps (`gates`). The DAG walk starts it held once
 * every other dependency is done and each gate's start call has returned (so dockerd's start
 * of the dependent does not compete with its dependencies' starts), and its own step releases
 * it once the gates are done, as before: the order of the steps and the journal do not change.
 */
export function heldStarts(steps: readonly PlanStep[], engine: Pick<Engine, 'holdStart'>): Map<string, { name: string; gates: Set<string> }> {
  const held = new Map<string, { name: string; gates: Set<string> }>();
  if (!engine.holdStart) return held;
  const created = new Set<string>();
  const startStep = new Set<string>();
  for (const s of steps) {
    if (s.op === 'container.create') created.add(s.params.name);
    if (s.op === 'container.start') startStep.add(s.id);
  }
  for (const s of steps) {
    if (s.op !== 'container.start' || !created.has(s.params.name)) continue;
    const gates = new Set(s.dependsOn.filter((d) => startStep.has(d)));
    if (gates.size) held.set(s.id, { name: s.params.name, gates });
  }
  return held;
}

async function execute(
  payload: PlanPayload,
  opts: ApplyOptions,
  lock: ApplyLock,
  confirmation: string,
  onEvent: (e: ApplyEvent) => void,
  t0: number,
  firewallChecked: ReadonlySet<string>,
  observed?: ObservedState,
  snapshotReads?: Promise<SnapshotParts>,
): Promise<ApplyResult> {
  const { engine } = opts;
  const journal = new Journal(opts.dataDir, opts.now, lock);
  const snap = await takeSnapshot(engine, payload, opts.now, observed, snapshotReads);
  trace('apply: snapshot taken');
  const { ref, reserve } = await prepareRecords(opts, payload, snap);
  trace('apply: snapshot saved');
  try {
    // Durable with the first steps' begin records (one fsync for both: every change waits for
    // that one), or with whatever record comes first (finalize.begin, step.fail, rollback.begin).
    journal.appendUnsynced({ t: 'apply.started', planId: payload.id, token: lock.owner.token, snapshot: ref, steps: payload.steps.map((s) => s.id) });
  } catch (e) {
    reserve.release();
    if (mustStop(e)) throw e;
    rmSync(join(opts.dataDir, ref), { force: true });
    rmSync(planPath(opts.dataDir, payload.id), { force: true });
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new NoSpaceError(opts.dataDir, errText(e));
    throw e;
  }
  try {
    return await executeSteps(payload, opts, journal, snap, reserve, confirmation, onEvent, t0, firewallChecked);
  } finally {
    reserve.release();
  }
}

async function executeSteps(
  payload: PlanPayload,
  opts: ApplyOptions,
  journal: Journal,
  snap: Snapshot,
  reserve: SpaceReserve,
  confirmation: string,
  onEvent: (e: ApplyEvent) => void,
  t0: number,
  firewallChecked: ReadonlySet<string>,
): Promise<ApplyResult> {
  const { engine } = opts;
  onEvent({ type: 'reconcile.started', planId: payload.id, steps: payload.steps.length, trigger: opts.trigger ?? 'apply' });

  const ctx: Ctx = {
    engine,
    dataDir: opts.dataDir,
    payload,
    specs: specsOf(payload),
    secretValues: [],
    firewallChecked,
    recordUpdates: new Map(),
    audit: (event, details) => audit(opts, event, payload.id, details),
  };
  const healthWarnings: string[] = [];
  const results = new Map<string, StepResult>(
    payload.steps.map((s) => [s.id, { id: s.id, op: s.op, target: s.target, description: s.description, status: 'not-started', durationMs: 0, message: '' }]),
  );
  const begun: string[] = [];
  /** image → its start-up (ms from the start call's return to ready) in this apply, for the record (runtime/start-order.ts). */
  const startupSeen: Record<string, number> = {};
  let ordinal = 0;
  let failure: { step: string; error: unknown } | null = null;
  /** A lost lock or a (simulated) crash: stop at once, no rollback (someone else owns the system now). */
  let stop: unknown = null;

  /** `beginError`: why the begin record of this step (written with the others started beside it) could not be written, or null. */
  const runOne = async (step: PlanStep, beginError: unknown): Promise<void> => {
    const my = ordinal++;
    const r = results.get(step.id)!;
    const st = Date.now();
    trace(`step begin ${step.id}`);
    try {
      if (beginError !== null) throw beginError;
      // The begin record needed the reserve: the disk is full, do not start the step.
      if (reserve.tripped) throw new DiskFullError(opts.dataDir);
      opts.crashAt?.({ ordinal: my, stepId: step.id, when: 'before' });
      onEvent({ type: 'reconcile.step', planId: payload.id, step: step.id, op: step.op, target: step.target, status: 'started', durationMs: 0, message: step.description });
      const detail = await runStep(ctx, step);
      const image = step.op === 'container.start' ? ctx.specs.get(step.params.name)?.image : undefined;
      if (image !== undefined && typeof detail.readyMs === 'number') startupSeen[image] = detail.readyMs;
      opts.crashAt?.({ ordinal: my, stepId: step.id, when: 'after' });
      journal.appendUnsynced({ t: 'step.end', planId: payload.id, step: step.id, detail });
      r.status = 'done';
      r.durationMs = Date.now() - st;
      r.message = successMessage(step, detail, ctx.specs);
      trace(`step done  ${step.id}`);
      onEvent({ type: 'reconcile.step', planId: payload.id, step: step.id, op: step.op, target: step.target, status: 'done', durationMs: r.durationMs, message: r.message });
    } catch (e) {
      if (opts.rollbackOnHealthFailure === false && (e as Error)?.name === 'HealthTimeoutError') {
        // rollback_on_health_failure: false — keep the new container, say it is not healthy.
        const msg = redact(errText(e), ctx.secretValues);
        try {
          journal.append({ t: 'step.end', planId: payload.id, step: step.id, detail: { notHealthy: msg } });
        } catch (je) {
          r.status = 'failed';
          r.durationMs = Date.now() - st;
          if (mustStop(je)) stop ??= je;
          else failure ??= { step: step.id, error: je };
          return;
        }
        r.status = 'done';
        r.durationMs = Date.now() - st;
        r.message = `${step.description}: NOT healthy (kept: rollback_on_health_failure is false)`;
        r.error = msg;
        healthWarnings.push(`${step.target}: ${msg} (kept: rollback_on_health_failure is false)`);
        onEvent({ type: 'reconcile.step', planId: payload.id, step: step.id, op: step.op, target: step.target, status: 'done', durationMs: r.durationMs, message: r.message, error: msg });
        return;
      }
      r.status = 'failed';
      r.durationMs = Date.now() - st;
      if (mustStop(e)) {
        stop ??= e;
        return;
      }
      const msg = redact(errText(e), ctx.secretValues);
      r.error = msg;
      const hint = (e as { hint?: unknown }).hint;
      if (typeof hint === 'string') r.hint = hint;
      failure ??= { step: step.id, error: e };
      try {
        journal.append({ t: 'step.fail', planId: payload.id, step: step.id, error: msg });
        onEvent({ type: 'reconcile.step', planId: payload.id, step: step.id, op: step.op, target: step.target, status: 'failed', durationMs: r.durationMs, message: step.description, error: msg });
      } catch (e2) {
        if (mustStop(e2)) stop ??= e2;
        // otherwise (a full disk): the rollback still runs; its records use the reserve
      }
    }
  };

  // The DAG walk: start every step whose dependencies are done; stop starting on failure.
  // A step may begin beside the dependencies `early` names (a container's create beside its
  // network's create, on an engine that resolves the network at start); it counts as done only
  // once they are done too, so what depends on it (the container's start) still waits for them.
  const early = earlyDependencies(payload.steps, engine);
  const byId = new Map(payload.steps.map((s) => [s.id, s]));
  const done = new Set<string>();
  const finished: string[] = [];
  const started = new Set<string>();
  const running = new Map<string, Promise<string>>();
  // Held starts (heldStarts): begun once every dependency but the gates is done and each gate's
  // start call returned; all settled before the walk ends (a rollback never races one).
  const held = heldStarts(payload.steps, engine);
  ctx.held = new Set([...held.values()].map((h) => h.name));
  const startCalled = new Set<string>();
  const holding = new Map<string, Promise<void>>();
  const maybeHold = () => {
    if (failure || stop) return;
    for (const [id, h] of held) {
      if (started.has(id) || holding.has(id)) continue;
      const deps = byId.get(id)!.dependsOn;
      if (deps.every((d) => done.has(d))) continue; // about to start as usual
      if (!deps.every((d) => done.has(d) || (h.gates.has(d) && startCalled.has(d)))) continue;
      trace(`hold: ${h.name} begun`);
      holding.set(id, engine.holdStart!(h.name).catch(() => undefined));
    }
  };
  // The slowest gate's start call first (runtime/start-order.ts), from this host's record.
  const lead = startLead(payload.steps, ctx.specs, readStartupRecord(opts.dataDir), engine);
  let leadDone: () => void = () => {};
  if (lead) {
    ctx.startAfter = lead.after;
    ctx.leadCalled = new Promise<void>((r) => (leadDone = () => r()));
    trace(`start: ${lead.lead} first, ${[...lead.after].join(', ')} after its start call`);
  }
  ctx.onStartCalled = (id) => {
    startCalled.add(id);
    if (id === lead?.lead) leadDone();
    maybeHold();
  };
  for (;;) {
    if (!failure && reserve.tripped) failure = { step: '', error: new DiskFullError(opts.dataDir) };
    // no step starts any more: nothing waits for the lead's start call
    if (failure || stop) leadDone();
    if (!failure && !stop) {
      const ready = payload.steps.filter((s) => !started.has(s.id) && s.dependsOn.every((d) => done.has(d) || early.get(s.id)?.has(d)));
      // The begin records of every step starting now, in one write and one fsync (each durable
      // before its step touches anything, as one by one): the synchronous fsyncs held back the
      // first step's engine request until the last step's record was written (the network's
      // create waited for three image checks' records on the stack's critical path).
      let beginError: unknown = null;
      try {
        journal.appendAll(ready.map((s) => ({ t: 'step.begin' as const, planId: payload.id, step: s.id })));
        begun.push(...ready.map((s) => s.id));
      } catch (e) {
        beginError = e;
      }
      for (const s of ready) {
        started.add(s.id);
        running.set(
          s.id,
          runOne(s, beginError).then(() => {
            if (s.id === lead?.lead) leadDone();
            return s.id;
          }),
        );
      }
    }
    if (running.size === 0) break;
    const id = await Promise.race(running.values());
    running.delete(id);
    if (results.get(id)!.status === 'done') finished.push(id);
    for (let i = 0; i < finished.length; ) {
      if (byId.get(finished[i]!)!.dependsOn.every((d) => done.has(d))) {
        done.add(finished.splice(i, 1)[0]!);
        i = 0;
      } else i++;
    }
    if (held.size) maybeHold();
  }
  await Promise.all(holding.values());
  if (stop) throw stop;
  const touched = () => [...journal.written];
  if (!failure) {
    // The point of no return: until finalize.begin is durable, a failure still rolls back.
    try {
      journal.append({ t: 'finalize.begin', planId: payload.id });
    } catch (e) {
      if (mustStop(e)) throw e;
      failure = { step: '', error: new Error(`every step succeeded, but the journal could not record it (${errText(e)}), so the apply is rolled back`) };
    }
  }

  if (!failure) {
    // Every step succeeded: from finalize.begin on, the apply goes forward. A clean-up or a
    // state commit that fails is left to recovery (which completes it), never rolled back;
    // the outcome is `incomplete` (non-zero), not `applied`.
    const warnings: string[] = [...healthWarnings];
    let stateCommit: string | null = null;
    let incomplete: string | null = null;
    try {
      stateCommit = await finalize(engine, payload, journal, opts);
    } catch (e) {
      if (mustStop(e)) throw e;
      incomplete = redact(errText(e), ctx.secretValues);
    }
    // Certificates security.yaml no longer names stop being renewed and watched (runtime/certs).
    if (opts.root !== undefined && existsSync(join(opts.dataDir, 'certs'))) {
      const { retireUnlisted } = await import('./certs/index.js');
      try {
        retireUnlisted(payload.desired.files['security.yaml'], opts.dataDir);
      } catch (e) {
        warnings.push(`certificates: could not retire the ones security.yaml no longer names: ${errText(e)}`);
      }
    }
    writeStartupRecord(opts.dataDir, startupSeen);
    const durationMs = Date.now() - t0;
    const changes = payload.summary.create + payload.summary.update + payload.summary.delete;
    onEvent({ type: 'reconcile.completed', planId: payload.id, success: true, changes, durationMs });
    await audit(opts, 'plan.applied', payload.id, { request: payload.request, steps: payload.steps.length, confirmation, stateCommit, ...(incomplete ? { incomplete } : {}) }, ctx.secretValues).catch(() => undefined);
    trace('apply: audited');
    if (incomplete !== null) {
      return {
        planId: payload.id,
        status: 'incomplete',
        durationMs,
        confirmation,
        steps: [...results.values()],
        error: {
          name: 'FinalizeError',
          message: `every step succeeded and the changes are live, but completing the apply failed: ${incomplete}`,
          hint: 'fix the cause (e.g. free disk space in the state dir or the data dir), then run `claude recover`: it finishes the clean-up and the state commit (the next apply does it too)',
        },
        stateCommit: null,
        reachable: reachableOf(payload),
        touched: touched(),
        warnings,
      };
    }
    const securityChanges = securityChangesOf(payload);
    return { planId: payload.id, status: 'applied', durationMs, confirmation, steps: [...results.values()], stateCommit, reachable: reachableOf(payload), touched: touched(), warnings, ...(securityChanges.length ? { securityChanges } : {}) };
  }

  // Failure: skip what never started, roll the whole stack back.
  for (const r of results.values()) if (r.status === 'not-started') r.status = 'skipped';
  for (const r of results.values()) if (r.status === 'skipped') onEvent({ type: 'reconcile.step', planId: payload.id, step: r.id, op: r.op, target: r.target, status: 'skipped', durationMs: 0, message: r.description });
  const f = failure as { step: string; error: unknown };
  const reason = f.step ? `step ${f.step} failed: ${redact(errText(f.error), ctx.secretValues)}` : redact(errText(f.error), ctx.secretValues);
  const report = await rollback(engine, payload, snap, begun, journal, reason, onEvent, opts.crashAt);
  const durationMs = Date.now() - t0;
  const hint = (f.error as { hint?: unknown }).hint;
  const error = { name: (f.error as Error)?.name ?? 'Error', message: redact(errText(f.error), ctx.secretValues), ...(f.step ? { step: f.step } : {}), ...(typeof hint === 'string' ? { hint } : {}) };
  onEvent({ type: 'reconcile.failed', planId: payload.id, error: reason, rolledBack: report.ok, durationMs });
  if (!report.ok) {
    writeNeedsAttention(opts.dataDir, { planId: payload.id, since: opts.now().toISOString(), problems: report.problems, snapshot: snapshotRef(payload.id) });
  }
  await audit(opts, 'rollback', payload.id, { reason, ok: report.ok, problems: report.problems }, ctx.secretValues).catch(() => undefined);
  return {
    planId: payload.id,
    status: report.ok ? 'rolled-back' : 'needs-attention',
    durationMs,
    confirmation,
    steps: [...results.values()],
    error,
    rollback: report,
    stateCommit: null,
    reachable: [],
    touched: touched(),
    warnings: [],
  };
}

// ── recover ──────────────────────────────────────────────────────────────────────────────

export interface RecoverResult {
  /**
   * What was found: nothing to do, an interrupted apply, a needs-attention marker, or a
   * journal that disagrees with what is observed (a snapshot without an outcome, an
   * `.old-*` container): see `notes`.
   */
  found: 'nothing' | 'interrupted' | 'needs-attention' | 'inconsistent';
  planId: string | null;
  action: 'none' | 'rollback' | 'complete';
  ok: boolean;
  problems: string[];
  /** What recover noticed on the way (damaged journal records, the journal disagreeing with what it observed). */
  notes: string[];
}

export interface RecoverOptions {
  engine: Engine;
  dataDir: string;
  stateDir?: string;
  now: () => Date;
  actor?: { name: string; email: string };
  onEvent?: (e: ApplyEvent) => void;
  lockWaitMs?: number;
}

/** The payload of a plan referenced by the journal (kept beside its snapshot). */
function planPath(dataDir: string, planId: string): string {
  return join(dataDir, 'snapshots', `${planId}.plan.json`);
}

async function recoverLocked(
  engine: Engine,
  opts: Pick<RecoverOptions, 'dataDir' | 'stateDir' | 'now' | 'actor'>,
  lock: ApplyLock,
  it: { planId: string; snapshot: string; begun: string[]; finalizing: boolean },
  onEvent: (e: ApplyEvent) => void,
): Promise<RecoverResult> {
  const journal = new Journal(opts.dataDir, opts.now, lock);
  const planFile = planPath(opts.dataDir, it.planId);
  const damaged = (file: string) =>
    `recovery needs it to know what ${it.planId} changed. Restore it from a backup if you have one; otherwise check each service (\`claude status\`, \`docker ps -a\`: rename any '<name>.old-…' container back), move ${file} aside (mv ${file} ${file}.damaged) and run \`claude recover\` again`;
  if (!existsSync(planFile)) throw new DamagedFileError(planFile, 'the saved plan', 'it is missing; the journal refers to it', damaged(planFile));
  const payload = readJsonFile<PlanPayload>(planFile, 'the saved plan', damaged(planFile));
  const snapFile = join(opts.dataDir, it.snapshot);
  if (!existsSync(snapFile)) throw new DamagedFileError(snapFile, 'the snapshot', 'it is missing; the journal refers to it', damaged(snapFile));
  const snap = readJsonFile<Snapshot>(snapFile, 'the snapshot', damaged(snapFile));
  const action = it.finalizing ? 'complete' : 'rollback';
  // A reserve a crashed apply left behind is used the same way: freed if the disk is full.
  const reserve = SpaceReserve.adopt(join(opts.dataDir, SPACE_RESERVE_FILE));
  try {
    journal.append({ t: 'recover.begin', planId: it.planId, action });
    onEvent({ type: 'recover', planId: it.planId, action });
    let problems: string[] = [];
    if (action === 'complete') {
      try {
        journal.append({ t: 'finalize.begin', planId: payload.id });
        await finalize(engine, payload, journal, opts);
      } catch (e) {
        if (mustStop(e)) throw e;
        problems.push(`completing ${it.planId}: ${errText(e)}`);
      }
    } else {
      // Every step that began may have changed something: undo them all (in reverse order).
      const report = await rollback(engine, payload, snap, it.begun, journal, 'recovering an interrupted apply', onEvent, undefined, 'touched');
      problems = report.problems;
    }
    // Pending firewall confirmations the dead applier left: settled now, their watchdogs
    // stopped, so none can revert a table loaded later (the rollback loaded the snapshot's).
    const { settleAfterRecovery } = await import('./firewall-confirm.js');
    settleAfterRecovery(join(opts.dataDir, 'journal'), action === 'complete' ? 'completed' : 'rolled-back');
    const ok = problems.length === 0;
    journal.append({ t: 'recover.end', planId: it.planId, action, ok, problems });
    if (ok) rmSync(join(opts.dataDir, NEEDS_ATTENTION_FILE), { force: true });
    else writeNeedsAttention(opts.dataDir, { planId: it.planId, since: opts.now().toISOString(), problems, snapshot: it.snapshot, action });
    await audit(opts, 'recover', it.planId, { action, ok, problems }).catch(() => undefined);
    return { found: 'interrupted', planId: it.planId, action, ok, problems, notes: [] };
  } finally {
    reserve?.release();
  }
}

const OLD_NAME = /\.old-([0-9a-f]{8})$/;

/**
 * The cross-check recover makes when the journal shows nothing unfinished: what it observes
 * must agree. The newest snapshot must belong to a plan with an outcome (committed, rolled
 * back, recovered, or marked applied), and no `<name>.old-<plan8>` container may exist (only
 * an unfinished apply leaves one). When they disagree (the journal was emptied or damaged),
 * recovery goes by the snapshot: it rolls that plan back (or completes it when it was marked
 * applied). An `.old-*` container with no snapshot to go by is reported as a problem.
 */
async function crossCheck(
  engine: Engine,
  dataDir: string,
  records: readonly JournalRecord[],
): Promise<{ target: { planId: string; snapshot: string; begun: string[]; finalizing: boolean } | null; notes: string[]; problems: string[] }> {
  const settled = new Set<string>();
  const applied = appliedPlanIds(dataDir);
  for (const r of records) {
    if (r.t === 'committed' || ((r.t === 'rollback.end' || r.t === 'recover.end') && r.ok)) settled.add(r.planId);
  }
  const isSettled = (id: string): boolean => {
    if (settled.has(id)) return true;
    // A journal moved aside by rotation (apply.jsonl.<ms>) may hold the outcome.
    const jdir = dirname(journalPath(dataDir));
    for (const f of existsSync(jdir) ? readdirSync(jdir).filter((n) => /^apply\.jsonl\.\d+$/.test(n)) : []) {
      const text = readFileSync(join(jdir, f), 'utf8');
      if (!text.includes(id)) continue;
      for (const line of text.split('\n')) {
        if (!line.includes(id)) continue;
        try {
          const r = JSON.parse(line) as JournalRecord;
          if (r.planId === id && (r.t === 'committed' || ((r.t === 'rollback.end' || r.t === 'recover.end') && r.ok))) return true;
        } catch {
          /* torn */
        }
      }
    }
    return false;
  };
  const notes: string[] = [];
  const problems: string[] = [];
  // The newest snapshot.
  const dir = join(dataDir, 'snapshots');
  const snaps = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^plan-[0-9a-f]+\.json$/.test(f))
        .map((f) => ({ id: f.slice(0, -'.json'.length), mtime: statSync(join(dir, f)).mtimeMs }))
        .sort((a, b) => b.mtime - a.mtime || (a.id < b.id ? 1 : -1))
    : [];
  let target: { planId: string; snapshot: string; begun: string[]; finalizing: boolean } | null = null;
  const newest = snaps[0];
  if (newest && existsSync(planPath(dataDir, newest.id)) && !isSettled(newest.id)) {
    notes.push(`the journal has no outcome for ${newest.id}, but its snapshot (${snapshotRef(newest.id)}) exists: the journal was damaged or emptied after a crash`);
    target = { planId: newest.id, snapshot: snapshotRef(newest.id), begun: [], finalizing: applied.has(newest.id) };
  }
  // `.old-*` containers.
  let observed: ObservedState | null = null;
  try {
    observed = await engine.observe();
  } catch (e) {
    problems.push(`could not observe the system to cross-check the journal: ${errText(e)}`);
  }
  for (const c of observed?.containers ?? []) {
    if (!c.managed) continue; // another instance's (or nobody's): not ours to judge
    const m = OLD_NAME.exec(c.name);
    if (!m) continue;
    const owner = snaps.find((sn) => sn.id.replace(/^plan-/, '').startsWith(m[1]!));
    if (!owner) {
      problems.push(`container ${c.name} is left over from an apply (plan …${m[1]}) of which neither the journal nor a snapshot is left: rename it back (docker rename ${c.name} ${c.name.replace(OLD_NAME, '')}) if its service is missing, or remove it (docker rm ${c.name}), then run \`claude recover\` again`);
      continue;
    }
    if (target && target.planId !== owner.id) continue;
    if (!target) {
      target = { planId: owner.id, snapshot: snapshotRef(owner.id), begun: [], finalizing: applied.has(owner.id) };
    }
    notes.push(`container ${c.name} exists, which only an unfinished apply of ${owner.id} leaves behind, but the journal does not say so`);
  }
  return { target, notes, problems };
}

/**
 * `claude recover`: settles an interrupted apply (rolls it back, or completes it when it had
 * reached the finalize phase), retries the recovery behind a needs-attention marker, and
 * cross-checks the journal with what it observes (it never reports "nothing" while a snapshot
 * without an outcome or an `.old-*` container says otherwise).
 */
export async function recover(opts: RecoverOptions): Promise<RecoverResult> {
  const onEvent = (e: ApplyEvent) => {
    if (e.type.startsWith('reconcile.')) recordEvent(opts.dataDir, opts.now, e);
    opts.onEvent?.(e);
  };
  const lock = await acquireApplyLock(opts.dataDir, { purpose: 'recover', waitMs: opts.lockWaitMs ?? 0, now: opts.now });
  const engine = fenceEngine(opts.engine, () => lock.assertHeld());
  try {
    const { records, torn } = readJournalChecked(opts.dataDir);
    const tornNotes = torn.length ? [`${journalPath(opts.dataDir)}: ${torn.length} damaged record(s) skipped (line ${torn.join(', ')}; torn by a crash mid-write)`] : [];
    const interrupted = findInterrupted(records);
    if (interrupted) return withNotes(await recoverLocked(engine, opts, lock, interrupted, onEvent), tornNotes);
    const marker = readNeedsAttention(opts.dataDir);
    if (marker) {
      const r = await recoverLocked(engine, opts, lock, { planId: marker.planId, snapshot: marker.snapshot, begun: [], finalizing: marker.action === 'complete' }, onEvent);
      return withNotes({ ...r, found: 'needs-attention' }, tornNotes);
    }
    const cc = await crossCheck(engine, opts.dataDir, records);
    if (cc.target) {
      const r = await recoverLocked(engine, opts, lock, cc.target, onEvent);
      return withNotes({ ...r, found: 'inconsistent', ok: r.ok && cc.problems.length === 0, problems: [...r.problems, ...cc.problems] }, [...tornNotes, ...cc.notes]);
    }
    if (cc.problems.length) return { found: 'inconsistent', planId: null, action: 'none', ok: false, problems: cc.problems, notes: [...tornNotes, ...cc.notes] };
    return { found: 'nothing', planId: null, action: 'none', ok: true, problems: [], notes: tornNotes };
  } finally {
    lock.release();
  }
}

function withNotes(r: RecoverResult, notes: string[]): RecoverResult {
  return { ...r, notes: [...notes, ...r.notes] };
}

/** Saves the verified payload beside the snapshot so recovery can read the steps. */
export function savePlanForRecovery(dataDir: string, payload: PlanPayload): void {
  writeFileAtomic(planPath(dataDir, payload.id), JSON.stringify(payload) + '\n', 0o600);
}
