/**
 * The runtime-side factory for this host's engine: Docker Engine (drivers/engine-api.ts), host files and
 * volume directories under CLAUDE_ROOT, and nftables (drivers/nft.ts, commit-confirmed
 * through firewall-confirm.ts), plus the observer the planner uses, so apply's base check
 * compares like with like. The CLI builds its host in one place, agent/flow.ts `openFlowHost`,
 * which calls these; nothing else should.
 *
 * Everything is bound to one host id (plan/keys.ts): the driver stamps it on what it creates
 * (`claude.os/host`), and the observer counts only resources carrying it as managed, so
 * several Claude.OS instances (several data dirs) can share one Docker Engine.
 */
import type { ObservedState } from '../plan/types.js';
import { DockerEngine, type FirewallBackend } from './drivers/docker.js';
import { dockerApiFor } from './drivers/engine-api.js';
import type { Engine } from './engine.js';
import { observe } from './observe/snapshot.js';
import { trace } from '../common/trace.js';

export interface HostEngineOptions {
  root: string;
  dataDir: string;
  /** This instance's host id: stamped on what the engine creates; only resources carrying it are managed. */
  hostId: string;
  /** The observer; default: `hostObserver` (the planner's). */
  observe?: () => Promise<ObservedState>;
  /** Run nft inside this network namespace (tests). */
  netns?: string;
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
    check: async (ruleset) => (await get()).check(ruleset),
    apply: async (ruleset, confirmTimeoutMs, probes, opts) => (await get()).apply(ruleset, confirmTimeoutMs, probes, opts),
    restore: async (ruleset) => (await get()).restore(ruleset),
  };
}

export interface HostObserverOptions {
  root: string;
  dataDir: string;
  hostId: string;
  netns?: string;
  /** HEAD of the state repo, read at each observation; default null (the planner sets the base itself). */
  stateCommit?: () => Promise<string | null>;
  /** Told once per observation when nft is not installed (the firewall is then read as absent). */
  warn?: (message: string) => void;
}

/** The observer the planner and the base check use (runtime/observe/snapshot.ts); nft read as absent when nft is missing. */
export function hostObserver(o: HostObserverOptions): () => Promise<ObservedState> {
  if (engineKind() === 'containerd') {
    let engine: Promise<import('./drivers/containerd/engine.js').ContainerdEngine> | undefined;
    return async () => {
      engine ??= import('./drivers/containerd/engine.js').then((m) => new m.ContainerdEngine({ ...containerdOptions(o), nft: nftReader(o) }));
      return (await engine).observeState((await o.stateCommit?.()) ?? null);
    };
  }
  const docker = dockerApiFor(process.env);
  return async () => {
    const { NftDriver, NftError, residentNftReader } = await import('./drivers/nft.js');
    const driver = new NftDriver(o.netns ? { netns: o.netns } : {});
    const nft = {
      async observe() {
        // the warm CLI worker's resident `nft -j -i` (no fork of this large process), else nft run once
        const resident = await residentNftReader(o.netns)?.observe();
        if (resident) {
          trace('observe: firewall listed by the resident nft');
          return resident;
        }
        try {
          return await driver.observe();
        } catch (e) {
          if (e instanceof NftError && e.exitCode === null) {
            o.warn?.(`nft is not available (${e.message}); the firewall is read as absent`);
            return { hash: null };
          }
          throw e;
        }
      },
    };
    return observe({ docker, dataDir: o.dataDir, root: o.root, hostId: o.hostId, stateCommit: (await o.stateCommit?.()) ?? null, nft });
  };
}

/** The container backend: `CLAUDE_ENGINE=containerd` selects containerd, anything else Docker. */
export function engineKind(env: NodeJS.ProcessEnv = process.env): 'docker' | 'containerd' {
  const v = env.CLAUDE_ENGINE?.trim();
  if (!v || v === 'docker') return 'docker';
  if (v === 'containerd') return 'containerd';
  throw new Error(`CLAUDE_ENGINE='${v}' is not a container backend: use 'docker' (default) or 'containerd'`);
}

/** The containerd driver's options from the environment (CLAUDE_CONTAINERD_ADDRESS, CLAUDE_CONTAINERD_NAMESPACE). */
function containerdOptions(o: { root: string; dataDir: string; hostId: string; netns?: string }) {
  return {
    address: process.env.CLAUDE_CONTAINERD_ADDRESS || '/run/containerd/containerd.sock',
    namespace: process.env.CLAUDE_CONTAINERD_NAMESPACE || 'claude-os',
    root: o.root,
    dataDir: o.dataDir,
    hostId: o.hostId,
  };
}

/** The nft reader for the observer, with the same "nft missing → firewall absent" rule as hostObserver. */
function nftReader(o: { netns?: string; warn?: (message: string) => void }) {
  return {
    async observe() {
      const { NftDriver, NftError } = await import('./drivers/nft.js');
      try {
        return await new NftDriver(o.netns ? { netns: o.netns } : {}).observe();
      } catch (e) {
        if (e instanceof NftError && e.exitCode === null) {
          o.warn?.(`nft is not available (${e.message}); the firewall is read as absent`);
          return { hash: null };
        }
        throw e;
      }
    },
  };
}

/** The containerd driver for this host (what `claude supervise` and the observation commands use on containerd). */
export async function openContainerdEngine(o: { root: string; dataDir: string; hostId: string }): Promise<import('./drivers/containerd/engine.js').ContainerdEngine> {
  const { ContainerdEngine } = await import('./drivers/containerd/engine.js');
  return new ContainerdEngine(containerdOptions(o));
}

/** This host's engine: the Docker driver (or containerd, `CLAUDE_ENGINE=containerd`) with the nft firewall and the planner's observer. */
export async function createHostEngine(o: HostEngineOptions): Promise<Engine> {
  if (engineKind() === 'containerd') {
    const { ContainerdEngine } = await import('./drivers/containerd/engine.js');
    return new ContainerdEngine({ ...containerdOptions(o), firewall: nftFirewall(o.dataDir, o.netns), nft: nftReader(o), ...(o.observe ? { observe: o.observe } : {}) });
  }
  return createDockerHostEngine(o);
}

/** The Docker driver with the nft firewall and the planner's observer (whatever CLAUDE_ENGINE says). */
export async function createDockerHostEngine(o: HostEngineOptions): Promise<DockerEngine> {
  return new DockerEngine({
    root: o.root,
    dataDir: o.dataDir,
    hostId: o.hostId,
    firewall: nftFirewall(o.dataDir, o.netns),
    observe: o.observe ?? hostObserver(o),
  });
}
