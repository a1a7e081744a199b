/**
 * Which health commands the host may answer itself (health-wire.ts wireHealthOf), and how a
 * PostgreSQL server's first message is read (pgVerdict, libpq's PQping rule). The requests
 * against real postgres and redis containers are in health-wire.docker.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { pgVerdict, wireHealthOf } from './health-wire.js';

const sh = (line: string) => ['CMD-SHELL', line];

describe('wireHealthOf', () => {
  it('recognises pg_isready with a loopback host, and redis-cli ping in its three plain forms', () => {
    expect(wireHealthOf(sh('pg_isready -U app -h 127.0.0.1'))).toEqual({ kind: 'postgres', port: 5432 });
    expect(wireHealthOf(sh('pg_isready -q -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}"'))).toEqual({ kind: 'postgres', port: 5432 });
    expect(wireHealthOf(sh('/usr/bin/pg_isready -h localhost -p 5433 -d app -t 3 || exit 1'))).toEqual({ kind: 'postgres', port: 5433 });
    expect(wireHealthOf(['CMD', 'pg_isready', '-h', '127.0.0.1'])).toEqual({ kind: 'postgres', port: 5432 });
    expect(wireHealthOf(sh('redis-cli ping'))).toEqual({ kind: 'redis', port: 6379 });
    expect(wireHealthOf(sh('redis-cli ping | grep -q PONG'))).toEqual({ kind: 'redis', port: 6379 });
    expect(wireHealthOf(sh('[ "$(redis-cli ping)" = PONG ]'))).toEqual({ kind: 'redis', port: 6379 });
    expect(wireHealthOf(sh('redis-cli -h 127.0.0.1 -p 6380 PING'))).toEqual({ kind: 'redis', port: 6380 });
  });

  it('leaves everything else to the command itself', () => {
    for (const line of [
      'pg_isready -U app', // the Unix socket
      'pg_isready -h db -U app', // another host
      'pg_isready -h 127.0.0.1 -U $(whoami)',
      'pg_isready -h 127.0.0.1 && psql -c "select 1"',
      'pg_isready -h 127.0.0.1 -U "$USER"',
      'pg_isready -h 127.0.0.1 --no-such-option',
      'redis-cli -a secret ping', // a password: the host has none
      'redis-cli -h redis ping',
      'redis-cli ping | grep -q PONG && test -f /ready',
      'redis-cli info | grep -q loading:0',
      'redis-cli ping; true',
      '[ "$(redis-cli ping)" != PONG ]',
      'wget -q -O- http://127.0.0.1/',
    ])
      expect(wireHealthOf(sh(line)), line).toBeNull();
    expect(wireHealthOf(['NONE'])).toBeNull();
    expect(wireHealthOf(['CMD', 'pg_isready', '-h', '127.0.0.1', '-U', '$(id -un)'])).toBeNull();
  });
});

/** A backend message: type byte, Int32 length (itself included), body. */
const msg = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
};
const error = (fields: Record<string, string>) => msg('E', Buffer.from(Object.entries(fields).map(([k, v]) => `${k}${v}\0`).join('') + '\0', 'latin1'));
const auth = (code: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(code);
  return msg('R', b);
};

describe('pgVerdict (PQping)', () => {
  it('an authentication request, or any error but 57P03, means the server accepts connections', () => {
    expect(pgVerdict(auth(0))).toBe(true); // trust
    expect(pgVerdict(auth(10))).toBe(true); // SASL: a password is asked for, the server is up
    expect(pgVerdict(error({ S: 'FATAL', C: '28000', M: 'role "claude-probe" does not exist' }))).toBe(true);
    expect(pgVerdict(error({ S: 'FATAL', C: '3D000', M: 'database does not exist' }))).toBe(true);
  });

  it('57P03 (starting up, shutting down, in recovery) does not; neither does a reply that is not the protocol', () => {
    expect(pgVerdict(error({ S: 'FATAL', V: 'FATAL', C: '57P03', M: 'the database system is starting up' }))).toBe(false);
    expect(pgVerdict(error({ S: 'FATAL', M: 'no code' }))).toBe(false);
    expect(pgVerdict(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toBe(false);
  });

  it('waits for the whole message', () => {
    const e = error({ S: 'FATAL', C: '57P03', M: 'the database system is starting up' });
    expect(pgVerdict(e.subarray(0, 4))).toBeUndefined();
    expect(pgVerdict(e.subarray(0, e.length - 3))).toBeUndefined();
    expect(pgVerdict(auth(0).subarray(0, 6))).toBeUndefined();
  });
});
