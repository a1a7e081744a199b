/**
 * Metrics retention (spec: 1 hour at 10-second resolution, 24 hours at 1-minute
 * resolution): two ring buffers per series, persisted as compact JSON in
 * `<dataDir>/observe/metrics.json`, written atomically. The daemon records one sample per
 * series every 10 s; each completed minute's mean goes to the 1-minute ring.
 *
 * Series names: `host.cpu_percent`, `host.memory_used_bytes`, `host.disk_used_percent:<mount>`,
 * `host.disk_used_bytes:<mount>` (what `claude health` fits its disk-full trend on),
 * `service.cpu_percent:<service>`, `service.memory_bytes:<service>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/fsutil.js';
import { RingBuffer } from './ring.js';
import type { Facts } from '../../plan/observed.js';

export const METRICS_FILE = 'observe/metrics.json';
export const FINE_STEP_S = 10;
export const FINE_POINTS = 360; // 1 h
export const COARSE_STEP_S = 60;
export const COARSE_POINTS = 1440; // 24 h

/** Where the daemon writes its latest CPU figures every tick (small, atomic). */
export const LATEST_FILE = 'observe/latest.json';

export interface LatestCpu {
  version: 1;
  /** Unix seconds of the observation. */
  at: number;
  host?: number;
  /** Service key (service, or container name for replicas ≥ 2) → CPU %. */
  services: Record<string, number>;
  /** The process that wrote it (the observer daemon, or claude serve's loop): a reader can tell a stopped writer's fresh file from a running observer. */
  pid?: number;
}

/** [unix seconds, value] */
export type Point = [number, number];

interface SeriesRings {
  fine: RingBuffer<Point>;
  coarse: RingBuffer<Point>;
  /** The minute being accumulated for the coarse ring. */
  bucket: { minute: number; sum: number; n: number } | null;
  /** When the newest fine point's slot began: samples within half a step of it merge into it. */
  slotStart?: number;
}

interface MetricsFile {
  version: 1;
  savedAt: number;
  series: Record<string, { fine: Point[]; coarse: Point[]; bucket: SeriesRings['bucket'] }>;
}

export class MetricsStore {
  private series = new Map<string, SeriesRings>();

  /** Records a value at unix second t. Samples closer than the fine step are merged (last wins). */
  record(name: string, t: number, value: number): void {
    if (!Number.isFinite(value)) return;
    let s = this.series.get(name);
    if (!s) {
      s = { fine: new RingBuffer<Point>(FINE_POINTS), coarse: new RingBuffer<Point>(COARSE_POINTS), bucket: null };
      this.series.set(name, s);
    }
    const last = s.fine.last();
    if (last && t < last[0]) return; // clock went back: ignore rather than disorder the ring
    if (last && s.slotStart !== undefined && t - s.slotStart < FINE_STEP_S / 2) {
      // Merged: the newer sample replaces the older one, time and value; the slot stays where
      // it began, so samples every second still make a new point every half step.
      last[0] = t;
      last[1] = value;
    } else {
      s.fine.push([t, value]);
      s.slotStart = t;
    }
    const minute = Math.floor(t / COARSE_STEP_S) * COARSE_STEP_S;
    if (s.bucket && s.bucket.minute !== minute) {
      s.coarse.push([s.bucket.minute, round3(s.bucket.sum / s.bucket.n)]);
      s.bucket = null;
    }
    s.bucket = s.bucket ? { minute, sum: s.bucket.sum + value, n: s.bucket.n + 1 } : { minute, sum: value, n: 1 };
  }

  /** Records a whole observation (host and per-service figures) at its collection time. */
  recordFacts(f: Facts): void {
    const t = Math.floor(Date.parse(f.collectedAt) / 1000);
    if (f.host.cpuPercent !== undefined) this.record('host.cpu_percent', t, f.host.cpuPercent);
    this.record('host.memory_used_bytes', t, f.host.memUsedBytes);
    for (const d of f.host.disks) {
      this.record(`host.disk_used_percent:${d.mount}`, t, d.usagePercent);
      this.record(`host.disk_used_bytes:${d.mount}`, t, d.usedBytes);
    }
    for (const c of f.containers) {
      if (!c.managed || !c.service || !c.stats) continue;
      const key = c.replica && c.replica > 1 ? c.name : c.service;
      if (c.stats.cpuPercent !== undefined) this.record(`service.cpu_percent:${key}`, t, c.stats.cpuPercent);
      this.record(`service.memory_bytes:${key}`, t, c.stats.memoryBytes);
      // Counters since the container started; rates are taken from their deltas (netRates).
      if (c.stats.netRxBytes !== undefined) this.record(`service.net_rx_bytes:${key}`, t, c.stats.netRxBytes);
      if (c.stats.netTxBytes !== undefined) this.record(`service.net_tx_bytes:${key}`, t, c.stats.netTxBytes);
    }
  }

