/**
 * `claude logs -f` on containerd (docker-view.ts): the backlog, then every line written later,
 * each exactly once. A writer process appends CRI records as fast as it can while the view
 * follows the file: lines sharing a time (by time alone the later ones were lost), a record
 * written in two halves (read half-written, it was delivered cut and the rest lost), and a long
 * line in `P` parts (delivered unfinished, its end lost). The temp dir is removed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerdDockerView } from './docker-view.js';
import type { ContainerdEngine } from './engine.js';
import { PARTIAL_WAIT_MS } from './logs.js';

const dir = mkdtempSync(join(tmpdir(), 'claude-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The writer: N lines, four per time; every 7th written in two halves, every 50th as a P part then its F end. */
const WRITER = `
const fs = require('node:fs');
const [file, n] = [process.argv[1], Number(process.argv[2])];
const fd = fs.openSync(file, 'a');
// the time of line i, shared by four lines: the clock's, as the log writer's (a P part is waited
// for only while it is recent, logs.ts PARTIAL_WAIT_MS), ms and a counter within the ms
let at = '', lastMs = 0, ctr = 0;
const t = (i) => {
  if (i % 4 === 0 || at === '') {
    const now = Date.now();
    if (now <= lastMs) ctr++; else { lastMs = now; ctr = 0; }
    at = new Date(lastMs).toISOString().slice(0, 23) + String(ctr).padStart(6, '0') + 'Z';
  }
  return at;
};
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let i = 0; i < n; i++) {
  const rec = t(i) + ' stdout F line ' + i + '\\n';
  if (i % 50 === 0) { const ti = t(i); fs.writeSync(fd, ti + ' stdout P line ' + i.toString().slice(0, 1)); fs.writeSync(fd, '\\n'); sleep(2); fs.writeSync(fd, ti + ' stdout F ' + ('line ' + i).slice(6) + '\\n'); }
  else if (i % 7 === 0) { fs.writeSync(fd, rec.slice(0, 20)); sleep(1); fs.writeSync(fd, rec.slice(20)); }
  else fs.writeSync(fd, rec);
  if (i % 100 === 0) sleep(1);
}
`;

/** The text of each frame of Docker's multiplexed stream. */
function unframe(buf: Buffer): string[] {
  const out: string[] = [];
  for (let off = 0; off + 8 <= buf.length; ) {
    const size = buf.readUInt32BE(off + 4);
    out.push(buf.subarray(off + 8, off + 8 + size).toString('utf8').replace(/\n$/, ''));
    off += 8 + size;
  }
  return out;
}

describe('following a containerd log while it is written fast', () => {
  it('delivers the backlog, then every line once, whole, in order', async () => {
    const file = join(dir, 'c.log');
    for (let i = 0; i < 20; i++) appendFileSync(file, `2026-12-05T09:59:59.${String(i).padStart(9, '0')}Z stdout F old ${i}\n`);
    const engine = { describeAll: async () => [{ id: 'c', name: 'c', logFile: file }] } as unknown as ContainerdEngine;
    const stream = (await new ContainerdDockerView(engine).getContainer('c').logs({ stdout: true, stderr: true, follow: true, tail: 5 })) as unknown as NodeJS.ReadableStream & { destroy(): void };
    const got: string[] = [];
    stream.on('data', (d: Buffer) => got.push(...unframe(d)));
    const N = 3000;
    const child = spawn(process.execPath, ['-e', WRITER, file, String(N)], { stdio: 'ignore' });
    await new Promise((r) => child.on('exit', r));
    const want = [...[15, 16, 17, 18, 19].map((i) => `old ${i}`), ...Array.from({ length: N }, (_, i) => `line ${i}`)];
    const end = Date.now() + 20_000;
    while (got.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 700)); // two more polls: nothing doubled later
    stream.destroy();
    const lost = want.filter((l) => !got.includes(l));
    const doubled = got.filter((l, i) => got.indexOf(l) !== i);
    const foreign = got.filter((l) => !want.includes(l));
    expect({ lost: lost.slice(0, 5), lostCount: lost.length, doubled: doubled.slice(0, 5), foreign: foreign.slice(0, 5) }).toEqual({ lost: [], lostCount: 0, doubled: [], foreign: [] });
    expect(got).toEqual(want);
  }, 60_000);

  it('an orphan P part (its task exited mid-line) holds the follower back for PARTIAL_WAIT_MS at most, by the real clock (review 17 LOW-1)', async () => {
    const file = join(dir, 'orphan.log');
    const at = () => new Date().toISOString().replace('Z', '000000Z');
    appendFileSync(file, `${at()} stdout F before\n`);
    const engine = { describeAll: async () => [{ id: 'o', name: 'o', logFile: file }] } as unknown as ContainerdEngine;
    const stream = (await new ContainerdDockerView(engine).getContainer('o').logs({ stdout: true, stderr: true, follow: true })) as unknown as NodeJS.ReadableStream & { destroy(): void };
    const got: string[] = [];
    stream.on('data', (d: Buffer) => got.push(...unframe(d)));
    appendFileSync(file, `${at()} stderr P cut off\n${at()} stdout F after\n`);
    const start = Date.now();
    while (got.length < 3 && Date.now() - start < PARTIAL_WAIT_MS + 5000) await new Promise((r) => setTimeout(r, 50));
    stream.destroy();
    expect(got).toEqual(['before', 'cut off', 'after']);
  }, 30_000);
});
