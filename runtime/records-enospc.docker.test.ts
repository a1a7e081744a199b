/**
 * The apply's records and its space reserve are written at once (runtime/apply.ts
 * prepareRecords): an ENOSPC from a records fsync that comes after the reserve's own fsync
 * must refuse the plan up front (NoSpaceError, "nothing was changed"), not release the reserve
 * just made, retry, and start the apply with a tripped reserve that fails its first step with a
 * rollback (review 22 LOW-6). A real fsync's ENOSPC (delayed allocation, thin or network
 * storage) cannot be made on demand, so the failpoint gives it (common/failpoints.ts), and the
 * snapshot's real fsync is held back 300 ms, as a slow disk would, so the reserve is durable
 * first: the order that opened the window. Real Docker; the network is named per run and removed.
 */
import { afterAll, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const slow = vi.hoisted(() => ({ next: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fsync = ((fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
    if (!slow.next) return fs.fsync(fd, cb);
    slow.next = false;
    fs.fsync(fd, (e) => setTimeout(() => cb(e), 300));
  }) as typeof fs.fsync;
  return { ...fs, fsync, default: { ...fs, fsync } };
});

const { resourceFingerprints } = await import('../plan/fingerprint.js');
const { applyPlan, NoSpaceError, SPACE_RESERVE_FILE } = await import('./apply.js');
const { DockerEngine } = await import('./drivers/docker.js');
const { setFaultInjector } = await import('../common/failpoints.js');
const { makePlan, S, setupTestHost, signPlan } = await import('./testutil/plans.js');
const { removeDockerByName } = await import('./testutil/docker-cleanup.js');

const tag = `enospc-${randomBytes(4).toString('hex')}`;
const base = mkdtempSync(join(tmpdir(), `claude-${tag}-`));
afterAll(() => {
  setFaultInjector(null);
  removeDockerByName(tag);
  rmSync(base, { recursive: true, force: true });
});

it('an ENOSPC from the saved plan\'s fsync after the reserve is durable: refused up front, nothing changed, no reserve or records left', async () => {
  const dataDir = join(base, 'data');
  const host = setupTestHost(dataDir);
  const engine = new DockerEngine({ root: join(base, 'root'), dataDir, hostId: host.hostId });
  const net = `net-${tag}`;
  const text = signPlan(makePlan([S.network(net)], { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) }), host.key.privateKey);

  const fired: string[] = [];
  let recordFsyncs = 0;
  setFaultInjector({
    at(site, info) {
      if (site !== 'fs.fsync' || !/\/snapshots\/\.[^/]+\.tmp$/.test(info?.path ?? '')) return null;
      recordFsyncs++;
      if (recordFsyncs === 1) slow.next = true; // the snapshot's fsync: slow, so the reserve's ends first
      if (recordFsyncs !== 2) return null;
      fired.push(info!.path!);
      return 'enospc'; // the saved plan's fsync
    },
  });
  let e: unknown;
  try {
    e = await applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true }).catch((x: unknown) => x);
  } finally {
    setFaultInjector(null);
  }
  expect(fired).toHaveLength(1);
  expect(e, e instanceof Error ? e.message : JSON.stringify(e).slice(0, 400)).toBeInstanceOf(NoSpaceError);
  expect((e as Error).message).toMatch(/nothing was changed/);
  expect((await engine.observe()).networks.map((n) => n.name)).not.toContain(net);
  expect(existsSync(join(dataDir, SPACE_RESERVE_FILE))).toBe(false);
  expect(readdirSync(join(dataDir, 'snapshots'))).toEqual([]);

  // with the space back, the same plan applies
  const r = await applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
  expect(r.status, JSON.stringify(r.error)).toBe('applied');
  expect((await engine.observe()).networks.map((n) => n.name)).toContain(net);
}, 120_000);
