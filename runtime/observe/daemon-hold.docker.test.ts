/**
 * The observer's periodic tick is held while an apply holds the apply lock (runtime/lock.ts):
 * an apply handed to `claude serve`'s worker sees no observer engine calls beside its own.
 * Against the real Docker Engine; every engine call the daemon makes is counted on its way to
 * the real client.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateHostId } from '../../plan/keys.js';
import { acquireApplyLock, LOCK_FILE, type ApplyLock } from '../lock.js';
import { ObserveDaemon } from './daemon.js';
import { EngineClient, type DockerLike } from './engine-client.js';
import { until } from '../testutil/cli-host.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The real client, each call recorded (name, time) before it is passed on. */
function counted(real: DockerLike, calls: string[]): DockerLike {
  return {
    listContainers: (o) => (calls.push('listContainers'), real.listContainers(o)),
    listImages: () => (calls.push('listImages'), real.listImages()),
    getContainer: (id) => {
      const c = real.getContainer(id);
      return {
        inspect: () => (calls.push(`inspect ${id}`), c.inspect()),
        stats: (o) => (calls.push(`stats ${id}`), c.stats(o)),
        logs: (o) => (calls.push(`logs ${id}`), c.logs(o)),
      };
    },
    getEvents: (o) => (calls.push('getEvents'), real.getEvents(o)),
  };
}

let dataDir: string;
let daemon: ObserveDaemon | null = null;
let lock: ApplyLock | null = null;
let calls: string[];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-observe-hold-'));
  calls = [];
});

afterEach(async () => {
  lock?.release();
  lock = null;
  await daemon?.stop().catch(() => undefined);
  daemon = null;
  rmSync(dataDir, { recursive: true, force: true });
});

async function startDaemon(holdMaxMs?: number, busy?: { busy: () => boolean; busyMaxMs?: number }): Promise<ObserveDaemon> {
  const hostId = loadOrCreateHostId(dataDir, dataDir);
  daemon = new ObserveDaemon({ docker: counted(new EngineClient(), calls), dataDir, hostId, intervalMs: 100, saveEveryMs: 60_000, probePorts: false, ...(holdMaxMs !== undefined ? { holdMaxMs } : {}), ...busy });
  await daemon.startLoop();
  const d = daemon;
  const t = d.ticks;
  await until('two periodic ticks', () => d.ticks >= t + 2, { ms: 30_000, everyMs: 20 });
  return d;
}

describe('the observer tick and the apply lock (real dockerd)', () => {
  it('makes no engine call while an apply holds the lock, and ticks once it is released', async () => {
    const d = await startDaemon();
    lock = await acquireApplyLock(dataDir, { purpose: 'apply' });
    // A periodic tick came and is held: the tick in flight when the lock was taken is over (ticks never overlap).
    await until('a tick held for the apply', () => d.holdingForApply(), { ms: 30_000, everyMs: 10 });
    const ticks = d.ticks;
    const mark = calls.length;
    await sleep(1500); // 15 intervals
    expect(calls.slice(mark)).toEqual([]);
    expect(d.ticks).toBe(ticks);
    const released = Date.now();
    lock.release();
    lock = null;
    await until('a tick after the release', () => d.ticks > ticks, { ms: 30_000, everyMs: 10 });
    expect(Date.now() - released).toBeLessThan(10_000);
    expect(calls.slice(mark)).toContain('listContainers');
    expect(d.held.ticks).toBeGreaterThanOrEqual(1);
    expect(d.held.ms).toBeGreaterThanOrEqual(1000);
  });

  it('does not wait for a lock whose owner is dead', async () => {
    const d = await startDaemon();
    const gone = spawnSync('true').pid!; // exited: its pid names no live process of that start time
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ token: 1, pid: gone, procStart: '1', host: hostname(), startedAt: new Date().toISOString(), planId: null, purpose: 'apply' }) + '\n');
    const t = d.ticks;
    await until('ticks beside a dead owner\'s lock', () => d.ticks >= t + 3, { ms: 30_000, everyMs: 20 });
    expect(d.held.ticks).toBe(0);
  });

  it('ticks anyway once the apply has held the lock for holdMaxMs', async () => {
    const d = await startDaemon(300);
    lock = await acquireApplyLock(dataDir, { purpose: 'apply' });
    await until('a tick held for the apply', () => d.holdingForApply(), { ms: 30_000, everyMs: 10 });
    const t = d.ticks;
    await until('a tick after holdMaxMs', () => d.ticks > t, { ms: 30_000, everyMs: 10 });
    expect(d.held.ticks).toBeGreaterThanOrEqual(1);
    expect(d.held.ms).toBeGreaterThanOrEqual(300);
  });

  // `claude serve`: a command through the CLI socket (agent/cli-socket.ts `busy`) holds the tick
  // too: an apply observes, verifies and checks before it takes the lock, and plans before that.
  it('makes no engine call while a command runs through the CLI socket, and ticks once it ends', async () => {
    let running = false;
    const d = await startDaemon(undefined, { busy: () => running });
    running = true;
    await until('a tick held for the command', () => d.holdingForApply(), { ms: 30_000, everyMs: 10 });
    const ticks = d.ticks;
    const mark = calls.length;
    await sleep(1500);
    expect(calls.slice(mark)).toEqual([]);
    expect(d.ticks).toBe(ticks);
    running = false;
    await until('a tick after the command', () => d.ticks > ticks, { ms: 30_000, everyMs: 10 });
    expect(calls.slice(mark)).toContain('listContainers');
    expect(d.held.ms).toBeGreaterThanOrEqual(1000);
  });

  it('ticks anyway once a command has run for busyMaxMs (a `claude logs -f`)', async () => {
    const d = await startDaemon(undefined, { busy: () => true, busyMaxMs: 300 });
    const t = d.ticks;
    await until('ticks beside a command that does not end', () => d.ticks >= t + 2, { ms: 30_000, everyMs: 10 });
    expect(d.held.ticks).toBeGreaterThanOrEqual(1);
    expect(d.held.ms).toBeGreaterThanOrEqual(300);
  });
});
