/**
 * The request loop of agent/flow.ts on its own: re-plan on a stale refusal up to maxReplans,
 * other refusals passed through, declines, the request lock held from plan to apply (and
 * released while a human decides). The plan/apply callbacks are plain functions here; the
 * docker tests (flow.docker.test.ts, crash-commit.docker.test.ts) run the real ones.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyResult } from '../runtime/apply.js';
import { tempDirs } from '../runtime/testutil/tempdirs.js';
import { SignatureError, StalePlanError } from '../runtime/verify.js';
import type Docker from 'dockerode';
import { planAndApply, REQUEST_LOCK_FILE, type Planned } from './flow.js';
import { foreignHostOf, managedBy, type PlanPayload } from '../plan/types.js';
import { toContainer, toNetwork } from '../runtime/observe/snapshot.js';
import { plan } from '../compiler/planner.js';
import { DiagnosticSink } from '../compiler/diagnostics.js';
import { emptyObserved, model, webStack } from '../compiler/__fixtures__/models.js';

const tmp = tempDirs('claude-flow-lock-');
afterAll(() => tmp.cleanup());

const planned = (n: number): Planned => ({ payload: { id: `plan-${n}` } as PlanPayload, envelopeText: `plan ${n}` });
const applied = (p: Planned): ApplyResult => ({ planId: p.payload.id, status: 'applied' } as ApplyResult);
const stale = () => new StalePlanError([{ key: 'container/web', change: 'changed' }]);

describe('planAndApply', () => {
  it('re-plans after a stale refusal and applies the new plan', async () => {
    const made: number[] = [];
    const replans: number[] = [];
    const approvals: boolean[] = [];
    let applies = 0;
    const out = await planAndApply({
      makePlan: async (attempt) => (made.push(attempt), planned(attempt)),
      approve: async (_p, info) => (approvals.push(info.replanned), true),
      apply: async (p) => {
        if (applies++ === 0) throw stale();
        return applied(p);
      },
      onReplan: (e, n) => {
        expect(e).toBeInstanceOf(StalePlanError);
        replans.push(n);
      },
    });
    expect(out).toMatchObject({ status: 'applied', replans: 1, planned: { payload: { id: 'plan-1' } } });
    expect(made).toEqual([0, 1]);
    expect(approvals).toEqual([false, true]);
    expect(replans).toEqual([1]);
  });

  it('gives up after maxReplans stale refusals, reporting the last one', async () => {
    let applies = 0;
    const out = await planAndApply({ makePlan: async (a) => planned(a), approve: async () => true, apply: async () => (applies++, Promise.reject(stale())), maxReplans: 2 });
    expect(out.status).toBe('stale');
    expect(out.replans).toBe(2);
    expect(applies).toBe(3);
  });

  it('passes any other refusal through, and stops on a decline or when there is nothing to plan', async () => {
    await expect(planAndApply({ makePlan: async () => planned(0), approve: async () => true, apply: async () => Promise.reject(new SignatureError('bad')) })).rejects.toBeInstanceOf(SignatureError);
    expect(await planAndApply({ makePlan: async () => planned(0), approve: async () => false, apply: async (p) => applied(p) })).toMatchObject({ status: 'declined' });
    expect(await planAndApply({ makePlan: async () => null, approve: async () => true, apply: async (p) => applied(p) })).toEqual({ status: 'unplanned', replans: 0 });
  });

  it('holds the request lock from planning to the end of the apply, but not while a human decides', async () => {
    const dataDir = tmp.make();
    const lock = join(dataDir, REQUEST_LOCK_FILE);
    const seen: Record<string, boolean> = {};
    await planAndApply({
      requestLock: { dataDir },
      releaseLockForApproval: true,
      makePlan: async () => ((seen.plan = existsSync(lock)), planned(0)),
      approve: async () => ((seen.approve = existsSync(lock)), true),
      apply: async (p) => ((seen.apply = existsSync(lock)), applied(p)),
    });
    expect(seen).toEqual({ plan: true, approve: false, apply: true });
    expect(existsSync(lock)).toBe(false);
    // two requests at once queue: the second plans only after the first applied
    const order: string[] = [];
    const one = (name: string) =>
      planAndApply({
        requestLock: { dataDir },
        makePlan: async () => (order.push(`${name}:plan`), planned(0)),
        approve: async () => true,
        apply: async (p) => {
          order.push(`${name}:apply-start`);
          await new Promise((r) => setTimeout(r, 30));
          order.push(`${name}:apply-end`);
          return applied(p);
        },
      });
    await Promise.all([one('a'), one('b')]);
    const first = order[0]!.split(':')[0]!;
    const second = first === 'a' ? 'b' : 'a';
    expect(order).toEqual([`${first}:plan`, `${first}:apply-start`, `${first}:apply-end`, `${second}:plan`, `${second}:apply-start`, `${second}:apply-end`]);
  });
});

describe('instances sharing one Docker Engine (claude.os/host)', () => {
  const ME = 'host-aaaaaaaaaaaaaaaa';
  const OTHER = 'host-bbbbbbbbbbbbbbbb';
  const info = (name: string, labels: Record<string, string>, ports: { PublicPort?: number; PrivatePort: number }[] = []) =>
    ({ Id: `id-${name}`, Names: [`/${name}`], Image: 'claude-test/web:1', State: 'running', Status: 'Up 1 minute', Labels: labels, Ports: ports.map((p) => ({ IP: '0.0.0.0', Type: 'tcp', ...p })) }) as unknown as Docker.ContainerInfo;
  const managedLabels = (host?: string) => ({ 'claude.os/managed': 'true', 'claude.os/service': 'x', 'claude.os/config-hash': 'h', ...(host ? { 'claude.os/host': host } : {}) });

  it("counts only this host id's resources as managed: another instance's and an unlabelled one's are foreign", () => {
    expect(managedBy(managedLabels(ME), ME)).toBe(true);
    expect(managedBy(managedLabels(OTHER), ME)).toBe(false);
    expect(managedBy(managedLabels(), ME)).toBe(false);
    expect(managedBy(managedLabels(ME), null)).toBe(false);
    expect(foreignHostOf(managedLabels(OTHER), ME)).toBe(OTHER);
    expect(foreignHostOf(managedLabels(), ME)).toBe('');
    expect(foreignHostOf(managedLabels(ME), ME)).toBeNull();
    expect(foreignHostOf({}, ME)).toBeNull();
    expect(toContainer(info('web-mine', managedLabels(ME)), ME)).toMatchObject({ managed: true, service: 'x', configHash: 'h' });
    const theirs = toContainer(info('web-theirs', managedLabels(OTHER)), ME);
    expect(theirs.managed).toBe(false);
    expect(theirs.service).toBeUndefined();
    expect(toNetwork({ Name: 'net', Driver: 'bridge', Labels: { 'claude.os/managed': 'true', 'claude.os/host': OTHER } } as unknown as Docker.NetworkInspectInfo, ME).managed).toBe(false);
    expect(toNetwork({ Name: 'net', Driver: 'bridge', Labels: { 'claude.os/managed': 'true', 'claude.os/host': ME } } as unknown as Docker.NetworkInspectInfo, ME).managed).toBe(true);
  });

  it("never prunes another instance's containers and networks; a desired host port they hold is CLA4002", () => {
    const observed = emptyObserved({
      hostId: ME,
      containers: [toContainer(info('old-mine', managedLabels(ME)), ME), toContainer(info('old-theirs', managedLabels(OTHER), [{ PublicPort: 6379, PrivatePort: 6379 }]), ME), toContainer(info('old-unlabelled', managedLabels()), ME)],
      networks: [toNetwork({ Name: 'net-theirs', Driver: 'bridge', Labels: { 'claude.os/managed': 'true', 'claude.os/host': OTHER } } as unknown as Docker.NetworkInspectInfo, ME)],
    });
    const opts = { request: 'r', now: new Date('2026-01-01T00:00:00Z'), nonce: '0'.repeat(32), hostId: ME, provenance: { engine: 'user' as const }, compilerVersion: '0' };
    const empty = plan(model({}), observed, opts);
    expect([...new Set(empty.steps.map((st) => st.target))]).toEqual(['container/old-mine']); // stop + remove: ours only
    const sink = new DiagnosticSink();
    plan(webStack(), observed, { ...opts, sink });
    expect(sink.sorted().filter((d) => d.code === 'CLA4002').map((d) => d.message)).toEqual([expect.stringMatching(/host port 6379\/tcp, already published by container old-theirs, which Claude.OS does not manage/)]);
  });
});
