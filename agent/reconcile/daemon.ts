/**
 * The reconciler daemon (`claude reconcile --serve`, systemd unit claude-reconciler.service):
 *
 *   take `<dataDir>/reconciler.lock` (a second daemon on the same data dir refuses to start)
 *   → write the PID file (/run/claude-reconciler.pid by default)
 *   → settle an apply a crash interrupted (runtime recover: roll back or complete)
 *   → a pass at start-up → watch the state dir (watch.ts: debounced)
 *   → a full pass every `reconcile.interval` (60 s) and after Docker reports a managed
 *     container stopped, killed, removed or renamed (so a `docker stop` is seen at once)
 *
 * Every trigger runs the same level-based pass (reconciler.ts); passes never overlap. The
 * interval and debounce come from manifest.yaml `spec.reconcile` (the last valid one);
 * options given here (the command line) win.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { Paths } from '../../common/paths.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { compileFiles } from '../../compiler/compile.js';
import { acquirePidLock, LockTimeoutError, readLockOwner } from '../../runtime/pidlock.js';
import { STATE_FILE_NAMES } from '../../runtime/state/head.js';
import { Reconciler, readStateFiles, type PassRecord, type ReconcileHost } from './reconciler.js';
import { StateDirWatcher } from './watch.js';

export const RECONCILER_LOCK_FILE = 'reconciler.lock';
export const DEFAULT_PID_FILE = '/run/claude-reconciler.pid';
export const DEFAULT_INTERVAL_MS = 60_000;
export const DEFAULT_DEBOUNCE_MS = 500;

/** Another reconciler already runs on this data dir. */
export class ReconcilerRunningError extends Error {
  override name = 'ReconcilerRunningError';
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
  ) {
    super(`another claude-reconciler is already running on ${dataDir}${pid ? ` (pid ${pid})` : ''}`);
  }
  readonly hint = 'stop it first (systemctl stop claude-reconciler), or give this one its own data dir (CLAUDE_DATA_DIR)';
}

export interface ReconcilerDaemonOptions {
  paths: Paths;
  host: ReconcileHost;
  now?: () => Date;
  /** The PID file; default /run/claude-reconciler.pid (tests pass their own). */
  pidFile?: string;
  /** Overrides manifest.yaml reconcile.interval (ms). */
  intervalMs?: number;
  /** Overrides manifest.yaml reconcile.debounce (ms). */
  debounceMs?: number;
  /** Settles an interrupted apply before anything else (runtime recover); the daemon logs what it did. */
  recover?: () => Promise<{ found: string; planId: string | null; action: string; ok: boolean; problems: string[] }>;
  /** Follows Docker's container events (a stream of JSON lines), to notice a `docker stop` at once. */
  containerEvents?: () => Promise<NodeJS.ReadableStream & { destroy?: () => void }>;
  log?: (line: string) => void;
}

export class ReconcilerDaemon {
  readonly reconciler: Reconciler;
  private watcher: StateDirWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private eventTimer: NodeJS.Timeout | null = null;
  private events: (NodeJS.ReadableStream & { destroy?: () => void }) | null = null;
  private release: (() => void) | null = null;
  private stopped = false;
  private settings = { intervalMs: DEFAULT_INTERVAL_MS, debounceMs: DEFAULT_DEBOUNCE_MS };

  constructor(private readonly o: ReconcilerDaemonOptions) {
    this.reconciler = new Reconciler({ host: o.host, ...(o.now ? { now: o.now } : {}), ...(o.log ? { log: o.log } : {}) });
  }

  private log(line: string): void {
    this.o.log?.(`claude-reconciler: ${line}`);
  }

  get pidFile(): string {
    return this.o.pidFile ?? DEFAULT_PID_FILE;
  }

