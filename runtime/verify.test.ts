/**
 * Verification order and error classes (V1–V9), without Docker: every refusal is its own
 * class, names its clause, and comes in the documented order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { addTrustedKey } from '../plan/keys.js';
import type { PlanPayload, PlanStep } from '../plan/types.js';
import { refusal, S, setupTestHost, signPlan, verifyHarness, type TestHost } from './testutil/plans.js';
import {
  checkAllowList,
  checkBase,
  checkConfirmation,
  checkHostPaths,
  ClockBackwardsError,
  ConfirmationRequiredError,
  DisallowedOpError,
  HostMismatchError,
  PlanExpiredError,
  PlanFormatError,
  PlanSchemaError,
  planValidator,
  planValidatorKey,
  PLAN_VALIDATOR_OPTIONS,
  ReplayError,
  SignatureError,
  StalePlanError,
  verifyPlan,
} from './verify.js';

let dataDir: string;
let host: TestHost;
const now = new Date('2026-11-22T00:00:00Z');

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-verify-'));
  host = setupTestHost(dataDir);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const { opts, plan } = verifyHarness(() => ({ host, dataDir }), now);

describe('verifyPlan (V1–V7)', () => {
  it('accepts a good plan and returns the payload parsed from the verified bytes', () => {
    const p = plan();
    const v = verifyPlan(signPlan(p, host.key.privateKey), opts());
    expect(v.payload.id).toBe(p.id);
    expect(v.signers.map((s) => s.role)).toEqual(['host']);
    expect(v.checkedAt).toEqual(now);
  });

  it('V1: not JSON, duplicate keys, not an envelope → PlanFormatError', () => {
    expect(refusal(() => verifyPlan('{', opts()))).toBeInstanceOf(PlanFormatError);
    const text = signPlan(plan(), host.key.privateKey);
    const dup = text.replace('"payloadType"', '"payloadType": "x", "payloadType"');
    const e = refusal(() => verifyPlan(dup, opts()));
    expect(e).toBeInstanceOf(PlanFormatError);
    expect(e.message).toMatch(/duplicate key/);
    expect((e as PlanFormatError).clause).toBe('V1 envelope');
    expect(refusal(() => verifyPlan('{"a":1}', opts()))).toBeInstanceOf(PlanFormatError);
  });

  it('V2: a payload off the schema, or a broken step graph → PlanSchemaError naming the path', () => {
    const bad = { ...plan(), extra: 1 } as unknown as PlanPayload;
    const e = refusal(() => verifyPlan(signPlan(bad, host.key.privateKey), opts()));
    expect(e).toBeInstanceOf(PlanSchemaError);
    expect(e.message).toContain("must NOT have additional properties: 'extra'");
    // A plan from another format version says which field and which value, never "(no detail)".
    const v2 = { ...plan(), schemaVersion: 2 } as unknown as PlanPayload;
    const ev = refusal(() => verifyPlan(signPlan(v2, host.key.privateKey), opts()));
    expect(ev).toBeInstanceOf(PlanSchemaError);
    expect(ev.message).toContain('/schemaVersion: must be equal to constant 1');
    expect(ev.message).not.toContain('no detail');
    const cyc = plan([
      { ...S.network('a'), dependsOn: ['network/b'] },
      { ...S.network('b'), dependsOn: ['network/a'] },
    ]);
    expect(refusal(() => verifyPlan(signPlan(cyc, host.key.privateKey), opts())).message).toMatch(/dependency cycle/);
    const dangling = plan([{ ...S.network('a'), dependsOn: ['nope'] }]);
    expect(refusal(() => verifyPlan(signPlan(dangling, host.key.privateKey), opts())).message).toMatch(/depends on unknown step 'nope'/);
  });

  it('V2 with the discriminator: each bad step is reported against its own op only', () => {
    const bad = plan([S.network('a'), { ...S.network('b'), op: 'shell.exec' as never }, { ...S.image('i:1'), params: { ref: 'i:1', requested: 'i:1' } as never }]);
    const e = refusal(() => verifyPlan(signPlan(bad, host.key.privateKey), opts()));
    expect(e).toBeInstanceOf(PlanSchemaError);
    expect(e.message).toContain('/steps/1: value of tag "op" must be in oneOf');
    expect(e.message).toContain("/steps/2/params: must have required property 'pull'");
    // not the other fourteen branches' complaints about step 2
    expect(e.message).not.toContain("/steps/2/params: must have required property 'name'");
  });

  it('V2 host paths: `..` or a relative path anywhere the runtime places a path under CLAUDE_ROOT is refused', () => {
    const hostStep: PlanStep = { id: 'h', op: 'host.apply', target: 'host/files', params: { files: [{ path: '/etc/../../x', content: '', mode: '0644' }], remove: ['/etc/ok', 'rel/path'] }, dependsOn: [], risk: 'safe', phase: 5, inverse: null, description: 'h' };
    expect(checkHostPaths([hostStep, S.volume('v', '/data/../..'), S.volume('w', '/data/w')])).toEqual([
      "/steps/0/params/files/0/path: host path '/etc/../../x' contains a `..` segment (host paths stay under CLAUDE_ROOT)",
      "/steps/0/params/remove/1: host path 'rel/path' is not absolute",
      "/steps/1/params/path: host path '/data/../..' contains a `..` segment (host paths stay under CLAUDE_ROOT)",
    ]);
    const e = refusal(() => verifyPlan(signPlan(plan([S.volume('v', '/srv/../../etc')]), host.key.privateKey), opts()));
    expect(e).toBeInstanceOf(PlanSchemaError);
    expect(e.message).toContain("/steps/0/params/path: host path '/srv/../../etc' contains a `..` segment");
  });

  it('the compiled validator is cached under a key of the ajv version, the options and the schema', () => {
    const require = createRequire(join(packageRoot(), 'package.json'));
    const ajvVersion = (require('ajv/package.json') as { version: string }).version;
    const schemaText = readFileSync(join(packageRoot(), 'schemas', 'plan.schema.json'), 'utf8');
    const key = planValidatorKey(ajvVersion, schemaText);
    expect(PLAN_VALIDATOR_OPTIONS.discriminator).toBe(true);
    // any change to the options or the schema gives another file (the old one is never loaded)
    expect(planValidatorKey(ajvVersion, schemaText, { ...PLAN_VALIDATOR_OPTIONS, discriminator: false })).not.toBe(key);
    expect(planValidatorKey(ajvVersion, schemaText + ' ')).not.toBe(key);
    expect(planValidatorKey('0.0.0', schemaText)).not.toBe(key);
    // the generated validator (npm run generate) carries the same key, so no process compiles it
    const generatedText = readFileSync(join(packageRoot(), 'generated', 'plan-validator.cjs'), 'utf8');
    expect(generatedText).toContain(`module.exports.KEY = "${key}";`);
    expect(generatedText).toMatch(/tag\d* === "network\.create"/);
    expect(planValidator(dataDir)).toBe(createRequire(join(packageRoot(), 'package.json'))('./generated/plan-validator.cjs'));
    expect(existsSync(join(dataDir, 'cache'))).toBe(false);
    // without it (stale: another key), the compiled code is cached in the data dir
    planValidator(dataDir, { generated: false });
    expect(readdirSync(join(dataDir, 'cache'))).toEqual([`plan-validator-${key}.cjs`]);
    // the cached code dispatches on the tag rather than trying every branch
    expect(readFileSync(join(dataDir, 'cache', `plan-validator-${key}.cjs`), 'utf8')).toMatch(/tag\d* === "network\.create"/);
  });

  it('V3: unsigned, unknown key, bad signature, missing role → SignatureError', () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const e1 = refusal(() => verifyPlan(signPlan(plan(), stranger), opts()));
    expect(e1).toBeInstanceOf(SignatureError);
    expect(e1.message).toMatch(/unknown-key/);
    // a CI key alone does not satisfy P1 (a host signature)
    const ci = generateKeyPairSync('ed25519');
    addTrustedKey(dataDir, { publicKeyPem: ci.publicKey.export({ type: 'spki', format: 'pem' }).toString(), role: 'ci', name: 'ci' });
    const e2 = refusal(() => verifyPlan(signPlan(plan(), ci.privateKey), opts()));
    expect(e2).toBeInstanceOf(SignatureError);
    expect(e2.message).toMatch(/role 'host'/);
    // both signatures: fine; the same keyid twice is refused (as `claude verify` reports it)
    expect(verifyPlan(signPlan(plan(), host.key.privateKey, ci.privateKey), opts()).signers).toHaveLength(2);
    const env = JSON.parse(signPlan(plan(), host.key.privateKey)) as { signatures: unknown[] };
    env.signatures.push(env.signatures[0]);
    const e4 = refusal(() => verifyPlan(JSON.stringify(env), opts()));
    expect(e4).toBeInstanceOf(SignatureError);
    expect(e4.message).toMatch(/signs the plan twice/);
    // a changed byte
    const t = JSON.parse(signPlan(plan(), host.key.privateKey)) as { payload: string };
    const body = Buffer.from(t.payload, 'base64').toString().replace('"request":"test plan"', '"request":"test plan!"');
    t.payload = Buffer.from(body).toString('base64');
    const e3 = refusal(() => verifyPlan(JSON.stringify(t), opts()));
    expect(e3).toBeInstanceOf(SignatureError);
    expect(e3.message).toMatch(/modified after it was signed/);
  });

  it('V4: another host → HostMismatchError', () => {
    const e = refusal(() => verifyPlan(signPlan(plan([S.network('n')], { hostId: 'host-other' }), host.key.privateKey), opts()));
    expect(e).toBeInstanceOf(HostMismatchError);
    expect(e.message).toContain("made for host 'host-other'");
  });

  it('V5: expired, or from the future → PlanExpiredError; the clock is read once', () => {
    const e = refusal(() => verifyPlan(signPlan(plan([S.network('n')], { now: new Date(now.getTime() - 7_200_000), ttlMs: 3_600_000 }), host.key.privateKey), opts()));
    expect(e).toBeInstanceOf(PlanExpiredError);
    expect(refusal(() => verifyPlan(signPlan(plan([S.network('n')], { now: new Date(now.getTime() + 3_600_000) }), host.key.privateKey), opts())).message).toMatch(/in the future/);
    let reads = 0;
    verifyPlan(signPlan(plan(), host.key.privateKey), { ...opts(), now: () => (reads++, now) });
    expect(reads).toBe(1);
  });

  it('V5 clock floor: a clock earlier than the latest audit or applied time refuses every plan (the clock was set back)', async () => {
    const d = mkdtempSync(join(tmpdir(), 'claude-verify-floor-'));
    try {
      const { appendAudit } = await import('./audit.js');
      // An apply recorded an hour "later" than the clock now reads: the clock was set back.
      await appendAudit(d, { actor: 't', event: 'plan.applied', planId: 'plan-x', details: {} }, () => new Date(now.getTime() + 3_600_000));
      const fresh = signPlan(plan(), host.key.privateKey); // valid for `now` in every other way
      const e = refusal(() => verifyPlan(fresh, { ...opts(), dataDir: d }));
      expect(e).toBeInstanceOf(ClockBackwardsError);
      expect((e as ClockBackwardsError).clause).toBe('V5 expiry');
      expect(e.message).toMatch(/^the clock reads 2026-11-22T00:00:00\.000Z, earlier than 2026-11-22T01:00:00\.000Z, the latest time recorded in audit\.jsonl: the clock was set back/);
      expect((e as ClockBackwardsError).hint).toMatch(/set the clock right/);
      // applied-plans.jsonl counts too; within a second of the floor is fine
      const d2 = mkdtempSync(join(tmpdir(), 'claude-verify-floor-'));
      appendFileSync(join(d2, 'applied-plans.jsonl'), JSON.stringify({ planId: 'plan-y', appliedAt: new Date(now.getTime() + 600).toISOString() }) + '\n');
      expect(verifyPlan(fresh, { ...opts(), dataDir: d2 }).payload.id).toBeTruthy();
      appendFileSync(join(d2, 'applied-plans.jsonl'), JSON.stringify({ planId: 'plan-z', appliedAt: new Date(now.getTime() + 86_400_000).toISOString() }) + '\n');
      expect(refusal(() => verifyPlan(fresh, { ...opts(), dataDir: d2 })).message).toMatch(/latest time recorded in applied-plans\.jsonl/);
      rmSync(d2, { recursive: true, force: true });
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('V6: an applied plan id → ReplayError', () => {
    const p = plan();
    appendFileSync(join(dataDir, 'applied-plans.jsonl'), JSON.stringify({ planId: p.id }) + '\n');
    const e = refusal(() => verifyPlan(signPlan(p, host.key.privateKey), opts()));
    expect(e).toBeInstanceOf(ReplayError);
    expect((e as ReplayError).clause).toBe('V6 replay');
  });

  it('checks in order: a plan that is both expired and for another host fails V4 first', () => {
    const p = plan([S.network('n')], { hostId: 'host-other', now: new Date(now.getTime() - 7_200_000), ttlMs: 1000 });
    expect(refusal(() => verifyPlan(signPlan(p, host.key.privateKey), opts()))).toBeInstanceOf(HostMismatchError);
  });
});

describe('V7–V9', () => {
  it('V7: an op off the allow-list (also as an inverse) → DisallowedOpError', () => {
    expect(() => checkAllowList([{ id: 's', op: 'shell.exec' as never, inverse: null }])).toThrow(DisallowedOpError);
    expect(() => checkAllowList([{ id: 's', op: 'network.create', inverse: { op: 'rm -rf' as never, params: {} } }])).toThrow(/not on the runtime's allow-list/);
    expect(() => checkAllowList([S.network('n')])).not.toThrow();
  });

  it('V8: a changed base → StalePlanError listing what changed', () => {
    const p = plan([S.network('n')], { base: { 'container/a': '1'.repeat(64), 'network/x': '2'.repeat(64) } });
    const e = refusal(() => checkBase(p, { 'container/a': '3'.repeat(64), 'volume/v': '4'.repeat(64) }));
    expect(e).toBeInstanceOf(StalePlanError);
    expect(e.message).toBe(
      'Saved plan is stale: the system changed since this plan was made, so it cannot be applied.\n  ~ container/a (changed)\n  - network/x (removed)\n  + volume/v (added)',
    );
    expect(() => checkBase(p, { 'container/a': '1'.repeat(64), 'network/x': '2'.repeat(64) })).not.toThrow();
  });

  it('V9: security/destructive steps need an admin signature, --yes, or an interactive yes', async () => {
    const risky = plan([{ ...S.network('n'), risk: 'security' }]);
    const hostSigner = host.trusted().filter((k) => k.role === 'host');
    await expect(checkConfirmation({ payload: risky, signers: hostSigner }, { yes: false })).rejects.toBeInstanceOf(ConfirmationRequiredError);
    await expect(checkConfirmation({ payload: risky, signers: hostSigner }, { yes: false, interactiveConfirm: async () => false })).rejects.toThrow(/\[security\] Create network 'n'/);
    expect(await checkConfirmation({ payload: risky, signers: hostSigner }, { yes: true })).toBe('yes-flag');
    expect(await checkConfirmation({ payload: risky, signers: hostSigner }, { yes: false, interactiveConfirm: async () => true })).toBe('interactive');
    expect(await checkConfirmation({ payload: risky, signers: [{ ...hostSigner[0]!, role: 'admin' }] }, { yes: false })).toBe('admin-signature');
    expect(await checkConfirmation({ payload: plan(), signers: hostSigner }, { yes: false })).toBe('not-needed');
  });
});
