import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envelopeOver, parseEnvelope, payloadBytesOf, serializeEnvelope, signPayload, verifyEnvelope, writeEnvelope, writeEnvelopeDurably, type Envelope } from './envelope.js';
import { keyIdOf } from './envelope.js';

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

describe('envelopeOver and writeEnvelope', () => {
  const dir = mkdtempSync(join(tmpdir(), 'claude-envelope-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the base64 payload only when read, and writes the file piece by piece with the same bytes as serializeEnvelope', () => {
    const chunk = 48 * 1024;
    // sizes around the 48 KiB chunk edges and the 1 MiB write buffer, and not multiples of 3 (padding at the end only)
    for (const size of [0, 1, 2, 3, chunk - 1, chunk, chunk + 1, 3 * chunk + 2, (1 << 20) + 7, 2 * (1 << 20) + 1]) {
      const bytes = randomBytes(size);
      const signatures = [{ keyid: 'k'.repeat(64), sig: 'c2ln' }];
      const env = envelopeOver('application/vnd.test+json', bytes, signatures);
      expect(payloadBytesOf(env)).toBe(bytes);
      expect(Object.keys(env)).toEqual(['payloadType', 'payload', 'signatures']);
      const file = join(dir, `plan-${size}.json`);
      writeEnvelope(file, env);
      const expected = reference({ payloadType: env.payloadType, payload: bytes.toString('base64'), signatures });
      expect(readFileSync(file, 'utf8')).toBe(expected);
      expect(env.payload).toBe(bytes.toString('base64'));
      expect(serializeEnvelope(env)).toBe(expected);
      expect(parseEnvelope(expected)).toEqual({ payloadType: env.payloadType, payload: bytes.toString('base64'), signatures });
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]); // no temp file left
  });

  it('writeEnvelopeDurably writes the same bytes, in place only once the promise resolves (the fsync and rename on the pool)', async () => {
    const bytes = randomBytes(2 * (1 << 20) + 5);
    const env = envelopeOver('application/vnd.test+json', bytes, [{ keyid: 'k'.repeat(64), sig: 'c2ln' }]);
    const file = join(dir, 'durable.json');
    const durable = writeEnvelopeDurably(file, env);
    // the bytes are written into a temp file beside it before it returns; the rename waits for the fsync
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.durable.json.') && f.endsWith('.tmp'))).toHaveLength(1);
    await durable;
    expect(readFileSync(file, 'utf8')).toBe(serializeEnvelope(env));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // an ordinary envelope, as writeEnvelope writes it
    const plain = { payloadType: 't', payload: 'a"b\n', signatures: [] };
    await writeEnvelopeDurably(file, plain);
    expect(readFileSync(file, 'utf8')).toBe(reference(plain));
  });

  it('forgets the bytes when the payload is replaced, and writes the new one', () => {
    const env = envelopeOver('t', Buffer.from('abc'), []);
    env.payload = 'QUJD';
    expect(payloadBytesOf(env)).toBeUndefined();
    const file = join(dir, 'replaced.json');
    writeEnvelope(file, env);
    expect(readFileSync(file, 'utf8')).toBe(reference({ payloadType: 't', payload: 'QUJD', signatures: [] }));
    // an ordinary envelope (not from envelopeOver) is written as serializeEnvelope writes it, escaping included
    const plain = { payloadType: 't', payload: 'a"b\n', signatures: [] };
    writeEnvelope(file, plain);
    expect(readFileSync(file, 'utf8')).toBe(reference(plain));
  });

  it('a plan written by writeEnvelope verifies with the key that signed it', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signed = signPayload({ steps: Array.from({ length: 3000 }, (_, i) => ({ id: `s${i}`, note: 'ü→🚀' })) }, privateKey);
    const env = envelopeOver(signed.payloadType, Buffer.from(signed.payload, 'base64'), signed.signatures);
    const file = join(dir, 'signed.json');
    writeEnvelope(file, env);
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(serializeEnvelope(signed));
    const v = verifyEnvelope(parseEnvelope(text), [{ keyid: keyIdOf(publicKey), role: 'host', publicKey }]);
    expect(v.signers).toHaveLength(1);
    expect(v.rejected).toEqual([]);
  });
});
