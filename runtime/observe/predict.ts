/**
 * The predictors behind `claude health` (docs/health.md): pure functions over the
 * observer's metric series ([unix seconds, value] points, oldest first) and a few facts.
 * Each returns a Prediction with its evidence (the numbers it used) and a confidence, or
 * says "not enough data yet" rather than guessing.
 *
 *   diskFull          least-squares line through the used bytes of a mount → time until full
 *   memoryGrowth      a steadily rising working set (a likely leak) → time until the limit
 *   crashLoopRisk     restarts in the last hour against the hours before
 *   certificateExpiry days left against renew_before_days
 *   backupFreshness   the last successful backup against the interval its schedule implies
 *   pressure          host PSI ("some"/"full" stall shares over 10 s / 60 s / 300 s)
 *   cpuThrottling     the share of CFS periods in which a service was throttled
 *   rightSize         memory and CPU limits from the peaks and percentiles of 24 h
 *
 * Confidence (0–1) of a trend is the fit's R² scaled by how many points it rests on
 * (full at 12 points or more). Nothing here reads a file or the clock.
 */
export type Point = [number, number];

export type PredictionKind = 'disk-full' | 'memory-growth' | 'crash-loop' | 'certificate-expiry' | 'backup-freshness' | 'pressure' | 'cpu-throttling';

export interface Prediction {
  kind: PredictionKind;
  /** The mount, service, certificate, job or resource it is about. */
  subject: string;
  /** ok: nothing to worry about; risk: a prediction to act on; unknown: not enough data yet. */
  status: 'ok' | 'risk' | 'unknown';
  severity: 'critical' | 'warning' | 'info';
  /** One line, plain language ("/ fills in ~9 days at the current rate"). */
  summary: string;
  /** The numbers it rests on. */
  evidence: string[];
  /** 0–1; 0 when status is unknown. */
  confidence: number;
  /** Seconds until the predicted event (full disk, memory limit, expiry), when there is one. */
  etaS?: number;
}

export interface Fit {
  /** Units per second. */
  slope: number;
  intercept: number;
  /** Coefficient of determination, 0–1 (1 for a perfect line; 1 for a flat series too). */
  r2: number;
  n: number;
  spanS: number;
}

/** Ordinary least squares over the points; null for fewer than two distinct times. */
export function linearFit(points: readonly Point[]): Fit | null {
  const n = points.length;
  if (n < 2) return null;
  const t0 = points[0]![0];
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const [t, v] of points) {
    const x = t - t0;
    sx += x;
    sy += v;
    sxx += x * x;
    sxy += x * v;
  }
  const den = n * sxx - sx * sx;
  if (den <= 0) return null;
  const slope = (n * sxy - sx * sy) / den;
  const intercept = (sy - slope * sx) / n - slope * t0;
  const mean = sy / n;
  let ssTot = 0, ssRes = 0;
  for (const [t, v] of points) {
    ssTot += (v - mean) ** 2;
    ssRes += (v - (slope * t + intercept)) ** 2;
  }
  const r2 = ssTot === 0 ? 1 : Math.max(0, 1 - ssRes / ssTot);
  return { slope, intercept, r2, n, spanS: points[n - 1]![0] - t0 };
}

