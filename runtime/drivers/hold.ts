/**
 * The held start on Docker: a container whose start waits for other services is started early,
 * its process held before the image's entrypoint, and released when its dependencies are ready.
 *
 * Why: dockerd's `start` is the slow call of a stack on Docker (≈ 0.45 s quiet, ≈ 0.5–0.9 s at
 * load 13–17): most of it is the task's creation in dockerd's containerd (the shim and `runc
 * create`; the network, the published ports, the log driver, seccomp and the shim's version
 * change it by less than the noise: docs/runtime.md "The stack on Docker, session 26"). On
 * containerd the driver creates the task at create and only starts it at the step; Docker has no
 * call for that, so a dependent service (web after postgres and redis) paid the whole start after
 * its dependencies were ready. Held, it pays ≈ 50 ms there: the release and the exec.
 *
 * How: the container is created with the entrypoint `/bin/sh -c HOLD_SCRIPT claude-hold <argv>`,
 * where argv is what Docker would have run (the spec's or the image's entrypoint and command,
 * Docker's merge rule: `effectiveArgv`), and a FIFO at HOLD_PATH in its own filesystem (a tar
 * put into the created container). The script blocks reading the FIFO, then `exec`s argv: the
 * same process (pid 1), environment, user and working dir as without the hold. The release
 * opens the FIFO read-write through /proc/<pid>/root (a writer: the reader's open returns),
 * writes a line and unlinks it, so every later start of the container (a restart, a reboot, a
 * rollback's restore) runs argv at once. Without access to /proc/<pid>/root (another pid
 * namespace, no root) the release is a `docker exec` as root doing the same.
 *
 * Only where it can be undone: a container this apply creates (a crash before the release
 * leaves a held container that recovery removes, as any created one), an image with /bin/sh
 * (checked in the created container: `infoArchive`), the local socket client (putArchive).
 */
import { closeSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import type { ContainerSpec } from '../../plan/types.js';
import type { ContainerApi } from './engine-api.js';

/** The FIFO the held process reads, in the container's own filesystem (its writable layer). */
export const HOLD_PATH = '/.claude-hold';

/**
 * The held entrypoint's script: wait on the FIFO while it is there, then run argv. The release
 * unlinks it (after opening it), so the wait is a loop on its existence, not one read: busybox
 * sh's open of the FIFO returns (EINTR) on any signal it handles, SIGCHLD too, which pid 1 gets
 * whenever a process in the container is orphaned to it and exits (a health check's `sleep`
 * whose probe Docker killed at its timeout), and a single read then ran argv before the
 * dependencies were ready (session 27, found by the held crash test). TERM/INT end it while
 * held (pid 1 has no default action for them).
 */
export const HOLD_SCRIPT = `trap 'exit 143' TERM INT; while [ -p ${HOLD_PATH} ]; do { read _ < ${HOLD_PATH}; } 2>/dev/null; done; exec "$@"`;

/** The entrypoint of a held container; its Cmd is the argv it runs once released. */
export const HOLD_ENTRYPOINT = ['/bin/sh', '-c', HOLD_SCRIPT, 'claude-hold'];

/** `s` as one word of /bin/sh, quoted. */
function shWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The health test of a held container: Docker's own health check runs from the held start, and
 * while held nothing serves, so it failed each interval: `unhealthy` and a `health_status` event
 * (kept by the observer) before the release when the hold outlasted interval × retries (1.5 s in
 * the bench; the held web waits for postgres's start-up). This one waits while the hold's FIFO is
 * there (at most the probe's timeout: the hold ended or the probe fails as before), then runs the
 * test as given: while held the status stays `starting`, and after the release (no FIFO, one
 * `[ -p ]`) the check is the service's own. A `CMD` test becomes the same argv `exec`'d through
 * /bin/sh (a held container has it); `NONE` or an empty test is kept.
 */
export function heldHealthTest(test: readonly string[] | undefined): string[] | undefined {
  if (!test || test.length < 2 || (test[0] !== 'CMD' && test[0] !== 'CMD-SHELL')) return test ? [...test] : undefined;
  const run = test[0] === 'CMD-SHELL' ? test.slice(1).join(' ') : `exec ${test.slice(1).map(shWord).join(' ')}`;
  return ['CMD-SHELL', `while [ -p ${HOLD_PATH} ]; do sleep 0.05 || break; done; ${run}`];
}

/**
 * What Docker runs for a container created from `spec` on an image with this config (moby's
 * merge: an entrypoint given replaces the image's and its command; none given keeps the image's
 * entrypoint, and the image's command unless one is given).
 */
export function effectiveArgv(spec: Pick<ContainerSpec, 'entrypoint' | 'command'>, image: { Entrypoint?: string[] | null; Cmd?: string[] | null }): string[] {
  if (spec.entrypoint && spec.entrypoint.length) return [...spec.entrypoint, ...(spec.command ?? [])];
  const cmd = spec.command && spec.command.length ? spec.command : (image.Cmd ?? []);
  const ep = spec.entrypoint ?? image.Entrypoint ?? [];
  return [...ep, ...cmd];
}

/** A tar holding one FIFO (mode 0644, root) at `name`, relative to the extraction dir. */
export function fifoTar(name: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii'); // mode
  h.write('0000000\0', 108, 'ascii'); // uid
  h.write('0000000\0', 116, 'ascii'); // gid
  h.write('00000000000\0', 124, 'ascii'); // size
  h.write('00000000000\0', 136, 'ascii'); // mtime
  h.write('        ', 148, 'ascii'); // checksum: spaces while summing
  h.write('6', 156, 'ascii'); // type: FIFO
  h.write('ustar\0' + '00', 257, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return Buffer.concat([h, Buffer.alloc(1024)]);
}

/**
 * Prepares a created container for a held start: /bin/sh is in its filesystem and the FIFO is
 * put there. False: it cannot be held (the caller creates it again without the hold).
 */
export async function prepareHold(c: ContainerApi): Promise<boolean> {
  if (!c.putArchive || !c.infoArchive) return false;
  try {
    await c.infoArchive({ path: '/bin/sh' });
  } catch {
    return false;
  }
  await c.putArchive(fifoTar(HOLD_PATH.slice(1)), { path: '/' });
  return true;
}

/**
 * Releases a held container whose pid 1 is `pid`: through /proc/<pid>/root where this process
 * can open it, else a `docker exec` as root in the container. Idempotent: no FIFO, nothing held.
 */
export async function releaseHold(c: ContainerApi, pid: number | null): Promise<'proc' | 'exec'> {
  const path = `/proc/${pid}/root${HOLD_PATH}`;
  let fd: number | null = null;
  try {
    if (pid && statSync(path).isFIFO()) fd = openSync(path, 'r+');
  } catch {
    fd = null;
  }
  if (fd !== null) {
    try {
      // unlinked before the line: the held loop, once its read returns, finds no FIFO
      unlinkSync(path);
      writeSync(fd, '\n');
    } finally {
      closeSync(fd);
    }
    return 'proc';
  }
  // opened read-write (a writer: the held read's open returns), unlinked, then a line: the
  // held loop sees no FIFO once its read returns (unlinked first: it never opens it again)
  const exec = await c.exec({ Cmd: ['/bin/sh', '-c', `[ -p ${HOLD_PATH} ] && { rm -f ${HOLD_PATH}; echo >&3; } 3<> ${HOLD_PATH}; rm -f ${HOLD_PATH}`], AttachStdout: true, AttachStderr: true, User: '0' });
  const stream = await exec.start({ hijack: true, stdin: false });
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
    stream.resume();
  });
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`the held container could not be released (exit ${ExitCode})`);
  return 'exec';
}
