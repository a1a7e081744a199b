/**
 * Test helpers: a TCP port on 127.0.0.1 that was free a moment ago (listen on port 0, read
 * it, close), which tests and benchmarks publish containers on; and a loopback address on
 * which nothing answers at a given port, checked (`refusedLoopback`).
 */
import { connect, createServer } from 'node:net';

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

/** True when something accepts a TCP connection at `address`:`port` (within `ms`). */
export function answers(address: string, port: number, ms = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host: address, port });
    const done = (v: boolean) => {
      clearTimeout(t);
      c.destroy();
      resolve(v);
    };
    const t = setTimeout(() => done(true), ms); // neither refused nor accepted: not a refusal
    c.once('connect', () => done(true));
    c.once('error', (e: NodeJS.ErrnoException) => done(e.code !== 'ECONNREFUSED'));
  });
}

/**
 * A loopback address (127.0.0.0/8, other than 127.0.0.1) on which nothing answers at `port`
 * now: checked, so a test that needs a refused connection there (an ACME HTTP-01 check that
 * must fail) cannot pass by a listener it did not expect. Throws, naming the port, when every
 * candidate answers: a listener on the wildcard address (0.0.0.0) answers on all of them.
 */
export async function refusedLoopback(port: number): Promise<string> {
  const candidates = ['127.0.0.2', ...Array.from({ length: 4 }, () => `127.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`)];
  for (const a of candidates) if (!(await answers(a, port))) return a;
  throw new Error(`something answers on every loopback address tried (${candidates.join(', ')}) at port ${port}: a listener on 0.0.0.0:${port}, probably another test's (see it with: ss -ltnp 'sport = :${port}'); this test needs that port refused`);
}