function confidenceOf(f: Fit): number {
  return round2(f.r2 * Math.min(1, f.n / 12));
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** "3 h 20 min", "9 days", "45 s". */
export function durationText(s: number): string {
  if (!Number.isFinite(s)) return 'never';
  if (s < 90) return `${Math.max(0, Math.round(s))} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) {
    const min = Math.round(s / 60);
    const h = Math.floor(min / 60);
    const m = min % 60;
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${Math.round(s / 86400)} days`;
}

export function bytesText(b: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = b;
  while (Math.abs(v) >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : Math.round(v * 10) / 10} ${u[i]}`;
}

export interface TrendOptions {
  /** The span of samples needed before predicting (default 3600 s: an hour). */
  minSpanS?: number;
  /** The fewest points needed (default 3). */
  minPoints?: number;
}

function notEnough(kind: PredictionKind, subject: string, points: readonly Point[], minSpanS: number): Prediction {
  const span = points.length > 1 ? points[points.length - 1]![0] - points[0]![0] : 0;
  return {
    kind,
    subject,
    status: 'unknown',
    severity: 'info',
    summary: `not enough data yet (${durationText(span)} of samples, ${points.length} point${points.length === 1 ? '' : 's'}; needs ${durationText(minSpanS)})`,
    evidence: [`${points.length} samples over ${durationText(span)}`],
    confidence: 0,
  };
}

/**
 * When does a mount fill up? `used` is the used bytes over time; `capacityBytes` is what can
 * be used (used + available to unprivileged writers, as df counts it).
 */
export function diskFull(mount: string, used: readonly Point[], capacityBytes: number, o: TrendOptions = {}): Prediction {
  const minSpanS = o.minSpanS ?? 3600;
  const f = linearFit(used);
  if (!f || f.spanS < minSpanS || used.length < (o.minPoints ?? 3)) return notEnough('disk-full', mount, used, minSpanS);
  const last = used[used.length - 1]!;
  const free = Math.max(0, capacityBytes - last[1]);
  const pct = capacityBytes > 0 ? Math.round((last[1] / capacityBytes) * 100) : 0;
  const perDay = f.slope * 86400;
  const evidence = [
    `${bytesText(last[1])} of ${bytesText(capacityBytes)} used (${pct}%), ${bytesText(free)} free`,
    `trend ${perDay >= 0 ? '+' : '−'}${bytesText(Math.abs(perDay))}/day over ${durationText(f.spanS)} (${used.length} samples, R² ${round2(f.r2)})`,
  ];
  // Growth under 0.1 % of the capacity a day, or shrinking: no fill date to predict.
  if (f.slope <= 0 || perDay < capacityBytes * 0.001) {
    return { kind: 'disk-full', subject: mount, status: 'ok', severity: 'info', summary: `${mount} is ${pct}% full and not filling up`, evidence, confidence: confidenceOf(f) };
  }
  const etaS = free / f.slope;
  const severity = etaS < 48 * 3600 ? 'critical' : etaS < 7 * 86400 ? 'warning' : 'info';
  return {
    kind: 'disk-full',
    subject: mount,
    status: severity === 'info' ? 'ok' : 'risk',
    severity,
    summary: `${mount} fills in ~${durationText(etaS)} at the current rate`,
    evidence,
    confidence: confidenceOf(f),
    etaS,
  };
}

/**
 * A service's working set rising steadily (a likely leak): R² ≥ 0.7 and growth of at least
 * 10 % over the span. With a limit, the time until the service reaches it.
 */
export function memoryGrowth(service: string, mem: readonly Point[], limitBytes: number | undefined, o: TrendOptions = {}): Prediction {
  const minSpanS = o.minSpanS ?? 3600;
  const f = linearFit(mem);
  if (!f || f.spanS < minSpanS || mem.length < (o.minPoints ?? 3)) return notEnough('memory-growth', service, mem, minSpanS);
  const first = f.slope * mem[0]![0] + f.intercept;
  const last = mem[mem.length - 1]![1];
  const growth = first > 0 ? (last - first) / first : 0;
  const perHour = f.slope * 3600;
  const evidence = [
    `working set ${bytesText(last)}${limitBytes ? ` of a ${bytesText(limitBytes)} limit (${Math.round((last / limitBytes) * 100)}%)` : ' (no limit)'}`,
    `trend ${perHour >= 0 ? '+' : '−'}${bytesText(Math.abs(perHour))}/hour over ${durationText(f.spanS)} (R² ${round2(f.r2)}, ${Math.round(growth * 100)}% growth)`,
  ];
  if (f.slope <= 0 || f.r2 < 0.7 || growth < 0.1) {
    return { kind: 'memory-growth', subject: service, status: 'ok', severity: 'info', summary: `${service}'s memory is steady`, evidence, confidence: confidenceOf(f) };
  }
  const etaS = limitBytes ? Math.max(0, (limitBytes - last) / f.slope) : undefined;
  const severity = etaS !== undefined && etaS < 24 * 3600 ? 'critical' : 'warning';
  return {
    kind: 'memory-growth',
    subject: service,
    status: 'risk',
    severity,
    summary: `${service}'s memory grows steadily (a likely leak)${etaS !== undefined ? `; it reaches its limit in ~${durationText(etaS)}` : ''}`,
    evidence,
    confidence: confidenceOf(f),
    ...(etaS !== undefined ? { etaS } : {}),
  };
}

