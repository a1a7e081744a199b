/**
 * `claude health`: a health score and predictions, each with its evidence and confidence
 * (docs/health.md). Read-only: it reads the observer's metric rings
 * (`<dataDir>/observe/metrics.json`, kept by `claude observe --serve`), one observation of
 * the engine and the host, PSI and cgroup counters, the job records and the certificate
 * store (each certificate's `cert.json` under `<dataDir>/certs/`, runtime/certs/store.ts). The predictors themselves are pure (predict.ts).
 *
 *   healthReport(opts) → HealthReport
 *   predictionAnomalies(store, facts, now) → Anomaly[]   (the daemon's threshold crossings)
 */
import type { Anomaly, Facts } from '../../plan/observed.js';
import { listStored } from '../certs/store.js';
import { requestedExit } from './anomalies.js';
import { MetricsStore, type Point } from './metrics.js';
import { backupFreshness, certificateExpiry, cpuThrottling, crashLoopRisk, diskFull, healthScore, memoryGrowth, pressure, type Prediction, type TrendOptions } from './predict.js';
import { cgroupPressure, cpuThrottle, hostPressure, type CpuThrottle, type PressureSet } from './pressure.js';
import { compareCodePoints } from '../../common/order.js';

export interface HealthService {
  name: string;
  status: string;
  memoryBytes?: number;
  memoryLimitBytes?: number;
  cpuPercent?: number;
  restartCount: number;
  throttle?: CpuThrottle;
  pressure?: PressureSet;
}

export interface HealthReport {
  collectedAt: string;
  /** 0–100: 100 minus 25 per critical risk and 10 per warning. */
  score: number;
  grade: 'good' | 'fair' | 'poor';
  /** Risks first (critical, then warning), then the rest; each with evidence and confidence. */
  predictions: Prediction[];
  host: { cores: number; load1: number; pressure: PressureSet };
  services: HealthService[];
  /** How much metric history there is (the longest series), in seconds. */
  historyS: number;
  /** What could not be read. */
  errors: string[];
}

export interface HealthInput {
  facts: Facts;
  store: MetricsStore;
  dataDir: string;
  procRoot?: string;
  cgroupRoot?: string;
  /** Trend needs (default: an hour of samples). */
  trend?: TrendOptions;
  /** For backups: the installed schedule and the last runs (from runtime/jobs). */
  jobs?: { name: string; schedule: string; command?: string | string[]; image?: string; service?: string; intervalS: number; lastSuccessS?: number }[];
  scheduleInstalledS?: number;
}

/** Used bytes of a mount over time: the bytes series, else the percent series scaled by today's size. */
function diskSeries(store: MetricsStore, mount: string, capacity: number, since: number): Point[] {
  const bytes = store.query(`host.disk_used_bytes:${mount}`, since);
  if (bytes.length > 0) return bytes;
  return store.query(`host.disk_used_percent:${mount}`, since).map(([t, v]) => [t, (v / 100) * capacity]);
}

/** df's capacity for an unprivileged writer: used + available (statfs bavail); total when unknown. */
function capacityOf(d: Facts['host']['disks'][number]): number {
  return d.availableBytes !== undefined ? d.usedBytes + d.availableBytes : d.totalBytes;
}

const ORDER = { critical: 0, warning: 1, info: 2 } as const;

function sortPredictions(p: Prediction[]): Prediction[] {
  const rank = (x: Prediction) => (x.status === 'risk' ? ORDER[x.severity] : x.status === 'unknown' ? 3 : 4);
  return [...p].sort((a, b) => rank(a) - rank(b) || compareCodePoints(a.kind, b.kind) || compareCodePoints(a.subject, b.subject));
}

/** Is this job a backup (by name, or by what it runs)? */
export function isBackupJob(j: { name: string; command?: string | string[] }): boolean {
  const cmd = Array.isArray(j.command) ? j.command.join(' ') : (j.command ?? '');
  return /backup|dump|snapshot/i.test(j.name) || /\b(pg_dump(all)?|mysqldump|redis-cli\b.*\b(bgsave|save)|tar\b)/i.test(cmd);
}

