/**
 * The restart supervisor of the containerd backend. containerd never restarts a task that
 * exits (Docker's daemon does), so this does what Docker's restart manager does, from the
 * service's `restart:` policy:
 *
 * - a container is *wanted* from the plan step that starts it until a plan step stops it
 *   (engine.ts keeps a marker); only wanted containers are ever started here;
 * - `always` and `unless-stopped`: started again whenever the task is gone or exited;
 * - `on-failure`: started again when it exited with a non-zero code, or after a reboot;
 * - `no`: left alone;
 * - a crash is restarted after a back-off that doubles from 1 s to 60 s and is forgotten
 *   once the container has run 10 s; each crash restart is counted (engine.ts
 *   `restartRecord`), which feeds crash-loop detection as Docker's RestartCount does;
 * - after a reboot (no task at all) the container is started at once and no restart is counted.
 *
 * Each pass also rotates the containers' logs that reached their size limit (./logs.ts) and
 * loads again the published ports of a container whose nft table is gone (./ports.ts).
 *
 * `supervisePass` is one look; `claude supervise` runs it once at boot and then as a daemon.
 */
import type { ContainerdEngine, SupervisedContainer } from './engine.js';

export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 60_000;
/** Running this long resets the back-off (Docker: 10 s). */
export const BACKOFF_RESET_MS = 10_000;

export interface SupervisorState {
  /** Per container id: the next back-off and the earliest time of the next restart. */
  backoff: Map<string, { delayMs: number; notBefore: number }>;
}

export function newSupervisorState(): SupervisorState {
  return { backoff: new Map() };
}

export interface SupervisionAction {
  name: string;
  id: string;
  action: 'started' | 'restarted' | 'waiting' | 'failed';
  /** Why, in words (for the log and `claude supervise --once`). */
  reason: string;
}

export interface SupervisionResult {
  actions: SupervisionAction[];
  /** Managed containers whose task runs after this pass. */
  running: number;
  managed: number;
}

/** Whether the policy wants this container's task started again, and whether that counts as a crash restart. */
export function restartDecision(c: Pick<SupervisedContainer, 'restart' | 'task' | 'exitCode' | 'wanted'>): { start: boolean; crash: boolean } {
  if (!c.wanted || c.task === 'running' || c.task === 'other') return { start: false, crash: false };
  const reboot = c.task === 'none';
  switch (c.restart) {
    case 'always':
    case 'unless-stopped':
      return { start: true, crash: !reboot };
    case 'on-failure':
      return reboot ? { start: true, crash: false } : { start: c.exitCode !== 0, crash: true };
    default:
      return { start: false, crash: false };
  }
}

export async function supervisePass(engine: ContainerdEngine, state: SupervisorState, now: () => number = Date.now): Promise<SupervisionResult> {
  const actions: SupervisionAction[] = [];
  // containerd does not rotate the logs its shims write: each pass rotates those over the limit (./logs.ts).
  await engine.rotateLogs().catch(() => undefined);
  // A namespace and addresses left by a create that died half-way (ContainerdEngine.sweepOrphans).
  await engine.sweepOrphans().catch(() => undefined);
  // The shared log writer: one that died is replaced, and reads on where it stopped (./log-writer.ts).
  await engine.ensureLogWriter().catch(() => undefined);
  // Published ports whose nft table is gone (a flushed ruleset) are loaded again (./ports.ts).
  await engine.republishPorts().catch(() => undefined);
  const all = await engine.supervision();
  let running = 0;
  for (const c of all) {
    const b = state.backoff.get(c.id);
    if (c.task === 'running') {
      running++;
      if (b && c.startedAt !== null && now() - c.startedAt >= BACKOFF_RESET_MS) state.backoff.delete(c.id);
      continue;
    }
    const d = restartDecision(c);
    if (!d.start) continue;
    const why = c.task === 'none' ? `no task (the machine restarted, or containerd did); restart: ${c.restart}` : `exited with code ${c.exitCode ?? '?'}; restart: ${c.restart}`;
    if (d.crash && b && now() < b.notBefore) {
      actions.push({ name: c.name, id: c.id, action: 'waiting', reason: `${why}; back-off ${Math.round(b.delayMs / 1000)} s` });
      continue;
    }
    try {
      const done = await engine.restartTask(c.id, d.crash, new Date(now()));
      if (!done) continue; // a plan stopped it meanwhile
      running++;
      if (d.crash) {
        const delayMs = b ? Math.min(BACKOFF_MAX_MS, b.delayMs * 2) : BACKOFF_FIRST_MS;
        state.backoff.set(c.id, { delayMs, notBefore: now() + delayMs });
        actions.push({ name: c.name, id: c.id, action: 'restarted', reason: `${why}; restart ${c.restarts.count + 1}, next back-off ${Math.round(delayMs / 1000)} s` });
      } else actions.push({ name: c.name, id: c.id, action: 'started', reason: why });
    } catch (e) {
      const delayMs = b ? Math.min(BACKOFF_MAX_MS, b.delayMs * 2) : BACKOFF_FIRST_MS;
      state.backoff.set(c.id, { delayMs, notBefore: now() + delayMs });
      actions.push({ name: c.name, id: c.id, action: 'failed', reason: `${why}; could not start it: ${(e as Error).message}` });
    }
  }
  return { actions, running, managed: all.length };
}