/** Restarts (unix seconds) of a service: the last hour against the average of the five before. */
export function crashLoopRisk(service: string, restarts: readonly number[], nowS: number, restartCount?: number): Prediction {
  const lastHour = restarts.filter((t) => t > nowS - 3600 && t <= nowS).length;
  const before = restarts.filter((t) => t > nowS - 6 * 3600 && t <= nowS - 3600).length / 5;
  const evidence = [`${lastHour} restart${lastHour === 1 ? '' : 's'} in the last hour, ${round2(before)}/hour in the 5 hours before${restartCount !== undefined ? `; restart count ${restartCount}` : ''}`];
  const rising = lastHour >= 2 && lastHour > 2 * before;
  if (lastHour >= 3 || rising) {
    return {
      kind: 'crash-loop',
      subject: service,
      status: 'risk',
      severity: lastHour >= 5 ? 'critical' : 'warning',
      summary: `${service} restarts ${lastHour} times an hour${rising ? ', more than before' : ''}: it is at risk of a crash loop`,
      evidence,
      confidence: round2(Math.min(1, lastHour / 5)),
    };
  }
  return { kind: 'crash-loop', subject: service, status: 'ok', severity: 'info', summary: `${service} is not restarting`, evidence, confidence: 1 };
}

/** A certificate's days left against when it should be renewed. */
export function certificateExpiry(name: string, notAfterS: number, nowS: number, renewBeforeDays = 30): Prediction {
  const left = notAfterS - nowS;
  const days = Math.floor(left / 86400);
  const evidence = [`valid until ${new Date(notAfterS * 1000).toISOString()} (${days} days left; renewal due ${renewBeforeDays} days before)`];
  if (left <= 0) return { kind: 'certificate-expiry', subject: name, status: 'risk', severity: 'critical', summary: `the certificate ${name} has expired`, evidence, confidence: 1, etaS: 0 };
  const severity = left < 7 * 86400 ? 'critical' : left < renewBeforeDays * 86400 ? 'warning' : 'info';
  return {
    kind: 'certificate-expiry',
    subject: name,
    status: severity === 'info' ? 'ok' : 'risk',
    severity,
    summary: severity === 'info' ? `the certificate ${name} is valid for ${days} more days` : `the certificate ${name} expires in ${durationText(left)}`,
    evidence,
    confidence: 1,
    etaS: left,
  };
}

/**
 * A backup job's freshness: the last success against the interval its schedule implies
 * (`intervalS`, the gap between two scheduled runs). Older than 1.5 intervals is a warning,
 * older than 3 is critical. `installedS` is when the schedule was installed, so a job that
 * has not had its first chance to run is not blamed.
 */
