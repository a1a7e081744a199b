import { planRisks } from '../server/plans.js';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { cosignPlan, signPlan } from './sign.js';
import { plan } from './planner.js';
import { webStack, emptyObserved, model } from './__fixtures__/models.js';
import { envelopeOver, keyIdOf, parseEnvelope, payloadBytesOf, releaseEnvelope, serializeEnvelope, signPayload, verifyEnvelope, writeEnvelope } from '../plan/envelope.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectPlan } from '../plan/inspect.js';
import { evaluatePolicy, requiredRoles } from '../plan/policy.js';
import type { PlanPayload } from '../plan/types.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const payload = (): PlanPayload => plan(webStack(), emptyObserved(), { request: 'r', now: NOW, nonce: '1'.repeat(32), hostId: 'h1', provenance: { engine: 'user' }, compilerVersion: '0' });
const key = (role: 'host' | 'admin' | 'ci', name: string) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, trusted: { keyid: keyIdOf(publicKey), role, name, publicKey } };
};

describe('sign and verify', () => {
  it('signs canonical bytes that verify with the host key', () => {
    const host = key('host', 'h1');
    const env = signPlan(payload(), host.privateKey);
    const v = verifyEnvelope(parseEnvelope(serializeEnvelope(env)), [host.trusted]);
    expect(v.signers.map((s) => s.name)).toEqual(['h1']);
    expect(v.payload).toEqual(payload());
    // byte for byte what the reference path (the canonicalize library, Buffer.concat PAE) makes;
    // ed25519 signatures are deterministic, so the signature matches too
    const p = payload();
    (p as unknown as { request: string }).request = 'ünïcödé → ✓ 🚀';
    expect(serializeEnvelope(signPlan(p, host.privateKey))).toBe(serializeEnvelope(signPayload(p, host.privateKey)));
    // a payload not in canonical key order (written whole, then copied) signs the same bytes
    const { steps, ...rest } = p;
    const unordered = { steps, ...rest } as PlanPayload;
    expect(Object.keys(unordered)[0]).toBe('steps');
    expect(serializeEnvelope(signPlan(unordered, host.privateKey))).toBe(serializeEnvelope(signPayload(p, host.privateKey)));
  });
  it('refuses to sign a payload that fails the schema', () => {
    const host = key('host', 'h1');
    expect(() => signPlan({ ...payload(), id: 'nope' }, host.privateKey, { validate: true })).toThrow(/schemas\/plan.schema.json/);
  });
  it('co-signing adds a signature once per keyid and keeps the earlier ones valid', () => {
    const host = key('host', 'h1');
    const admin = key('admin', 'alice');
    const text = serializeEnvelope(signPlan(payload(), host.privateKey));
    const one = cosignPlan(text, admin.privateKey);
    expect(one.added).toBe(true);
    const two = cosignPlan(serializeEnvelope(one.envelope), admin.privateKey);
    expect(two.added).toBe(false);
    expect(two.envelope.signatures).toHaveLength(2);
    const r = inspectPlan(serializeEnvelope(two.envelope), { trusted: [host.trusted, admin.trusted], now: NOW, hostId: 'h1' });
    expect(r.ok).toBe(true);
    expect(r.signatures.map((s) => [s.role, s.status])).toEqual([
      ['host', 'valid'],
      ['admin', 'valid'],
    ]);
  });
  it('a keyid listed twice, an unknown key, an expired plan, another host: each is its own failed check', () => {
    const host = key('host', 'h1');
    const env = signPlan(payload(), host.privateKey);
    const dup = { ...env, signatures: [env.signatures[0]!, env.signatures[0]!] };
    expect(inspectPlan(serializeEnvelope(dup), { trusted: [host.trusted], now: NOW }).checks.find((c) => c.check === 'signatures')).toMatchObject({ ok: false, detail: expect.stringMatching(/keyid appears twice/) });
    const r = inspectPlan(serializeEnvelope(env), { trusted: [], now: new Date('2026-11-21T14:00:00Z'), hostId: 'h2' });
    expect(r.checks.map((c) => `${c.check}:${c.ok}`)).toEqual(['envelope:true', 'schema:true', 'signatures:true', 'trust:false', 'policy:false', 'expiry:false', 'host:false']);
    expect(inspectPlan('{"payloadType":1}', { trusted: [], now: NOW }).checks).toEqual([{ check: 'envelope', ok: false, detail: expect.stringMatching(/exactly payloadType, payload and signatures/) }]);
  });
});

