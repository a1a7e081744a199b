/**
 * The apply lock (fencing tokens, dead owners, refusal naming the holder, force unlock),
 * the journal's interrupted-apply detection, and secrets (age) resolution.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setFaultInjector } from '../common/failpoints.js';
import { acquireApplyLock, forceUnlock, LockHeldError, LockLostError, readLock, readToken } from './lock.js';
import type { LockWait } from './pidlock.js';
import { findInterrupted, Journal, journalPath, readJournal } from './journal.js';
import { decryptSecret, encryptSecret, ensureAgeIdentity, redact, resolveEnv, SecretError } from './secrets.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-lock-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('apply lock', () => {
  it('one holder at a time; the second is refused naming the holder; tokens grow', async () => {
    const a = await acquireApplyLock(dataDir, { planId: 'plan-aaaa', purpose: 'apply' });
    expect(a.owner.token).toBe(1);
    const e = await acquireApplyLock(dataDir, { planId: 'plan-bbbb' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LockHeldError);
    expect((e as Error).message).toBe(`another apply holds the lock: token 1, pid ${process.pid} on ${hostname()}, apply plan-aaaa, since ${a.owner.startedAt}`);
    a.release();
    const b = await acquireApplyLock(dataDir);
    expect(b.owner.token).toBe(2);
    b.release();
    expect(readLock(dataDir)).toBeNull();
  });

  it('an emptied lock.token does not reset the fencing counter: it is rebuilt from the journal', async () => {
    for (let i = 0; i < 3; i++) {
      const l = await acquireApplyLock(dataDir);
      new Journal(dataDir, () => new Date(), l).append({ t: 'apply.started', planId: `plan-${i}`, token: l.owner.token, snapshot: 's', steps: [] });
      l.release();
    }
    writeFileSync(join(dataDir, 'lock.token'), '');
    const next = await acquireApplyLock(dataDir);
    expect(next.owner.token).toBe(4);
    next.release();
    // lock.token is the owner's file the lock was taken with (one fsync fewer, session 24)
    expect(JSON.parse(readFileSync(join(dataDir, 'lock.token'), 'utf8'))).toMatchObject({ token: 4, pid: process.pid });
  });

  it('taking the lock fsyncs one file, the owner\'s, which is lock.token too (one round of the disk fewer, session 24)', async () => {
    const fsyncs: string[] = [];
    const renames: string[] = [];
    setFaultInjector({
      at(site, info) {
        if (site === 'fs.fsync' && info?.path) fsyncs.push(basename(info.path));
        if (site === 'fs.rename' && info?.path) renames.push(basename(info.path));
        return null;
      },
    });
    let l;
    try {
      l = await acquireApplyLock(dataDir, { planId: 'plan-one-fsync' });
    } finally {
      setFaultInjector(null);
    }
    expect(fsyncs).toEqual([expect.stringMatching(/^apply\.lock\.\d+\.[0-9a-f]{8}\.tmp$/)]);
    expect(renames).toEqual(['lock.token']);
    // one file under both names; no temp file left
    expect(statSync(join(dataDir, 'lock.token')).ino).toBe(statSync(join(dataDir, 'apply.lock')).ino);
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    l.release();
    expect(readToken(dataDir)).toBe(l.owner.token);
    const next = await acquireApplyLock(dataDir);
    expect(next.owner.token).toBe(l.owner.token + 1);
    next.release();
  });

  it('temp files of the lock left by a killed process are removed at the next acquisition', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    const leftovers = [`apply.lock.${pid}.0a1b2c3d.tmp`, `.apply.lock.${pid}.0a1b2c3d.tmp.${pid}.11223344.tmp`, `apply.lock.${pid}.deadbeef.stale`];
    for (const f of leftovers) writeFileSync(join(dataDir, f), '{}');
    const mine = `apply.lock.${process.pid}.0a1b2c3d.tmp`;
    writeFileSync(join(dataDir, mine), '{}'); // a live process's: kept
    const l = await acquireApplyLock(dataDir);
    l.release();
    const left = readdirSync(dataDir);
    for (const f of leftovers) expect(left).not.toContain(f);
    expect(left).toContain(mine);
  });

  it('a waiter says who it waits for and gets the lock when the holder releases it', async () => {
    const a = await acquireApplyLock(dataDir, { planId: 'plan-aaaa' });
    const told: LockWait[] = [];
    const pb = acquireApplyLock(dataDir, { waitMs: 5000, noticeAfterMs: 0, onWait: (w) => told.push(w) });
    setTimeout(() => a.release(), 200);
    const b = await pb;
    expect(told).toEqual([{ lockPath: join(dataDir, 'apply.lock'), owner: { pid: process.pid, host: hostname(), since: a.owner.startedAt, purpose: 'apply plan-aaaa, token 1' }, waitedMs: expect.any(Number) }]);
    expect(b.owner.token).toBe(2);
    b.release();
  });

  it('a lock whose owner process is dead is broken', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    writeFileSync(join(dataDir, 'apply.lock'), JSON.stringify({ token: 7, pid, procStart: null, host: hostname(), startedAt: 'x', planId: 'plan-dead', purpose: 'apply' }));
    writeFileSync(join(dataDir, 'lock.token'), '7\n');
    const l = await acquireApplyLock(dataDir);
    expect(l.owner.token).toBe(8);
    l.release();
  });

  it('unlock --force by token or plan id; the old holder is fenced off', async () => {
    const a = await acquireApplyLock(dataDir, { planId: 'plan-cccc' });
    expect(() => forceUnlock(dataDir, '999')).toThrow(/matches neither its token nor its plan id/);
    expect(forceUnlock(dataDir, 'plan-cccc').token).toBe(a.owner.token);
    expect(() => a.assertHeld()).toThrow(LockLostError);
    const b = await acquireApplyLock(dataDir);
    expect(() => a.assertHeld()).toThrow(/taken away/);
    const j = new Journal(dataDir, () => new Date(), a);
    expect(() => j.append({ t: 'finalize.begin', planId: 'plan-cccc' })).toThrow(LockLostError);
    a.release(); // must not remove b's lock
    expect(readLock(dataDir)?.token).toBe(b.owner.token);
    b.release();
    expect(() => forceUnlock(dataDir, '1')).toThrow(/no apply lock is held/);
  });
});

describe('journal', () => {
  it('finds the last unsettled apply, ignoring a torn last line', () => {
    const j = new Journal(dataDir, () => new Date('2026-01-01T00:00:00Z'));
    j.append({ t: 'apply.started', planId: 'p1', token: 1, snapshot: 's1', steps: ['a'] });
    j.append({ t: 'step.begin', planId: 'p1', step: 'a' });
    j.append({ t: 'step.end', planId: 'p1', step: 'a', detail: {} });
    j.append({ t: 'finalize.begin', planId: 'p1' });
    j.append({ t: 'committed', planId: 'p1', stateCommit: null });
    expect(findInterrupted(readJournal(dataDir))).toBeNull();
    j.append({ t: 'apply.started', planId: 'p2', token: 2, snapshot: 's2', steps: ['a', 'b'] });
    j.append({ t: 'step.begin', planId: 'p2', step: 'a' });
    j.append({ t: 'step.end', planId: 'p2', step: 'a', detail: { id: 'x' } });
    j.append({ t: 'step.begin', planId: 'p2', step: 'b' });
    appendFileSync(journalPath(dataDir), '{"t":"step.end","planId":"p2","st');
    const it = findInterrupted(readJournal(dataDir))!;
    expect(it).toMatchObject({ planId: 'p2', snapshot: 's2', begun: ['a', 'b'], finalizing: false });
    expect([...it.ended.keys()]).toEqual(['a']);
    expect(readFileSync(journalPath(dataDir), 'utf8').split('\n')[0]).toContain('"ts":"2026-01-01T00:00:00.000Z"');
  });

  it('an apply that reached finalize is completed, a rolled-back one is settled', () => {
    const j = new Journal(dataDir, () => new Date());
    j.append({ t: 'apply.started', planId: 'p3', token: 1, snapshot: 's', steps: [] });
    j.append({ t: 'finalize.begin', planId: 'p3' });
    expect(findInterrupted(readJournal(dataDir))?.finalizing).toBe(true);
    j.append({ t: 'recover.end', planId: 'p3', action: 'complete', ok: true, problems: [] });
    expect(findInterrupted(readJournal(dataDir))).toBeNull();
    j.append({ t: 'apply.started', planId: 'p4', token: 2, snapshot: 's', steps: [] });
    j.append({ t: 'rollback.begin', planId: 'p4', reason: 'x' });
    j.append({ t: 'rollback.end', planId: 'p4', ok: false, problems: ['container x'] });
    expect(findInterrupted(readJournal(dataDir))?.rollingBack).toBe(true);
  });
});

describe('secrets', () => {
  it('encrypts with the host age key and resolves ${secrets.x} only at apply', async () => {
    const { recipient } = await ensureAgeIdentity(dataDir);
    expect(readFileSync(join(dataDir, 'keys', 'age.key'), 'utf8')).toMatch(/AGE-SECRET-KEY-1/);
    const enc = await encryptSecret('s3cr3t-pw', recipient);
    expect(enc).toMatch(/^encrypted:v1:[A-Za-z0-9+/]+=*$/);
    const security = `apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata: {name: s}\nspec:\n  secrets:\n    - name: db_password\n      value: ${enc}\n`;
    const r = await resolveEnv({ A: 'x', PW: '${secrets.db_password}', URL: 'pg://u:${secrets.db_password}@h' }, security, dataDir);
    expect(r.env).toEqual({ A: 'x', PW: 's3cr3t-pw', URL: 'pg://u:s3cr3t-pw@h' });
    expect(r.secretValues).toEqual(['s3cr3t-pw']);
    expect(redact('failed: s3cr3t-pw leaked', r.secretValues)).toBe('failed: [redacted] leaked');
    await expect(resolveEnv({ X: '${secrets.nope}' }, security, dataDir)).rejects.toThrow(/secret 'nope' is referenced but not defined/);
    await expect(decryptSecret(enc.slice(0, -8) + 'AAAAAAA=', (await ensureAgeIdentity(dataDir)).identity, 'db_password')).rejects.toBeInstanceOf(SecretError);
  });

  it('a ciphertext is bound to its secret name: swapped values are refused', async () => {
    const { recipient, identity } = await ensureAgeIdentity(dataDir);
    const a = await encryptSecret('value-of-a', recipient, 'secret_a');
    const b = await encryptSecret('value-of-b', recipient, 'secret_b');
    expect(await decryptSecret(a, identity, 'secret_a')).toBe('value-of-a');
    const swapped = `apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata: {name: s}\nspec:\n  secrets:\n    - {name: secret_a, value: ${b}}\n    - {name: secret_b, value: ${a}}\n`;
    const err = await resolveEnv({ X: '${secrets.secret_a}' }, swapped, dataDir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as Error).message).toBe("the value stored as secret 'secret_a' was encrypted for secret 'secret_b': refusing it (were two secrets' values swapped or copied in security.yaml?)");
    expect(JSON.stringify(err)).not.toContain('value-of');
  });

  it('a plan with secrets on a host without an age key is a clear error', async () => {
    await expect(resolveEnv({ X: '${secrets.a}' }, undefined, dataDir)).rejects.toThrow(/this host has no age key/);
  });
});
