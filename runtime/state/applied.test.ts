import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ObservedState } from '../../plan/types.js';
import { tempDirs } from '../testutil/tempdirs.js';
import { appliedRecordOf, driftSince, LAST_APPLIED_FILE, readAppliedRecord, recordApplied, writeAppliedRecord } from './applied.js';

const dirs = tempDirs('claude-applied-');
afterAll(() => dirs.cleanup());
const tmp = dirs.make;

function container(name: string, o: Partial<{ status: string; image: string; configHash: string; ports: { host?: number; container: number; protocol: 'tcp' | 'udp' }[]; managed: boolean }> = {}) {
  return {
    id: `id-${name}`,
    name,
    image: o.image ?? 'claude-os-local/web:latest',
    status: o.status ?? 'running',
    managed: o.managed ?? true,
    service: name,
    configHash: o.configHash ?? 'a'.repeat(64),
    ports: o.ports ?? [{ host: 8080, container: 80, protocol: 'tcp' as const }],
    labels: {},
  };
}

function observed(over: Partial<ObservedState> = {}): ObservedState {
  return {
    hostId: 'h',
    stateCommit: null,
    networks: [{ name: 'net', managed: true, driver: 'bridge', internal: false, labels: {} }],
    volumes: [],
    images: [],
    containers: [container('web'), container('db', { image: 'claude-os-local/postgres:latest', ports: [] })],
    firewall: { present: true, hash: 'f'.repeat(64) },
    hostFilesHash: 'b'.repeat(64),
    hostFiles: { '/etc/ssh/sshd_config': 'c'.repeat(64) },
    scheduleHash: null,
    ...over,
  } as ObservedState;
}

const at = new Date('2026-11-21T12:00:00Z');

describe('drift since the last apply', () => {
  it('is empty when nothing changed, and ignores unmanaged containers', () => {
    const rec = appliedRecordOf(observed(), { planId: 'plan-1', stateCommit: 'c1', appliedAt: at });
    const now = observed({ containers: [...observed().containers, container('mine', { managed: false })] as ObservedState['containers'] });
    expect(driftSince(rec, now)).toEqual([]);
  });

  it('names each drifted resource: stopped, removed, added, firewall edited, host files edited', () => {
    const rec = appliedRecordOf(observed(), { planId: 'plan-1', stateCommit: 'c1', appliedAt: at });
    const now = observed({
      containers: [container('web', { status: 'exited' }), container('intruder')] as ObservedState['containers'],
      firewall: { present: true, hash: 'e'.repeat(64) },
      hostFilesHash: 'd'.repeat(64),
    });
    const d = driftSince(rec, now);
    expect(d.map((x) => [x.key, x.change])).toEqual([
      ['container/db', 'removed'],
      ['container/intruder', 'added'],
      ['container/web', 'changed'],
      ['firewall/inet-claude', 'changed'],
      ['host/files', 'changed'],
    ]);
    expect(d.map((x) => x.description)).toEqual([
      'container db: removed outside Claude.OS (it was running)',
      'container intruder: appeared since the last apply (not created by it)',
      'container web: was running, now exited (stopped outside Claude.OS)',
      'firewall table inet claude: the ruleset was edited outside Claude.OS',
      'host files: edited outside Claude.OS',
    ]);
  });

  it('describes a recreated container and a deleted firewall table', () => {
    const rec = appliedRecordOf(observed(), { planId: 'plan-1', stateCommit: null, appliedAt: at });
    const now = observed({
      containers: [container('web', { configHash: 'b'.repeat(64), image: 'other:1', ports: [] }), container('db', { image: 'claude-os-local/postgres:latest', ports: [] })] as ObservedState['containers'],
      firewall: { present: false, hash: null },
    });
    expect(driftSince(rec, now).map((x) => x.description)).toEqual([
      'container web: recreated with a different configuration; image claude-os-local/web:latest → other:1; published ports changed',
      'firewall table inet claude: deleted outside Claude.OS',
    ]);
  });

  it('round-trips through last-applied.json; a broken file reads as none', async () => {
    const d = tmp();
    expect(readAppliedRecord(d)).toBeNull();
    const rec = appliedRecordOf(observed(), { planId: 'plan-2', stateCommit: 'c2', appliedAt: at });
    writeAppliedRecord(d, rec);
    expect(readAppliedRecord(d)).toEqual(rec);
    writeFileSync(join(d, LAST_APPLIED_FILE), '{not json');
    expect(readAppliedRecord(d)).toBeNull();
  });

  it('recordApplied observes and writes, and reports (never throws) when observing fails', async () => {
    const d = tmp();
    expect(await recordApplied({ observe: async () => observed() }, d, { planId: 'plan-3', stateCommit: 'c3', now: () => at })).toBeNull();
    expect(readAppliedRecord(d)).toMatchObject({ planId: 'plan-3', stateCommit: 'c3', appliedAt: at.toISOString() });
    const problem = await recordApplied({ observe: async () => Promise.reject(new Error('dockerd is gone')) }, d, { planId: 'plan-4', stateCommit: null, now: () => at });
    expect(problem).toMatch(/dockerd is gone/);
    expect(readAppliedRecord(d)?.planId).toBe('plan-3');
  });
});
