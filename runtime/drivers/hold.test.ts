/**
 * The held start's pure parts (runtime/drivers/hold.ts, runtime/apply.ts `heldStarts`): what
 * a held container runs once released (Docker's merge of the spec's and the image's entrypoint
 * and command), the FIFO's tar header, and which start steps are held. The held start itself,
 * on a real Docker Engine: runtime/held-start.docker.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { effectiveArgv, fifoTar, HOLD_PATH } from './hold.js';
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