describe('policy', () => {
  it('P1 host always; P2 admin for security.yaml host files; P3 confirmation for security/destructive steps', () => {
    expect(requiredRoles(payload())).toEqual(['host']);
    const sec = plan(model({ users: [{ name: 'bob', ssh_keys: ['ssh-ed25519 AAAA bob@x'] }] }), emptyObserved(), { request: 'r', now: NOW, nonce: '2'.repeat(32), hostId: 'h1', provenance: { engine: 'user' }, compilerVersion: '0' });
    expect(requiredRoles(sec)).toEqual(['host', 'admin']);
    expect(evaluatePolicy(sec, ['host'])).toMatchObject({ missingSignatures: [expect.stringMatching(/'admin' key \(P2/)], confirmationNeeded: true });
    expect(evaluatePolicy(sec, ['host', 'admin'])).toMatchObject({ missingSignatures: [], confirmationNeeded: false });
    expect(evaluatePolicy(payload(), ['ci']).missingSignatures).toEqual([expect.stringMatching(/'host' key \(P1/)]);
  });

  it("P3 also for the planner's note that security.yaml changes (display.confirm), with no security step", () => {
    const safe = { ...payload(), steps: payload().steps.filter((st) => st.risk === 'safe') };
    const note = 'The plan changes security.yaml (secrets, users, SSH keys, certificates); every change to it is confirmed';
    const noted = { ...safe, display: { confirm: [note] } };
    expect(evaluatePolicy(safe, ['host'])).toMatchObject({ confirmationNeeded: false, lines: ['P1 host signature: present'] });
    expect(evaluatePolicy(noted, ['host'])).toMatchObject({ confirmationNeeded: true, lines: ['P1 host signature: present', 'P3 confirmation for the security.yaml change: needed at apply (--yes, or answer yes at the prompt)'] });
    expect(evaluatePolicy(noted, ['host', 'admin']).confirmationNeeded).toBe(false);
    expect(evaluatePolicy({ ...payload(), display: { confirm: [note] } }, ['host']).lines[1]).toMatch(/^P3 confirmation for 1 security\/destructive step and the security.yaml change: /);
    expect(planRisks(noted)).toEqual([{ step: 'state:security.yaml', risk: 'security', description: note }]);
    expect(planRisks(safe)).toEqual([]);
  });
});

describe('releaseEnvelope', () => {
  it("gives the signed bytes' memory back at once; the plan written before still verifies, the envelope cannot be read again", () => {
    const dir = mkdtempSync(join(tmpdir(), 'claude-release-'));
    try {
      const host = key('host', 'h1');
      const env = signPlan(payload(), host.privateKey);
      const bytes = payloadBytesOf(env)!;
      const ab = bytes.buffer as ArrayBuffer & { resizable?: boolean };
      expect(ab.resizable).toBe(true); // signPlan's growable buffer (plan/canonical.ts)
      expect(ab.byteLength).toBeGreaterThan(bytes.length - 1);
      const file = join(dir, 'plan.json');
      writeEnvelope(file, env);
      releaseEnvelope(env);
      expect(ab.byteLength).toBe(0);
      expect(payloadBytesOf(env)).toBeUndefined();
      expect(() => env.payload).toThrow(/released/);
      const r = inspectPlan(readFileSync(file, 'utf8'), { trusted: [host.trusted], now: NOW, hostId: 'h1' });
      expect(r.ok).toBe(true);
      expect(r.payload).toEqual(payload());
      // bytes in an ordinary buffer are left to the collector, untouched
      const plain = Buffer.from('{"a":1}');
      const other = envelopeOver('t', plain, []);
      releaseEnvelope(other);
      expect(plain.toString()).toBe('{"a":1}');
      expect(() => other.payload).toThrow(/released/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
