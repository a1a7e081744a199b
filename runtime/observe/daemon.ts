/**
 * The observer as a daemon (`claude observe --serve`, systemd unit claude-observe.service):
 * every 10 s it observes (read-only), records metrics in the rings, keeps the last 1,000
 * log lines per service, follows the Docker events stream, detects anomalies (crash loops
 * by the restart count rising between ticks), and serves over HTTP:
 *
 *   GET /metrics          Prometheus text (prom-client)
 *   GET /api/v1/status    {summary, anomalies} as JSON (the state summary's data)
 *   GET /api/v1/summary   the state summary as YAML (what the LLM gets)
 *   GET /healthz          "ok" once the first observation is done
 *
 * It listens on 127.0.0.1 by default: the summary holds log lines and names that are for
 * the host's administrators. Metrics are saved to the data dir every minute and on stop;
 * events every minute (observe/events.json), so `claude status` and a restarted daemon
 * see the history.
 *
 * With `certificates` set (agent/observer.ts sets it), it also renews the TLS certificates
 * of security.yaml in the background (runtime/certs; its one writing duty: the certificate
 * files and the SIGHUP to the services that mount them) and raises certificate-expiry.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { LOCK_FILE, readLock } from '../lock.js';
import { ownerDead } from '../pidlock.js';
import { EngineClient, type DockerLike } from './engine-client.js';
import { writeFileAtomic } from '../../common/fsutil.js';
import { detectAnomalies } from './anomalies.js';
import { predictionAnomalies } from './health.js';
import { collect, readHostIdOrNull } from './collect.js';
import { logTail, onDockerEvents } from './docker.js';
import { EVENTS_STORE, loadStoredEvents as loadEvents, mergeEvents, readRuntimeEvents, retain } from './events.js';
import { LATEST_FILE, MetricsStore, type LatestCpu } from './metrics.js';
import { ObserveMetrics } from './prom.js';
import { RingBuffer } from './ring.js';

import { buildSummary, type Summary } from './summary.js';
import type { Anomaly, Facts, LogLine, ObsEvent } from '../../plan/observed.js';
import { Notifier } from '../notify/index.js';
import { certificateAnomalies, listStored, renewCertificates, type AcmeSettings } from '../certs/index.js';

export { EVENTS_STORE };
export const LOG_LINES_PER_SERVICE = 1000;

/** How often a held tick looks at the apply lock again (ms): a file read, no engine call. */
export const TICK_HOLD_POLL_MS = 200;
/** The longest a periodic tick is held for an apply (ms); after it the tick runs anyway. */
export const TICK_HOLD_MAX_MS = 60_000;
/** The longest a periodic tick is held for a command running through the CLI socket (`busy`; ms): a long one (`claude logs -f`) still sees a tick every this much and the interval. */
export const TICK_BUSY_MAX_MS = 10_000;

/**
 * Whether a live apply (or recover) holds the apply lock of `dataDir` (runtime/lock.ts): the
 * lock file is there and its owner is not known dead. An owner not readable yet (the file is
 * linked whole, so only for a moment) counts as live.
 */
export function applyHoldsLock(dataDir: string): boolean {
  const owner = readLock(dataDir);
  if (owner) return !ownerDead(owner);
  return existsSync(join(dataDir, LOCK_FILE));
}

