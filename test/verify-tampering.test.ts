/**
 * An attacker's plans against the verifier (V1, V3, V5 and their order): duplicate keys in
 * the envelope (`signatures`, `payload`, also spelled with \u escapes) or inside the signed
 * payload bytes, a plan signed only by a trusted `ci` key, and an expired plan applied with
 * `--yes` through the CLI. Each is refused before anything on the system changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { pae, signPayload, serializeEnvelope } from '../plan/envelope.js';
import { addTrustedKey } from '../plan/keys.js';
import type { PlanPayload, PlanStep } from '../plan/types.js';
import { main } from '../cli/main.js';
import { makePlan, refusal, S, setupTestHost, signPlan, verifyHarness, type TestHost } from '../runtime/testutil/plans.js';
import { PlanExpiredError, PlanFormatError, SignatureError, verifyPlan } from '../runtime/verify.js';

let dir: string;
let dataDir: string;
let host: TestHost;
const now = new Date('2026-11-22T00:00:00Z');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-tamper-'));
  dataDir = join(dir, 'data');
  host = setupTestHost(dataDir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { opts, plan } = verifyHarness(() => ({ host, dataDir }), now);

describe('tampered envelopes and payloads', () => {
  it('a second "signatures" key (an attacker-controlled list after the real one) → V1', () => {
    const good = JSON.parse(signPlan(plan(), host.key.privateKey)) as { payloadType: string; payload: string; signatures: unknown[] };
    const text = `{"payloadType":${JSON.stringify(good.payloadType)},"payload":${JSON.stringify(good.payload)},"signatures":${JSON.stringify(good.signatures)},"signatures":[]}`;
    const e = refusal(() => verifyPlan(text, opts()));
    expect(e).toBeInstanceOf(PlanFormatError);
    expect(e.message).toMatch(/duplicate key "signatures"/);
  });

  it('a second "payload" key, also spelled with a \\u escape → V1 (the verifier and executor cannot disagree)', () => {
    const good = JSON.parse(signPlan(plan(), host.key.privateKey)) as { payloadType: string; payload: string; signatures: unknown[] };
    const evil = Buffer.from(JSON.stringify(plan([S.network('evil')]))).toString('base64');
    for (const key of ['"payload"', '"payl\\u006fad"']) {
      const text = `{"payloadType":${JSON.stringify(good.payloadType)},"payload":${JSON.stringify(good.payload)},${key}:${JSON.stringify(evil)},"signatures":${JSON.stringify(good.signatures)}}`;
      const e = refusal(() => verifyPlan(text, opts()));
      expect(e, key).toBeInstanceOf(PlanFormatError);
      expect(e.message).toMatch(/duplicate key/);
    }
  });

  it('a validly signed payload whose bytes hold a duplicate key ("steps" twice) → refused', () => {
    const p = plan([S.network('n1')]);
    const json = JSON.stringify(p);
    const dupBytes = json.replace('"steps":', `"steps":${JSON.stringify([S.network('other')])},"steps":`);
    expect(dupBytes).not.toBe(json);
    // sign the raw bytes as they are: a correct signature over a payload that is not strict JSON
    const env = signPayload(p, host.key.privateKey);
    const bytes = Buffer.from(dupBytes);
    const sig = sign(null, pae(env.payloadType, bytes), host.key.privateKey).toString('base64');
    const text = serializeEnvelope({ payloadType: env.payloadType, payload: bytes.toString('base64'), signatures: [{ keyid: env.signatures[0]!.keyid, sig }] });
    const e = refusal(() => verifyPlan(text, opts()));
    expect(e.name).toMatch(/PlanFormatError|SignatureError|PlanSchemaError/);
    expect(e.message).toMatch(/duplicate key/);
  });

  it('signed only by a trusted ci key (no host key) → V3, naming the missing host role', () => {
    const ci = generateKeyPairSync('ed25519');
    addTrustedKey(dataDir, { publicKeyPem: ci.publicKey.export({ type: 'spki', format: 'pem' }).toString(), role: 'ci', name: 'ci-tamper' });
    const e = refusal(() => verifyPlan(signPlan(plan(), ci.privateKey), opts()));
    expect(e).toBeInstanceOf(SignatureError);
    expect(e.message).toMatch(/role 'host'/);
    // the admin key alone does not stand in for the host key either
    const e2 = refusal(() => verifyPlan(signPlan(plan(), host.admin), opts()));
    expect(e2).toBeInstanceOf(SignatureError);
  });

  it('an expired plan → V5, before the signature roles could matter and whatever the flags', () => {
    const old = plan([{ ...S.network('n1'), risk: 'security' }], { now: new Date(now.getTime() - 7_200_000), ttlMs: 3_600_000 });
    expect(refusal(() => verifyPlan(signPlan(old, host.key.privateKey, host.admin), opts()))).toBeInstanceOf(PlanExpiredError);
  });
});

describe('claude apply --yes with an expired plan (through the CLI)', () => {
  it('is refused as expired and changes nothing', async () => {
    const old = makePlan([S.network(`tamper-net-${host.hostId.slice(-8)}`)], { hostId: host.hostId, base: {}, now: new Date(Date.now() - 7_200_000), ttlMs: 3_600_000 });
    const file = join(dir, 'expired.json');
    writeFileSync(file, signPlan(old, host.key.privateKey, host.admin));
    let out = '';
    let err = '';
    const w = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
    const stdin = new PassThrough();
    stdin.end();
    const code = await main(['apply', file, '--yes'], {
      stdout: w((s) => (out += s)),
      stderr: w((s) => (err += s)),
      stdin,
      isTTY: false,
      env: { CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, 'state'), USER: 'tester', PATH: process.env.PATH ?? '' },
      cwd: dir,
      now: () => new Date(),
    });
    expect(code).toBe(1);
    expect(out + err).toMatch(/V5 expiry/);
    expect(out + err).toMatch(/Nothing was changed/);
    expect(existsSync(join(dataDir, 'journal.jsonl'))).toBe(false);
  });
});
