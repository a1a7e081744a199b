/**
 * The Docker side of a scheduled job run (runtime/jobs/ decides when; this does it), always
 * inside a container, never in a host shell:
 *
 * - `execInService`: `docker exec` of the job's argv in its service's running container
 *   (managed by this instance: `claude.os/managed=true`, `claude.os/service`,
 *   `claude.os/host=<host id>`; the first replica by name). At the timeout the exec'd
 *   process and everything it started are killed by host pid (the Engine reports it); the
 *   service container keeps running.
 * - `runUtility`: a fresh container of the job's image, `docker run --rm` style, with only
 *   the job's declared mounts (under CLAUDE_ROOT; absolute, no `..`), no network and no new
 *   privileges, named `claude-job-<job>-<runId>`, killed at the timeout, removed after.
 *
 * Both return the outcome with the last output lines; neither throws for a job that fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { underRoot } from '../../common/paths.js';
import { containedHostPath } from './hostfs.js';
import { LABEL_HOST, LABEL_MANAGED, LABEL_SERVICE, type JobSpec } from '../../plan/types.js';

/** Labels on a utility job container (not `claude.os/managed`: it is no service, the planner never sees it). */
export const LABEL_JOB = 'claude.os/job';
export const LABEL_JOB_RUN = 'claude.os/job-run';

/** For a job with neither `container` nor `image`. */
export const DEFAULT_JOB_IMAGE = 'claude-os-local/busybox:latest';
/** How many output lines a run keeps, and how long each may be. */
export const OUTPUT_LINES = 20;
const LINE_MAX = 300;

/** Keeps the last OUTPUT_LINES lines written to it (both streams, in arrival order). */
class Tail {
  readonly lines: string[] = [];
  private partial = '';
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        this.push(chunk.toString('utf8'));
        cb();
      },
    });
  }
  private push(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.keep(p);
  }
  private keep(line: string): void {
    this.lines.push(line.replace(/\r$/, '').slice(0, LINE_MAX));
    if (this.lines.length > OUTPUT_LINES) this.lines.shift();
  }
  finish(): string[] {
    if (this.partial) this.keep(this.partial);
    this.partial = '';
    return this.lines;
  }
}

export interface JobContainerOptions {
  docker: Docker;
  /** CLAUDE_ROOT: mount sources are logical paths under it. */
  root: string;
  /** This instance's host id (plan/keys.ts): only its service containers are used. */
  hostId: string;
  /** The image for a job with neither container nor image. Default DEFAULT_JOB_IMAGE. */
  defaultImage?: string;
}

