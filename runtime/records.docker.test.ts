/**
 * The data-dir records survive concurrent steps: the volume.create steps of one phase run
 * in parallel, and each adds its entry to volumes.json (read, add, write). Without one
 * update at a time, an entry written between another step's read and write was lost, and
 * the next plan proposed to create that volume again (the stack never settled).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceFingerprints } from '../plan/fingerprint.js';
import { applyPlan } from './apply.js';
import { DockerEngine } from './drivers/docker.js';
import { makePlan, S, setupTestHost, signPlan, type TestHost } from './testutil/plans.js';

let dataDir: string;
let root: string;
let host: TestHost;
let engine: DockerEngine;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-records-data-'));
  root = mkdtempSync(join(tmpdir(), 'claude-records-root-'));
  host = setupTestHost(dataDir);
  engine = new DockerEngine({ root, dataDir, hostId: host.hostId });
});

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

it('four volumes created in one phase are all in volumes.json', async () => {
  const names = ['postgres-data', 'redis-data', 'prometheus-data', 'grafana-data'];
  const steps = names.map((v) => S.volume(v, `/data/${v}`));
  const base = resourceFingerprints(await engine.observe());
  const text = signPlan(makePlan(steps, { hostId: host.hostId, base }), host.key.privateKey);
  const r = await applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date() });
  expect(r.error).toBeUndefined();
  expect(r.status).toBe('applied');
  const rec = JSON.parse(readFileSync(join(dataDir, 'volumes.json'), 'utf8')) as { volumes: Record<string, { path: string }> };
  expect(Object.keys(rec.volumes).sort()).toEqual([...names].sort());
  expect(rec.volumes['redis-data']!.path).toBe('/data/redis-data');
});
