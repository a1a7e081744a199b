/**
 * The held start's pure parts (runtime/drivers/hold.ts, runtime/apply.ts `heldStarts`): what
 * a held container runs once released (Docker's merge of the spec's and the image's entrypoint
 * and command), the FIFO's tar header, and which start steps are held. The held start itself,
 * on a real Docker Engine: runtime/held-start.docker.test.ts.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveArgv, fifoTar, heldHealthTest, HOLD_PATH, HOLD_SCRIPT } from './hold.js';
import { heldStarts } from '../apply.js';
import { containerSpec, S } from '../testutil/plans.js';

describe('effectiveArgv: what Docker would run', () => {
  const image = { Entrypoint: ['/docker-entrypoint.sh'], Cmd: ['postgres'] };
  it("keeps the image's entrypoint and command when the spec gives neither", () => {
    expect(effectiveArgv({}, image)).toEqual(['/docker-entrypoint.sh', 'postgres']);
  });
  it("a command replaces the image's command, not its entrypoint", () => {
    expect(effectiveArgv({ command: ['postgres', '-c', 'fsync=off'] }, image)).toEqual(['/docker-entrypoint.sh', 'postgres', '-c', 'fsync=off']);
  });
  it("an entrypoint replaces the image's entrypoint and drops its command", () => {
    expect(effectiveArgv({ entrypoint: ['redis-server'] }, image)).toEqual(['redis-server']);
    expect(effectiveArgv({ entrypoint: ['redis-server'], command: ['--save', ''] }, image)).toEqual(['redis-server', '--save', '']);
  });
  it("an empty entrypoint clears the image's, and keeps its command unless one is given", () => {
    expect(effectiveArgv({ entrypoint: [] }, image)).toEqual(['postgres']);
    expect(effectiveArgv({ entrypoint: [], command: ['sh'] }, image)).toEqual(['sh']);
  });
  it('an image with no entrypoint and no command: nothing to run (not held)', () => {
    expect(effectiveArgv({}, { Entrypoint: null, Cmd: null })).toEqual([]);
  });
});

describe('heldHealthTest: the health check waits while the hold is there', () => {
  // what Docker runs for CMD-SHELL: /bin/sh -c <string> (no FIFO here: the test runs at once)
  const run = (t: string[]) => execFileSync('/bin/sh', ['-c', t[1]!], { encoding: 'utf8' });
  it('a CMD test runs the same argv, each word as given (spaces, quotes, $)', () => {
    const t = heldHealthTest(['CMD', 'printf', '%s|', 'a b', "it's", '$HOME', ''])!;
    expect(t[0]).toBe('CMD-SHELL');
    expect(t).toHaveLength(2);
    expect(t[1]).toContain(`while [ -p ${HOLD_PATH} ]`);
    expect(run(t)).toBe("a b|it's|$HOME||");
  });
  it("a CMD-SHELL test runs as given, its exit status the check's", () => {
    const t = heldHealthTest(['CMD-SHELL', 'echo ok; exit 0'])!;
    expect(run(t)).toBe('ok\n');
    expect(() => run(heldHealthTest(['CMD-SHELL', 'exit 1'])!)).toThrow();
  });
  it('NONE, an empty test or none at all: kept', () => {
    expect(heldHealthTest(['NONE'])).toEqual(['NONE']);
    expect(heldHealthTest([])).toEqual([]);
    expect(heldHealthTest(undefined)).toBeUndefined();
  });
});

describe('HOLD_SCRIPT: held until the release, whatever signals pid 1 gets meanwhile', () => {
  // the script as the container runs it, with the FIFO in a temp dir; the shells a held image may have
  const shells = [['dash'], ['busybox', 'sh'], ['bash']].filter(([b]) => ['/usr/bin', '/bin'].some((d) => existsSync(join(d, b!))));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const held = (sh: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'claude-hold-test-'));
    const fifo = join(dir, 'f');
    execFileSync('mkfifo', [fifo]);
    const p = spawn(sh[0]!, [...sh.slice(1), '-c', HOLD_SCRIPT.replaceAll(HOLD_PATH, fifo), 'claude-hold', 'echo', 'released'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => p.on('close', (code) => r(code)));
    return { p, fifo, exited, out: () => out, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  };
  it.each(shells)('%s: SIGCHLD (an orphan of the container exiting) does not release it; the release (open, unlink, a line) does', async (...sh) => {
    const h = held(sh);
    try {
      await sleep(200);
      for (let i = 0; i < 3; i++) {
        h.p.kill('SIGCHLD');
        await sleep(100);
      }
      expect(h.p.exitCode).toBeNull();
      expect(h.out()).toBe('');
      // releaseHold's order: opened read-write, unlinked, then the line
      const fd = openSync(h.fifo, 'r+');
      unlinkSync(h.fifo);
      writeSync(fd, '\n');
      closeSync(fd);
      expect(await h.exited).toBe(0);
      expect(h.out()).toBe('released\n');
    } finally {
      h.p.kill('SIGKILL');
      h.cleanup();
    }
  });
  it.each(shells)('%s: TERM while held ends it (143), argv never runs', async (...sh) => {
    const h = held(sh);
    try {
      await sleep(200);
      h.p.kill('SIGTERM');
      expect(await h.exited).toBe(143);
      expect(h.out()).toBe('');
    } finally {
      h.p.kill('SIGKILL');
      h.cleanup();
    }
  });
});

describe('fifoTar', () => {
  it('one ustar FIFO entry with a valid checksum, then the two zero blocks', () => {
    const t = fifoTar(HOLD_PATH.slice(1));
    expect(t.length).toBe(1536);
    expect(t.subarray(0, 12).toString('utf8').replace(/\0+$/, '')).toBe('.claude-hold');
    expect(String.fromCharCode(t[156]!)).toBe('6');
    expect(t.subarray(257, 263).toString('ascii')).toBe('ustar\0');
    const header = Buffer.from(t.subarray(0, 512));
    const stored = parseInt(header.subarray(148, 154).toString('ascii'), 8);
    header.fill(' ', 148, 156);
    expect(stored).toBe(header.reduce((a, b) => a + b, 0));
    expect(t.subarray(512).every((b) => b === 0)).toBe(true);
  });
});

describe('heldStarts: which starts begin early, held', () => {
  const redis = containerSpec({ name: 'redis', image: 'claude-os-local/redis:latest' });
  const web = containerSpec({ name: 'web', image: 'claude-os-local/web:latest' });
  const steps = [S.create(redis), S.create(web), S.start(redis), S.start(web, { dependsOn: ['create/web', 'start/redis'] })];
  const docker = { holdStart: async () => undefined };
  it("a start that waits for another container's start, of a container the plan creates", () => {
    expect([...heldStarts(steps, docker)]).toEqual([['start/web', { name: 'web', gates: new Set(['start/redis']) }]]);
  });
  it('none on an engine without holdStart (containerd creates the task at create)', () => {
    expect(heldStarts(steps, {}).size).toBe(0);
  });
  it('none for a container the plan only starts (created before: it has no FIFO)', () => {
    expect(heldStarts([S.create(redis), S.start(redis), S.start(web, { dependsOn: ['start/redis'] })], docker).size).toBe(0);
  });
});
