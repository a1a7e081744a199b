import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { hashCanonical, canonicalJson } from '../common/canonical.js';
import { transpileForChild, type ChildBuild } from './testutil/transpile-child.js';
import { tempDirs } from './testutil/tempdirs.js';
import { AUDIT_FILE, AuditSecretError, REDACTED, ZERO_HASH, appendAudit, readAudit, redactSecrets, verifyAudit, type AuditRecord } from './audit.js';

const tmp = tempDirs('claude-audit-test-');
afterEach(() => tmp.cleanup());
const tempDir = tmp.make;

function clock(start = Date.parse('2026-03-04T05:06:07Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

async function fill(dataDir: string, n: number): Promise<void> {
  const now = clock();
  for (let i = 1; i <= n; i++) {
    await appendAudit(dataDir, { actor: 'alice', event: i % 2 ? 'plan.applied' : 'state.changed', planId: `plan-${i}`, details: { i } }, now);
  }
}

const lines = (dataDir: string) => readFileSync(join(dataDir, AUDIT_FILE), 'utf8').replace(/\n$/, '').split('\n');
const writeLines = (dataDir: string, ls: string[]) => writeFileSync(join(dataDir, AUDIT_FILE), ls.join('\n') + '\n');

describe('audit log', () => {
  it('appends hash-chained records that verify', async () => {
    const d = tempDir();
    expect(verifyAudit(d)).toEqual({ ok: true, records: 0, head: ZERO_HASH });
    await fill(d, 12);
    const v = verifyAudit(d);
    expect(v).toMatchObject({ ok: true, records: 12 });
    const recs = readAudit(d);
    expect(recs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(recs[0]).toMatchObject({ seq: 1, ts: '2026-03-04T05:06:08.000Z', actor: 'alice', event: 'plan.applied', planId: 'plan-1', details: { i: 1 }, prev: ZERO_HASH });
    const first = recs[0] as AuditRecord;
    const { hash, ...body } = first;
    expect(hash).toBe(hashCanonical(body));
    expect(lines(d)[0]).toBe(canonicalJson(first));
    expect(v.ok && v.head).toBe(recs[11]?.hash);
  });

  it('detects an edited record and names its line', async () => {
    const d = tempDir();
    await fill(d, 8);
    const ls = lines(d);
    ls[4] = (ls[4] as string).replace('"actor":"alice"', '"actor":"mallory"');
    writeLines(d, ls);
    expect(verifyAudit(d)).toMatchObject({ ok: false, line: 5, reason: 'edited' });
  });

  it('detects an edited record even when its hash was recomputed', async () => {
    const d = tempDir();
    await fill(d, 8);
    const ls = lines(d);
    const r = JSON.parse(ls[2] as string) as AuditRecord;
    const { hash: _old, ...body } = { ...r, actor: 'mallory' };
    ls[2] = canonicalJson({ ...body, hash: hashCanonical(body) });
    writeLines(d, ls);
    const v = verifyAudit(d);
    expect(v).toMatchObject({ ok: false, line: 3, reason: 'edited' });
    expect(!v.ok && v.message).toContain('line 3 (seq 3) was edited');
  });

  it('detects a deleted record in the middle and at the end', async () => {
    const d = tempDir();
    await fill(d, 8);
    const ls = lines(d);
    writeLines(d, [...ls.slice(0, 5), ...ls.slice(6)]);
    const v = verifyAudit(d);
    expect(v).toMatchObject({ ok: false, line: 6, reason: 'deleted' });
    expect(!v.ok && v.message).toContain('seq 6 is missing before line 6');

    writeLines(d, ls.slice(0, 7));
    expect(verifyAudit(d)).toMatchObject({ ok: false, line: 8, reason: 'deleted' });

    writeLines(d, ls.slice(1));
    expect(verifyAudit(d)).toMatchObject({ ok: false, line: 1, reason: 'deleted' });
  });

  it('detects reordered records', async () => {
    const d = tempDir();
    await fill(d, 8);
    const ls = lines(d);
    [ls[3], ls[4]] = [ls[4] as string, ls[3] as string];
    writeLines(d, ls);
    const v = verifyAudit(d);
    expect(v).toMatchObject({ ok: false, line: 4, reason: 'reordered' });
    expect(!v.ok && v.message).toContain('seq 4 is on line 5');
  });

  it('reports time going backwards (the clock set back) although the chain is intact', async () => {
    const d = tempDir();
    await fill(d, 3);
    // The clock set back a day, then two more records: every hash still links.
    const back = clock(Date.parse('2026-03-03T05:06:07Z'));
    await appendAudit(d, { actor: 'alice', event: 'plan.applied', planId: 'plan-old', details: {} }, back);
    await appendAudit(d, { actor: 'alice', event: 'plan.applied', planId: 'plan-old2', details: {} }, back);
    expect(verifyAudit(d)).toEqual({ ok: false, line: 4, reason: 'clock', message: 'line 4 (seq 4) is dated 2026-03-03T05:06:08.000Z, before line 3 (2026-03-04T05:06:10.000Z): the clock was set back' });
    // A clock that stays put (the same second) is not "backwards".
    const e = tempDir();
    const same = () => new Date('2026-03-04T05:06:07Z');
    for (let i = 0; i < 3; i++) await appendAudit(e, { actor: 'a', event: 'plan.applied', planId: null, details: {} }, same);
    expect(verifyAudit(e)).toMatchObject({ ok: true, records: 3 });
  });

  it('detects a malformed line', async () => {
    const d = tempDir();
    await fill(d, 3);
    const ls = lines(d);
    ls.splice(1, 0, '{"not": "a record"}');
    writeLines(d, ls);
    expect(verifyAudit(d)).toMatchObject({ ok: false, line: 2, reason: 'malformed' });
  });

  it('a torn last record (a crash mid-write) does not swallow the next one: it is appended, chained past it, and verify names the torn line', async () => {
    const d = tempDir();
    await fill(d, 2);
    appendFileSync(join(d, 'audit.jsonl'), '{"seq":3,"ts":"2026-');
    const r = await appendAudit(d, { actor: 'claude', event: 'plan.refused', planId: 'plan-x', details: { clause: 'V8' } }, () => new Date());
    expect(r.seq).toBe(3);
    expect(readAudit(d).map((x) => x.event)).toEqual([...readAudit(d).slice(0, 2).map((x) => x.event), 'plan.refused']);
    expect(lines(d)[2]).toBe('{"seq":3,"ts":"2026-');
    expect(verifyAudit(d)).toMatchObject({ ok: true, records: 3, torn: [3] });
  });

  it('never writes a secret value: strings containing one are redacted', async () => {
    const d = tempDir();
    const canary = `canary-${randomBytes(8).toString('hex')}`;
    const quoted = 'pa"ss\\word';
    const rec = await appendAudit(
      d,
      {
        actor: 'alice',
        event: 'security.modified',
        planId: 'p',
        details: { env: { DB_PASSWORD: canary }, cmd: `psql -p ${canary}`, list: [canary, 'ok'], [canary]: 1, q: `x${quoted}y` },
      },
      clock(),
      { secrets: [canary, quoted, ''] },
    );
    const text = readFileSync(join(d, AUDIT_FILE), 'utf8');
    expect(text).not.toContain(canary);
    expect(text).not.toContain(JSON.stringify(quoted).slice(1, -1));
    expect(rec.details).toEqual({ env: { DB_PASSWORD: REDACTED }, cmd: `psql -p ${REDACTED}`, list: [REDACTED, 'ok'], [REDACTED]: 1, q: `x${REDACTED}y` });
    expect(verifyAudit(d)).toMatchObject({ ok: true, records: 1 });
    expect(redactSecrets({ a: ['xx-s3-yy'] }, ['s3'])).toEqual({ a: [`xx-${REDACTED}-yy`] });
  });

  it('refuses a record whose secret would survive redaction', async () => {
    const d = tempDir();
    // The secret appears only once the record is serialised (it spans the timestamp).
    const err = await appendAudit(d, { actor: 'a', event: 'rollback' }, () => new Date('2026-03-04T05:06:07Z'), { secrets: ['2026-03-04T05'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditSecretError);
    expect(verifyAudit(d)).toEqual({ ok: true, records: 0, head: ZERO_HASH });
  });
});

// ── concurrent appenders in separate processes ─────────────────────────────────

const builds: ChildBuild[] = [];
afterAll(() => {
  for (const b of builds) b.cleanup();
});

describe('audit log under concurrency', () => {
  it('keeps the chain valid with 10 processes appending at once', async () => {
    const d = tempDir();
    const build = transpileForChild(
      ['runtime/audit.ts'],
      `import { appendAudit } from './runtime/audit.js';
const [dataDir, who, n] = process.argv.slice(2);
for (let i = 0; i < Number(n); i++) {
  await appendAudit(dataDir, { actor: who, event: 'service.started', planId: null, details: { i } }, () => new Date());
}
`,
    );
    builds.push(build);
    const procs = 10;
    const each = 8;
    await Promise.all(Array.from({ length: procs }, (_, p) => promisify(execFile)(process.execPath, [build.script, d, `proc-${p}`, String(each)])));
    expect(verifyAudit(d)).toMatchObject({ ok: true, records: procs * each });
    const recs = readAudit(d);
    for (let p = 0; p < procs; p++) {
      expect(recs.filter((r) => r.actor === `proc-${p}`).map((r) => r.details.i)).toEqual([...Array(each).keys()]);
    }
  });
});
