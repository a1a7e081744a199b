/**
 * `rollback_on_health_failure` on a real engine, on both backends (describe.each over
 * testutil/engine-world.ts: Docker, and a private containerd): a container that never becomes
 * healthy is rolled back by default; with `rollbackOnHealthFailure: false` it is kept, the
 * apply succeeds with a warning and the step says NOT healthy. A container that exits is a
 * failure either way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanStep } from '../plan/types.js';
import { containerSpec, health, S } from './testutil/plans.js';
import { ENGINES, startEngineWorld, type EngineWorld } from './testutil/engine-world.js';

describe.each(ENGINES)('rollback_on_health_failure on %s', (kind) => {
  let w: EngineWorld;
  beforeAll(async () => {
    w = await startEngineWorld(kind, 'hf', { images: ['claude-os-local/busybox:latest'], docker: { pullTimeoutMs: 10_000 } });
  }, 180_000);
  afterAll(async () => {
    await w?.close();
  }, 120_000);

  async function run(steps: PlanStep[], rollbackOnHealthFailure?: boolean) {
    return w.apply(await w.planText(steps), rollbackOnHealthFailure !== undefined ? { rollbackOnHealthFailure } : {});
  }

  it('a container that never becomes healthy: rolled back by default, kept with rollback_on_health_failure false', async () => {
    const sick = (name: string) => containerSpec({ name, service: name, image: 'claude-os-local/busybox:latest', command: ['httpd', '-f', '-p', '8000'], healthcheck: health('exit 1', 200) });
    const a = sick(w.n('a'));
    const ra = await run([S.create(a), S.start(a, { timeoutMs: 1500 })]);
    expect(ra.status).toBe('rolled-back');
    expect(ra.error?.name).toBe('HealthTimeoutError');
    expect(await w.exists(a.name)).toBe(false);

    const b = sick(w.n('b'));
    const rb = await run([S.create(b), S.start(b, { timeoutMs: 1500 })], false);
    expect(rb.status, JSON.stringify(rb.error)).toBe('applied');
    expect(rb.warnings.join('\n')).toMatch(/did not become healthy within 1500 ms.*\(kept: rollback_on_health_failure is false\)/);
    expect(rb.steps.find((s) => s.id === `start/${b.name}`)).toMatchObject({ status: 'done', message: expect.stringMatching(/NOT healthy/) });
    expect(await w.exists(b.name)).toBe(true);
    expect((await w.view(b.name))!.running).toBe(true);
  }, 180_000);

  it('a container that exits is still a failure, rolled back, with rollback_on_health_failure false', async () => {
    const c = containerSpec({ name: w.n('c'), service: w.n('c'), image: 'claude-os-local/busybox:latest', command: ['sh', '-c', 'exit 3'], healthcheck: health('true', 200) });
    const r = await run([S.create(c), S.start(c, { timeoutMs: 5000 })], false);
    expect(r.status).toBe('rolled-back');
    expect(r.error?.name).not.toBe('HealthTimeoutError');
    expect(await w.exists(c.name)).toBe(false);
  }, 180_000);
});
