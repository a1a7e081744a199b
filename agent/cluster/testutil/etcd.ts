/**
 * Test helper: a real etcd cluster of N members on loopback, for the cluster-mode tests
 * (docs/cluster.md). Each member is the Debian `etcd` binary (scripts/setup-host.sh installs
 * etcd-server) with its own data dir under a per-run temp dir, its client and peer ports taken
 * from `freePort` (never 2379/2380, which a host's own etcd may hold), and a per-run cluster
 * token. Heartbeat 100 ms and election timeout 1 s, so a member loss settles within a test's
 * patience on a busy 2-core machine.
 *
 *   const etcd = await startEtcdCluster(3, { tls: async (urls) => (i) => files(i) });
 *   etcd.endpoints                            // ['https://127.0.0.1:P1', …]
 *   await etcd.stop(1);  await etcd.start(1); // one member down and back
 *   await etcd.destroy();                     // every member stopped, the temp dir removed
 *
 * With `tls` (called with the client URLs once the ports are chosen, so `claude cluster init
 * --certs-only --etcd URLs` can make the certificates; it returns member i's files), members
 * serve clients and peers over TLS and require a certificate signed by the cluster CA from
 * both (`--client-cert-auth`, `--peer-client-cert-auth`). Without it, plain HTTP (only for
 * tests of the harness itself: cluster nodes refuse http:// endpoints).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { freePort } from '../../../runtime/testutil/ports.js';
import { until } from '../../../runtime/testutil/cli-host.js';

export interface EtcdTls {
  /** The cluster CA (PEM file). */
  caFile: string;
  /** The server certificate and key the member presents to clients (PEM files). */
  certFile: string;
  keyFile: string;
  /** The certificate and key it presents to (and authenticates with at) its peers. */
  peerCertFile: string;
  peerKeyFile: string;
}

export interface EtcdMember {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  logFile: string;
  proc: ChildProcess | null;
}

export interface EtcdCluster {
  dir: string;
  members: EtcdMember[];
  /** Client URLs of every member (the ones stopped too). */
  endpoints: string[];
  /** Stops member i (SIGTERM, then SIGKILL after 5 s); resolves when it has exited. */
  stop(i: number): Promise<void>;
  /** Starts member i again with its data dir (it rejoins). Resolves when its client port accepts. */
  start(i: number): Promise<void>;
  /** Stops every member and removes the temp dir. */
  destroy(): Promise<void>;
  /** The last lines of member i's log (for failure messages). */
  log(i: number): string;
}

function tlsArgs(t: EtcdTls): string[] {
  return [
    '--cert-file', t.certFile, '--key-file', t.keyFile, '--trusted-ca-file', t.caFile, '--client-cert-auth',
    '--peer-cert-file', t.peerCertFile, '--peer-key-file', t.peerKeyFile, '--peer-trusted-ca-file', t.caFile, '--peer-client-cert-auth',
  ];
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function startEtcdCluster(n = 3, o: { tls?: (clientUrls: string[]) => Promise<(i: number) => EtcdTls>; prefix?: string } = {}): Promise<EtcdCluster> {
  const dir = mkdtempSync(join(tmpdir(), `${o.prefix ?? 'claude-etcd'}-`));
  const token = `claude-test-${randomBytes(6).toString('hex')}`;
  const members: EtcdMember[] = [];
  const used = new Set<number>();
  const port = async () => {
    for (;;) {
      const p = await freePort();
      if (!used.has(p)) return used.add(p), p;
    }
  };
  for (let i = 0; i < n; i++) {
    const name = `m${i + 1}`;
    const dataDir = join(dir, name);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    members.push({ name, clientPort: await port(), peerPort: await port(), dataDir, logFile: join(dir, `${name}.log`), proc: null });
  }
  const scheme = o.tls ? 'https' : 'http';
  const initialCluster = members.map((m) => `${m.name}=${scheme}://127.0.0.1:${m.peerPort}`).join(',');
  let tlsOf: ((i: number) => EtcdTls) | null = null;
  if (o.tls) {
    try {
      tlsOf = await o.tls(members.map((m) => `https://127.0.0.1:${m.clientPort}`));
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }
  const started = new Set<number>();

  const launch = (i: number) => {
    const m = members[i]!;
    const args = [
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', `${scheme}://127.0.0.1:${m.clientPort}`,
      '--advertise-client-urls', `${scheme}://127.0.0.1:${m.clientPort}`,
      '--listen-peer-urls', `${scheme}://127.0.0.1:${m.peerPort}`,
      '--initial-advertise-peer-urls', `${scheme}://127.0.0.1:${m.peerPort}`,
      '--initial-cluster', initialCluster,
      '--initial-cluster-token', token,
      '--initial-cluster-state', started.has(i) ? 'existing' : 'new',
      '--heartbeat-interval', '100',
      '--election-timeout', '1000',
      '--listen-metrics-urls', '',
      ...(tlsOf ? tlsArgs(tlsOf(i)) : []),
    ];
    const fd = openSync(m.logFile, 'a');
    const proc = spawn('etcd', args, { stdio: ['ignore', fd, fd], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' } });
    closeSync(fd);
    m.proc = proc;
    started.add(i);
    proc.once('exit', () => {
      if (m.proc === proc) m.proc = null;
    });
    return proc;
  };

  const log = (i: number) => {
    try {
      return readFileSync(members[i]!.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  };

  const stop = async (i: number) => {
    const p = members[i]?.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };

  const cluster: EtcdCluster = {
    dir,
    members,
    endpoints: members.map((m) => `${scheme}://127.0.0.1:${m.clientPort}`),
    stop,
    async start(i) {
      if (members[i]!.proc) return;
      launch(i);
      await until(`etcd member ${members[i]!.name} to accept clients`, () => tcpOpen(members[i]!.clientPort), { ms: 30_000, everyMs: 100, detail: () => log(i) });
    },
    async destroy() {
      await Promise.all(members.map((_, i) => stop(i)));
      rmSync(dir, { recursive: true, force: true });
    },
    log,
  };
  try {
    for (let i = 0; i < n; i++) launch(i);
    for (let i = 0; i < n; i++) await until(`etcd member ${members[i]!.name} to accept clients`, () => tcpOpen(members[i]!.clientPort), { ms: 30_000, everyMs: 100, detail: () => log(i) });
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
  return cluster;
}