export function backupFreshness(job: string, lastSuccessS: number | undefined, intervalS: number, nowS: number, installedS?: number): Prediction {
  const allowed = intervalS * 1.5;
  if (lastSuccessS === undefined) {
    const since = installedS !== undefined ? nowS - installedS : Infinity;
    if (since <= allowed) return { kind: 'backup-freshness', subject: job, status: 'ok', severity: 'info', summary: `${job} has not run yet; its first run is due`, evidence: [`scheduled every ${durationText(intervalS)}`], confidence: 1 };
    return { kind: 'backup-freshness', subject: job, status: 'risk', severity: 'warning', summary: `${job} has never succeeded`, evidence: [`scheduled every ${durationText(intervalS)}; no successful run recorded`], confidence: 1 };
  }
  const age = nowS - lastSuccessS;
  const evidence = [`last success ${durationText(age)} ago (${new Date(lastSuccessS * 1000).toISOString()}); scheduled every ${durationText(intervalS)}`];
  if (age <= allowed) return { kind: 'backup-freshness', subject: job, status: 'ok', severity: 'info', summary: `${job}'s last backup is fresh`, evidence, confidence: 1 };
  return { kind: 'backup-freshness', subject: job, status: 'risk', severity: age > intervalS * 3 ? 'critical' : 'warning', summary: `${job}'s last successful backup is ${durationText(age)} old; its schedule allows ${durationText(allowed)}`, evidence, confidence: 1 };
}

export interface PsiFigures {
  some: { avg10: number; avg60: number; avg300: number };
  full?: { avg10: number; avg60: number; avg300: number };
}

/** Host stall pressure per resource (thresholds on the 60 s average, which smooths bursts). */
export function pressure(resource: 'cpu' | 'memory' | 'io', p: PsiFigures | undefined): Prediction {
  if (!p) return { kind: 'pressure', subject: resource, status: 'unknown', severity: 'info', summary: `${resource} pressure is not available (the kernel has no PSI)`, evidence: [], confidence: 0 };
  const s = p.some;
  const evidence = [`some: ${s.avg10}% / ${s.avg60}% / ${s.avg300}% of the time stalled (10 s / 60 s / 300 s)${p.full ? `; full: ${p.full.avg10}% / ${p.full.avg60}% / ${p.full.avg300}%` : ''}`];
  const limits = { cpu: [40, 80], memory: [10, 30], io: [20, 50] }[resource];
  const full60 = p.full?.avg60 ?? 0;
  const sev = s.avg60 >= limits[1]! || (resource !== 'cpu' && full60 >= limits[0]!) ? 'critical' : s.avg60 >= limits[0]! ? 'warning' : 'info';
  const what = { cpu: 'tasks waited for a CPU', memory: 'tasks stalled on memory (reclaim, swap)', io: 'tasks waited for disk I/O' }[resource];
  return {
    kind: 'pressure',
    subject: resource,
    status: sev === 'info' ? 'ok' : 'risk',
    severity: sev,
    summary: sev === 'info' ? `${resource} pressure is low (${s.avg60}% over 60 s)` : `${resource} pressure: ${what} ${s.avg60}% of the last minute`,
    evidence,
    confidence: 1,
  };
}

/** A service's CPU throttling: throttled periods over all CFS periods (cumulative, or over a window). */
export function cpuThrottling(service: string, t: { periods: number; throttled: number; throttledUs: number; quotaCores?: number }, window?: string): Prediction {
  const share = t.periods > 0 ? t.throttled / t.periods : 0;
  const evidence = [`throttled in ${t.throttled} of ${t.periods} CPU periods (${Math.round(share * 100)}%)${window ? ` ${window}` : ' since it started'}, ${round2(t.throttledUs / 1e6)} s held back${t.quotaCores !== undefined ? `; limit ${round2(t.quotaCores)} CPU` : ''}`];
  if (t.periods < 10 || share < 0.2) return { kind: 'cpu-throttling', subject: service, status: 'ok', severity: 'info', summary: `${service} is not CPU-throttled`, evidence, confidence: t.periods < 10 ? 0.5 : 1 };
  return {
    kind: 'cpu-throttling',
    subject: service,
    status: 'risk',
    severity: share >= 0.5 ? 'critical' : 'warning',
    summary: `${service} is CPU-throttled at its limit${t.quotaCores !== undefined ? ` of ${round2(t.quotaCores)} CPU` : ''} in ${Math.round(share * 100)}% of periods`,
    evidence,
    confidence: round2(Math.min(1, t.periods / 100)),
  };
}

