/**
 * httpHealthOf (runtime/health.ts): which health commands are one plain HTTP GET of the
 * container's own loopback, so that the same request from the host may stand for them. Only
 * the exact forms count; anything that adds a condition, a pipe, a variable, a HEAD request
 * or TLS is left to the command itself.
 */
import { describe, expect, it } from 'vitest';
import { httpAnswer, httpHealthOf, httpReply } from './health.js';

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

/**
 * httpAnswer (runtime/health.ts): the host's GET written over node:net and its reply read by
 * hand (no node:http on a cold apply's way to serving). Against real servers on the loopback:
 * node:http's own (Content-Length, chunked, keep-alive asked to close), and raw ones that send
 * what a server may: an interim 100, a reply without a length ended by the close, one cut short,
 * one over 1 MiB, one that never ends, garbage; and a port nothing listens on.
 */
describe('httpAnswer', () => {
  const h = (port: number, path = '/health') => ({ port, path, host: `127.0.0.1:${port}` });
  /** A TCP server on a free loopback port that answers each connection with `reply(request)`. */
  async function rawServer(reply: (request: string, socket: import('node:net').Socket) => void) {
    const { createServer } = await import('node:net');
    const server = createServer((socket) => {
      let req = '';
      socket.on('data', (d) => {
        req += d.toString('latin1');
        if (req.includes('\r\n\r\n')) reply(req, socket);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { port: (server.address() as import('node:net').AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it('reads the status of node:http replies, with a length or chunked, and sends the path and Host', async () => {
    const { createServer } = await import('node:http');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.host} ${req.headers.connection}`);
      if (req.url === '/chunked') {
        res.writeHead(503);
        res.write('x'.repeat(5000));
        setTimeout(() => res.end('y'.repeat(70000)), 20);
      } else res.writeHead(req.url === '/health' ? 200 : 404, { 'content-length': '2' }).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      expect(await httpAnswer('127.0.0.1', port, h(port), 2000)).toBe(200);
      expect(await httpAnswer('127.0.0.1', port, h(port, '/nope'), 2000)).toBe(404);
      expect(await httpAnswer('127.0.0.1', port, h(port, '/chunked'), 2000)).toBe(503);
      expect(seen).toEqual([`GET /health 127.0.0.1:${port} close`, `GET /nope 127.0.0.1:${port} close`, `GET /chunked 127.0.0.1:${port} close`]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('skips an interim 100, reads a reply ended by the close, and fails a cut, oversized, endless or garbled one', async () => {
    const servers = await Promise.all([
      rawServer((_q, s) => s.end('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n')),
      rawServer((_q, s) => s.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nno length, the close ends it')),
      rawServer((_q, s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort')),
      rawServer((_q, s) => s.end(`HTTP/1.1 200 OK\r\n\r\n${'z'.repeat((1 << 20) + 10)}`)),
      rawServer((_q, s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')),
      rawServer((_q, s) => s.end('SSH-2.0-OpenSSH_9.2\r\n\r\n')),
    ]);
    try {
      const [interim, closeEnded, cut, huge, endless, garbled] = servers.map((s) => s.port);
      expect(await httpAnswer('127.0.0.1', interim!, h(interim!), 2000)).toBe(204);
      expect(await httpAnswer('127.0.0.1', closeEnded!, h(closeEnded!), 2000)).toBe(200);
      expect(await httpAnswer('127.0.0.1', cut!, h(cut!), 2000)).toBeNull();
      expect(await httpAnswer('127.0.0.1', huge!, h(huge!), 2000)).toBeNull();
      const t0 = Date.now();
      expect(await httpAnswer('127.0.0.1', endless!, h(endless!), 300)).toBeNull();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      expect(await httpAnswer('127.0.0.1', garbled!, h(garbled!), 2000)).toBeNull();
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('says refused when nothing listens on the port', async () => {
    const s = await rawServer(() => undefined);
    const port = s.port;
    await s.close();
    expect(await httpAnswer('127.0.0.1', port, h(port), 2000)).toBe('refused');
  });
});

describe('httpReply', () => {
  const b = (s: string) => Buffer.from(s, 'latin1');
  it('is undefined until the reply is whole, then its status; null for what is not a reply', () => {
    expect(httpReply(b('HTTP/1.1 200 OK\r\nContent-Le'), false)).toBeUndefined();
    expect(httpReply(b('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab'), false)).toBeUndefined();
    expect(httpReply(b('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcd'), false)).toBe(200);
    expect(httpReply(b('HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nab'), true)).toBeNull();
    expect(httpReply(b('HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n'), false)).toBeUndefined();
    expect(httpReply(b('HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n0\r\n\r\n'), false)).toBe(502);
    expect(httpReply(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'), true)).toBeNull();
    expect(httpReply(b('HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n'), false)).toBe(304);
    expect(httpReply(b('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'), false)).toBe(201);
    expect(httpReply(b('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'), false)).toBeNull();
    expect(httpReply(b('HTTP/2 200\r\n\r\n'), true)).toBeNull();
    expect(httpReply(b(''), true)).toBeNull();
  });
});