  names(): string[] {
    return [...this.series.keys()].sort();
  }

  /** Points since unix second `since`, from the fine ring when it covers the span, else the coarse one. */
  query(name: string, since: number): Point[] {
    const s = this.series.get(name);
    if (!s) return [];
    const fine = s.fine.toArray();
    if (fine.length > 0 && fine[0]![0] <= since) return fine.filter((p) => p[0] >= since);
    const coarse = s.coarse.toArray().filter((p) => p[0] >= since);
    const firstFine = fine[0]?.[0] ?? Infinity;
    // A coarse point is stamped with its minute's start but averages the whole minute: keep
    // only the minutes that ended before the fine ring begins (no overlap, no stale mean).
    return [...coarse.filter((p) => p[0] + COARSE_STEP_S <= firstFine), ...fine];
  }

  /** How many seconds of a series there are since `since` (what `query` would span), without copying it. */
  spanSince(name: string, since: number): number {
    const s = this.series.get(name);
    if (!s) return 0;
    const last = s.fine.last() ?? s.coarse.last();
    if (!last) return 0;
    const fine0 = s.fine.first();
    let first: Point | undefined;
    if (fine0 && fine0[0] <= since) first = s.fine.toArray().find((p) => p[0] >= since);
    else {
      const c0 = s.coarse.first();
      // the coarse ring's oldest minute still inside the window, else the fine ring's oldest point
      first = c0 && c0[0] >= since && c0[0] + COARSE_STEP_S <= (fine0?.[0] ?? Infinity) ? c0 : s.coarse.toArray().find((p) => p[0] >= since && p[0] + COARSE_STEP_S <= (fine0?.[0] ?? Infinity)) ?? fine0;
    }
    return first && last[0] > first[0] ? last[0] - first[0] : 0;
  }

  latest(name: string): Point | undefined {
    return this.series.get(name)?.fine.last();
  }

  toJSON(now: number): MetricsFile {
    const series: MetricsFile['series'] = {};
    for (const name of this.names()) {
      const s = this.series.get(name)!;
      series[name] = { fine: s.fine.toArray(), coarse: s.coarse.toArray(), bucket: s.bucket };
    }
    return { version: 1, savedAt: now, series };
  }

  static fromJSON(data: unknown): MetricsStore {
    const store = new MetricsStore();
    const f = data as Partial<MetricsFile> | null;
    if (!f || f.version !== 1 || typeof f.series !== 'object' || f.series === null) return store;
    for (const [name, s] of Object.entries(f.series)) {
      if (!s || !Array.isArray(s.fine) || !Array.isArray(s.coarse)) continue;
      store.series.set(name, {
        fine: new RingBuffer<Point>(FINE_POINTS, s.fine.filter(isPoint)),
        coarse: new RingBuffer<Point>(COARSE_POINTS, s.coarse.filter(isPoint)),
        bucket: s.bucket && typeof s.bucket.minute === 'number' ? s.bucket : null,
      });
    }
    return store;
  }

  /** Writes `<dataDir>/observe/metrics.json` atomically (compact JSON). */
  save(dataDir: string, now: number): void {
    writeFileAtomic(join(dataDir, METRICS_FILE), JSON.stringify(this.toJSON(now)), 0o600);
  }

  /** Loads the persisted store; a missing or damaged file gives an empty store. */
  static load(dataDir: string): { store: MetricsStore; savedAt: number | null } {
    try {
      const data = JSON.parse(readFileSync(join(dataDir, METRICS_FILE), 'utf8')) as MetricsFile;
      return { store: MetricsStore.fromJSON(data), savedAt: typeof data.savedAt === 'number' ? data.savedAt : null };
    } catch {
      return { store: new MetricsStore(), savedAt: null };
    }
  }
}

function isPoint(p: unknown): p is Point {
  return Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && typeof p[1] === 'number';
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * Bytes per second from a counter series: the delta between neighbouring points over their
 * gap. A counter that went down (the container was replaced or restarted) starts again:
 * that interval is skipped rather than shown as a negative or a spike.
 */
export function counterRate(points: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 1; i < points.length; i++) {
    const [t0, v0] = points[i - 1]!;
    const [t1, v1] = points[i]!;
    if (t1 <= t0 || v1 < v0) continue;
    out.push([t1, Math.round((v1 - v0) / (t1 - t0))]);
  }
  return out;
}
