/**
 * The order of the start calls on Docker (runtime/start-order.ts): the gate whose image this
 * host has seen start up slowest sends its start call first, the starts recorded as clearly
 * quicker after its call returned; with no record, no clear slowest, or on an engine whose
 * start is quick (no `holdStart`: containerd), every start goes as it comes. The record is
 * read back as written, and a damaged one is no record.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlanStep } from '../plan/types.js';
import { LEAD_MIN_MS, readStartupRecord, startLead, STARTUP_RECORD, writeStartupRecord } from './start-order.js';
import { containerSpec, S } from './testutil/plans.js';

const docker = { holdStart: async () => {} };
const pg = containerSpec({ name: 'pg', image: 'pg:1' });
const redis = containerSpec({ name: 'redis', image: 'redis:1' });
const web = containerSpec({ name: 'web', image: 'web:1' });
const specs = new Map([pg, redis, web].map((c) => [c.name, c]));
/** web waits for pg's and redis's readiness (the bench's stack). */
const stack: PlanStep[] = [S.create(pg), S.create(redis), S.create(web), S.start(pg), S.start(redis), S.start(web, { dependsOn: ['create/web', 'start/pg', 'start/redis'] })];

describe('start order: the slowest gate first', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('postgres recorded slowest leads; redis, recorded quicker by more than LEAD_MIN_MS, starts after its call', () => {
    expect(startLead(stack, specs, { 'pg:1': 560, 'redis:1': 30, 'web:1': 20 }, docker)).toEqual({ lead: 'start/pg', after: new Set(['start/redis']) });
    // the other way round when redis is the slow one here
    expect(startLead(stack, specs, { 'pg:1': 40, 'redis:1': 700 }, docker)).toEqual({ lead: 'start/redis', after: new Set(['start/pg']) });
  });

  it('no record, a start not recorded, no clear slowest, or a quick start call: every start as it comes', () => {
    expect(startLead(stack, specs, {}, docker)).toBeNull();
    // redis never seen here: it may be the slow one, so it does not wait
    expect(startLead(stack, specs, { 'pg:1': 560 }, docker)).toBeNull();
    expect(startLead(stack, specs, { 'pg:1': 560, 'redis:1': 560 - LEAD_MIN_MS + 1 }, docker)).toBeNull();
    expect(startLead(stack, specs, { 'pg:1': 560, 'redis:1': 560 - LEAD_MIN_MS }, docker)?.after).toEqual(new Set(['start/redis']));
    // containerd: the task is created at create, its start call takes ≈ 30 ms
    expect(startLead(stack, specs, { 'pg:1': 560, 'redis:1': 30 }, {})).toBeNull();
  });

  it('only a gate leads, and never ahead of what it waits for', () => {
    // nothing waits for pg or redis: no gate, no lead
    const flat = stack.slice(0, 5);
    expect(startLead(flat, specs, { 'pg:1': 560, 'redis:1': 30 }, docker)).toBeNull();
    // a chain redis → pg → web: pg is a gate that waits for redis, so redis must not wait for pg
    const chain: PlanStep[] = [S.create(pg), S.create(redis), S.create(web), S.start(redis), S.start(pg, { dependsOn: ['create/pg', 'start/redis'] }), S.start(web, { dependsOn: ['create/web', 'start/pg'] })];
    expect(startLead(chain, specs, { 'pg:1': 560, 'redis:1': 30, 'web:1': 20 }, docker)).toBeNull();
    // with a third, independent gate recorded quick: only that one waits for pg
    const other = containerSpec({ name: 'cache', image: 'redis:1' });
    const withOther: PlanStep[] = [...chain, S.create(other), S.start(other), S.start(containerSpec({ name: 'app', image: 'web:1' }), { dependsOn: ['start/cache'] })];
    expect(startLead(withOther, new Map([...specs, ['cache', other]]), { 'pg:1': 560, 'redis:1': 30, 'web:1': 20 }, docker)).toEqual({ lead: 'start/pg', after: new Set(['start/cache']) });
  });

  it('the record: what an apply saw is added to what was there; a damaged file is no record', () => {
    const d = mkdtempSync(join(tmpdir(), 'claude-start-order-'));
    dirs.push(d);
    expect(readStartupRecord(d)).toEqual({});
    writeStartupRecord(d, { 'pg:1': 560, 'redis:1': 30 });
    writeStartupRecord(d, { 'redis:1': 25 });
    expect(readStartupRecord(d)).toEqual({ 'pg:1': 560, 'redis:1': 25 });
    writeFileSync(join(d, STARTUP_RECORD), '{"images": {"pg:1": "slow", "redis:1": -1, "web:1": 12}}');
    expect(readStartupRecord(d)).toEqual({ 'web:1': 12 });
    writeFileSync(join(d, STARTUP_RECORD), '{"images": {"pg:1": 5');
    expect(readStartupRecord(d)).toEqual({});
    // unwritable data dir: no error (a hint only)
    expect(() => writeStartupRecord(join(d, 'missing', 'dir'), { 'pg:1': 1 })).not.toThrow();
  });
});
