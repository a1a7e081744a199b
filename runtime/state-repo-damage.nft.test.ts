/**
 * Issue 13 item 6, through applyPlan with a real git state repository (isomorphic-git's
 * files on disk): a stale `.git/index.lock` left by a dead git command is removed before
 * the first step and the apply commits; an emptied HEAD commit object refuses the plan
 * before anything changes (the host file is not written, no journal entry begins), with
 * the file and the repair named; once the object is restored the same plan applies and
 * the history keeps every commit: nothing is lost. The engine is the real host engine
 * (host files under a temp CLAUDE_ROOT, nft read in a network namespace made per run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { PlanStep } from '../plan/types.js';
import { applyPlan, StateRepoRefusedError } from './apply.js';
import { StalePlanError } from './verify.js';
import type { DockerEngine } from './drivers/docker.js';
import { createDockerHostEngine as createHostEngine } from './host-engine.js';
import { readJournal } from './journal.js';
import { openStateRepo } from './state/repo.js';
import { makePlan, setupTestHost, signPlan, type TestHost } from './testutil/plans.js';
import { netnsPerRun } from './testutil/netns.js';

const ns = netnsPerRun('claude-repo');
let base: string;
let dataDir: string;
let root: string;
let stateDir: string;
let host: TestHost;
let engine: DockerEngine;

const svc = (name: string) => `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: t\nspec:\n  services:\n    - name: ${name}\n      image: claude-os-local/busybox:latest\n`;
const hostStep = (content: string): PlanStep => ({
  id: 'host',
  op: 'host.apply',
  target: 'host/files',
  params: { files: [{ path: '/etc/claude-repo-test', content, mode: '0644' }] },
  dependsOn: [],
  risk: 'security',
  phase: 5,
  inverse: null,
  description: 'Apply host files',
});

async function head(): Promise<string | null> {
  const git = (await import('isomorphic-git')).default;
  const fs = await import('node:fs');
  return git.resolveRef({ fs, dir: stateDir, ref: 'HEAD' }).catch(() => null);
}

async function planFor(content: string, files: Record<string, string>): Promise<string> {
  const observed = resourceFingerprints(await engine.observe());
  return signPlan(makePlan([hostStep(content)], { hostId: host.hostId, base: observed, stateCommit: await head(), files }), host.key.privateKey, host.admin);
}
const apply = (text: string) => applyPlan(text, { engine, dataDir, stateDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), yes: true });
const hostFile = () => (existsSync(join(root, 'etc/claude-repo-test')) ? readFileSync(join(root, 'etc/claude-repo-test'), 'utf8') : null);

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'claude-repo-dmg-'));
  dataDir = join(base, 'data');
  root = join(base, 'root');
  stateDir = join(base, 'state');
  for (const d of [dataDir, root, stateDir]) mkdirSync(d);
  host = setupTestHost(dataDir);
  engine = await createHostEngine({ root, dataDir, hostId: host.hostId, netns: ns });
  const repo = await openStateRepo(stateDir, { now: () => new Date() });
  writeFileSync(join(stateDir, 'services.yaml'), svc('one'));
  await repo.commitState({ 'services.yaml': svc('one') }, { request: 'first', planId: 'p0', summary: '', author: { name: 't', email: 't@example.invalid' } });
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('a damaged state repository (issue 13 item 6)', () => {
  it('a stale index.lock (its git command died) is removed before the first step; the apply commits', async () => {
    const lock = join(stateDir, '.git', 'index.lock');
    writeFileSync(lock, '');
    const old = new Date(Date.now() - 300_000);
    utimesSync(lock, old, old);
    const before = await head();
    const r = await apply(await planFor('v1\n', { 'services.yaml': svc('two') }));
    expect(r.status, JSON.stringify(r.error ?? null)).toBe('applied');
    expect(existsSync(lock)).toBe(false);
    expect(hostFile()).toBe('v1\n');
    const after = await head();
    expect(after).not.toBe(before);
    const history = await (await openStateRepo(stateDir)).history();
    expect(history.map((h) => h.request)).toEqual(['test plan', 'first']);
  });

  it('a stale plan (the state repo moved on) leaves the repo as it was: the cache of its inspection is written only once the plan stands (session 25)', async () => {
    const cache = join(stateDir, '.git', 'claude-objects-seen.json');
    const text = await planFor('v1\n', { 'services.yaml': svc('two') }); // base: the commit of now
    const repo = await openStateRepo(stateDir, { now: () => new Date() });
    await repo.commitState({ 'services.yaml': svc('moved') }, { request: 'moved', planId: 'p-moved', summary: '', author: { name: 't', email: 't@example.invalid' } });
    rmSync(cache, { force: true });
    const err = await apply(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StalePlanError);
    expect((err as Error).message).toContain('state/commit');
    // before: the early inspection (beside the observation) wrote it before the stale check refused
    expect(existsSync(cache)).toBe(false);
    // a plan on the new commit applies, and the cache is written then
    const r = await apply(await planFor('v1\n', { 'services.yaml': svc('two') }));
    expect(r.status, JSON.stringify(r.error ?? null)).toBe('applied');
    expect(existsSync(cache)).toBe(true);
  });

  it('an emptied HEAD commit object refuses the plan before anything changes; restored, the same plan applies and nothing is lost', async () => {
    const oid = (await head())!;
    const obj = join(stateDir, '.git', 'objects', oid.slice(0, 2), oid.slice(2));
    const saved = readFileSync(obj);
    const text = await planFor('v2\n', { 'services.yaml': svc('three') });
    const journalBefore = readJournal(dataDir).length;
    truncateSync(obj, 0);
    const err = await apply(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateRepoRefusedError);
    const e = err as StateRepoRefusedError;
    expect(e.message).toContain(`.git/objects/${oid.slice(0, 2)}/${oid.slice(2)}`);
    expect(e.message).toMatch(/empty object file/);
    expect(e.message).toContain('nothing was changed');
    expect(e.hint).toContain('git update-ref refs/heads/main <last-good-commit>');
    // Nothing changed: the host file is the old one, no step began, the state files stand.
    expect(hostFile()).toBe('v1\n');
    expect(readJournal(dataDir).slice(journalBefore).filter((x) => x.t === 'apply.started')).toEqual([]);
    expect(readFileSync(join(stateDir, 'services.yaml'), 'utf8')).toBe(svc('two'));
    // The recovery path: the object back (from a backup, `claude import`, or git fsck's
    // lost-found), and the same signed plan applies.
    writeFileSync(obj, saved);
    const r = await apply(text);
    expect(r.status, JSON.stringify(r.error ?? null)).toBe('applied');
    expect(hostFile()).toBe('v2\n');
    const history = await (await openStateRepo(stateDir)).history();
    expect(history.map((h) => h.request)).toEqual(['test plan', 'test plan', 'moved', 'test plan', 'first']);
  });
});
