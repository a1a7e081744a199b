import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { containsSecret, redactDeep, redactText, REDACTED } from './redact.js';

const PEM = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  `b3BlbnNzaC1rZXktdjEAAAAA${randomBytes(24).toString('base64')}`,
  `QyNTUxOQAAACDl${randomBytes(24).toString('base64')}`,
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');
const SINGLE = `pw-${randomBytes(10).toString('hex')}`;

/** What a shell in a container would print (the real tools, not our own encoders). */
function sh(script: string, value: string): string {
  return execFileSync('sh', ['-c', script], { env: { V: value, PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf8' });
}

describe('redactText', () => {
  it('redacts every line of a multi-line value when the text is read line by line', () => {
    for (const line of PEM.split('\n').slice(1, 3)) {
      expect(redactText(`log: ${line}`, [PEM])).toBe(`log: ${REDACTED}`);
    }
    expect(redactText(`got ${PEM} end`, [PEM])).toBe(`got ${REDACTED} end`);
  });

  it.each([
    ['echo -n | base64', 'printf %s "$V" | base64 -w0'],
    ['echo | base64', 'echo "$V" | base64 -w0'],
    ['base64 wrapped at 76', 'echo "$V" | base64'],
    ['embedded at offset 1', 'printf "x%s" "$V" | base64 -w0'],
    ['embedded at offset 2', 'printf "password=%s;" "$V" | base64 -w0'],
    ['hex', 'printf %s "$V" | od -An -tx1 | tr -d " \\n"'],
    ['xxd -p', 'printf %s "$V" | xxd -p -c 256'],
  ])('redacts the %s form of a single-line and a multi-line secret', (_name, script) => {
    for (const v of [SINGLE, PEM]) {
      const printed = sh(script, v);
      const out = printed.split('\n').map((l) => redactText(l, [v])).join('\n');
      expect(out).toContain(REDACTED);
      // what is left is the edges (and the non-secret prefix), never most of the value
      for (const l of out.split('\n')) expect(l.replace(REDACTED, '').replace(/\s/g, '').length).toBeLessThanOrEqual(16);
    }
  });

  it('redacts the URL-encoded form and form encoding', () => {
    const v = 'p@ss word/with&chars';
    expect(redactText(`url=${encodeURIComponent(v)}`, [v])).toBe(`url=${REDACTED}`);
    expect(redactText(`q=${encodeURIComponent(v).replace(/%20/g, '+')}`, [v])).toBe(`q=${REDACTED}`);
  });

  it('leaves ordinary text alone and ignores values too short to redact', () => {
    expect(redactText('the quick brown fox', [SINGLE, PEM])).toBe('the quick brown fox');
    expect(redactText('a b c', ['b'])).toBe('a b c');
  });

  it('containsSecret sees the encoded and JSON-escaped forms', () => {
    expect(containsSecret(JSON.stringify({ m: PEM }), [PEM])).toBe(true);
    expect(containsSecret(Buffer.from(SINGLE).toString('base64'), [SINGLE])).toBe(true);
    expect(containsSecret('nothing here', [SINGLE])).toBe(false);
  });

  it('redactDeep keeps a __proto__ key as a plain key', () => {
    const v = JSON.parse(`{"__proto__": "${SINGLE}", "a": ["${SINGLE}"]}`) as Record<string, unknown>;
    const out = redactDeep(v, [SINGLE]);
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(out)).toBe(`{"__proto__":"${REDACTED}","a":["${REDACTED}"]}`);
  });
});
