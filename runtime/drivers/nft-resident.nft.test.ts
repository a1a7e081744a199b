/**
 * The resident `nft -j -i` reader (runtime/drivers/nft.ts ResidentNftReader) against real nft in
 * a network namespace made (and removed) per run: it reads what `nft -j list table inet claude`
 * reads (the same hash and input policy, or absent), sees every change another nft makes
 * meanwhile, and once its child is gone it says it cannot answer (null), so the caller runs nft.
 */
import { afterAll, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { NftDriver, ResidentNftReader } from './nft.js';
import { netnsPerRun } from '../testutil/netns.js';

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