  /** Locks, recovers, runs the start-up pass and starts watching; resolves with that first pass. */
  async start(): Promise<PassRecord> {
    const { dataDir, stateDir } = this.o.paths;
    const lockPath = `${dataDir}/${RECONCILER_LOCK_FILE}`;
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      this.release = await acquirePidLock(lockPath, { timeoutMs: 0, purpose: 'claude-reconciler' });
    } catch (e) {
      if (e instanceof LockTimeoutError) throw new ReconcilerRunningError(dataDir, readLockOwner(lockPath)?.pid ?? null);
      throw e;
    }
    try {
      writeFileAtomic(this.pidFile, `${process.pid}\n`, 0o644);
    } catch (e) {
      this.release();
      this.release = null;
      throw new Error(`cannot write the PID file ${this.pidFile}: ${(e as Error).message} (run as root, or pass --pid-file)`);
    }
    this.readSettings();
    if (this.o.recover) {
      try {
        const r = await this.o.recover();
        if (r.found !== 'nothing') this.log(`recovered ${r.planId ?? ''} at start-up: ${r.action}${r.ok ? '' : ` — NOT settled: ${r.problems.join('; ')}`}`);
        if (!r.ok)
          this.reconciler.notifier.notify({ source: 'reconciler', kind: 'reconcile.failed', severity: 'critical', title: `an interrupted apply (${r.planId}) could not be settled at start-up; run \`claude recover\``, detail: r.problems });
      } catch (e) {
        this.log(`cannot settle an interrupted apply at start-up: ${(e as Error).message}`);
      }
    }
    const first = await this.reconciler.trigger('startup');
    this.readSettings();
    if (this.stopped) return first;
    this.watcher = this.newWatcher();
    this.watcher.start();
    this.arm();
    this.followContainers();
    this.log(`watching ${stateDir} (debounce ${this.settings.debounceMs} ms, a full pass every ${this.settings.intervalMs / 1000} s); pid ${process.pid} in ${this.pidFile}`);
    return first;
  }

  /** Stops watching, waits for the pass in progress and the notifications in flight, unlocks. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.stop();
    if (this.timer) clearTimeout(this.timer);
    if (this.eventTimer) clearTimeout(this.eventTimer);
    this.timer = this.eventTimer = null;
    this.events?.destroy?.();
    this.events = null;
    await this.reconciler.idle();
    rmSync(this.pidFile, { force: true });
    this.release?.();
    this.release = null;
  }

  private async pass(trigger: string): Promise<void> {
    if (this.stopped) return;
    await this.reconciler.trigger(trigger);
    const before = { ...this.settings };
    this.readSettings();
    if (before.intervalMs !== this.settings.intervalMs) this.arm();
    if (before.debounceMs !== this.settings.debounceMs && this.watcher) {
      this.watcher.stop();
      this.watcher = this.newWatcher();
      if (!this.stopped) this.watcher.start();
    }
  }

  /**
   * The state dir's watcher. While a change settles (the debounce), the system is observed
   * already (Reconciler.prefetch): the pass after the quiet period then only reads, compiles
   * and plans. What the system looks like does not depend on the files being written.
   */
  private newWatcher(): StateDirWatcher {
    return new StateDirWatcher({
      dir: this.o.paths.stateDir,
      names: STATE_FILE_NAMES,
      debounceMs: this.settings.debounceMs,
      onQuiet: (changed) => void this.pass(`watch (${changed.join(', ')})`),
      onChange: () => this.reconciler.prefetch(),
      log: (l) => this.log(l),
    });
  }

  /** The periodic full pass; skipped while a change is settling (its own pass follows). */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.watcher?.settling) return this.arm();
      void this.pass('interval').finally(() => this.arm());
    }, this.settings.intervalMs);
  }

  /** Interval and debounce: the options, else the last valid state files' (the reconciler's last pass), else the defaults. */
  private readSettings(): void {
    let fromFiles = this.reconciler.settings;
    if (!fromFiles && this.reconciler.passes === 0) {
      try {
        const model = compileFiles(readStateFiles(this.o.paths.stateDir)).model;
        if (model) fromFiles = { intervalMs: model.reconcile.intervalMs, debounceMs: model.reconcile.debounceMs };
      } catch {
        /* unreadable: the defaults */
      }
    }
    this.settings = {
      intervalMs: Math.max(1000, this.o.intervalMs ?? fromFiles?.intervalMs ?? this.settings.intervalMs),
      debounceMs: Math.max(0, this.o.debounceMs ?? fromFiles?.debounceMs ?? this.settings.debounceMs),
    };
  }

  /** A managed container stopped, killed, removed or renamed: a pass after the debounce. */
  private followContainers(): void {
    if (!this.o.containerEvents) return;
    this.o.containerEvents().then(
      (stream) => {
        if (this.stopped) return stream.destroy?.();
        this.events = stream;
        let buf = '';
        stream.on('data', (d: Buffer) => {
          buf += d.toString('utf8');
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line && relevantContainerEvent(line, this.o.host.hostId)) this.containerChanged();
          }
        });
        stream.on('error', () => undefined);
      },
      (e: Error) => this.log(`cannot follow Docker's container events (${e.message}); drift is found by the periodic pass`),
    );
  }

  private containerChanged(): void {
    if (this.stopped) return;
    this.reconciler.invalidateObservation();
    if (this.eventTimer) clearTimeout(this.eventTimer);
    this.eventTimer = setTimeout(() => {
      this.eventTimer = null;
      void this.pass('container-event');
    }, this.settings.debounceMs);
  }
}

const CONTAINER_ACTIONS = new Set(['die', 'stop', 'kill', 'destroy', 'rename', 'pause', 'update']);

/** A Docker event line about a container this host manages going away or changing. */
export function relevantContainerEvent(line: string, hostId: string): boolean {
  try {
    const m = JSON.parse(line) as { Type?: string; Action?: string; status?: string; Actor?: { Attributes?: Record<string, string> } };
    if ((m.Type ?? 'container') !== 'container') return false;
    const action = (m.Action ?? m.status ?? '').split(':')[0]!.trim();
    const attrs = m.Actor?.Attributes ?? {};
    return CONTAINER_ACTIONS.has(action) && attrs['claude.os/managed'] === 'true' && attrs['claude.os/host'] === hostId;
  } catch {
    return false;
  }
}
