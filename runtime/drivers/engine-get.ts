/**
 * One GET to the Docker Engine's unix socket over node:net, its reply read whole: for the
 * short-lived commands that only read the engine (`claude status`, `claude plan`: their
 * cold-start bundles turn it on, drivers/engine-api.ts `useOneShotGets`).
 *
 * Why not node:http: loading it (with its parser, agent and outgoing-message code) costs
 * ≈ 15–20 ms of CPU in a fresh `node`, more than a tenth of `node -e 0`, for three to a dozen
 * small GETs (docs/compiler.md, "Performance"). The request is HTTP/1.0 with
 * `Connection: close`, so the engine (Go's net/http) answers without chunking and closes the
 * connection after the body: the reply is the bytes up to the end of the stream. A
 * `Content-Length` is honoured and a chunked body decoded all the same.
 *
 * Must not: send anything but a GET, or be used for a stream that does not end (logs with
 * `follow`, events without `until`): those go through node:http (EngineClient.stream).
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
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ path: socketPath });
    // Aborted: the connection is closed (a pending answer no longer keeps the process alive).
    signal?.addEventListener('abort', () => socket.destroy(new Error(`GET ${path} was abandoned`)), { once: true });
    if (signal?.aborted) socket.destroy(new Error(`GET ${path} was abandoned`));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseReply(Buffer.concat(chunks), path));
      } catch (e) {
        reject(e);
      }
    });
    socket.on('close', () => reject(new Error(`the Docker Engine closed the connection before its reply to GET ${path} ended`)));
    socket.write(`GET ${path} HTTP/1.0\r\nHost: docker\r\nConnection: close\r\n\r\n`);
  });
}

/** Splits one whole HTTP/1.x reply into status, reason and body (exported for the tests). */
export function parseReply(reply: Buffer, path: string): EngineReply {
  const bad = (what: string) => new Error(`the Docker Engine's reply to GET ${path} ${what}`);
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
