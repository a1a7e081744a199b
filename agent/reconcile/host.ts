/**
 * The reconciler's host: the one planning path and apply flow of agent/flow.ts (the same
 * as `claude plan` / `claude apply` use), queued on the host's request lock like every
 * other plan-and-apply request.
 */
import type { Paths } from '../../common/paths.js';
import { acquireRequestLock, applyPlanned, openFlowHost, planFiles, type FlowHost } from '../flow.js';
import type { ReconcileHost } from './reconciler.js';

export interface ReconcileHostOptions {
  paths: Paths;
  env: Record<string, string | undefined>;
  now: () => Date;
  /** Run nft inside this network namespace (tests). */
  netns?: string;
  warn?: (line: string) => void;
  /** How long a pass waits for another request's lock (ms). Default 10 minutes. */
  lockWaitMs?: number;
}

export async function openReconcileHost(o: ReconcileHostOptions): Promise<ReconcileHost & { flow: FlowHost }> {
  const flow = await openFlowHost(o.paths, { ...(o.netns ? { netns: o.netns } : {}), ...(o.warn ? { warn: o.warn } : {}) });
  return {
    flow,
    paths: o.paths,
    hostId: flow.hostId,
    snapshot: () => flow.snapshot(),
    async plan(compiled, p) {
      const r = await planFiles(flow, compiled, { request: p.request, engine: 'user', base: p.base, now: p.now, env: o.env, ttlMs: p.ttlMs, observed: p.observed, allowDestructive: true });
      return r.ok ? { ok: true, planned: r.planned, warnings: r.warnings } : r;
    },
    apply: (planned, a) => applyPlanned(flow, planned, { now: o.now, actor: a.actor, yes: a.yes, trigger: a.trigger, rollbackOnHealthFailure: a.rollbackOnHealthFailure, onEvent: a.onEvent }),
    lock: () => acquireRequestLock({ dataDir: o.paths.dataDir, waitMs: o.lockWaitMs ?? 600_000 }),
  };
}
