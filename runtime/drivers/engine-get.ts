/**
 * One call to the Docker Engine's unix socket over node:net, its reply read whole: for the
 * short-lived commands (`claude status`, `claude plan`, `claude apply`: their cold-start bundles
 * turn it on, drivers/engine-api.ts `useOneShotCalls`).
 *
 * Why not node:http: loading it (with its parser, agent and outgoing-message code) costs
 * ≈ 15–20 ms of CPU in a fresh `node`, more than a tenth of `node -e 0`, for three to a dozen
 * small calls (docs/compiler.md, "Performance"; docs/runtime.md, "The cold CLI's apply, session
 * 35"). The request is HTTP/1.0 with `Connection: close` (and its body's `Content-Length`), so
 * the engine (Go's net/http) answers without chunking and closes the connection after the body:
 * the reply is the bytes up to the end of the stream. A `Content-Length` is honoured and a
 * chunked body decoded all the same.
 *
 * Must not: be used for a HEAD (its reply's Content-Length has no body behind it), an upgrade
 * (`docker exec`'s hijacked stream), or a stream that does not end (logs with `follow`, events
 * without `until`, a pull's progress): those go through node:http (EngineClient.stream).
 */
import { connect } from 'node:net';

/** The engine's reply: its status, the reason phrase of the status line, and the body. */
export interface EngineReply {
  statusCode: number;
  reason: string;
  body: Buffer;
}

/** GET `path` (with the API version prefix) on the engine at `socketPath`. Connection errors reject as node:http's do (their `code`: ENOENT, ECONNREFUSED, EACCES). */
export function getOnce(socketPath: string, path: string, signal?: AbortSignal): Promise<EngineReply> {
  return callOnce(socketPath, 'GET', path, undefined, signal);
}

/** A body to send: JSON (`application/json`) or a tar (`application/x-tar`). */
export interface CallBody {
  type: 'application/json' | 'application/x-tar';
  bytes: Buffer;
}

/** `method` `path` (with the API version prefix) with `body`, on the engine at `socketPath`: as `getOnce`. */
export function callOnce(socketPath: string, method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, body?: CallBody, signal?: AbortSignal): Promise<EngineReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ path: socketPath });
    // Aborted: the connection is closed (a pending answer no longer keeps the process alive).
    signal?.addEventListener('abort', () => socket.destroy(new Error(`${method} ${path} was abandoned`)), { once: true });
    if (signal?.aborted) socket.destroy(new Error(`${method} ${path} was abandoned`));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseReply(Buffer.concat(chunks), path, method));
      } catch (e) {
        reject(e);
      }
    });
    socket.on('close', () => reject(new Error(`the Docker Engine closed the connection before its reply to ${method} ${path} ended`)));
    // a POST without a body says so (Content-Length: 0), as node:http's request.end() does
    const head = `${method} ${path} HTTP/1.0\r\nHost: docker\r\nConnection: close\r\n${body ? `Content-Type: ${body.type}\r\nContent-Length: ${body.bytes.length}\r\n` : method === 'GET' ? '' : 'Content-Length: 0\r\n'}\r\n`;
    socket.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body.bytes]) : head);
  });
}

/** Splits one whole HTTP/1.x reply into status, reason and body (exported for the tests). */
export function parseReply(reply: Buffer, path: string, method = 'GET'): EngineReply {
  const bad = (what: string) => new Error(`the Docker Engine's reply to ${method} ${path} ${what}`);
  const end = reply.indexOf('\r\n\r\n');
  if (end < 0) throw bad(`ended before its headers did (${reply.length} bytes)`);
  const [statusLine = '', ...headerLines] = reply.toString('latin1', 0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw bad(`does not start with an HTTP status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (const h of headerLines) {
    const colon = h.indexOf(':');
    if (colon > 0) headers.set(h.slice(0, colon).trim().toLowerCase(), h.slice(colon + 1).trim());
  }
  let body = reply.subarray(end + 4);
  if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) body = dechunk(body, bad);
  else if (headers.has('content-length')) {
    const n = Number(headers.get('content-length'));
    if (!Number.isSafeInteger(n) || n < 0) throw bad(`has a bad Content-Length: ${headers.get('content-length')}`);
    if (body.length < n) throw bad(`ended after ${body.length} of its ${n} bytes`);
    body = body.subarray(0, n);
  }
  return { statusCode: Number(m[1]), reason: m[2] ?? '', body };
}

/** A chunked body's data (RFC 9112 §7.1; trailers are dropped). */
function dechunk(body: Buffer, bad: (what: string) => Error): Buffer {
  const parts: Buffer[] = [];
  let off = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', off);
    if (eol < 0) throw bad('ended inside a chunk header');
    const size = parseInt(body.toString('latin1', off, eol).split(';')[0]!.trim(), 16);
    if (!Number.isSafeInteger(size) || size < 0) throw bad(`has a bad chunk size at byte ${off}`);
    if (size === 0) return Buffer.concat(parts);
    if (eol + 2 + size > body.length) throw bad('ended inside a chunk');
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    off = eol + 2 + size + 2;
  }
}