/** The pids of `pid`'s descendants (from /proc), deepest last. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* gone meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** SIGKILL a process and everything it started; returns an error text when it could not. */
function killTree(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return 'the Engine reported no pid for the exec';
  const all = [pid, ...descendants(pid)];
  let err: string | undefined;
  for (const p of all) {
    try {
      process.kill(p, 'SIGKILL');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ESRCH') err = `could not kill pid ${p}: ${code ?? (e as Error).message}`;
    }
  }
  return err;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves when the stream ends or closes, or after `ms`. */
function ended(stream: NodeJS.ReadableStream, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    const done = () => {
      clearTimeout(t);
      resolve(true);
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

/** The running container of a service managed by this instance (first replica by name), or null. */
export async function serviceContainer(docker: Docker, service: string, hostId: string): Promise<{ id: string; name: string } | null> {
  const list = await docker.listContainers({ filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_SERVICE}=${service}`, `${LABEL_HOST}=${hostId}`], status: ['running'] } });
  const named = list.map((c) => ({ id: c.Id, name: (c.Names[0] ?? c.Id).replace(/^\//, '') })).sort((a, b) => (a.name < b.name ? -1 : 1));
  return named[0] ?? null;
}

export interface JobOutcome {
  status: 'succeeded' | 'failed' | 'timed-out' | 'error';
  exitCode: number | null;
  where: string;
  output: string[];
  error?: string;
}

export async function execInService(o: JobContainerOptions, job: JobSpec, service: string): Promise<JobOutcome> {
  const c = await serviceContainer(o.docker, service, o.hostId);
  if (!c) return { status: 'error', exitCode: null, where: `service ${service}`, output: [], error: `service ${service} has no running container; start it (claude apply) or fix the job's container:` };
  const where = `container ${c.name} (service ${service})`;
  const tail = new Tail();
  const exec = await o.docker.getContainer(c.id).exec({ Cmd: job.command, AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  o.docker.modem.demuxStream(stream, tail.writable(), tail.writable());
  const done = ended(stream, job.timeoutMs);
  const finished = await done;
  if (!finished) {
    const info = await exec.inspect();
    const killErr = info.Running ? killTree(info.Pid) : undefined;
    await ended(stream, 5_000);
    (stream as unknown as { destroy?: () => void }).destroy?.();
    return { status: 'timed-out', exitCode: (await exec.inspect()).ExitCode ?? null, where, output: tail.finish(), error: `killed after its timeout of ${job.timeoutMs} ms${killErr ? ` (${killErr})` : ''}` };
  }
  // The stream ends a moment before the Engine has the exit code.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 50; i++) {
    await sleep(20);
    info = await exec.inspect();
  }
  const code = info.ExitCode ?? null;
  return { status: code === 0 ? 'succeeded' : 'failed', exitCode: code, where, output: tail.finish() };
}

export async function runUtility(o: JobContainerOptions, job: JobSpec, runId: string): Promise<JobOutcome> {
  const image = job.image ?? o.defaultImage ?? DEFAULT_JOB_IMAGE;
  const name = `claude-job-${job.name}-${runId}`.replace(/[^a-zA-Z0-9_.-]/g, '-');
  const where = `utility container ${name} (image ${image})`;
  const binds: string[] = [];
  for (const m of (job.mounts ?? []) as { source: string; target: string; readonly?: boolean }[]) {
    if (!m.source.startsWith('/') || m.source.split('/').includes('..')) return { status: 'error', exitCode: null, where, output: [], error: `mount source '${m.source}' is refused: host paths are absolute, without '..', under CLAUDE_ROOT` };
    try {
      containedHostPath(o.root, underRoot(o.root, m.source), m.source);
    } catch (e) {
      return { status: 'error', exitCode: null, where, output: [], error: (e as Error).message };
    }
    binds.push(`${underRoot(o.root, m.source)}:${m.target}${m.readonly ? ':ro' : ''}`);
  }
  let container: Docker.Container;
  try {
    container = await o.docker.createContainer({
      name,
      Image: image,
      Cmd: job.command,
      Labels: { [LABEL_JOB]: job.name, [LABEL_JOB_RUN]: runId, [LABEL_HOST]: o.hostId },
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      NetworkDisabled: true,
      HostConfig: { Binds: binds, NetworkMode: 'none', SecurityOpt: ['no-new-privileges'], AutoRemove: false },
    });
  } catch (e) {
    const msg = (e as Error).message;
    const missing = /no such image/i.test(msg);
    return { status: 'error', exitCode: null, where, output: [], error: missing ? `image ${image} is not present locally; add the job's image to the state (the plan ensures it), or load it into the container engine (docker load -i <file>.tar)` : `docker could not create the job container: ${msg}` };
  }
  const tail = new Tail();
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    o.docker.modem.demuxStream(stream, tail.writable(), tail.writable());
    const streamEnded = ended(stream, job.timeoutMs + 10_000);
    await container.start();
    const waited = container.wait() as Promise<{ StatusCode: number }>;
    // The timeout timer is cleared as soon as the job exits: a pending 1 h timer would keep
    // `claude jobs run` (and any short-lived process) alive for the whole timeout.
    let timeoutHandle: NodeJS.Timeout | undefined;
    const timer = new Promise<'timeout'>((r) => {
      timeoutHandle = setTimeout(() => r('timeout'), job.timeoutMs);
    });
    const first = await Promise.race([waited, timer]).finally(() => clearTimeout(timeoutHandle));
    if (first === 'timeout') {
      await container.kill().catch(() => undefined);
      const w = await waited.catch(() => ({ StatusCode: null }));
      await streamEnded;
      return { status: 'timed-out', exitCode: w.StatusCode, where, output: tail.finish(), error: `killed after its timeout of ${job.timeoutMs} ms` };
    }
    let graceHandle: NodeJS.Timeout | undefined;
    await Promise.race([streamEnded, new Promise<void>((r) => (graceHandle = setTimeout(r, 2_000)))]).finally(() => clearTimeout(graceHandle));
    return { status: first.StatusCode === 0 ? 'succeeded' : 'failed', exitCode: first.StatusCode, where, output: tail.finish() };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/**
 * Utility job containers of this instance that no run owns any more (the process running
 * the job was killed before it removed its container), removed. `owned(job)` says whether a
 * run of that job is in progress (its lock is held): those are left alone. Returns the names
 * removed.
 */
export async function removeLeftoverJobContainers(docker: Docker, hostId: string, owned: (job: string) => boolean): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABEL_JOB_RUN, `${LABEL_HOST}=${hostId}`] } });
  const removed: string[] = [];
  for (const c of list) {
    const job = c.Labels[LABEL_JOB] ?? '';
    if (owned(job)) continue;
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .then(() => removed.push((c.Names[0] ?? c.Id).replace(/^\//, '')))
      .catch(() => undefined);
  }
  return removed.sort();
}
