/**
 * Test helper: a TCP port on 127.0.0.1 that was free a moment ago (listen on port 0, read
 * it, close). Tests and benchmarks publish containers on it.
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}
