/**
 * The readings behind "why is X slow?" (analyzers/slow.ts): CPU throttling counters read
 * twice over a short window, cgroup and host PSI, swap, and for postgres containers the
 * connections against max_connections and the queries active for more than 30 s.
 *
 * The postgres figures come from one fixed, read-only query run with `docker exec` inside the
 * service's own container (as a health check runs), never from a host shell; nothing is
 * changed. A container where psql is missing or refuses gets an `error` entry instead.
 */
import type Docker from 'dockerode';
import type { Facts } from '../../plan/observed.js';
import type { PostgresStats, SlowReadings } from './analyzers/slow.js';
import { cgroupPressure, cpuThrottle, hostPressure, swapBytes, throttleBetween, type CpuThrottle } from './pressure.js';

/** The fixed query: one `claude-pg|connections|max` line, then one `claude-lq|seconds|query` line per long query. */
export const PG_QUERY = [
  "select 'claude-pg', count(*), current_setting('max_connections') from pg_stat_activity where backend_type = 'client backend'",
  "select 'claude-lq', extract(epoch from now() - query_start)::int, left(regexp_replace(query, '[|\\r\\n]', ' ', 'g'), 100) from pg_stat_activity where state = 'active' and pid <> pg_backend_pid() and now() - query_start > interval '30 seconds'",
];

export function parsePgOutput(text: string): PostgresStats | null {
  const m = /claude-pg\|(\d+)\|(\d+)/.exec(text);
  if (!m) return null;
  const longQueries: PostgresStats['longQueries'] = [];
  for (const l of text.matchAll(/claude-lq\|(\d+)\|([^\n]*)/g)) longQueries.push({ seconds: Number(l[1]), query: l[2]!.trim() });
  return { connections: Number(m[1]), maxConnections: Number(m[2]), longQueries };
}

function isPostgres(c: Facts['containers'][number]): boolean {
  return /postgres/i.test(c.image) || /postgres|pg/i.test(c.service ?? '');
}

async function pgStats(docker: Docker, id: string, timeoutMs: number): Promise<PostgresStats | { error: string }> {
  try {
    const { startExec } = await import('../health.js');
    const cmd = `psql -U "\${POSTGRES_USER:-postgres}" -d "\${POSTGRES_DB:-postgres}" -At -F '|' ${PG_QUERY.map((q) => `-c "${q.replace(/"/g, '\\"')}"`).join(' ')}`;
    const run = await startExec(docker.getContainer(id), ['/bin/sh', '-c', cmd]);
    const r = await run.wait(run.clock.elapsed() + timeoutMs);
    if (!r) {
      run.detach();
      return { error: `psql did not answer within ${timeoutMs} ms` };
    }
    const parsed = parsePgOutput(r.output);
    return parsed ?? { error: `psql exited ${r.code}: ${r.output.slice(0, 200)}` };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * Samples the managed running containers (of `service`, when given) for `windowMs`. `docker`
 * must be able to exec (dockerode) for the postgres figures; without it they are skipped.
 */
export async function slowReadings(f: Facts, o: { windowMs: number; service?: string; docker?: Docker; procRoot?: string; cgroupRoot?: string }): Promise<SlowReadings> {
  const cg = { procRoot: o.procRoot, cgroupRoot: o.cgroupRoot };
  const targets = f.containers.filter((c) => c.managed && c.status === 'running' && c.pid && (!o.service || c.service === o.service));
  const before = new Map<string, CpuThrottle>();
  for (const c of targets) {
    const t = cpuThrottle(c.pid!, cg);
    if (t) before.set(c.name, t);
  }
  const started = Date.now();
  const pg = new Map<string, PostgresStats | { error: string }>();
  const pgJobs = o.docker ? targets.filter(isPostgres).map(async (c) => pg.set(c.name, await pgStats(o.docker!, c.id, 5000))) : [];
  await Promise.all([new Promise((r) => setTimeout(r, o.windowMs)), ...pgJobs]);
  const ms = Date.now() - started;
  const throttle: SlowReadings['throttle'] = new Map();
  const pressure: SlowReadings['pressure'] = new Map();
  const swap: SlowReadings['swap'] = new Map();
  for (const c of targets) {
    const a = before.get(c.name);
    const b = cpuThrottle(c.pid!, cg);
    if (a && b) throttle.set(c.name, { rate: throttleBetween(a, b, ms), ...(b.quotaCores !== undefined ? { quotaCores: b.quotaCores } : {}) });
    const p = cgroupPressure(c.pid!, cg);
    if (Object.keys(p).length) pressure.set(c.name, p);
    const s = swapBytes(c.pid!, cg);
    if (s !== undefined) swap.set(c.name, s);
  }
  return { windowMs: ms, throttle, pressure, swap, host: hostPressure(o.procRoot), postgres: pg };
}
