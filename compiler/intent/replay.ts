/**
 * Recorded provider replies, served over real HTTP so that tests (and demos without a key)
 * run the real clients end to end: the Anthropic SDK or our fetch-based OpenAI-compatible
 * client is pointed at `baseURL`, and each POST gets the next recorded reply.
 *
 * A fixture (`fixtures/llm-replies/NAME.json`):
 *   { "provider": "anthropic" | "openai", "description": "…",
 *     "replies": [ { "status": 200, "body": { …the API's JSON response… } }, … ] }
 *
 * Every request is kept (path, headers, parsed body) so tests can assert what was sent,
 * for example that a canary secret never left the machine.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { packageRoot } from '../../common/paths.js';

export interface RecordedReply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ReplayFixture {
  provider: 'anthropic' | 'openai';
  description: string;
  replies: RecordedReply[];
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  raw: string;
}

export interface ReplayServer {
  /** Origin, e.g. http://127.0.0.1:40123 (the Anthropic SDK adds /v1/messages itself). */
  origin: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export function replayFixturePath(name: string): string {
  return join(packageRoot(), 'fixtures', 'llm-replies', `${name}.json`);
}

export function loadReplayFixture(nameOrPath: string): ReplayFixture {
  const path = nameOrPath.endsWith('.json') ? nameOrPath : replayFixturePath(nameOrPath);
  const f = JSON.parse(readFileSync(path, 'utf8')) as ReplayFixture;
  if (!Array.isArray(f.replies) || (f.provider !== 'anthropic' && f.provider !== 'openai')) {
    throw new Error(`${path}: a replay fixture needs "provider" (anthropic or openai) and "replies" (a list)`);
  }
  return f;
}

/** Starts a server on 127.0.0.1 (random port) that answers POSTs with `replies` in order. */
export async function startReplayServer(replies: readonly RecordedReply[]): Promise<ReplayServer> {
  const requests: ReceivedRequest[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        /* keep the raw text */
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, raw });
      const reply = replies[next++];
      if (!reply) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: `replay: no recorded reply left (request ${next})` } }));
        return;
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
