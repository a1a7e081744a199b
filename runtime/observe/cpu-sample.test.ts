/**
 * A one-off observation (`claude status` without the daemon) leaves its CPU sample in the data
 * dir (runtime/observe/index.ts CPU_SAMPLE_FILE); the next one within 30 s takes CPU % over the
 * time since, instead of a 100 ms window of its own. Real /proc and the real Docker Engine
 * client (its errors, when no engine answers, are only part of the facts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CPU_SAMPLE_FILE, CPU_SAMPLE_KEEP_MS, EngineClient, observeSystem, previousCpuSample } from './index.js';
import { parseProcStat } from './host.js';

const tmp = mkdtempSync(join(tmpdir(), 'claude-cpu-sample-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const procStat = () => parseProcStat(readFileSync('/proc/stat', 'utf8'));
const observe = (dataDir: string) => observeSystem({ dataDir, now: () => new Date(), probePorts: false, logLines: 0 });
const plant = (dataDir: string, atMs: number, host: { busy: number; total: number }) => {
  mkdirSync(join(dataDir, 'cache'), { recursive: true });
  writeFileSync(join(dataDir, CPU_SAMPLE_FILE), JSON.stringify({ version: 1, atMs, host, containers: {} }));
};

describe('the CPU sample a one-off observation leaves', () => {
  it('is written by an observation, and the next one within 30 s takes CPU % from it', async () => {
    const dataDir = join(tmp, 'a');
    mkdirSync(dataDir);
    const first = await observe(dataDir);
    const saved = JSON.parse(readFileSync(join(dataDir, CPU_SAMPLE_FILE), 'utf8')) as { version: number; atMs: number; host: { busy: number; total: number } };
    expect(saved.version).toBe(1);
    expect(saved.host).toStrictEqual(first.facts.host.cpuTimes);
    // Planted samples a second old whose counters say "all idle" / "all busy" for a million
    // ticks since: the result follows them (a window of its own could not give both).
    let now = procStat();
    plant(dataDir, Date.now() - 1000, { busy: now.busy, total: now.total - 1_000_000 });
    expect((await observe(dataDir)).facts.host.cpuPercent).toBeLessThan(1);
    now = procStat();
    plant(dataDir, Date.now() - 1000, { busy: now.busy - 1_000_000, total: now.total - 1_000_000 });
    expect((await observe(dataDir)).facts.host.cpuPercent).toBeGreaterThan(99);
  });

  it('a sample older than 30 s, younger than 100 ms, damaged or of another version is not used; an observation leaves a new one', async () => {
    const dataDir = join(tmp, 'b');
    mkdirSync(dataDir);
    const host = procStat();
    const t = Date.now();
    for (const [atMs, used] of [[t - 31_000, false], [t - 50, false], [t + 5000, false], [t - 29_000, true], [t - 100, true]] as const) {
      plant(dataDir, atMs, host);
      expect(previousCpuSample(dataDir, t) !== null, `${t - atMs} ms ago`).toBe(used);
    }
    for (const damaged of ['{"version":1,"atMs":', JSON.stringify({ version: 2, atMs: t - 1000, host, containers: {} }), JSON.stringify({ version: 1, atMs: t - 1000, host: { busy: 'x', total: 1 }, containers: {} }), JSON.stringify({ version: 1, atMs: t - 1000, host, containers: null })]) {
      writeFileSync(join(dataDir, CPU_SAMPLE_FILE), damaged);
      expect(previousCpuSample(dataDir, t), damaged).toBeNull();
    }
    const before = Date.now();
    await observe(dataDir);
    const saved = JSON.parse(readFileSync(join(dataDir, CPU_SAMPLE_FILE), 'utf8')) as { atMs: number };
    expect(saved.atMs).toBeGreaterThanOrEqual(before);
  });

  it('a usable sample younger than CPU_SAMPLE_KEEP_MS is left as it is (no write at every status); an older one is replaced', async () => {
    const dataDir = join(tmp, 'c');
    mkdirSync(dataDir);
    // no engine here (a socket nothing listens on): no containers, so only the sample's age decides
    const none = new EngineClient(join(tmp, 'no-engine.sock'));
    const observeNoEngine = () => observeSystem({ docker: none, dataDir, now: () => new Date(), probePorts: false, logLines: 0 });
    const now = procStat();
    const host = { busy: now.busy, total: now.total - 1000 };
    const file = join(dataDir, CPU_SAMPLE_FILE);
    const young = Date.now() - 1000;
    plant(dataDir, young, host);
    const r = await observeNoEngine();
    expect(r.facts.host.cpuPercent).toBeLessThan(1); // taken from the planted sample ("all idle" since)
    expect((JSON.parse(readFileSync(file, 'utf8')) as { atMs: number }).atMs).toBe(young);
    const old = Date.now() - CPU_SAMPLE_KEEP_MS - 1000;
    plant(dataDir, old, host);
    const before = Date.now();
    await observeNoEngine();
    expect((JSON.parse(readFileSync(file, 'utf8')) as { atMs: number }).atMs).toBeGreaterThanOrEqual(before);
  });
});
