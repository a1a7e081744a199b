import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backupFreshness, certificateExpiry, cpuThrottling, crashLoopRisk, diskFull, durationText, healthScore, linearFit, memoryGrowth, pressure, quantile, rightSize, type Point } from './predict.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const T0 = 1_800_000_000;

/** n points every `step` s from T0: value f(i). */
function series(n: number, step: number, f: (i: number) => number): Point[] {
  return Array.from({ length: n }, (_, i) => [T0 + i * step, f(i)] as Point);
}

/** A deterministic pseudo-random noise in [-1, 1]. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

describe('linearFit', () => {
  it('recovers slope and intercept of a line, with R² 1', () => {
    const f = linearFit(series(10, 60, (i) => 100 + 5 * i))!;
    expect(f.slope).toBeCloseTo(5 / 60, 9);
    expect(f.slope * T0 + f.intercept).toBeCloseTo(100, 6);
    expect(f.r2).toBeCloseTo(1, 9);
    expect(f.spanS).toBe(540);
  });
  it('is null for fewer than two distinct times', () => {
    expect(linearFit([])).toBeNull();
    expect(linearFit([[T0, 1]])).toBeNull();
    expect(linearFit([[T0, 1], [T0, 2]])).toBeNull();
  });
});

describe('diskFull', () => {
  const cap = 100 * GIB;
  it('linear growth: predicts the fill time from the slope and the free space', () => {
    // 50 GiB used, +1 GiB per hour over 24 h (1-minute points) → 26 GiB left at the end → 26 h.
    const used = series(24 * 60 + 1, 60, (i) => 50 * GIB + (i / 60) * GIB);
    const p = diskFull('/', used, cap);
    expect(p.status).toBe('risk');
    expect(p.severity).toBe('critical'); // < 48 h
    expect(p.etaS! / 3600).toBeCloseTo(26, 1);
    expect(p.summary).toBe('/ fills in ~26 h at the current rate');
    expect(p.confidence).toBe(1);
    expect(p.evidence.join(' ')).toMatch(/74 GiB of 100 GiB used \(74%\)/);
  });
  it('noisy growth: still predicts close to the truth, with a lower confidence', () => {
    const used = series(24 * 60, 60, (i) => 20 * GIB + (i / 60) * 0.5 * GIB + noise(i) * 2 * GIB);
    const p = diskFull('/data', used, cap);
    const truth = (cap - used[used.length - 1]![1]) / ((0.5 * GIB) / 3600);
    expect(p.status).toBe('risk');
    expect(Math.abs(p.etaS! - truth) / truth).toBeLessThan(0.15);
    expect(p.confidence).toBeLessThan(1);
    expect(p.confidence).toBeGreaterThan(0.5);
  });
  it('flat: not filling up, no date', () => {
    const p = diskFull('/', series(120, 60, () => 40 * GIB), cap);
    expect(p.status).toBe('ok');
    expect(p.etaS).toBeUndefined();
    expect(p.summary).toBe('/ is 40% full and not filling up');
  });
  it('too short: says not enough data yet instead of guessing', () => {
    const p = diskFull('/', series(20, 60, (i) => 50 * GIB + i * GIB), cap);
    expect(p.status).toBe('unknown');
    expect(p.confidence).toBe(0);
    expect(p.summary).toMatch(/^not enough data yet \(19 min of samples, 20 points; needs 60 min\)$/);
    // The span rule is an option (tests of real fills use seconds).
    expect(diskFull('/', series(20, 1, (i) => i * MIB), 100 * MIB, { minSpanS: 10 }).status).toBe('risk');
  });
  it('slow growth far in the future is info, not a risk', () => {
    const p = diskFull('/', series(121, 60, (i) => 10 * GIB + i * 5 * MIB), cap);
    expect(p.etaS! / 86400).toBeGreaterThan(7);
    expect(p.status).toBe('ok');
    expect(p.severity).toBe('info');
  });
});

describe('memoryGrowth', () => {
  it('a steady rise is a likely leak, with the time until the limit', () => {
    const mem = series(121, 60, (i) => 100 * MIB + i * MIB); // +60 MiB/h, 220 MiB at the end
    const p = memoryGrowth('api', mem, 256 * MIB);
    expect(p.status).toBe('risk');
    expect(p.etaS! / 60).toBeCloseTo(36, 0);
    expect(p.severity).toBe('critical');
    expect(p.summary).toMatch(/api's memory grows steadily \(a likely leak\); it reaches its limit in ~36 min/);
  });
  it('noise around a flat line is steady', () => {
    const p = memoryGrowth('api', series(121, 60, (i) => 100 * MIB + noise(i) * 10 * MIB), 256 * MIB);
    expect(p.status).toBe('ok');
  });
  it('a rise without a limit is a warning with no date', () => {
    const p = memoryGrowth('api', series(121, 60, (i) => 100 * MIB + i * MIB), undefined);
    expect(p.status).toBe('risk');
    expect(p.severity).toBe('warning');
    expect(p.etaS).toBeUndefined();
  });
  it('too short', () => {
    expect(memoryGrowth('api', series(2, 60, (i) => i), 1).status).toBe('unknown');
  });
});

describe('crashLoopRisk', () => {
  const now = T0 + 10 * 3600;
  it('many restarts in the last hour is a risk; none is fine', () => {
    const p = crashLoopRisk('worker', [now - 100, now - 900, now - 1800, now - 2400, now - 3000], now, 12);
    expect(p.status).toBe('risk');
    expect(p.severity).toBe('critical');
    expect(p.evidence[0]).toMatch(/^5 restarts in the last hour/);
    expect(crashLoopRisk('worker', [], now).status).toBe('ok');
  });
  it('two restarts where there were none before is a rising trend', () => {
    expect(crashLoopRisk('worker', [now - 60, now - 120], now).status).toBe('risk');
    // the same two when it restarted as often before: not rising
    expect(crashLoopRisk('worker', [now - 60, now - 120, ...Array.from({ length: 10 }, (_, i) => now - 3600 - 600 * (i + 1))], now).status).toBe('ok');
  });
});

describe('certificateExpiry and backupFreshness', () => {
  it('certificates: expired, due for renewal, fine', () => {
    expect(certificateExpiry('web.pem', T0 - 1, T0).summary).toBe('the certificate web.pem has expired');
    expect(certificateExpiry('web.pem', T0 + 10 * 86400, T0, 30).severity).toBe('warning');
    expect(certificateExpiry('web.pem', T0 + 3 * 86400, T0, 30).severity).toBe('critical');
    expect(certificateExpiry('web.pem', T0 + 60 * 86400, T0, 30).status).toBe('ok');
  });
  it('backups: the last success against the schedule', () => {
    expect(backupFreshness('pg-backup', T0 - 3600, 86400, T0).status).toBe('ok');
    const stale = backupFreshness('pg-backup', T0 - 2 * 86400, 86400, T0);
    expect(stale.status).toBe('risk');
    expect(stale.severity).toBe('warning');
    expect(stale.summary).toBe("pg-backup's last successful backup is 2 days old; its schedule allows 36 h");
    expect(backupFreshness('pg-backup', T0 - 4 * 86400, 86400, T0).severity).toBe('critical');
    expect(backupFreshness('pg-backup', undefined, 86400, T0, T0 - 3600).status).toBe('ok'); // not had its chance yet
    expect(backupFreshness('pg-backup', undefined, 86400, T0, T0 - 3 * 86400).summary).toBe('pg-backup has never succeeded');
  });
});

describe('pressure and throttling', () => {
  it('PSI thresholds on the 60 s average', () => {
    expect(pressure('io', { some: { avg10: 5, avg60: 30, avg300: 10 } }).severity).toBe('warning');
    expect(pressure('memory', { some: { avg10: 1, avg60: 2, avg300: 1 }, full: { avg10: 0, avg60: 12, avg300: 1 } }).severity).toBe('critical');
    expect(pressure('cpu', { some: { avg10: 1, avg60: 2, avg300: 1 } }).status).toBe('ok');
    expect(pressure('cpu', undefined).status).toBe('unknown');
  });
  it('throttled in most periods is a risk naming the limit', () => {
    const p = cpuThrottling('hog', { periods: 1000, throttled: 900, throttledUs: 80_000_000, quotaCores: 0.1 });
    expect(p.status).toBe('risk');
    expect(p.summary).toBe('hog is CPU-throttled at its limit of 0.1 CPU in 90% of periods');
    expect(cpuThrottling('idle', { periods: 1000, throttled: 10, throttledUs: 1000, quotaCores: 1 }).status).toBe('ok');
  });
});

describe('rightSize', () => {
  it('proposes headroom over a known peak', () => {
    const mem = series(121, 60, (i) => (i === 60 ? 100 * MIB : 40 * MIB));
    const cpu = series(121, 60, (i) => (i % 10 === 0 ? 30 : 5)); // percent of a core
    const r = rightSize('web', mem, cpu, { memoryBytes: 512 * MIB });
    expect(r.memory).toEqual({ currentBytes: 512 * MIB, peakBytes: 100 * MIB, p99Bytes: 40 * MIB, suggestedBytes: 128 * MIB });
    expect(r.cpu).toEqual({ peakCores: 0.3, p95Cores: 0.3, suggestedCores: 0.45 });
  });
  it('leaves a limit that already fits alone, and says when data is short', () => {
    const mem = series(121, 60, () => 100 * MIB);
    expect(rightSize('web', mem, [], { memoryBytes: 160 * MIB }).memory).toBeUndefined();
    const short = rightSize('web', mem.slice(0, 10), [], {});
    expect(short.memory).toBeUndefined();
    expect(short.notes.join(' ')).toMatch(/memory: not enough data yet/);
  });
  it('property: never below the observed peak', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 8 * 1024 }), { minLength: 3, maxLength: 200 }), fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 3, maxLength: 200 }), (memMiB, cpuPct) => {
        const mem = memMiB.map((v, i) => [T0 + i * 3600 / (memMiB.length - 1), v * MIB] as Point);
        const cpu = cpuPct.map((v, i) => [T0 + i * 3600 / (cpuPct.length - 1), v] as Point);
        const r = rightSize('s', mem, cpu, {});
        expect(r.memory!.suggestedBytes).toBeGreaterThanOrEqual(Math.max(...memMiB) * MIB);
        expect(r.cpu!.suggestedCores).toBeGreaterThanOrEqual(Math.round((Math.max(...cpuPct) / 100) * 100) / 100);
      }),
      { numRuns: 200 },
    );
  });
});

describe('helpers', () => {
  it('quantile, score and durations', () => {
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 100], 0.99)).toBe(100);
    const risk = diskFull('/', series(121, 60, (i) => i * GIB), 200 * GIB);
    expect(healthScore([risk])).toBe(75);
    expect(healthScore([])).toBe(100);
    expect(durationText(45)).toBe('45 s');
    expect(durationText(3 * 3600 + 20 * 60)).toBe('3 h 20 min');
    expect(durationText(9 * 86400)).toBe('9 days');
  });
});
