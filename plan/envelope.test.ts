import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPairSync } from 'node:crypto';
import { parseEnvelope, serializeEnvelope, signPayload, type Envelope } from './envelope.js';

/** What serializeEnvelope has always written (and the golden files hold). */
const reference = (env: Envelope) => JSON.stringify({ payloadType: env.payloadType, payload: env.payload, signatures: env.signatures }, null, 2) + '\n';

describe('serializeEnvelope', () => {
  it('writes JSON.stringify(envelope, null, 2) + newline, joining a base64 payload in without escaping it', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const env = signPayload({ a: 1, b: 'ü'.repeat(1000) }, privateKey);
    expect(serializeEnvelope(env)).toBe(reference(env));
    expect(parseEnvelope(serializeEnvelope(env))).toEqual(env);
    fc.assert(
      fc.property(
        fc.oneof(fc.base64String(), fc.string({ unit: 'binary' })),
        fc.string({ unit: 'binary' }),
        fc.array(fc.record({ keyid: fc.string(), sig: fc.base64String() }), { maxLength: 3 }),
        (payload, payloadType, signatures) => {
          const e = { payloadType, payload, signatures };
          expect(serializeEnvelope(e)).toBe(reference(e));
        },
      ),
      { numRuns: 500 },
    );
  });
  it('escapes a payload that is not base64, and is not fooled by a payloadType that looks like the payload key', () => {
    for (const e of [
      { payloadType: 't', payload: 'a"b\\c\n', signatures: [] },
      { payloadType: '\n  "payload": ""', payload: 'QUJD', signatures: [{ keyid: 'k', sig: 's' }] },
      { payloadType: 't', payload: '', signatures: [] },
    ]) {
      expect(serializeEnvelope(e)).toBe(reference(e));
      expect(JSON.parse(serializeEnvelope(e))).toEqual(e);
    }
  });
});
