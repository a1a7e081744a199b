/**
 * Commit-confirmed firewall changes: apply a new `inet claude` table, prove it with probes,
 * and bring the previous table back unless the change is confirmed in time, even if the
 * applying process dies.
 *
 * The journal (one directory, usually `<dataDir>/journal`) holds, per pending change `ID`:
 *
 *   firewall-pending-ID.prev.nft   the text that restores the previous table (or removes it)
 *   firewall-pending-ID.json       the pending record (deadline, …), written and fsynced
 *                                  BEFORE the new table is loaded
 *   firewall-confirm.log           one line per outcome: "<iso> ID confirmed|reverted|superseded <by>"
 *   firewall-current               the id of the last table the runtime loaded (a pending
 *                                  change's id, or `load-…` for a plain load or a restore)
 *
 * Whoever settles a pending change first claims it by renaming the record (an atomic
 * rename, so exactly one wins): `.json → .confirming` to confirm, `.json → .reverting` to
 * revert. Three parties may settle: the applying process (probes passed / failed / timed
 * out), `claude confirm` (`confirmPending`), and the revert watchdog, a detached
 * `sh -c 'sleep …; mv record .reverting && nft -f prev'` process started before the load,
 * which survives the death of the applying process. `recoverPendingFirewall` (run by
 * `claude recover` and runtime start-up) reverts expired records and finishes interrupted
 * reverts (a `.reverting` file left behind).
 *
 * A revert only ever undoes the change it was armed for: the watchdog and
 * `recoverPendingFirewall` first check `firewall-current`; when a later table was loaded
 * since (a rollback's restore, a later apply), the record is settled as `superseded` and
 * nothing is loaded. `settleAfterRecovery` (run by the apply recovery, which restores the
 * snapshot's table itself) settles every pending record and stops its watchdog.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { appendLineDurable, fsyncDir, writeFileAtomic } from '../common/fsutil.js';
import { sha256Hex } from '../common/canonical.js';
import type { NftDriver, ObservedFirewall } from './drivers/nft.js';
import { ADMIN_WATCH_TABLE, stopAdminWatch } from './admin-watch.js';

export const DEFAULT_CONFIRM_TIMEOUT_MS = 60_000;
const LOG = 'firewall-confirm.log';

export interface PendingFirewallRecord {
  version: 1;
  id: string;
  createdAt: string;
  /** Epoch ms after which the previous table comes back. */
  deadline: number;
  /** Whether the table existed before (else the revert removes it). */
  previous: 'present' | 'absent';
  /** File name (in the journal dir) of the restoring ruleset. */
  previousRulesetFile: string;
  /** Observed hash of the table before the change (null: absent). */
  previousHash: string | null;
  /** sha256 of the new ruleset text. */
  newRulesetSha256: string;
  netns?: string;
  applierPid: number;
  watchdogPid?: number;
}

export interface ApplyConfirmedOptions {
  /** Commit-confirmed window. Default 60 s. */
  timeoutMs?: number;
  /** Reachability probes run after the load; true confirms. A throw counts as false. */
  probes: () => Promise<boolean>;
  /** How the log names a confirmation by `probes` (default `probes`), e.g. `admin: a new connection from …`. */
  probesName?: () => string;
  /** Where the pending record lives (e.g. `<dataDir>/journal`). */
  journalDir: string;
  /** Clock (epoch ms). Default Date.now. */
  now?: () => number;
  /** Start the detached revert watchdog. Default true; only tests of the recovery path turn it off. */
  watchdog?: boolean;
  /** Called once the new table is loaded and the record is pending. */
  onPending?: (record: PendingFirewallRecord) => void;
  /**
   * What the apply's pre-flight already checked with `nft -c` (runtime/firewall-backend.ts
   * `check`): `ruleset` — the new ruleset, not checked again; `snapshotSha256` — restoring
   * texts that loaded then: the snapshot taken here is checked again only when its sha256 is
   * not among them (the table changed since), so the revert guarantee holds either way.
   */
  checked?: { ruleset?: boolean; snapshotSha256?: readonly string[] };
}

export type ConfirmOutcome = 'confirmed' | 'reverted';

export interface ApplyConfirmedResult {
  id: string;
  outcome: ConfirmOutcome;
  /** Who settled it: `probes`, `deadline`, `watchdog`, `confirm`, `load-failed`. */
  by: string;
  reason?: string;
  previous: 'present' | 'absent';
  /** The table as observed after settling. */
  observed: ObservedFirewall;
}

export class FirewallConfirmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirewallConfirmError';
  }
}

const CURRENT = 'firewall-current';

