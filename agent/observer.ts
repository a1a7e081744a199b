/**
 * The observer daemon's wiring (`claude observe --serve`, claude-observe.service), in the
 * agent like the CLI's and the API's host wiring: this host's paths, Docker client and host
 * id (agent/observe-env.ts), the observer (runtime/observe/daemon.ts: read-only, serves
 * metrics and the state summary) and the scheduled jobs on their cron schedule
 * (runtime/jobs/). The observer never plans or applies; a fix it leads to goes through the
 * troubleshooting flow (agent/troubleshoot.ts) and the one planning path like any other.
 */
import type { AgentContext } from './context.js';
import { observeEnv } from './observe-env.js';

export interface ObserverOptions {
  /** Listen address. Default 127.0.0.1 (the summary holds log lines). */
  host?: string;
  /** Listen port; 0 picks a free one. Default 9101. */
  port?: number;
  /** Observation interval. Default 10 s. */
  intervalMs?: number;
  /** The daemon's log lines (the CLI writes them to stderr). */
  log: (line: string) => void;
}

export interface RunningObserver {
  /** Where it serves /metrics, /api/v1/status, /api/v1/summary and /healthz. */
  address: { host: string; port: number };
  stop(): Promise<void>;
}

/**
 * Starts the observer and the job scheduler for this host; resolves once the observer
 * listens and its first observation is made. Rejects when it cannot listen (the port is
 * taken): nothing is left running then.
 */
export async function startObserver(ctx: AgentContext, o: ObserverOptions): Promise<RunningObserver> {
  const env = await observeEnv(ctx);
  const { ObserveDaemon } = await import('../runtime/observe/daemon.js');
  // Certificates are renewed here too (twice a day, and when an apply adds one): the ACME
  // settings come from the environment (docs/certificates.md); bad settings only skip it.
  const { acmeSettingsFromEnv } = await import('../runtime/certs/index.js');
  let acme: ReturnType<typeof acmeSettingsFromEnv> | undefined;
  try {
    acme = acmeSettingsFromEnv(ctx.env);
  } catch (e) {
    o.log(`claude-observe: certificates are not renewed: ${(e as Error).message}`);
  }
  const daemon = new ObserveDaemon({
    docker: env.docker,
    dataDir: env.dataDir,
    root: env.root,
    now: ctx.now,
    // no hostId: the daemon reads it from the data dir, also once the first plan makes it
    ...(o.intervalMs !== undefined ? { intervalMs: o.intervalMs } : {}),
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 9101,
    log: o.log,
    ...(acme ? { certificates: { acme, root: env.root } } : {}),
  });
  const address = await daemon.start();
  // The scheduled jobs run in this daemon too, on their cron schedule (runtime/jobs/, docs/jobs.md).
  const jobs = await import('../runtime/jobs/index.js');
  const { readHostId } = await import('../plan/keys.js');
  const scheduler = new jobs.JobScheduler({ docker: await jobs.dockerFromEnv(ctx.env), dataDir: env.dataDir, root: env.root, hostId: () => readHostId(env.dataDir), now: ctx.now, log: o.log });
  scheduler.start();
  return {
    address,
    stop: async () => {
      await scheduler.stop();
      await daemon.stop();
    },
  };
}
