/**
 * Spec Test 8 through `claude "<msg>"` itself (offline engine, local images, real dockerd,
 * real git repo): two requests made at once in two "terminals" both land, as two commits,
 * and the second keeps the first's service: it is refused as stale, proposed again on the
 * state as it is now, re-planned (and says so) and applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateRepo } from '../../runtime/state/repo.js';
import { claude, containerStatus, newTestRun, randomPort, serviceNamesOf, type TestRun } from '../testutil/requests.js';

let run: TestRun;
beforeAll(() => {
  run = newTestRun('claude-ask-concurrent');
});
afterAll(() => run?.cleanup());

describe('claude "<msg>" from two terminals at once (spec Test 8)', () => {
  it('both requests land, one after the other, as two commits; no lost update', async () => {
    const p1 = randomPort();
    const p2 = p1 === 59999 ? 20000 : p1 + 1;
    const [a, b] = await Promise.all([
      claude(run, [`add a service called ${run.n('prom')} using image nginx:alpine on port ${p1}`, '--yes']),
      claude(run, [`add a service called ${run.n('graf')} using image nginx:alpine on port ${p2}`, '--yes']),
    ]);
    if (a.code !== 0 || b.code !== 0) console.log(a.out, a.err, b.out, b.err);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    // exactly one of them was refused as stale and re-planned, and told the user
    const replanned = [a, b].filter((r) => /The system changed while planning; re-planned/.test(r.out));
    expect(replanned).toHaveLength(1);
    const repo = await openStateRepo(run.paths.stateDir);
    const history = await repo.history();
    expect(history).toHaveLength(2);
    expect(history[0]!.parents).toEqual([history[1]!.commit]);
    expect(serviceNamesOf((await repo.filesAt('HEAD'))['services.yaml'])).toEqual([run.n('graf'), run.n('prom')].sort());
    expect(containerStatus(run.n('prom'))).toBe('running');
    expect(containerStatus(run.n('graf'))).toBe('running');
  }, 180_000);
});
