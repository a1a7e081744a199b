/**
 * Readiness during start-up. The runtime probes a container itself instead of waiting for
 * Docker's first health interval: it runs the declared health command with `docker exec`
 * every `intervalMs` (100 ms by default) until the first success, then leaves Docker's own
 * healthcheck (set at create time) running. Without a health command, a container is ready
 * when it runs and each published TCP port accepts a connection.
 *
 * A container that exits while we wait fails at once, with its exit code and last log
 * lines; one that is not ready within the timeout fails with the last probe output.
 */
import { connect } from 'node:net';
import type Docker from 'dockerode';
import type { ContainerSpec, HealthSpec } from '../plan/types.js';
import { ContainerExitedError, HealthTimeoutError, type ReadyResult } from './engine.js';
import { demuxLogs, redactLines, secretValuesOf } from './observe/docker.js';
import { redact } from './secrets.js';

export const PROBE_INTERVAL_MS = 100;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The argv a Docker health test runs: CMD-SHELL → sh -c, CMD → as is; NONE → null. */
export function healthArgv(test: readonly string[]): string[] | null {
  const [kind, ...rest] = test;
  if (kind === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  if (kind === 'CMD') return rest;
  return null;
}

/** Runs a command in a container; resolves with its exit code and (truncated) output. */
export async function execIn(container: Docker.Container, argv: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  let output = '';
  const finished = new Promise<void>((resolve) => {
    stream.on('data', (b: Buffer) => {
      // Multiplexed frames: 8-byte headers; keep printable text only.
      if (output.length < 2000) output += b.toString('utf8').replace(/[\x00-\x08\x0e-\x1f]/g, '');
    });
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.on('error', () => resolve());
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([finished.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
  clearTimeout(timer);
  if (timedOut) {
    stream.destroy();
    return { code: null, output: `(timed out after ${timeoutMs} ms) ${output}` };
  }
  const info = await exec.inspect();
  return { code: info.ExitCode ?? null, output: output.trim() };
}

function portAnswers(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * The container's last log lines for an error message: demultiplexed, with the values of
 * its secret-derived env variables redacted (the container may have been created by an
 * earlier apply, so this apply's own resolved secrets do not cover it).
 */
async function lastLogLines(container: Docker.Container, n = 5): Promise<string> {
  try {
    const info = await container.inspect();
    const raw = (await container.logs({ stdout: true, stderr: true, tail: n, follow: false })) as unknown as Buffer;
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
    return redactLines(demuxLogs(buf, !!info.Config?.Tty), secretValuesOf(info))
      .map((l) => l.text.replace(/[\x00-\x08\x0e-\x1f]/g, '').trim())
      .filter(Boolean)
      .slice(-n)
      .map((l) => `    > ${l}`)
      .join('\n');
  } catch {
    return '';
  }
}

export interface WaitReadyOptions {
  probe: HealthSpec | null;
  timeoutMs: number;
  ports: ContainerSpec['ports'];
  intervalMs?: number;
}

export async function waitReady(docker: Docker, nameOrId: string, opts: WaitReadyOptions): Promise<ReadyResult> {
  const t0 = Date.now();
  const deadline = t0 + opts.timeoutMs;
  const interval = opts.intervalMs ?? PROBE_INTERVAL_MS;
  const container = docker.getContainer(nameOrId);
  const argv = opts.probe ? healthArgv(opts.probe.test) : null;
  const probeTimeout = Math.max(200, opts.probe?.timeoutMs ?? 1000);
  let last = '';
  // With a health command, the container's state is read on the first round, every 5th
  // round, and whenever a probe could not run (an exec into a stopped container fails):
  // fewer Engine API calls while the command is polled. Without one, every round.
  let info = await container.inspect();
  for (let round = 0; ; round++) {
    if (round > 0 && (!argv || round % 5 === 0)) info = await container.inspect();
    const st = info.State;
    if (st.Status === 'exited' || st.Status === 'dead') {
      const logs = await lastLogLines(container);
      throw new ContainerExitedError(
        `container ${info.Name.replace(/^\//, '')} exited (exit code ${st.ExitCode}${st.OOMKilled ? ', killed: out of memory' : ''}) before it became ready${logs ? `; last log lines:\n${logs}` : ''}`,
        'look at the log lines above; `docker logs ' + info.Name.replace(/^\//, '') + '` shows more',
      );
    }
    if (st.Running) {
      if (argv) {
        try {
          const r = await execIn(container, argv, Math.min(probeTimeout, Math.max(50, deadline - Date.now())));
          if (r.code === 0) return { state: 'healthy', ms: Date.now() - t0 };
          last = `exit ${r.code ?? '?'}${r.output ? `: ${redact(r.output, secretValuesOf(info)).slice(0, 300)}` : ''}`;
        } catch (e) {
          last = (e as Error).message;
          info = await container.inspect(); // it may have exited: the next round sees it
        }
      } else {
        const tcp = opts.ports.filter((p) => p.protocol === 'tcp' && p.host !== undefined);
        const hostOf = (ip: string | undefined) => (!ip || ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip);
        const answers = await Promise.all(tcp.map((p) => portAnswers(hostOf(p.hostIp), p.host!)));
        if (answers.every(Boolean)) return { state: 'running', ms: Date.now() - t0 };
        last = `port(s) ${tcp.filter((_, i) => !answers[i]).map((p) => p.host).join(', ')} not accepting connections`;
      }
    } else {
      last = `status ${st.Status}`;
    }
    if (Date.now() >= deadline) {
      const name = info.Name.replace(/^\//, '');
      throw new HealthTimeoutError(
        `${name} did not become ${argv ? 'healthy' : 'ready'} within ${opts.timeoutMs} ms` +
          (argv ? ` (health command: ${opts.probe!.test.slice(1).join(' ')})` : '') +
          (last ? `; last result: ${last}` : ''),
        `check the service's health command and that it can start; \`docker logs ${name}\` shows its output`,
      );
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}
