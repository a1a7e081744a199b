/**
 * Test helper: Let's Encrypt's ACME test server, Pebble (the Debian package `pebble`,
 * scripts/setup-host.sh installs it), started per test run on free loopback ports with its
 * own config in a temp dir:
 *
 *   - pebble-challtestsrv as Pebble's DNS only (every name → 127.0.0.1; `addA` maps one to
 *     another address), its HTTP/TLS challenge servers off;
 *   - pebble, whose validation authority connects to `<name>:httpPort` for HTTP-01, where
 *     the product's own responder listens on 127.0.0.1;
 *   - its listener's TLS certificate is made here (selfsigned.ts) and returned as `listenerCa`;
 *     the root that issues the certificates is read from its management API as `rootPem`.
 *
 * `stop()` ends both processes and removes the temp dir. Product code never imports this.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSigned } from '../certs/selfsigned.js';
import { freePort } from './ports.js';

export interface Pebble {
  directoryUrl: string;
  /** The CA of Pebble's own HTTPS listener (what the ACME client must trust). */
  listenerCa: string;
  /** Pebble's issuing root: what `curl --cacert` needs to trust the issued certificates. */
  rootPem: string;
  /** The port Pebble's validation authority connects to for HTTP-01. */
  httpPort: number;
  /** Point a name at another address in Pebble's DNS. */
  addA(host: string, address: string): Promise<void>;
  stop(): Promise<void>;
}

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

async function waitFor<T>(what: string, f: () => Promise<T>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      return await f();
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} did not come up in ${ms} ms: ${(last as Error)?.message ?? last}`);
}

function stopChild(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => p.kill('SIGKILL'), 3000);
    p.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.kill('SIGTERM');
  });
}

/**
 * Starts challtestsrv and Pebble; `domainBlocklist`: names Pebble refuses to order;
 * `authzReuse`: the percentage of orders for which Pebble reuses a valid authorization of the
 * same account instead of asking for a challenge (default 0). Pebble 2.4 tests
 * `rand.Intn(100) > percent`, so at 0 it still reuses one order in a hundred: a test that needs
 * a challenge asked must retry when the result says the CA accepted an earlier validation.
 */
export async function startPebble(o: { domainBlocklist?: string[]; authzReuse?: number } = {}): Promise<Pebble> {
  const dir = mkdtempSync(join(tmpdir(), 'claude-pebble-'));
  const [dnsPort, mgmtPort, acmePort, pebbleMgmtPort, httpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const listener = await selfSigned(['localhost', '127.0.0.1'], { now: new Date(), days: 2, commonName: 'pebble listener' });
    writeFileSync(join(dir, 'cert.pem'), listener.certPem);
    writeFileSync(join(dir, 'key.pem'), listener.keyPem, { mode: 0o600 });
    writeFileSync(
      join(dir, 'pebble-config.json'),
      JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${acmePort}`,
          managementListenAddress: `127.0.0.1:${pebbleMgmtPort}`,
          certificate: join(dir, 'cert.pem'),
          privateKey: join(dir, 'key.pem'),
          httpPort,
          tlsPort: httpPort,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
          domainBlocklist: o.domainBlocklist ?? [],
        },
      }),
    );
    const log = (p: ChildProcess, name: string) => {
      let out = '';
      p.stdout?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-8000)));
      p.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-8000)));
      p.once('exit', (code) => {
        if (code && code !== 0 && process.env.CLAUDE_TEST_VERBOSE) console.error(`${name} exited ${code}:\n${out}`);
      });
    };
    const dns = spawn('pebble-challtestsrv', ['-dns01', `127.0.0.1:${dnsPort}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', `127.0.0.1:${mgmtPort}`, '-defaultIPv4', '127.0.0.1', '-defaultIPv6', ''], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(dns);
    log(dns, 'pebble-challtestsrv');
    const pebble = spawn('pebble', ['-config', join(dir, 'pebble-config.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      // No random validation sleeps, no random nonce rejections: the tests are about our client.
      env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: String(o.authzReuse ?? 0) },
    });
    children.push(pebble);
    log(pebble, 'pebble');
    const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
    await waitFor('pebble', async () => {
      const r = await get(directoryUrl, listener.certPem);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    });
    const root = await waitFor('pebble management', async () => {
      const r = await get(`https://127.0.0.1:${pebbleMgmtPort}/roots/0`, listener.certPem);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      return r.body;
    });
    await waitFor('pebble-challtestsrv', () => post(mgmtPort, '/clear-a', { host: 'probe.invalid' }));
    return {
      directoryUrl,
      listenerCa: listener.certPem,
      rootPem: root,
      httpPort,
      addA: (host, address) => post(mgmtPort, '/add-a', { host, addresses: [address] }),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function post(port: number, path: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`challtestsrv ${path}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
