/**
 * The data-dir records survive concurrent steps: the volume.create steps of one phase run
 * in parallel, and each adds its entry to volumes.json (read, add, write). Without one
 * update at a time, an entry written between another step's read and write was lost, and
 * the next plan proposed to create that volume again (the stack never settled).
 * On both backends (testutil/engine-world.ts): the records are the engine-independent part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S } from './testutil/plans.js';
import { ENGINES, startEngineWorld, type EngineWorld } from './testutil/engine-world.js';

describe.each(ENGINES)('records on %s', (kind) => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld(kind, 'records');
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  it('four volumes created in one phase are all in volumes.json', async () => {
    const names = ['postgres-data', 'redis-data', 'prometheus-data', 'grafana-data'];
    const r = await w.apply(await w.planText(names.map((v) => S.volume(v, `/data/${v}`))));
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('applied');
    const rec = JSON.parse(readFileSync(join(w.dataDir, 'volumes.json'), 'utf8')) as { volumes: Record<string, { path: string }> };
    expect(Object.keys(rec.volumes).sort()).toEqual([...names].sort());
    expect(rec.volumes['redis-data']!.path).toBe('/data/redis-data');
    // the observer sees them (the base of the next plan): all four, on either engine
    expect(Object.keys(await w.base()).filter((k) => k.startsWith('volume/')).sort()).toEqual(names.map((v) => `volume/${v}`).sort());
  });
});
