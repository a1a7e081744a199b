/**
 * httpHealthOf (runtime/health.ts): which health commands are one plain HTTP GET of the
 * container's own loopback, so that the same request from the host may stand for them. Only
 * the exact forms count; anything that adds a condition, a pipe, a variable, a HEAD request
 * or TLS is left to the command itself.
 */
import { describe, expect, it } from 'vitest';
import { httpHealthOf } from './health.js';

const sh = (cmd: string) => ['CMD-SHELL', cmd];

describe('httpHealthOf', () => {
  it('reads the request of the plain wget and curl -f forms', () => {
    expect(httpHealthOf(sh('wget -q -O- http://127.0.0.1/ >/dev/null'))).toEqual({ port: 80, path: '/', host: '127.0.0.1' });
    expect(httpHealthOf(sh('wget -q -O- http://127.0.0.1:8080/healthz || exit 1'))).toEqual({ port: 8080, path: '/healthz', host: '127.0.0.1:8080' });
    expect(httpHealthOf(sh('wget -qO- http://localhost:3000/api/health > /dev/null 2>&1'))).toEqual({ port: 3000, path: '/api/health', host: 'localhost:3000' });
    expect(httpHealthOf(sh('wget -q -O /dev/null http://localhost'))).toEqual({ port: 80, path: '/', host: 'localhost' });
    expect(httpHealthOf(sh('curl -fsS http://localhost:9000/ready'))).toEqual({ port: 9000, path: '/ready', host: 'localhost:9000' });
    expect(httpHealthOf(sh('curl --fail --silent -o /dev/null http://127.0.0.1:81/'))).toEqual({ port: 81, path: '/', host: '127.0.0.1:81' });
    expect(httpHealthOf(['CMD', '/usr/bin/curl', '-f', 'http://127.0.0.1:8080/'])).toEqual({ port: 8080, path: '/', host: '127.0.0.1:8080' });
  });

  it('leaves every other command to itself', () => {
    for (const cmd of [
      'curl -s http://localhost/', // no -f: exits 0 on a 500 too
      'wget --spider -q http://127.0.0.1/', // HEAD, not GET
      'wget -q -O- http://127.0.0.1/ | grep -q ok', // a condition on the body
      'wget -q -O- http://127.0.0.1/ && test -f /ready',
      'wget -q -O- http://127.0.0.1/; exit 0',
      'wget -q -O- "http://127.0.0.1/"',
      'wget -q -O- http://$HOST/',
      'wget -q -O- http://127.0.0.1/?x=1',
      'wget -q -O- https://127.0.0.1/',
      'wget -q -O- http://10.0.0.5/', // not the container's own loopback
      'wget -q -O- http://127.0.0.1/ http://127.0.0.1/other',
      'wget -T 2 -q -O- http://127.0.0.1/',
      'wget -q -O /tmp/out http://127.0.0.1/',
      'pg_isready -U app -h 127.0.0.1',
      'redis-cli ping | grep -q PONG',
      'exit 0',
    ]) expect(httpHealthOf(sh(cmd)), cmd).toBeNull();
    expect(httpHealthOf(['NONE'])).toBeNull();
    expect(httpHealthOf(['CMD', 'sh', '-c', 'wget -q -O- http://127.0.0.1/'])).toBeNull();
  });
});