/** Records which table the runtime loads next (before the load): a pending id, or `load-…`. */
export function markCurrentLoad(journalDir: string, id = `load-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`): string {
  mkdirSync(journalDir, { recursive: true });
  writeFileAtomic(join(journalDir, CURRENT), id + '\n', 0o600);
  return id;
}

/** The id of the table the runtime loaded last (null: none recorded). */
export function currentLoad(journalDir: string): string | null {
  try {
    return readFileSync(join(journalDir, CURRENT), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

const recordFile = (dir: string, id: string, suffix: 'json' | 'confirming' | 'reverting'): string => join(dir, `firewall-pending-${id}.${suffix}`);
const prevFile = (id: string): string => `firewall-pending-${id}.prev.nft`;

/**
 * Applies `newRuleset` commit-confirmed. Order: check the new text (unless
 * `checked.ruleset`); snapshot the current table and check that the snapshot loads (so a
 * revert cannot fail on syntax; skipped when that exact text passed the pre-flight); write the
 * restoring text and the pending record (fsynced); start the watchdog; load; probe. The
 * change is confirmed only when the probes pass before the deadline; otherwise the previous
 * table is loaded again. A failed load leaves the table as it was and throws the NftError.
 */
export async function applyConfirmed(driver: NftDriver, newRuleset: string, opts: ApplyConfirmedOptions): Promise<ApplyConfirmedResult> {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
  const dir = opts.journalDir;
  mkdirSync(dir, { recursive: true });

  if (opts.checked?.ruleset !== true) await driver.check(newRuleset);
  const before = await driver.observe();
  const snap = await driver.snapshot();
  if (!opts.checked?.snapshotSha256?.includes(sha256Hex(snap.ruleset))) {
    await driver.check(snap.ruleset).catch((e: Error) => {
      throw new FirewallConfirmError(`the current table inet claude cannot be saved in a form that reloads, so a revert could not be guaranteed; nothing was changed.\n${e.message}`);
    });
  }

  const id = `${now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const record: PendingFirewallRecord = {
    version: 1,
    id,
    createdAt: new Date(now()).toISOString(),
    deadline: now() + timeoutMs,
    previous: snap.present ? 'present' : 'absent',
    previousRulesetFile: prevFile(id),
    previousHash: before.hash,
    newRulesetSha256: sha256Hex(newRuleset),
    ...(driver.netns ? { netns: driver.netns } : {}),
    applierPid: process.pid,
  };
  writeFileAtomic(join(dir, record.previousRulesetFile), snap.ruleset, 0o600);
  let watchdog: ChildProcess | undefined;
  if (opts.watchdog !== false) {
    watchdog = startWatchdog(driver, dir, id, Math.max(0, record.deadline - Date.now()));
    if (watchdog.pid !== undefined) record.watchdogPid = watchdog.pid;
  }
  writeFileAtomic(recordFile(dir, id, 'json'), JSON.stringify(record, null, 2) + '\n', 0o600);

  const stopWatchdog = (): void => {
    if (watchdog?.pid !== undefined && watchdog.exitCode === null && watchdog.signalCode === null) {
      try {
        process.kill(-watchdog.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };

  markCurrentLoad(dir, id);
  try {
    await driver.apply(newRuleset, { check: false });
  } catch (e) {
    // nft -f is one transaction: nothing was loaded. Drop the record.
    if (claim(dir, id, 'confirming')) settle(dir, id, 'confirming', 'load-failed');
    stopWatchdog();
    throw e;
  }
  opts.onPending?.(record);

  const remaining = (): number => Math.max(0, record.deadline - now());
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  const verdict = await Promise.race<{ ok: boolean; by: string; reason?: string }>([
    opts.probes().then(
      (ok) => (ok ? { ok, by: 'probes' } : { ok, by: 'probes', reason: 'a probe failed' }),
      (e: Error) => ({ ok: false, by: 'probes', reason: `a probe threw: ${e.message}` }),
    ),
    new Promise((r) => (timer = setTimeout(() => r({ ok: false, by: 'deadline', reason: `not confirmed within ${timeoutMs} ms` }), remaining()))),
    // Settled elsewhere (`claude confirm`, the watchdog): stop waiting.
    new Promise((r) => (poll = setInterval(() => { if (!existsSync(recordFile(dir, id, 'json'))) r({ ok: false, by: 'elsewhere' }); }, 100))),
  ]);
  clearTimeout(timer);
  clearInterval(poll);

  let outcome: ConfirmOutcome;
  let by = verdict.by;
  if (verdict.by !== 'elsewhere' && claim(dir, id, verdict.ok ? 'confirming' : 'reverting')) {
    if (verdict.ok) {
      by = opts.probesName?.() ?? 'probes';
      settle(dir, id, 'confirming', `confirmed by ${by}`);
      by = by.split(':')[0]!;
      outcome = 'confirmed';
    } else {
      markCurrentLoad(dir);
      await driver.apply(snap.ruleset, { check: false });
      settle(dir, id, 'reverting', `reverted by ${by}${verdict.reason ? ': ' + verdict.reason : ''}`);
      outcome = 'reverted';
    }
    stopWatchdog();
  } else {
    // Someone else claimed it: wait for them to finish, then read the log.
    await waitGone(dir, id, 10_000);
    const line = logLines(dir).reverse().find((l) => l.split(' ')[1] === id);
    const f = line?.split(' ') ?? [];
    outcome = f[2] === 'confirmed' ? 'confirmed' : 'reverted';
    by = f[4]?.replace(/:$/, '') ?? 'unknown';
    if (!line) verdict.reason = 'settled by another process without a logged outcome; see firewall-confirm.log and run `claude recover`';
  }
  const observed = await driver.observe();
  return { id, outcome, by, ...(verdict.reason && outcome === 'reverted' ? { reason: verdict.reason } : {}), previous: record.previous, observed };
}

/** Confirms every pending change by hand (`claude confirm`). Returns the confirmed ids. */
export function confirmPending(journalDir: string, now: () => number = Date.now): string[] {
  const done: string[] = [];
  for (const r of listPending(journalDir)) {
    if (r.deadline <= now()) continue; // too late: the revert owns it
    if (claim(journalDir, r.id, 'confirming')) {
      settle(journalDir, r.id, 'confirming', 'confirmed by confirm');
      done.push(r.id);
    }
  }
  return done;
}

/** The pending records (not yet settled), sorted by deadline. */
export function listPending(journalDir: string): PendingFirewallRecord[] {
  if (!existsSync(journalDir)) return [];
  const out: PendingFirewallRecord[] = [];
  for (const f of readdirSync(journalDir).sort()) {
    const m = /^firewall-pending-(.+)\.json$/.exec(f);
    if (!m) continue;
    try {
      out.push(JSON.parse(readFileSync(join(journalDir, f), 'utf8')) as PendingFirewallRecord);
    } catch {
      /* being renamed right now */
    }
  }
  return out.sort((a, b) => a.deadline - b.deadline || (a.id < b.id ? -1 : 1));
}

export interface RecoverResult {
  /** Ids whose previous table was loaded again now. */
  reverted: string[];
  /** Still inside their window (deadline in the future): left alone. */
  pending: { id: string; deadline: number }[];
  /** Settled without loading anything: a later table had been loaded since. */
  superseded: string[];
}

/**
 * Honours the journal after a crash or at start-up (`claude recover`): every pending
 * change whose deadline has passed is reverted, and a revert that was interrupted (a
 * `.reverting` file) is finished. Changes still inside their window are left to their
 * watchdog and reported.
 */
export async function recoverPendingFirewall(driver: NftDriver, journalDir: string, now: number = Date.now()): Promise<RecoverResult> {
  const res: RecoverResult = { reverted: [], pending: [], superseded: [] };
  if (!existsSync(journalDir)) return res;
  for (const r of listPending(journalDir)) {
    if (r.deadline > now) {
      res.pending.push({ id: r.id, deadline: r.deadline });
      continue;
    }
    if (claim(journalDir, r.id, 'reverting')) {
      if (currentLoad(journalDir) !== r.id) {
        // A later table was loaded since (a rollback's restore, a later apply): reverting
        // now would undo that one instead.
        settle(journalDir, r.id, 'reverting', 'superseded by recover: a later table is loaded; not reverted');
        res.superseded.push(r.id);
        continue;
      }
      markCurrentLoad(journalDir);
      await driver.apply(readFileSync(join(journalDir, r.previousRulesetFile), 'utf8'), { check: false });
      settle(journalDir, r.id, 'reverting', 'reverted by recover');
      res.reverted.push(r.id);
    }
  }
  for (const f of readdirSync(journalDir).sort()) {
    const m = /^firewall-pending-(.+)\.reverting$/.exec(f);
    if (!m) continue;
    const id = m[1]!;
    const prev = join(journalDir, prevFile(id));
    if (currentLoad(journalDir) !== id) {
      settle(journalDir, id, 'reverting', 'superseded by recover: a later table is loaded; not reverted');
      if (!res.superseded.includes(id)) res.superseded.push(id);
      continue;
    }
    if (existsSync(prev)) {
      markCurrentLoad(journalDir);
      await driver.apply(readFileSync(prev, 'utf8'), { check: false });
    }
    settle(journalDir, id, 'reverting', 'reverted by recover (interrupted revert finished)');
    if (!res.reverted.includes(id)) res.reverted.push(id);
  }
  // Settled here and nothing pending any more: an admin-side watch left by a dead applier goes too.
  if (res.pending.length === 0 && res.reverted.length + res.superseded.length > 0) await stopAdminWatch(driver);
  return res;
}

/**
 * After the apply recovery settled an interrupted apply (`rolled-back`: the snapshot's table
 * is loaded again; `completed`: the change had been confirmed), every pending record left by
 * the dead applier is settled without loading anything, and its watchdog is stopped, so no
 * watchdog can later revert a table loaded after this point. Returns the settled ids.
 */
export function settleAfterRecovery(journalDir: string, how: 'rolled-back' | 'completed'): string[] {
  const done: string[] = [];
  for (const r of listPending(journalDir)) {
    const to = how === 'completed' ? 'confirming' : 'reverting';
    if (!claim(journalDir, r.id, to)) continue;
    if (r.watchdogPid !== undefined) stopWatchdogPid(r.watchdogPid);
    settle(journalDir, r.id, to, how === 'completed' ? 'confirmed by recover: the apply had completed' : 'reverted by recover: the apply was rolled back to its snapshot');
    done.push(r.id);
  }
  return done;
}

/** Stops a revert watchdog by its pid, only if that pid still is one (pids are reused). */
function stopWatchdogPid(pid: number): void {
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('claude-firewall-watchdog')) return;
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* gone already */
  }
}

function claim(dir: string, id: string, to: 'confirming' | 'reverting'): boolean {
  try {
    renameSync(recordFile(dir, id, 'json'), recordFile(dir, id, to));
    fsyncDir(dir);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

function settle(dir: string, id: string, from: 'confirming' | 'reverting', what: string): void {
  appendLineDurable(join(dir, LOG), `${new Date().toISOString()} ${id} ${what}`);
  rmSync(join(dir, prevFile(id)), { force: true });
  rmSync(recordFile(dir, id, from), { force: true });
  fsyncDir(dir);
}

function logLines(dir: string): string[] {
  try {
    return readFileSync(join(dir, LOG), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function waitGone(dir: string, id: string, maxMs: number): Promise<void> {
  const end = Date.now() + maxMs;
  while (Date.now() < end && (existsSync(recordFile(dir, id, 'reverting')) || existsSync(recordFile(dir, id, 'confirming')) || existsSync(recordFile(dir, id, 'json')))) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The revert watchdog: a detached shell (own session, survives the applier's SIGKILL) that
 * sleeps until the deadline, then reverts only if it wins the claim on the pending record.
 */
const WATCHDOG_SCRIPT = [
  'sleep "$1" || exit 0',
  'cd "$2" || exit 0',
  'id="$3"; shift 3',
  'mv -- "firewall-pending-$id.json" "firewall-pending-$id.reverting" 2>/dev/null || exit 0',
  // Only the change it was armed for: a later load (a rollback, a later apply) supersedes it.
  'if [ "$(cat firewall-current 2>/dev/null)" != "$id" ]; then',
  '  printf "%s %s superseded by watchdog: a later table is loaded; not reverted\\n" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$id" >> firewall-confirm.log',
  '  rm -f -- "firewall-pending-$id.prev.nft" "firewall-pending-$id.reverting"',
  '  exit 0',
  'fi',
  'printf "load-watchdog-%s\\n" "$id" > firewall-current.tmp.$$ && mv -f firewall-current.tmp.$$ firewall-current',
  'if "$@" -f "firewall-pending-$id.prev.nft"; then',
  '  printf "%s %s reverted by watchdog: deadline passed\\n" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$id" >> firewall-confirm.log',
  '  rm -f -- "firewall-pending-$id.prev.nft" "firewall-pending-$id.reverting"',
  'fi',
  // The admin-side watch of this change (runtime/admin-watch.ts), if any.
  `"$@" delete table ${ADMIN_WATCH_TABLE} >/dev/null 2>&1 || true`,
].join('\n');

function startWatchdog(driver: NftDriver, dir: string, id: string, delayMs: number): ChildProcess {
  const secs = (delayMs / 1000).toFixed(3);
  const child = spawn('sh', ['-c', WATCHDOG_SCRIPT, 'claude-firewall-watchdog', secs, dir, id, ...driver.command()], {
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => {
    /* the journal record still lets `claude recover` revert */
  });
  child.unref();
  return child;
}