export interface DaemonOptions {
  docker?: DockerLike;
  dataDir: string;
  root?: string;
  now?: () => Date;
  /** This instance's host id (only its containers are managed); default: the data dir's. */
  hostId?: string | null;
  /** Observation interval. Default 10 s. */
  intervalMs?: number;
  /** Where metrics and events are saved. Default 60 s. */
  saveEveryMs?: number;
  host?: string;
  /** 0: any free port (tests). */
  port?: number;
  /** Probe published ports each tick. Default true. */
  probePorts?: boolean;
  log?: (line: string) => void;
  /** Where anomalies are sent when they appear (runtime/notify); default: one on this data dir. */
  notifier?: Notifier;
  /**
   * While a live apply holds the data dir's apply lock, a periodic tick waits (looking again
   * every TICK_HOLD_POLL_MS) and runs once the lock is free, or after this long (ms) anyway.
   * Default TICK_HOLD_MAX_MS.
   */
  holdMaxMs?: number;
  /**
   * Another hold: while this says true, a periodic tick waits the same way, up to
   * `busyMaxMs` (default TICK_BUSY_MAX_MS). `claude serve` passes whether a command runs
   * through its CLI socket (agent/cli-socket.ts `busy`): an apply's own observation,
   * verification and pre-flight come before it takes the lock, and its plan before that.
   */
  busy?: () => boolean;
  busyMaxMs?: number;
  /**
   * Renew certificates (runtime/certs) from this daemon: at the first tick, every `everyMs`
   * (default 12 h) and as soon as a new placeholder appears (an apply added a certificate).
   * Each issued, renewed or failed certificate is a notification. Omitted: no renewal here.
   */
  certificates?: { acme: AcmeSettings; everyMs?: number; root: string };
}

/** The key that says an anomaly is the same one as at the previous tick (not notified again). */
export function anomalyKey(a: Anomaly): string {
  return `${a.kind}|${a.service ?? ''}|${a.container ?? ''}|${a.certificate ?? ''}`;
}

export class ObserveDaemon {
  private readonly docker: DockerLike;
  private readonly now: () => Date;
  private store: MetricsStore;
  readonly prom = new ObserveMetrics();
  private server: Server | null = null;
  private timer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private eventsStream: (NodeJS.ReadableStream & { destroy?: () => void }) | null = null;
  private events: ObsEvent[] = [];
  private logs = new Map<string, { ring: RingBuffer<LogLine>; since: number }>();
  private previousStats = new Map<string, { cpuTotalNs: number; systemCpuNs: number }>();
  private knownHostId: string | null = null;

  /** This instance's host id: the option, else the data dir's (read until the first apply makes it, then kept). */
  private hostId(): string | null {
    if (this.o.hostId !== undefined) return this.o.hostId;
    return (this.knownHostId ??= readHostIdOrNull(this.o.dataDir));
  }
  private previousHostCpu: { busy: number; total: number } | undefined;
  private previousRestarts = new Map<string, number>();
  /** Anomalies present at the previous tick: only new ones are notified. */
  private activeAnomalies = new Set<string>();
  private readonly notifier: Notifier;
  private ticking: Promise<void> | null = null;
  private renewing: Promise<void> | null = null;
  private lastRenewAt = -Infinity;
  /** Placeholders an order was already tried for (retried at the next periodic pass). */
  private triedPlaceholders = new Set<string>();
  private last: { facts: Facts; anomalies: Anomaly[]; summary: Summary } | null = null;
  /** Observations made so far. */
  ticks = 0;

  constructor(private readonly o: DaemonOptions) {
    this.docker = o.docker ?? new EngineClient();
    this.now = o.now ?? (() => new Date());
    this.store = MetricsStore.load(o.dataDir).store;
    this.events = loadEvents(o.dataDir);
    this.notifier = o.notifier ?? new Notifier({ dataDir: o.dataDir, now: this.now, log: (l) => o.log?.(`claude-observe: ${l}`) });
  }

