/**
 * What the observation commands (status, services, logs, events, diagnose, observe) share:
 * paths from the environment, the Docker client, this instance's host id (only containers
 * labelled with it count as managed: plan/types.ts LABEL_HOST), and the desired services
 * compiled from the state dir when the compiler is installed and the files compile.
 *
 * The host id is read, never made here: before the first plan there is none, and nothing on
 * the engine is this instance's.
 */
import { existsSync } from 'node:fs';
import { resolvePaths, type Paths } from '../common/paths.js';
import type { DesiredService } from '../plan/observed.js';
import { dockerFor, type DockerLike } from '../runtime/observe/engine-client.js';
import { readHostIdOrNull } from '../runtime/observe/collect.js';
import type { AgentContext } from './context.js';
import type { Summary } from '../runtime/observe/summary.js';
import type { ResolvedFirewall } from '../compiler/model.js';
import { trace } from '../common/trace.js';

export interface ObserveEnv extends Paths {
  /** The light unix-socket client (dockerode for tcp/ssh DOCKER_HOST). */
  docker: DockerLike;
  /** This instance's host id, or null before the first plan made it. */
  hostId: string | null;
}

export async function observeEnv(ctx: Pick<AgentContext, 'env' | 'cwd'>, stateDirFlag?: string): Promise<ObserveEnv> {
  const paths = resolvePaths(ctx.env, ctx.cwd, stateDirFlag);
  const docker = await dockerFor(ctx.env);
  return { ...paths, docker, hostId: readHostIdOrNull(paths.dataDir) };
}

/** The desired services, or undefined when there is no state dir, no compiler, or the files do not compile. */
export async function desiredFromStateDir(stateDir: string, dataDir?: string, env: NodeJS.ProcessEnv = process.env): Promise<DesiredService[] | undefined> {
  return (await desiredStateOf(stateDir, dataDir, env))?.services;
}

/** The desired services and firewall (null: network.yaml has none), or undefined as above. */
async function desiredStateOf(stateDir: string, dataDir: string | undefined, env: NodeJS.ProcessEnv): Promise<{ services: DesiredService[]; firewall: ResolvedFirewall | null } | undefined> {
  if (!existsSync(stateDir)) return undefined;
  try {
    // The compiled-state cache (compiler/compile-cache.ts) when a data dir is given: `status` runs often on unchanged files.
    const { compileStateDirCached } = await import('../compiler/compile-cache.js');
    const { desiredServices } = await import('../compiler/diagnose/desired.js');
    const r = compileStateDirCached(stateDir, dataDir, env);
    return r.model ? { services: desiredServices(r.model), firewall: r.model.firewall } : undefined;
  } catch {
    return undefined; // runtime-only image: no compiler
  }
}

/**
 * The observation behind `claude status` and the interactive banner: the same engine, host id,
 * desired services and port probes, so both count the same alerts (issue 11, defect 8).
 */
export async function observeStatus(ctx: Pick<AgentContext, 'env' | 'cwd' | 'now'>, stateDirFlag?: string): Promise<{ env: ObserveEnv; summary: Summary; firewall?: ResolvedFirewall | null }> {
  const env = await observeEnv(ctx, stateDirFlag);
  const desired = await desiredStateOf(env.stateDir, env.dataDir, ctx.env);
  trace('status: state dir compiled');
  const { observeSystem } = await import('../runtime/observe/index.js');
  // others' running containers from the engine's list: status shows only their name, image, state and ports
  const { summary } = await observeSystem({ docker: env.docker, dataDir: env.dataDir, root: env.root, now: ctx.now, hostId: env.hostId, othersFromList: true, ...(desired ? { desired: desired.services } : {}) });
  // The firewall network.yaml asks for (absent: the state files do not compile), for status' short view.
  return { env, summary, ...(desired ? { firewall: desired.firewall } : {}) };
}
