/**
 * The fenced engine: every side-effecting driver call an apply makes goes through here.
 * Before each one it (1) passes the call's failpoint (`driver.<method>`, common/failpoints.ts;
 * tests only) and (2) checks the fencing token (`ApplyLock.assertHeld`): a process whose
 * lock was taken away (`claude unlock --force`, then another apply) stops before it touches
 * anything more, instead of noticing only at its next journal write. Reads (observe,
 * inspect, waitReady, …) are not fenced: they change nothing.
 *
 * The check and the call are not one atomic act: a process frozen between the two (SIGSTOP)
 * still makes that one call when it wakes. Every call after it is refused.
 */
import { failpoint } from '../common/failpoints.js';
import type { Engine } from './engine.js';

/** The engine methods that change something (everything else only reads). */
export const MUTATING_METHODS = [
  'createContainer',
  'recreateContainer',
  'startContainer',
  'holdStart',
  'stopContainer',
  'removeContainer',
  'renameContainer',
  'connectNetwork',
  'createNetwork',
  'recreateNetwork',
  'removeNetwork',
  'ensureImage',
  'createVolumeDir',
  'removeVolumeDir',
  'trashVolumeDir',
  'restoreVolumeDir',
  'purgeTrash',
  'writeRecord',
  'writeHostFiles',
  'firewallApply',
  'firewallRestore',
  'mountDevice',
  'unmountTarget',
  'writeFstab',
] as const satisfies readonly (keyof Engine)[];

const MUTATING = new Set<string>(MUTATING_METHODS);

/** Wraps `engine` so each mutating call first passes its failpoint and `fence()` (which throws to refuse). */
export function fenceEngine(engine: Engine, fence: () => void): Engine {
  return new Proxy(engine, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      if (typeof prop !== 'string' || !MUTATING.has(prop)) return (v as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        failpoint(`driver.${prop}`);
        fence();
        return (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}
