/**
 * Wires the real engine for this host: Docker Engine (dockerode), host files and volume
 * directories under CLAUDE_ROOT, and nftables (drivers/nft.ts, commit-confirmed through
 * firewall-confirm.ts) — plus the observer the planner uses, so the base check compares
 * like with like. The CLI's apply and recover commands call `createHostEngine`.
 */
import Docker from 'dockerode';
import type { ObservedState } from '../plan/types.js';
import { DockerEngine, type FirewallBackend } from './drivers/docker.js';
import { observe } from './observe/snapshot.js';

export interface HostEngineOptions {
  root: string;
  dataDir: string;
  hostId: string;
  /** The observer; default: runtime/observe/snapshot.ts (the planner's). */
  observe?: () => Promise<ObservedState>;
  /** Run nft inside this network namespace (tests). */
  netns?: string;
  /**
   * Only managed containers and networks whose name matches are observed (and so count for
   * the base check): CLAUDE_OBSERVE_SCOPE, for tests and benchmarks sharing one dockerd.
   * Unset in production.
   */
  scope?: RegExp;
}

/** CLAUDE_OBSERVE_SCOPE as a RegExp (undefined when unset); a bad expression is a clear Error. */
export function scopeFromEnv(env: Record<string, string | undefined>): RegExp | undefined {
  const s = env.CLAUDE_OBSERVE_SCOPE;
  if (!s) return undefined;
  try {
    return new RegExp(s);
  } catch (e) {
    throw new Error(`CLAUDE_OBSERVE_SCOPE is not a valid regular expression: ${(e as Error).message}`);
  }
}

/**
 * The nft-backed firewall backend (runtime/firewall-backend.ts: NftDriver + commit-confirmed
 * with the plan's TCP probes), loaded on first use so hosts without nft still apply containers.
 */
export function nftFirewall(dataDir: string, netns?: string): FirewallBackend {
  let backend: Promise<ReturnType<typeof import('./firewall-backend.js').createNftFirewallBackend>> | undefined;
  const get = () => (backend ??= import('./firewall-backend.js').then((m) => m.createNftFirewallBackend({ dataDir, ...(netns ? { netns } : {}) })));
  return {
    snapshot: async () => (await get()).snapshot(),
    apply: async (ruleset, confirmTimeoutMs, probes) => (await get()).apply(ruleset, confirmTimeoutMs, probes),
    restore: async (ruleset) => (await get()).restore(ruleset),
  };
}

/** The observer the planner uses (runtime/observe/snapshot.ts), nft read as absent when nft is missing. */
export function hostObserver(o: { root: string; dataDir: string; hostId: string; netns?: string; stateCommit?: () => Promise<string | null> }): () => Promise<ObservedState> {
  const docker = new Docker();
  return async () => {
    const { NftDriver, NftError } = await import('./drivers/nft.js');
    const driver = new NftDriver(o.netns ? { netns: o.netns } : {});
    const nft = {
      async observe() {
        try {
          return await driver.observe();
        } catch (e) {
          if (e instanceof NftError && e.exitCode === null) return { hash: null };
          throw e;
        }
      },
    };
    return observe({ docker, dataDir: o.dataDir, root: o.root, hostId: o.hostId, stateCommit: (await o.stateCommit?.()) ?? null, nft });
  };
}

export async function createHostEngine(o: HostEngineOptions): Promise<DockerEngine> {
  const raw = o.observe ?? hostObserver(o);
  const scope = o.scope;
  const observe = scope
    ? async () => {
        const s = await raw();
        return { ...s, containers: s.containers.filter((c) => !c.managed || scope.test(c.name)), networks: s.networks.filter((n) => !n.managed || scope.test(n.name)) };
      }
    : raw;
  return new DockerEngine({
    root: o.root,
    dataDir: o.dataDir,
    hostId: o.hostId,
    firewall: nftFirewall(o.dataDir, o.netns),
    observe,
    ...(scope ? { scope } : {}),
  });
}
