/**
 * The plan check of a plan this process just signed (plan/inspect.ts with an envelope from
 * signPlan) against the same plan read back from its file: the same verdict, line by line,
 * while the in-process check uses the signed object instead of parsing the bytes again. A
 * damaged file is still refused.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { signPlan } from './sign.js';
import { plan } from './planner.js';
import { webStack, emptyObserved } from './__fixtures__/models.js';
import { keyIdOf, signedValueOf, writeEnvelope, type Envelope } from '../plan/envelope.js';
import { inspectPlan, type InspectOptions } from '../plan/inspect.js';
import type { PlanPayload } from '../plan/types.js';
import { canonicalJson } from '../common/canonical.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const payload = (): PlanPayload => plan(webStack(), emptyObserved(), { request: 'set up a web stack', now: NOW, nonce: '7'.repeat(32), hostId: 'h1', provenance: { engine: 'user' }, compilerVersion: '0' });
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const host = { keyid: keyIdOf(publicKey), role: 'host' as const, name: 'h1', publicKey };

/** The report on the envelope in memory and on the same envelope written to a file and read back. */
function bothWays(env: Envelope, opts: InspectOptions) {
  const dir = mkdtempSync(join(tmpdir(), `claude-inspect-signed-${process.pid}-`));
  try {
    const file = join(dir, 'plan.json');
    writeEnvelope(file, env);
    const text = readFileSync(file, 'utf8');
    return { inProcess: inspectPlan(env, opts), fromFile: inspectPlan(text, opts), text, file };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the plan check of a plan signed in this process', () => {
  it('gives the verdict of the same plan read back from its file, without parsing the payload again', () => {
    const p = payload();
    const env = signPlan(p, privateKey);
    expect(signedValueOf(env)).toBe(p);
    for (const opts of [
      { trusted: [host], now: NOW, hostId: 'h1' }, // all well
      { trusted: [host], now: NOW, hostId: 'h2' }, // another host's plan
      { trusted: [host], now: new Date('2026-11-22T12:00:00Z') }, // expired
      { trusted: [{ ...host, keyid: keyIdOf(other.publicKey), publicKey: other.publicKey }], now: NOW }, // unknown key
    ]) {
      const { inProcess, fromFile } = bothWays(env, opts);
      expect(inProcess.checks).toEqual(fromFile.checks);
      expect(inProcess.ok).toBe(fromFile.ok);
      expect(inProcess.payload).toEqual(fromFile.payload);
      // the in-process check took the signed object itself: nothing was parsed
      expect(inProcess.payload).toBe(p);
    }
    expect(bothWays(env, { trusted: [host], now: NOW, hostId: 'h1' }).inProcess.ok).toBe(true);
  });

  it('keeps a payload whose display was put out of key order after planning, sorted, without parsing it again', () => {
    // agent/flow.ts adds display.lockout and display.confirm behind the planner's keys: such a
    // plan took the replacer path and was parsed again by its own check (docs/plans.md)
    const p = payload();
    const display = (p.display ??= {}) as Record<string, unknown>;
    display.lockout = ['the admin keeps port 22'];
    display.confirm = ['P3 confirmation for the security.yaml change'];
    expect(Object.keys(display).indexOf('confirm')).toBeGreaterThan(Object.keys(display).indexOf('overview'));
    const env = signPlan(p, privateKey);
    const signed = signedValueOf(env) as PlanPayload | undefined;
    expect(signed).toBeDefined();
    expect(signed).toEqual(p);
    expect(signed!.steps).toBe(p.steps); // only what was out of order is copied
    const { inProcess, fromFile, text } = bothWays(env, { trusted: [host], now: NOW, hostId: 'h1' });
    expect(inProcess.ok).toBe(true);
    expect(inProcess.checks).toEqual(fromFile.checks);
    expect(inProcess.payload).toBe(signed);
    // the same key order a reader of the file gets, and the same bytes as the reference signer
    expect(JSON.stringify(inProcess.payload)).toBe(JSON.stringify(fromFile.payload));
    const bytes = Buffer.from((JSON.parse(text) as { payload: string }).payload, 'base64').toString('utf8');
    expect(bytes).toBe(canonicalJson(p));
  });

  it('gives the same schema verdict for a payload the schema refuses', () => {
    const p = { ...payload(), schemaVersion: 99 } as unknown as PlanPayload;
    const env = signPlan(p, privateKey);
    expect(signedValueOf(env)).toBe(p);
    const { inProcess, fromFile } = bothWays(env, { trusted: [host], now: NOW });
    expect(inProcess.ok).toBe(false);
    expect(inProcess.checks.find((c) => c.check === 'schema')).toMatchObject({ ok: false, detail: expect.stringMatching(/schemaVersion/) });
    expect(inProcess.checks).toEqual(fromFile.checks);
  });

  it('parses the bytes when they do not give back the signed object (undefined, -0, a hole)', () => {
    const base = payload();
    const lossy: PlanPayload[] = [
      { ...base, request: undefined } as unknown as PlanPayload,
      { ...base, steps: base.steps.map((s, i) => (i === 0 ? { ...s, params: { ...s.params, zero: -0 } } : s)) } as unknown as PlanPayload,
      // eslint-disable-next-line no-sparse-arrays
      { ...base, steps: [...base.steps, ,] } as unknown as PlanPayload,
    ];
    for (const p of lossy) {
      const env = signPlan(p, privateKey);
      expect(signedValueOf(env)).toBeUndefined();
      const { inProcess, fromFile } = bothWays(env, { trusted: [host], now: NOW });
      expect(inProcess.checks).toEqual(fromFile.checks);
      expect(inProcess.payload).not.toBe(p);
    }
  });

  it('refuses a step that is not an object, in memory and from the file alike', () => {
    // the schema's step is a discriminated oneOf, which ajv checks only for objects: without
    // `type: object` a null or a number passed V2 and the policy check then threw a TypeError
    for (const bad of [null, 5, 'x', []]) {
      const p = { ...payload(), steps: [...payload().steps, bad] } as unknown as PlanPayload;
      const { inProcess, fromFile } = bothWays(signPlan(p, privateKey), { trusted: [host], now: NOW });
      expect(inProcess.checks.find((c) => c.check === 'schema')).toMatchObject({ ok: false, detail: expect.stringMatching(/\/steps\/\d+: must be object/) });
      expect(inProcess.checks).toEqual(fromFile.checks);
    }
  });

  it('still refuses the file when it is damaged', () => {
    const env = signPlan(payload(), privateKey);
    const { text } = bothWays(env, { trusted: [host], now: NOW });
    const o = JSON.parse(text) as { payload: string };
    // one changed byte of the payload: the signature no longer verifies
    const bytes = Buffer.from(o.payload, 'base64');
    bytes[bytes.indexOf('web')] = 'W'.charCodeAt(0);
    const changed = inspectPlan(JSON.stringify({ ...o, payload: bytes.toString('base64') }), { trusted: [host], now: NOW });
    expect(changed.ok).toBe(false);
    expect(changed.checks.find((c) => c.check === 'signatures')).toMatchObject({ ok: false, detail: expect.stringMatching(/does not verify/) });
    // a duplicate key written into the file's text
    const dup = text.replace('"payloadType"', '"payloadType": "x",\n  "payloadType"');
    expect(inspectPlan(dup, { trusted: [host], now: NOW }).checks).toEqual([{ check: 'envelope', ok: false, detail: expect.stringMatching(/duplicate key "payloadType"/) }]);
    // cut short
    expect(inspectPlan(text.slice(0, text.length >> 1), { trusted: [host], now: NOW }).checks).toEqual([{ check: 'envelope', ok: false, detail: expect.stringMatching(/not valid JSON/) }]);
    // and the envelope object itself, its payload replaced after signing: parsed again, refused
    const replaced = signPlan(payload(), privateKey);
    replaced.payload = Buffer.from(JSON.stringify({ ...payload(), request: 'something else' })).toString('base64');
    expect(signedValueOf(replaced)).toBeUndefined();
    const r = inspectPlan(replaced, { trusted: [host], now: NOW });
    expect(r.ok).toBe(false);
    expect(r.payload?.request).toBe('something else');
  });
});

describe('a duplicate key inside the payload of a file', () => {
  it('is refused, though the same plan in memory could not hold one', () => {
    const p = payload();
    const env = signPlan(p, privateKey);
    const { text } = bothWays(env, { trusted: [host], now: NOW });
    const o = JSON.parse(text) as { payload: string };
    const json = Buffer.from(o.payload, 'base64').toString('utf8').replace('{"base":', '{"request":"other","base":');
    const dupText = JSON.stringify({ ...o, payload: Buffer.from(json).toString('base64') });
    const r = inspectPlan(dupText, { trusted: [host], now: NOW });
    expect(r.checks[0]).toMatchObject({ check: 'envelope', ok: false, detail: expect.stringMatching(/duplicate key "request"/) });
  });
});
