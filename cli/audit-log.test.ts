/**
 * `claude audit` alone, typed as a person types it in a real terminal (tmux), shows the log:
 * its last records (who, when, what: the event, the plan id, the request, how it ended) and
 * one line saying whether the hash chain verifies. Before, it printed "missing subcommand:
 * verify" and a usage text. `claude audit verify` is unchanged. The records are written by the
 * runtime's own appender (runtime/audit.ts) into a temp data dir; the tmux server and the temp
 * dir are named per run and removed. Needs tmux and `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempHost, tmuxTerminal, type TempHost } from '../runtime/testutil/cli-host.js';
import { appendAudit } from '../runtime/audit.js';

const tag = `audl${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-audit-${tag}`);
let host: TempHost;

beforeAll(async () => {
  host = tempHost('audit', tag);
  let t = Date.parse('2026-12-06T10:00:00Z');
  const at = () => new Date((t += 60_000));
  await appendAudit(host.dataDir, { actor: 'alice', event: 'plan.applied', planId: 'plan-aaa111', details: { request: 'set up a web server', steps: 3, confirmation: null, stateCommit: 'c0ffee' } }, at);
  await appendAudit(host.dataDir, { actor: 'bob', event: 'plan.refused', planId: null, details: { clause: 'V3', reason: 'no trusted key signed this plan' } }, at);
  for (let i = 0; i < 3; i++) {
    await appendAudit(host.dataDir, { actor: 'claude-scheduler', event: 'job.succeeded', planId: null, details: { job: 'backup-pgdata', status: 'succeeded', error: null, outputLines: 2 } }, at);
  }
  await appendAudit(host.dataDir, { actor: 'alice', event: 'plan.applied', planId: 'plan-bbb222', details: { request: 'give redis 256mb of memory', steps: 1, confirmation: null, stateCommit: 'beef' } }, at);
});

afterAll(() => {
  term.kill();
  host?.remove();
});

describe('claude audit (no subcommand) shows the log and whether it verifies', () => {
  it('the last records with who, when, what and the outcome, then the verify line; -n N; --json', async () => {
    term.runClaude(['audit'], { env: host.env, cwd: host.base });
    const s = await term.exited('0', 60_000);
    expect(s).not.toContain('missing subcommand');
    expect(s).toContain('all 6 record(s), oldest first:');
    expect(s).toContain('#1  2026-12-06 10:01:00Z  alice  plan.applied  plan plan-aaa111\n    "set up a web server"\n    applied, 3 step(s)');
    expect(s).toContain('#2  2026-12-06 10:02:00Z  bob  plan.refused\n    refused (V3): no trusted key signed this plan');
    expect(s).toContain('#5  2026-12-06 10:05:00Z  claude-scheduler  job.succeeded\n    job backup-pgdata succeeded');
    expect(s).toContain('#6  2026-12-06 10:06:00Z  alice  plan.applied  plan plan-bbb222\n    "give redis 256mb of memory"');
    expect(s).toMatch(new RegExp(`audit log ${join(host.dataDir, 'audit.jsonl')}: intact, 6 record\\(s\\), last hash [0-9a-f]{64} \\(claude audit verify\\)`));

    term.runClaude(['audit', '-n', '2'], { env: host.env, cwd: host.base });
    const two = await term.exited('0', 60_000);
    expect(two).toContain('the last 2 of 6 records, oldest first (claude audit -n N for more):');
    expect(two).toContain('#5  ');
    expect(two).not.toContain('#4  ');

    const json = host.claude('audit', '--json', '-n', '1');
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ total: 6, records: [{ seq: 6, actor: 'alice', event: 'plan.applied', planId: 'plan-bbb222', outcome: 'applied, 1 step(s)' }], verify: { ok: true, records: 6 } });
  });

  it('an edited record: the entries are still shown, the verify line says TAMPERED and the exit status is 1; claude audit verify says the same', async () => {
    const file = join(host.dataDir, 'audit.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"actor":"bob"', '"actor":"eve"'));
    term.runClaude(['audit'], { env: host.env, cwd: host.base });
    const s = await term.exited('1', 60_000);
    expect(s).toContain('#2  2026-12-06 10:02:00Z  eve  plan.refused');
    expect(s).toContain(`audit log ${file}: TAMPERED at line 2 (edited)`);
    const verify = host.claude('audit', 'verify');
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain(`audit log ${file}: TAMPERED at line 2 (edited)`);
    expect(host.claude('audit', 'verify', '-n', '2').status).toBe(2);
  });

  it('a damaged line (a record missing fields, a JSON null, a half line): claude audit names its line number and goes on; verify says where the chain is broken (it crashed with a TypeError before)', async () => {
    const file = join(host.dataDir, 'audit.jsonl');
    const ls = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
    ls[1] = '{"seq":2}';
    ls[2] = 'null';
    ls[3] = '{"seq":4,"ts":"2026-12';
    writeFileSync(file, ls.join('\n') + '\n');
    term.runClaude(['audit'], { env: host.env, cwd: host.base });
    const s = await term.exited('1', 60_000);
    expect(s).not.toContain('internal error');
    expect(s).toContain('all 3 record(s) and 3 damaged line(s), oldest first:');
    expect(s).toContain('line 2: DAMAGED, a record with missing or wrong fields: ts, actor, event, planId, details, prev, hash; skipped (claude audit verify)');
    expect(s).toContain('line 3: DAMAGED, not a record (a JSON null); skipped');
    expect(s).toMatch(/line 4: DAMAGED, not valid JSON \(.+\); skipped/);
    expect(s).toContain('#5  2026-12-06 10:05:00Z  claude-scheduler  job.succeeded');
    expect(s).toContain('#6  2026-12-06 10:06:00Z  alice  plan.applied');
    expect(s).toContain(`audit log ${file}: TAMPERED at line 2 (malformed)`);

    const two = host.claude('audit', '-n', '2');
    expect(two.status).toBe(1);
    expect(two.stdout).toContain('the last 2 of 3 records and 3 damaged line(s)');
    expect(two.stdout).not.toContain('line 2: DAMAGED');

    const json = JSON.parse(host.claude('audit', '--json').stdout) as { total: number; damaged: { line: number }[] };
    expect(json.total).toBe(3);
    expect(json.damaged.map((d) => d.line)).toEqual([2, 3, 4]);

    const verify = host.claude('audit', 'verify');
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain(
      `audit log ${file}: TAMPERED at line 2 (malformed): line 2 of ${file} is damaged, a record with missing or wrong fields: ts, actor, event, planId, details, prev, hash: the hash chain is broken at line 2 (between line 1, seq 1 and line 5, seq 5); the records before it verify`,
    );
  });
});
