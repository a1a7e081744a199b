/**
 * The resident `nft -j -i` reader (runtime/drivers/nft.ts ResidentNftReader) against real nft in
 * a network namespace made (and removed) per run: it reads what `nft -j list table inet claude`
 * reads (the same hash and input policy, or absent), sees every change another nft makes
 * meanwhile; once its child is gone it says it cannot answer (null), so the caller runs nft,
 * until a later request after the back-off starts a new child (stop() ends it for good).
 */
import { afterAll, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { NftDriver, ResidentNftReader } from './nft.js';
import { netnsPerRun } from '../testutil/netns.js';
import { pidAlive } from '../pidlock.js';

const NS = netnsPerRun('claude-nftres');
const nft = (cmd: string) => execFileSync('ip', ['netns', 'exec', NS, 'nft', cmd]);
const readers: ResidentNftReader[] = [];
afterAll(() => readers.forEach((r) => r.stop()));

test('lists what nft -j list reads, and sees each change made by another nft', async () => {
  const reader = new ResidentNftReader(NS);
  readers.push(reader);
  const driver = new NftDriver({ netns: NS });
  expect(await reader.observe()).toEqual({ present: false, json: null, hash: null, inputPolicy: null });

  nft('add table inet claude; add chain inet claude input { type filter hook input priority 0; policy drop; }');
  const made = await reader.observe();
  expect(made).toMatchObject({ present: true, inputPolicy: 'drop' });
  expect(made!.hash).toBe((await driver.observe()).hash);

  nft('add rule inet claude input tcp dport 22 accept');
  const ruled = await reader.observe();
  expect(ruled!.hash).not.toBe(made!.hash);
  expect(ruled!.hash).toBe((await driver.observe()).hash);

  // several at once are answered in turn, each whole
  const again = await Promise.all([reader.observe(), reader.observe(), reader.observe()]);
  expect(again.map((r) => r!.hash)).toEqual([ruled!.hash, ruled!.hash, ruled!.hash]);

  nft('delete table inet claude');
  expect(await reader.observe()).toEqual({ present: false, json: null, hash: null, inputPolicy: null });
  // absent twice in a row: the first error's whole block was read, none of it is taken for the next answer
  expect(await reader.observe()).toEqual({ present: false, json: null, hash: null, inputPolicy: null });
  expect(reader.alive).toBe(true);
});

test('a reader whose nft is gone answers null (the caller runs nft itself)', async () => {
  const reader = new ResidentNftReader(NS);
  readers.push(reader);
  expect(await reader.observe()).toMatchObject({ present: false });
  reader.stop();
  expect(reader.alive).toBe(false);
  expect(await reader.observe()).toBeNull();
});

const until = async (ok: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
  return ok();
};

test('a child that is killed or stalls is started again by a later observe, after a back-off; stop() ends it for good (review 22 LOW-5)', async () => {
  const reader = new ResidentNftReader(NS, { restartFirstMs: 300 });
  readers.push(reader);
  expect(await reader.observe()).toMatchObject({ present: false });
  const first = reader.pid!;

  // killed from outside: it answers null (the caller runs nft) until the back-off has passed
  process.kill(first, 'SIGKILL');
  expect(await until(() => reader.pid === undefined)).toBe(true);
  expect(await reader.observe()).toBeNull();
  expect(reader.alive).toBe(true);
  await new Promise((r) => setTimeout(r, 350));
  nft('add table inet claude');
  expect(await reader.observe()).toMatchObject({ present: true }); // a new child, reading the kernel
  const second = reader.pid!;
  expect(second).not.toBe(first);

  // a stalled child (stopped): no answer within ANSWER_MS, so it is killed and given up
  process.kill(second, 'SIGSTOP');
  const t = Date.now();
  expect(await reader.observe()).toBeNull();
  expect(Date.now() - t).toBeGreaterThanOrEqual(ResidentNftReader.ANSWER_MS - 50);
  expect(await until(() => !pidAlive(second))).toBe(true);
  // one answer reset the count, so this back-off is the first one again: 300 ms
  await new Promise((r) => setTimeout(r, 350));
  nft('delete table inet claude');
  expect(await reader.observe()).toEqual({ present: false, json: null, hash: null, inputPolicy: null });
  const third = reader.pid!;
  expect(third).not.toBe(second);
  // killed again: within the back-off it is not started again
  process.kill(third, 'SIGKILL');
  expect(await until(() => reader.pid === undefined)).toBe(true);
  expect(await reader.observe()).toBeNull();
  expect(reader.pid).toBeUndefined();

  reader.stop();
  await new Promise((r) => setTimeout(r, 700));
  expect(await reader.observe()).toBeNull(); // stopped for good
  expect(reader.pid).toBeUndefined();
});
