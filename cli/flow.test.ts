/**
 * The request loop of cli/flow.ts on its own: re-plan on a stale refusal up to maxReplans,
 * other refusals passed through, declines, the request lock held from plan to apply (and
 * released while a human decides). The plan/apply callbacks are plain functions here; the
 * docker tests (flow.docker.test.ts, crash-commit.docker.test.ts) run the real ones.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplyResult } from '../runtime/apply.js';
import { SignatureError, StalePlanError } from '../runtime/verify.js';
import { planAndApply, REQUEST_LOCK_FILE, scoped, scopeFromEnv, type Planned } from './flow.js';
import type { ObservedState, PlanPayload } from '../plan/types.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const planned = (n: number): Planned => ({ payload: { id: `plan-${n}` } as PlanPayload, envelopeText: `plan ${n}` });
const applied = (p: Planned): ApplyResult => ({ planId: p.payload.id, status: 'applied' } as ApplyResult);
const stale = () => new StalePlanError([{ key: 'container/web', change: 'changed' }]);

describe('planAndApply', () => {
  it('re-plans after a stale refusal and applies the new plan', async () => {
    const made: number[] = [];
    const replans: number[] = [];
    const approvals: boolean[] = [];
    let applies = 0;
    const out = await planAndApply({
      makePlan: async (attempt) => (made.push(attempt), planned(attempt)),
      approve: async (_p, info) => (approvals.push(info.replanned), true),
      apply: async (p) => {
        if (applies++ === 0) throw stale();
        return applied(p);
      },
      onReplan: (e, n) => {
        expect(e).toBeInstanceOf(StalePlanError);
        replans.push(n);
      },
    });
    expect(out).toMatchObject({ status: 'applied', replans: 1, planned: { payload: { id: 'plan-1' } } });
    expect(made).toEqual([0, 1]);
    expect(approvals).toEqual([false, true]);
    expect(replans).toEqual([1]);
  });

  it('gives up after maxReplans stale refusals, reporting the last one', async () => {
    let applies = 0;
    const out = await planAndApply({ makePlan: async (a) => planned(a), approve: async () => true, apply: async () => (applies++, Promise.reject(stale())), maxReplans: 2 });
    expect(out.status).toBe('stale');
    expect(out.replans).toBe(2);
    expect(applies).toBe(3);
  });

  it('passes any other refusal through, and stops on a decline or when there is nothing to plan', async () => {
    await expect(planAndApply({ makePlan: async () => planned(0), approve: async () => true, apply: async () => Promise.reject(new SignatureError('bad')) })).rejects.toBeInstanceOf(SignatureError);
    expect(await planAndApply({ makePlan: async () => planned(0), approve: async () => false, apply: async (p) => applied(p) })).toMatchObject({ status: 'declined' });
    expect(await planAndApply({ makePlan: async () => null, approve: async () => true, apply: async (p) => applied(p) })).toEqual({ status: 'unplanned', replans: 0 });
  });

  it('holds the request lock from planning to the end of the apply, but not while a human decides', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'claude-flow-lock-'));
    dirs.push(dataDir);
    const lock = join(dataDir, REQUEST_LOCK_FILE);
    const seen: Record<string, boolean> = {};
    await planAndApply({
      requestLock: { dataDir },
      releaseLockForApproval: true,
      makePlan: async () => ((seen.plan = existsSync(lock)), planned(0)),
      approve: async () => ((seen.approve = existsSync(lock)), true),
      apply: async (p) => ((seen.apply = existsSync(lock)), applied(p)),
    });
    expect(seen).toEqual({ plan: true, approve: false, apply: true });
    expect(existsSync(lock)).toBe(false);
    // two requests at once queue: the second plans only after the first applied
    const order: string[] = [];
    const one = (name: string) =>
      planAndApply({
        requestLock: { dataDir },
        makePlan: async () => (order.push(`${name}:plan`), planned(0)),
        approve: async () => true,
        apply: async (p) => {
          order.push(`${name}:apply-start`);
          await new Promise((r) => setTimeout(r, 30));
          order.push(`${name}:apply-end`);
          return applied(p);
        },
      });
    await Promise.all([one('a'), one('b')]);
    const first = order[0]!.split(':')[0]!;
    const second = first === 'a' ? 'b' : 'a';
    expect(order).toEqual([`${first}:plan`, `${first}:apply-start`, `${first}:apply-end`, `${second}:plan`, `${second}:apply-start`, `${second}:apply-end`]);
  });
});

describe('CLAUDE_OBSERVE_SCOPE', () => {
  it('keeps unmanaged and in-scope managed containers and networks; a bad expression is a clear error', () => {
    const o = {
      containers: [
        { name: 'web-ab12', managed: true },
        { name: 'web-ab12.old-0123abcd', managed: true },
        { name: 'other', managed: true },
        { name: 'mine', managed: false },
      ],
      networks: [
        { name: 'net-ab12', managed: true },
        { name: 'theirs', managed: true },
        { name: 'bridge', managed: false },
      ],
    } as unknown as ObservedState;
    const s = scopeFromEnv({ CLAUDE_OBSERVE_SCOPE: '-ab12(\\.old-[0-9a-f]{8})?$' });
    const r = scoped(o, s);
    expect(r.containers.map((c) => c.name)).toEqual(['web-ab12', 'web-ab12.old-0123abcd', 'mine']);
    expect(r.networks.map((n) => n.name)).toEqual(['net-ab12', 'bridge']);
    expect(scoped(o, undefined)).toBe(o);
    expect(() => scopeFromEnv({ CLAUDE_OBSERVE_SCOPE: '(' })).toThrow(/CLAUDE_OBSERVE_SCOPE is not a valid regular expression/);
  });
});
