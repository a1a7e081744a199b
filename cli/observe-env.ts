/**
 * What the observation commands (status, services, logs, events, diagnose, observe) share:
 * paths from the environment, the Docker client, the test scope, and the desired services
 * compiled from the state dir when the compiler is installed and the files compile.
 *
 * CLAUDE_OBSERVE_SCOPE (a regular expression) limits the commands to containers whose name
 * matches: for tests sharing one dockerd. Unset in production.
 */
import { existsSync } from 'node:fs';
import { resolvePaths, type Paths } from '../common/paths.js';
import type { DesiredService } from '../runtime/observe/types.js';
import { dockerFor, type DockerLike } from '../runtime/observe/engine-client.js';
import { UsageError, type CommandContext } from './context.js';

export interface ObserveEnv extends Paths {
  /** The light unix-socket client (dockerode for tcp/ssh DOCKER_HOST). */
  docker: DockerLike;
  scope?: RegExp;
}

export async function observeEnv(ctx: CommandContext, stateDirFlag?: string): Promise<ObserveEnv> {
  const paths = resolvePaths(ctx.env, ctx.cwd, stateDirFlag);
  let scope: RegExp | undefined;
  const s = ctx.env.CLAUDE_OBSERVE_SCOPE;
  if (s) {
    try {
      scope = new RegExp(s);
    } catch (e) {
      throw new UsageError(`CLAUDE_OBSERVE_SCOPE is not a valid regular expression: ${(e as Error).message}`);
    }
  }
  const docker = await dockerFor(ctx.env);
  return { ...paths, docker, ...(scope ? { scope } : {}) };
}

/** The desired services, or undefined when there is no state dir, no compiler, or the files do not compile. */
export async function desiredFromStateDir(stateDir: string): Promise<DesiredService[] | undefined> {
  if (!existsSync(stateDir)) return undefined;
  try {
    const { compileStateDir } = await import('../compiler/compile.js');
    const { desiredServices } = await import('../compiler/diagnose/desired.js');
    const r = compileStateDir(stateDir);
    return r.model ? desiredServices(r.model) : undefined;
  } catch {
    return undefined; // runtime-only image: no compiler
  }
}

/** "Cannot reach the Docker Engine" with the fix, for commands that need it. */
export function dockerDownMessage(e: unknown): string {
  const msg = (e as Error)?.message ?? String(e);
  return `cannot reach the Docker Engine (${msg}); start dockerd (systemctl start docker) or set DOCKER_HOST`;
}
