import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalPath, readinessVerdicts } from './journal.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function journal(lines: object[]): string {
  dir = mkdtempSync(join(tmpdir(), 'claude-journal-'));
  mkdirSync(join(dir, 'journal'));
  writeFileSync(journalPath(dir), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return dir;
}

describe('readinessVerdicts: what the last committed applies found of the containers they started', () => {
  it('takes the newest start or replace of a committed plan; an apply that did not commit says nothing', () => {
    const d = journal([
      { t: 'step.end', planId: 'p1', step: 'container.start:web', detail: { ready: 'running' }, ts: '2026-01-01T00:00:01.000Z' },
      { t: 'committed', planId: 'p1', stateCommit: 'a', ts: '2026-01-01T00:00:02.000Z' },
      { t: 'step.end', planId: 'p2', step: 'container.replace:web', detail: { id: 'x', ready: 'healthy' }, ts: '2026-01-01T00:01:00.000Z' },
      { t: 'step.end', planId: 'p2', step: 'container.start:db', detail: { ready: 'healthy' }, ts: '2026-01-01T00:01:01.000Z' },
      { t: 'committed', planId: 'p2', stateCommit: 'b', ts: '2026-01-01T00:01:02.000Z' },
      { t: 'step.end', planId: 'p3', step: 'container.start:db', detail: { ready: 'unhealthy' }, ts: '2026-01-01T00:02:00.000Z' },
      { t: 'rollback.begin', planId: 'p3', reason: 'x', ts: '2026-01-01T00:02:01.000Z' },
    ]);
    expect(Object.fromEntries(readinessVerdicts(d, ['web', 'db', 'cache']))).toEqual({
      web: { ready: 'healthy', at: '2026-01-01T00:01:00.000Z' },
      db: { ready: 'healthy', at: '2026-01-01T00:01:01.000Z' },
    });
  });
  it('reads only the tail: a record cut by it is skipped, the ones after it are read', () => {
    const d = journal([
      { t: 'step.end', planId: 'p1', step: 'container.start:old', detail: { ready: 'healthy' }, ts: '2026-01-01T00:00:01.000Z' },
      { t: 'step.end', planId: 'p1', step: 'container.start:web', detail: { ready: 'healthy' }, ts: '2026-01-01T00:00:02.000Z' },
      { t: 'committed', planId: 'p1', stateCommit: 'a', ts: '2026-01-01T00:00:03.000Z' },
    ]);
    expect([...readinessVerdicts(d, ['old', 'web'], 240).keys()]).toEqual(['web']);
    expect([...readinessVerdicts(d, ['old', 'web']).keys()].sort()).toEqual(['old', 'web']);
  });
  it('no journal: no verdicts', () => {
    dir = mkdtempSync(join(tmpdir(), 'claude-journal-'));
    expect(readinessVerdicts(dir, ['web']).size).toBe(0);
  });
});