  /** Starts the HTTP server and the loop; resolves with the address once listening. */
  async start(): Promise<{ host: string; port: number }> {
    const host = this.o.host ?? '127.0.0.1';
    this.server = createServer((req, res) => void this.handle(req.url ?? '/', res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.port ?? 9101, host, () => resolve());
    });
    const addr = this.server.address() as { port: number };
    await this.startLoop();
    return { host, port: addr.port };
  }

  /**
   * The loop without the HTTP server: observe every interval, follow Docker events, save
   * metrics and events to the data dir. `claude serve` runs this when no observer daemon does,
   * so its charts have data and container events outlive Docker's short event buffer.
   */
  async startLoop(): Promise<void> {
    this.followEvents();
    await this.tick();
    this.timer = setInterval(() => void this.periodicTick(), this.o.intervalMs ?? 10_000);
    this.saveTimer = setInterval(() => this.save(), this.o.saveEveryMs ?? 60_000);
    this.timer.unref?.();
    this.saveTimer.unref?.();
  }

  /** The metric rings (live, not a copy). */
  metrics(): MetricsStore {
    return this.store;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.timer = this.saveTimer = null;
    this.eventsStream?.destroy?.();
    this.eventsStream = null;
    if (this.ticking) await this.ticking.catch(() => undefined);
    if (this.renewing) await this.renewing.catch(() => undefined);
    await this.notifier.drain();
    this.save();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = null;
  }

  /** The last observation (null before the first tick). */
  current(): { facts: Facts; anomalies: Anomaly[]; summary: Summary } | null {
    return this.last;
  }

  /** The log ring of a container (oldest first). */
  logLines(container: string): LogLine[] {
    return this.logs.get(container)?.ring.toArray() ?? [];
  }

  /** A periodic tick being held for an apply (the interval's next ones are dropped meanwhile). */
  private holding = false;
  /** Periodic ticks held for an apply so far, and the ms they waited (tests, the bench). */
  held = { ticks: 0, ms: 0 };

  /** Whether a periodic tick is waiting for an apply to release the lock now. */
  holdingForApply(): boolean {
    return this.holding;
  }

  /**
   * The interval's tick: held while an apply holds the lock. A tick inspects every container,
   * takes their stats and pulls their logs: dockerd's work and a CPU on the 2-core hosts this
   * runs on, beside an apply's creates, starts and readiness probes (it landed on about one
   * apply in ten handed to `claude serve`'s worker, session 19). Nothing is lost by waiting:
   * the events stream is followed all the while, the logs are pulled from where the last tick
   * stopped, and the apply's own observation is what it acts on.
   */
  private async periodicTick(): Promise<void> {
    if (this.holding || this.ticking) return;
    const t0 = Date.now();
    const max = this.o.holdMaxMs ?? TICK_HOLD_MAX_MS;
    const busyMax = this.o.busyMaxMs ?? TICK_BUSY_MAX_MS;
    // held while an apply holds the lock (up to `max`) or a command runs (`busy`, up to `busyMax`)
    const held = () => (Date.now() - t0 < max && applyHoldsLock(this.o.dataDir)) || (Date.now() - t0 < busyMax && this.o.busy?.() === true);
    if (held()) {
      this.holding = true;
      try {
        while (this.timer && held()) await new Promise((r) => setTimeout(r, TICK_HOLD_POLL_MS).unref?.());
      } finally {
        this.holding = false;
      }
      this.held.ticks++;
      this.held.ms += Date.now() - t0;
      if (!this.timer) return; // stopped meanwhile
    }
    await this.tick();
  }

  /** One observation; ticks never overlap. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.doTick().finally(() => (this.ticking = null));
    return this.ticking;
  }

  private async doTick(): Promise<void> {
    const now = this.now();
    const facts = await collect({
      docker: this.docker,
      dataDir: this.o.dataDir,
      root: this.o.root,
      now: () => now,
      hostId: this.hostId(),
      previous: this.previousStats,
      previousHostCpu: this.previousHostCpu,
      eventsWindowMs: 0,
      troubleLogLines: 0,
      probePorts: this.o.probePorts !== false,
    });
    this.previousHostCpu = facts.host.cpuTimes;
    this.previousStats = new Map(facts.containers.filter((c) => c.stats).map((c) => [c.id, { cpuTotalNs: c.stats!.cpuTotalNs, systemCpuNs: c.stats!.systemCpuNs }]));
    await this.pullLogs(facts);
    facts.logs = Object.fromEntries([...this.logs].filter(([name]) => facts.containers.some((c) => c.name === name)).map(([name, l]) => [name, l.ring.tail(20)]));
    this.events = retain(mergeEvents(this.events, readRuntimeEvents(this.o.dataDir, now.getTime() - 24 * 3600_000)), now);
    facts.events = this.events.slice();
    const anomalies = await detectAnomalies(facts, { previousRestarts: this.previousRestarts });
    anomalies.push(...certificateAnomalies(this.o.dataDir, now));
    this.maybeRenew(now);
    this.previousRestarts = new Map(facts.containers.map((c) => [c.id, c.restartCount]));
    this.store.recordFacts(facts);
    // Predictions that cross a threshold (a disk full within 48 h, a memory limit reached
    // within 24 h on a steady rise) are anomalies too: an event and a notification.
    anomalies.push(...predictionAnomalies(this.store, facts));
    this.notifyNew(anomalies);
    this.saveLatest(facts);
    this.prom.update(facts, anomalies);
    this.last = { facts, anomalies, summary: buildSummary(facts, anomalies) };
    this.ticks++;
  }

  /** Starts a certificate renewal pass in the background when one is due (see DaemonOptions.certificates). */
  private maybeRenew(now: Date): void {
    const c = this.o.certificates;
    if (!c || this.renewing) return;
    const newPlaceholder = listStored(this.o.dataDir).some((s) => s.source === 'placeholder' && !this.triedPlaceholders.has(s.spec.name));
    if (!newPlaceholder && now.getTime() - this.lastRenewAt < (c.everyMs ?? 12 * 3600_000)) return;
    this.lastRenewAt = now.getTime();
    for (const s of listStored(this.o.dataDir)) if (s.source === 'placeholder') this.triedPlaceholders.add(s.spec.name);
    this.renewing = renewCertificates({ dataDir: this.o.dataDir, root: c.root, now, acme: c.acme, log: (l) => this.o.log?.(`claude-observe: ${l}`) })
      .then((results) => {
        for (const r of results) {
          if (r.action === 'issued' || r.action === 'renewed') {
            this.notifier.notify({ source: 'observer', kind: `certificate.${r.action}`, severity: 'info', title: `certificate ${r.name} ${r.action}, valid until ${r.notAfter}`, detail: [r.reason, ...(r.reloaded.length ? [`reloaded ${r.reloaded.join(', ')}`] : []), ...r.unconfirmed.map((u) => `${u.service} ${u.why}`)] });
          } else if (r.action === 'failed') {
            this.notifier.notify({ source: 'observer', kind: 'certificate.failed', severity: 'warning', title: `certificate ${r.name}: the order failed; the old files are kept`, detail: [r.reason] });
          }
        }
      })
      .catch((e: Error) => this.o.log?.(`claude-observe: certificate renewal: ${e.message}`))
      .finally(() => (this.renewing = null));
  }

  /** Waits for a certificate renewal pass under way (tests). */
  async renewalSettled(): Promise<void> {
    while (this.renewing) await this.renewing;
  }

  /** Sends a notification for each anomaly that was not there at the previous tick. */
  private notifyNew(anomalies: Anomaly[]): void {
    const now = new Set(anomalies.map(anomalyKey));
    for (const a of anomalies) {
      if (this.activeAnomalies.has(anomalyKey(a))) continue;
      this.notifier.notify({ source: 'observer', kind: `anomaly.${a.kind}`, severity: a.severity, title: a.message, ...(a.service ? { service: a.service } : {}), ...(a.container ? { detail: [`container ${a.container}`] } : {}) });
    }
    this.activeAnomalies = now;
  }

  /** Appends each managed container's new log lines (since the last tick) to its ring. */
  private async pullLogs(f: Facts): Promise<void> {
    const live = new Set<string>();
    await Promise.all(
      f.containers
        .filter((c) => c.managed)
        .map(async (c) => {
          live.add(c.name);
          let entry = this.logs.get(c.name);
          if (!entry) {
            entry = { ring: new RingBuffer<LogLine>(LOG_LINES_PER_SERVICE), since: 0 };
            this.logs.set(c.name, entry);
          }
          try {
            const lines = await logTail(this.docker, c.id, LOG_LINES_PER_SERVICE, entry.since || undefined);
            const lastTime = entry.ring.last()?.time ?? '';
            for (const l of lines) if (!lastTime || l.time > lastTime) entry.ring.push(l);
            const t = entry.ring.last()?.time;
            if (t) entry.since = Math.floor(Date.parse(t) / 1000);
          } catch {
            /* removed between list and logs */
          }
        }),
    );
    for (const name of [...this.logs.keys()]) if (!live.has(name)) this.logs.delete(name);
  }

  private followEvents(): void {
    const since = Math.floor(this.now().getTime() / 1000);
    this.docker.getEvents({ since, filters: { type: ['container'] } }).then(
      (stream) => {
        this.eventsStream = stream as NodeJS.ReadableStream & { destroy?: () => void };
        onDockerEvents(stream, () => this.hostId(), (ev) => this.events.push(ev));
        stream.on('error', () => undefined);
      },
      (err: Error) => this.o.log?.(`claude-observe: cannot follow docker events: ${err.message}`),
    );
  }

  /** The latest CPU figures, for `claude status` to use instead of its own 100 ms sample. */
  private saveLatest(f: Facts): void {
    const services: Record<string, number> = {};
    for (const c of f.containers) {
      if (!c.managed || c.stats?.cpuPercent === undefined) continue;
      services[c.service ? (c.replica && c.replica > 1 ? c.name : c.service) : c.name] = c.stats.cpuPercent;
    }
    const latest: LatestCpu = { version: 1, at: Math.floor(Date.parse(f.collectedAt) / 1000), ...(f.host.cpuPercent !== undefined ? { host: f.host.cpuPercent } : {}), services, pid: process.pid };
    try {
      writeFileAtomic(join(this.o.dataDir, LATEST_FILE), JSON.stringify(latest), 0o600);
    } catch (e) {
      this.o.log?.(`claude-observe: cannot save to ${this.o.dataDir}: ${(e as Error).message}`);
    }
  }

  private save(): void {
    const nowS = Math.floor(this.now().getTime() / 1000);
    try {
      this.store.save(this.o.dataDir, nowS);
      writeFileAtomic(join(this.o.dataDir, EVENTS_STORE), JSON.stringify({ version: 1, events: retain(this.events, this.now()) }), 0o600);
    } catch (e) {
      this.o.log?.(`claude-observe: cannot save to ${this.o.dataDir}: ${(e as Error).message}`);
    }
  }

  private async handle(url: string, res: import('node:http').ServerResponse): Promise<void> {
    const path = url.split('?')[0];
    try {
      if (path === '/healthz') {
        res.writeHead(this.last ? 200 : 503, { 'content-type': 'text/plain' }).end(this.last ? 'ok\n' : 'starting\n');
      } else if (path === '/metrics') {
        res.writeHead(200, { 'content-type': this.prom.contentType }).end(await this.prom.text());
      } else if (path === '/api/v1/status') {
        if (!this.last) return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"no observation yet"}\n');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ summary: this.last.summary.data, anomalies: this.last.anomalies }) + '\n');
      } else if (path === '/api/v1/summary') {
        if (!this.last) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('no observation yet\n');
        res.writeHead(200, { 'content-type': 'application/yaml; charset=utf-8' }).end(this.last.summary.yaml);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /api/v1/status, /api/v1/summary, /healthz\n');
      }
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`error: ${(e as Error).message}\n`);
    }
  }
}