/** The value at quantile q (0–1) of the values (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

export interface RightSize {
  service: string;
  memory?: { currentBytes?: number; peakBytes: number; p99Bytes: number; suggestedBytes: number };
  cpu?: { currentCores?: number; peakCores: number; p95Cores: number; suggestedCores: number };
  /** Why nothing (or only part) is proposed. */
  notes: string[];
  samples: number;
  spanS: number;
}

const MIB = 1024 * 1024;

/**
 * Limits from the last 24 h: memory = max(p99 × 1.5, peak × 1.2) rounded up to 16 MiB;
 * CPU = max(p95 × 1.5, peak) rounded up to 0.05 cores, at least 0.1. Never below the
 * observed peak. A change within 20 % of the current limit is not worth a restart and is
 * left out. `cpuPercent` points are percent of one core (docker stats' figure).
 */
export function rightSize(service: string, mem: readonly Point[], cpuPercent: readonly Point[], current: { memoryBytes?: number; cpuCores?: number }, o: TrendOptions = {}): RightSize {
  const minSpanS = o.minSpanS ?? 3600;
  const span = (p: readonly Point[]) => (p.length > 1 ? p[p.length - 1]![0] - p[0]![0] : 0);
  const notes: string[] = [];
  const out: RightSize = { service, notes, samples: mem.length, spanS: span(mem) };
  if (mem.length >= 3 && span(mem) >= minSpanS) {
    const vals = mem.map((p) => p[1]);
    const peak = Math.max(...vals);
    const p99 = quantile(vals, 0.99);
    const suggested = Math.max(16 * MIB, Math.ceil(Math.max(p99 * 1.5, peak * 1.2) / (16 * MIB)) * 16 * MIB);
    const cur = current.memoryBytes;
    if (cur !== undefined && Math.abs(suggested - cur) / cur <= 0.2) notes.push(`memory: the limit ${bytesText(cur)} already fits the peak ${bytesText(peak)}`);
    else out.memory = { ...(cur !== undefined ? { currentBytes: cur } : {}), peakBytes: peak, p99Bytes: p99, suggestedBytes: suggested };
  } else notes.push(`memory: not enough data yet (${durationText(span(mem))} of samples; needs ${durationText(minSpanS)})`);
  if (cpuPercent.length >= 3 && span(cpuPercent) >= minSpanS) {
    const cores = cpuPercent.map((p) => p[1] / 100);
    const peak = Math.max(...cores);
    const p95 = quantile(cores, 0.95);
    const suggested = Math.max(0.1, Math.ceil(Math.max(p95 * 1.5, peak) * 20 - 1e-9) / 20);
    const cur = current.cpuCores;
    if (cur !== undefined && Math.abs(suggested - cur) / cur <= 0.2) notes.push(`cpu: the limit ${round2(cur)} already fits the peak ${round2(peak)}`);
    else out.cpu = { ...(cur !== undefined ? { currentCores: cur } : {}), peakCores: round2(peak), p95Cores: round2(p95), suggestedCores: round2(suggested) };
  } else notes.push(`cpu: not enough data yet (${durationText(span(cpuPercent))} of samples; needs ${durationText(minSpanS)})`);
  return out;
}

const PENALTY = { critical: 25, warning: 10, info: 0 } as const;

/** 100 minus 25 per critical risk and 10 per warning, at least 0. */
export function healthScore(predictions: readonly Prediction[]): number {
  return Math.max(0, 100 - predictions.filter((p) => p.status === 'risk').reduce((a, p) => a + PENALTY[p.severity], 0));
}
