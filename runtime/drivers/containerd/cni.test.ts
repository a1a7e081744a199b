/**
 * The CNI plugin runner's limits: a plugin that does not finish in time is stopped and the
 * error says so (before, a killed plugin gave "CNI bridge ADD … failed: " with nothing after
 * it: the image's boot test hit that under emulation on a busy machine). The plugin here is a
 * real executable in a temp dir that sleeps; the temp dir is removed at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cni, CniError } from './cni.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-cni-'));
  writeFileSync(join(dir, 'loopback'), '#!/bin/sh\nexec sleep 30\n');
  chmodSync(join(dir, 'loopback'), 0o755);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('CNI plugin calls', () => {
  it('a plugin that outlives the limit is stopped, and the error names the plugin, the call and the limit', async () => {
    const cni = new Cni(dir, join(dir, 'ipam'), 500);
    const t0 = Date.now();
    const err = await cni.loopback('c1', 'claude-cni-test-none').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as Error).message).toBe('CNI loopback ADD for c1 on lo did not finish within 0.5 s and was stopped (is the machine overloaded?)');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
