/**
 * What one apply reads of its own records (runtime/apply.ts `applyPlan`): the journal and the
 * needs-attention marker are read once each on the way to the first step, when nobody took
 * the apply lock meanwhile, and again under the lock when somebody did. Real applies against
 * the host's Docker Engine; node:fs is wrapped only to count the reads (every call goes
 * through to the real file system).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Fs from 'node:fs';
import { join } from 'node:path';
import { acquireApplyLock } from './lock.js';
import { containerSpec, S } from './testutil/plans.js';
import { startEngineWorld, type EngineWorld } from './testutil/engine-world.js';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  return { ...fs, default: fs, readFileSync: vi.fn(fs.readFileSync), existsSync: vi.fn(fs.existsSync) };
});
const fs = await import('node:fs');

/** How often `run` read the journal (readFileSync) and looked for the marker (existsSync). */
async function countReads(dataDir: string, run: () => Promise<unknown>): Promise<{ journal: number; marker: number }> {
  const journal = join(dataDir, 'journal', 'apply.jsonl');
  const marker = join(dataDir, 'needs-attention.json');
  vi.mocked(fs.readFileSync).mockClear();
  vi.mocked(fs.existsSync).mockClear();
  await run();
  return {
    journal: vi.mocked(fs.readFileSync).mock.calls.filter(([p]) => p === journal).length,
    marker: vi.mocked(fs.existsSync).mock.calls.filter(([p]) => p === marker).length,
  };
}

describe('apply reads its journal and marker once', () => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld('docker', 'reads', { images: ['claude-os-local/busybox:latest'] });
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  it('once each when the lock stayed free; again under the lock when another holder came between', async () => {
    const spec = containerSpec({ name: w.n('one'), service: 'one', image: 'claude-os-local/busybox:latest', command: ['sleep', '3600'] });
    expect((await w.apply(await w.planText([S.create(spec)]))).status).toBe('applied'); // the journal exists from here on
    const start = await w.planText([S.start(spec, { dependsOn: [] })]);
    expect(await countReads(w.dataDir, async () => expect((await w.apply(start)).status).toBe('applied'))).toEqual({ journal: 1, marker: 1 });

    // A holder takes and releases the lock while the plan is verified: what was read before is read again under the lock.
    const remove = await w.planText([S.remove(spec.name)]);
    const counted = await countReads(w.dataDir, async () => {
      const applying = w.apply(remove, { lockWaitMs: 10_000 });
      const other = await acquireApplyLock(w.dataDir, { purpose: 'test', waitMs: 10_000 });
      other.release();
      expect((await applying).status).toBe('applied');
    });
    expect(counted).toEqual({ journal: 2, marker: 2 });
    expect(await w.exists(spec.name)).toBe(false);
  }, 120_000);
});
