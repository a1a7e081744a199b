/** Snapshot retention: the newest applies' snapshots are kept, the others deleted. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pruneSnapshots } from './snapshot.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-snap-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('pruneSnapshots', () => {
  it('keeps the newest N (by time), and the one a needs-attention marker names', () => {
    const dir = join(dataDir, 'snapshots');
    mkdirSync(dir);
    const ids = Array.from({ length: 6 }, (_, i) => `plan-${String(i).padStart(16, '0')}`);
    ids.forEach((id, i) => {
      for (const f of [`${id}.json`, `${id}.plan.json`]) {
        writeFileSync(join(dir, f), '{}');
        utimesSync(join(dir, f), 1_000 + i, 1_000 + i);
      }
    });
    pruneSnapshots(dataDir, 3, [ids[0]!]);
    expect(readdirSync(dir).sort()).toEqual(
      [ids[0]!, ids[3]!, ids[4]!, ids[5]!].flatMap((id) => [`${id}.json`, `${id}.plan.json`]).sort(),
    );
  });
});
