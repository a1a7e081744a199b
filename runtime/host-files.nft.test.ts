/**
 * host.apply's `remove` on a real filesystem (a temp CLAUDE_ROOT), through applyPlan with the
 * planner's observer (nft read inside a network namespace made for this run): files a
 * later state no longer wants are deleted, a failing later step brings them back with their
 * content and mode, and a path that would leave the root is refused before anything changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { PlanStep } from '../plan/types.js';
import { applyPlan } from './apply.js';
import type { DockerEngine } from './drivers/docker.js';
import { createDockerHostEngine as createHostEngine } from './host-engine.js';
import { makePlan, setupTestHost, signPlan, type TestHost } from './testutil/plans.js';
import { PlanSchemaError } from './verify.js';
import { netnsPerRun } from './testutil/netns.js';

const ns = netnsPerRun('claude-test');
let base: string;
let dataDir: string;
let root: string;
let host: TestHost;
let engine: DockerEngine;

const file = (path: string, content: string, mode = '0600') => ({ path, content, mode });
const hostStep = (files: ReturnType<typeof file>[], remove?: string[], id = 'host'): PlanStep => ({
  id,
  op: 'host.apply',
  target: 'host/files',
  params: { files, ...(remove ? { remove } : {}) },
  dependsOn: [],
  risk: 'security',
  phase: 5,
  inverse: null,
  description: 'Apply host files',
});
/** A step that fails on any machine without touching anything: a volume owned by a user that does not exist. */
const failing = (dependsOn: string[]): PlanStep => ({
  id: 'volume/broken',
  op: 'volume.create',
  target: 'volume/broken',
  params: { name: 'broken', path: '/data/broken', owner: `nosuchuser${randomBytes(3).toString('hex')}` },
  dependsOn,
  risk: 'safe',
  phase: 2,
  inverse: null,
  description: 'Create volume broken',
});

async function apply(steps: PlanStep[]) {
  const observedBase = resourceFingerprints(await engine.observe());
  return applyPlan(signPlan(makePlan(steps, { hostId: host.hostId, base: observedBase }), host.key.privateKey, host.admin), { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
}

const alice = file('/home/alice/.ssh/authorized_keys', 'ssh-ed25519 AAAA alice\n');
const bob = file('/home/bob/.ssh/authorized_keys', 'ssh-ed25519 BBBB bob\n');
const hostname = file('/etc/hostname', 'web-1\n', '0644');
const at = (p: string) => join(root, p);
const record = () => JSON.parse(readFileSync(join(dataDir, 'host-files.json'), 'utf8')) as { files: Record<string, string> };

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'claude-hostrm-'));
  dataDir = join(base, 'data');
  root = join(base, 'root');
  mkdirSync(dataDir);
  mkdirSync(root);
  host = setupTestHost(dataDir);
  engine = await createHostEngine({ root, dataDir, hostId: host.hostId, netns: ns });
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('host.apply remove', () => {
  it('deletes the removed files; a failing later step restores them; then they go for good', async () => {
    const first = await apply([hostStep([hostname, alice, bob])]);
    expect(first.status).toBe('applied');
    expect(readFileSync(at(bob.path), 'utf8')).toBe(bob.content);
    expect(Object.keys(record().files)).toEqual([hostname.path, alice.path, bob.path].sort());
    const fp = resourceFingerprints(await engine.observe());

    // bob is removed, then a later step fails: everything comes back as it was
    const failed = await apply([hostStep([hostname, alice], [bob.path]), failing(['host'])]);
    expect(failed.status, JSON.stringify(failed.error)).toBe('rolled-back');
    expect(failed.rollback?.undone).toEqual(['volume/broken', 'host']);
    expect(readFileSync(at(bob.path), 'utf8')).toBe(bob.content);
    expect(statSync(at(bob.path)).mode & 0o777).toBe(0o600);
    expect(Object.keys(record().files)).toContain(bob.path);
    expect(resourceFingerprints(await engine.observe())).toEqual(fp);

    const removed = await apply([hostStep([hostname, alice], [bob.path])]);
    expect(removed.status).toBe('applied');
    expect(removed.steps.find((s) => s.id === 'host')?.message).toBe('Host files written (2), removed (1)');
    expect(existsSync(at(bob.path))).toBe(false);
    expect(readFileSync(at(alice.path), 'utf8')).toBe(alice.content);
    expect(record().files).toEqual({ [alice.path]: '0600', [hostname.path]: '0644' });
  });

  it('refuses a removal outside CLAUDE_ROOT: `..` at verification, a symlink that leads out before the snapshot', async () => {
    const outside = join(base, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'victim'), 'keep me');

    const dotdot = await apply([hostStep([hostname], ['/../outside/victim'])]).catch((e: unknown) => e as Error);
    expect(dotdot).toBeInstanceOf(PlanSchemaError);
    expect((dotdot as Error).message).toContain("/steps/0/params/remove/0: host path '/../outside/victim' contains a `..` segment");

    symlinkSync(outside, at('escape'));
    const viaLink = await apply([hostStep([hostname], ['/escape/victim'])]).catch((e: unknown) => e as Error);
    expect(viaLink).toBeInstanceOf(Error);
    expect((viaLink as Error).message).toContain(`host path '/escape/victim' is refused: ${at('escape')} leads to ${outside}`);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me');
    expect(readFileSync(at(hostname.path), 'utf8')).toBe(hostname.content);
  });
});
