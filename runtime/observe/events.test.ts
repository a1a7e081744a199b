import { describe, expect, it } from 'vitest';
import { fromRuntimeRecord } from './events.js';

// The journal's records as `claude events` and the web UI's event list show them.
describe('fromRuntimeRecord', () => {
  it('counts an apply\'s changes in words: one change, 2 changes, 0 changes', () => {
    const at = '2026-12-05T11:36:41.000Z';
    const detail = (changes?: number) => fromRuntimeRecord({ ts: at, type: 'reconcile.completed', planId: 'plan-1', ...(changes === undefined ? {} : { changes }) })?.detail;
    expect(detail(1)).toBe('1 change');
    expect(detail(2)).toBe('2 changes');
    expect(detail(0)).toBe('0 changes');
    expect(detail()).toBe('0 changes');
  });

  it('keeps the runtime\'s own records only, with the container a step names', () => {
    expect(fromRuntimeRecord({ ts: '2026-12-05T11:36:41.000Z', type: 'apply.started' })).toBeNull();
    const step = fromRuntimeRecord({ ts: '2026-12-05T11:36:41.000Z', type: 'reconcile.step', target: 'container/redis', status: 'done', message: 'Started redis (healthy)' });
    expect(step).toMatchObject({ type: 'reconcile.step', source: 'runtime', container: 'redis', detail: 'done Started redis (healthy)' });
    expect(fromRuntimeRecord({ ts: '2026-12-05T11:36:41.000Z', type: 'reconcile.step', target: 'network/webstack', status: 'done' })?.container).toBeUndefined();
  });
});
