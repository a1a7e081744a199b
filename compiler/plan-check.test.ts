/**
 * compiler/plan-check.ts: which failed checks stop `claude plan`, and where in the state files a
 * schema problem of the plan is placed. The plan is the real compiler's and planner's of the
 * spec example, signed with a real ed25519 key; the defect is put into its payload after planning
 * (the state files cannot make one: that would be a compiler bug, which is what the check guards).
 * The command itself (bin/claude plan, nothing written) is cli/plan-check.docker.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { compileStateDir } from './compile.js';
import { plan } from './planner.js';
import { signPlan } from './sign.js';
import { emptyObserved } from './__fixtures__/models.js';
import { planCheckDiagnostics, stateFilePos } from './plan-check.js';
import { renderDiagnostic } from './diagnostics.js';
import { keyIdOf } from '../plan/envelope.js';
import { inspectPlan } from '../plan/inspect.js';
import { packageRoot } from '../common/paths.js';
import type { PlanPayload } from '../plan/types.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const dir = join(packageRoot(), 'fixtures', 'states', 'spec-example');
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const trusted = [{ keyid: keyIdOf(publicKey), role: 'host' as const, name: 'h1', publicKey }];

function payload(): PlanPayload {
  const model = compileStateDir(dir).model!;
  return plan(model, emptyObserved(), { request: 'apply state dir', now: NOW, nonce: '7'.repeat(32), hostId: 'h1', provenance: { engine: 'user' }, compilerVersion: '0' });
}

/** The 1-based line of the first line of services.yaml that matches `re`. */
function lineOf(file: string, re: RegExp): number {
  return readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
}

describe('the check of the plan `claude plan` just made', () => {
  it('a schema problem in a step is placed at the state file entry the step carries out, with the pointer, the message and a fix', () => {
    const p = payload();
    const i = p.steps.findIndex((s) => s.op === 'container.create' && s.target === 'container/postgres');
    expect(i).toBeGreaterThanOrEqual(0);
    (p.steps[i]!.params as { name: string }).name = 'p'; // one character: schemas/plan.schema.json wants two
    const report = inspectPlan(signPlan(p, privateKey), { trusted, now: NOW, hostId: 'h1' });
    expect(report.ok).toBe(false);
    const ds = planCheckDiagnostics(report.checks, p, report.schemaProblems);
    expect(ds).toHaveLength(1);
    const text = renderDiagnostic(ds[0]!);
    expect(text).toContain(`services.yaml:${lineOf('services.yaml', /- name: postgres$/)}:`);
    expect(text).toMatch(new RegExp(`error CLA4009: the plan made from these files fails the schema check apply would make: the plan's /steps/${i}/params/name must match pattern`));
    expect(text).toMatch(/hint: this is a bug in Claude\.OS.*nothing was written/);
  });

  it('a file under /desired/files is its first line; a pointer outside the state files has no position', () => {
    const p = payload();
    expect(stateFilePos(p, '/desired/files/network.yaml')).toEqual({ file: 'network.yaml', line: 1, column: 1 });
    expect(stateFilePos(p, '/createdAt')).toBeUndefined();
    const fw = p.steps.findIndex((s) => s.op === 'firewall.apply');
    expect(stateFilePos(p, `/steps/${fw}/params/rules/0`)?.file).toBe('network.yaml');
  });

  it('an expired plan, or a signature that does not verify, stops it; an approval still to collect (trust, policy) does not', () => {
    const p = payload();
    const env = signPlan(p, privateKey);
    const late = inspectPlan(env, { trusted, now: new Date(NOW.getTime() + 2 * 3600_000), hostId: 'h1' });
    expect(planCheckDiagnostics(late.checks, p, late.schemaProblems).map(renderDiagnostic).join('\n')).toMatch(/^<state>: error CLA4009: the plan made from these files fails the expiry check apply would make: expired at .*\n  hint: the clock moved/);
    const bad = { ...env, signatures: [{ ...env.signatures[0]!, sig: Buffer.alloc(64, 1).toString('base64') }] };
    expect(planCheckDiagnostics(inspectPlan(bad, { trusted, now: NOW, hostId: 'h1' }).checks, p).map((d) => d.message).join('\n')).toMatch(/fails the signatures check/);
    // the spec example changes users and SSH keys: the policy wants an admin signature too, which `claude sign` adds
    const fine = inspectPlan(env, { trusted, now: NOW, hostId: 'h1' });
    expect(fine.checks.find((c) => c.check === 'policy')?.ok).toBe(false);
    expect(fine.ok).toBe(false);
    expect(planCheckDiagnostics(fine.checks, p, fine.schemaProblems)).toEqual([]);
    const untrusted = inspectPlan(env, { trusted: [], now: NOW, hostId: 'h1' });
    expect(untrusted.checks.find((c) => c.check === 'trust')?.ok).toBe(false);
    expect(planCheckDiagnostics(untrusted.checks, p, untrusted.schemaProblems)).toEqual([]);
  });
});