/** The report from one observation and the stored series. */
export function buildHealthReport(i: HealthInput): HealthReport {
  const f = i.facts;
  const nowS = Math.floor(Date.parse(f.collectedAt) / 1000);
  const since = nowS - 24 * 3600;
  const predictions: Prediction[] = [];
  const errors = [...f.errors];

  for (const d of f.host.disks) {
    const cap = capacityOf(d);
    predictions.push(diskFull(d.mount, diskSeries(i.store, d.mount, cap, since), cap, i.trend));
  }

  const services: HealthService[] = [];
  // Crashes only: an exit nobody asked for. A stop or restart by a plan or by the user
  // (`docker restart`, `claude restart`, a replace) is no crash: its die event comes with a
  // kill and a stop (requestedExit), and Docker's restart event is only sent for such a
  // restart (a restart policy's own restart shows as die, then start).
  const restartsBy = new Map<string, number[]>();
  for (const e of f.events) {
    if (e.type !== 'container.die' || requestedExit(f, e)) continue;
    const svc = e.service ?? f.containers.find((c) => c.name === e.container)?.service;
    if (!svc) continue;
    const a = restartsBy.get(svc) ?? [];
    a.push(Math.floor(Date.parse(e.time) / 1000));
    restartsBy.set(svc, a);
  }
  for (const c of f.containers) {
    if (!c.managed || !c.service) continue;
    const key = c.replica && c.replica > 1 ? c.name : c.service;
    const throttle = c.pid ? cpuThrottle(c.pid, { procRoot: i.procRoot, cgroupRoot: i.cgroupRoot }) : undefined;
    const psi = c.pid ? cgroupPressure(c.pid, { procRoot: i.procRoot, cgroupRoot: i.cgroupRoot }) : undefined;
    services.push({
      name: key,
      status: c.status,
      ...(c.stats ? { memoryBytes: c.stats.memoryBytes } : {}),
      ...(c.memoryLimit ? { memoryLimitBytes: c.memoryLimit } : {}),
      ...(c.stats?.cpuPercent !== undefined ? { cpuPercent: c.stats.cpuPercent } : {}),
      restartCount: c.restartCount,
      ...(throttle ? { throttle } : {}),
      ...(psi && Object.keys(psi).length ? { pressure: psi } : {}),
    });
    predictions.push(memoryGrowth(key, i.store.query(`service.memory_bytes:${key}`, since), c.memoryLimit, i.trend));
    if (!c.replica || c.replica === 1) predictions.push(crashLoopRisk(c.service, restartsBy.get(c.service) ?? [], nowS, c.restartCount));
    if (throttle && throttle.quotaCores !== undefined) predictions.push(cpuThrottling(key, throttle));
  }

  const psi = hostPressure(i.procRoot);
  for (const r of ['cpu', 'memory', 'io'] as const) predictions.push(pressure(r, psi[r]));

  // The certificate store's own records (runtime/certs/store.ts): each with the
  // renew_before_days it was applied with, as renewal and `claude certs` use them.
  for (const cert of listStored(i.dataDir)) {
    const notAfterS = Math.floor(Date.parse(cert.notAfter) / 1000);
    if (!Number.isFinite(notAfterS)) {
      errors.push(`certificate ${cert.spec.name}: cert.json has no valid notAfter`);
      continue;
    }
    const p = certificateExpiry(cert.spec.name, notAfterS, nowS, cert.spec.renewBeforeDays);
    if (cert.source === 'placeholder') p.evidence.push('a self-signed placeholder, served until the ACME order succeeds (claude certs renew says why it fails)');
    predictions.push(p);
  }
  for (const j of i.jobs ?? []) {
    if (!isBackupJob(j)) continue;
    predictions.push(backupFreshness(j.name, j.lastSuccessS, j.intervalS, nowS, i.scheduleInstalledS));
  }

  let historyS = 0;
  for (const name of i.store.names()) historyS = Math.max(historyS, i.store.spanSince(name, since));
  const sorted = sortPredictions(predictions);
  const score = healthScore(sorted);
  return {
    collectedAt: f.collectedAt,
    score,
    grade: score >= 90 ? 'good' : score >= 70 ? 'fair' : 'poor',
    predictions: sorted,
    host: { cores: f.host.cpuCores, load1: f.host.load1, pressure: psi },
    services: services.sort((a, b) => compareCodePoints(a.name, b.name)),
    historyS,
    errors,
  };
}

/**
 * The predictions that cross a threshold, as anomalies for the observer daemon (which turns
 * new ones into notifications): a mount full within 48 h, a service reaching its memory
 * limit within 24 h on a steady rise.
 */
export function predictionAnomalies(store: MetricsStore, f: Facts, trend?: TrendOptions): Anomaly[] {
  const nowS = Math.floor(Date.parse(f.collectedAt) / 1000);
  const since = nowS - 24 * 3600;
  const out: Anomaly[] = [];
  for (const d of f.host.disks) {
    const p = diskFull(d.mount, diskSeries(store, d.mount, capacityOf(d), since), capacityOf(d), trend);
    if (p.status === 'risk' && p.etaS !== undefined && p.etaS < 48 * 3600) out.push({ kind: 'disk-fill-predicted', severity: p.etaS < 6 * 3600 ? 'critical' : 'warning', message: `${p.summary} (${p.evidence[1] ?? ''})` });
  }
  for (const c of f.containers) {
    if (!c.managed || !c.service || !c.memoryLimit) continue;
    const key = c.replica && c.replica > 1 ? c.name : c.service;
    const p = memoryGrowth(key, store.query(`service.memory_bytes:${key}`, since), c.memoryLimit, trend);
    if (p.status === 'risk' && p.etaS !== undefined && p.etaS < 24 * 3600) out.push({ kind: 'memory-leak-predicted', severity: 'warning', service: c.service, container: c.name, message: p.summary });
  }
  return out;
}
