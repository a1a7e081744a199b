/**
 * After a renewal: the running containers that bind-mount a certificate's hand-off directory
 * are sent SIGHUP through the Docker Engine, which makes nginx (and most servers) re-read
 * their configuration and certificates without dropping connections. Only containers that
 * Claude.OS manages (label claude.os/managed=true) are signalled.
 *
 * A graceful reload is not over when the signal is sent: nginx starts new workers and lets the
 * old ones finish, and until they have stopped a new connection can still reach an old worker
 * and get the old certificate. So a service counts as reloaded only when
 *   - every port of it that completed a TLS handshake before the signal (from the host, at the
 *     container's own addresses) presents the new certificate's serial, and
 *   - no worker from before the signal is left: a process that was running before it, whose
 *     parent has started new processes since (the master that reloaded), must have exited.
 * This is polled for a bounded time (`waitMs`, 30 s by default). A service that does not get
 * there is reported with what was still seen (the old serial on a port, old workers still
 * running, or the container gone), never as reloaded. When nothing can show the reload (no
 * TLS port presented another certificate before the signal, and no process starts within 3 s
 * of it: a server that re-reads in place, or whose TLS is not reachable from the host), the
 * service is reported as signalled with no sign of the reload, not as reloaded.
 */
import { compareCodePoints } from '../../common/order.js';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import Docker from 'dockerode';
import { LABEL_MANAGED, LABEL_SERVICE } from '../../plan/types.js';

/** What the services must present once reloaded. */
export interface ReloadWant {
  /** The new certificate's serial number (hex, as X509Certificate.serialNumber gives it). */
  serial: string;
  /** Its names: the first one is sent as SNI. */
  domains: string[];
}

export interface ReloadOptions {
  docker?: Docker;
  /** How long to wait for each service to present the new certificate (default 30 s). */
  waitMs?: number;
  /** How often to look (default 200 ms). */
  everyMs?: number;
}

export interface ReloadOutcome {
  /** The services that present the new certificate, their old workers gone. */
  reloaded: string[];
  /** The services signalled that did not get there in time, and what was still seen. */
  unconfirmed: { service: string; why: string }[];
}

export const DEFAULT_RELOAD_WAIT_MS = 30_000;
/** How long to look for any sign of a reload when no port can show the certificate change. */
const NO_SIGN_MS = 3_000;

export async function reloadMounting(dir: string, want: ReloadWant, o: ReloadOptions = {}): Promise<ReloadOutcome> {
  const docker = o.docker ?? new Docker();
  const waitMs = o.waitMs ?? DEFAULT_RELOAD_WAIT_MS;
  const everyMs = o.everyMs ?? 200;
  const list = await docker.listContainers({ filters: { label: [`${LABEL_MANAGED}=true`], status: ['running'] } });
  const out: ReloadOutcome = { reloaded: [], unconfirmed: [] };
  for (const c of list) {
    if (!(c.Mounts ?? []).some((m) => m.Type === 'bind' && (m.Source === dir || m.Source.startsWith(dir + '/')))) continue;
    const service = c.Labels?.[LABEL_SERVICE] ?? c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);
    const ctr = docker.getContainer(c.Id);
    const info = await ctr.inspect();
    const servername = sniName(want.domains);
    // The ports that speak TLS now (they present the certificate loaded before).
    const candidates = candidateTargets(info);
    const served = await Promise.all(candidates.map((t) => servedSerial(t, servername).catch(() => null)));
    const tls = candidates.filter((_, i) => served[i] !== null);
    // A port that presented another serial before the signal shows the reload when it changes.
    const showsChange = served.some((x) => x !== null && normSerial(x) !== normSerial(want.serial));
    const before = await processes(ctr);
    await ctr.kill({ signal: 'HUP' });
    const why = await settle(ctr, tls, before, servername, normSerial(want.serial), showsChange, Date.now(), waitMs, everyMs);
    if (why === null) out.reloaded.push(service);
    else if (why.startsWith('no sign')) out.unconfirmed.push({ service, why: `signalled, but ${why}` });
    else out.unconfirmed.push({ service, why: `signalled, but after ${Math.round(waitMs / 1000)} s ${why}` });
  }
  out.reloaded.sort();
  out.unconfirmed.sort((a, b) => compareCodePoints(a.service, b.service));
  return out;
}

interface Target {
  host: string;
  port: number;
}

/** Polls until the service presents `serial` on every TLS port with no old worker left; null then, else what was last seen. */
async function settle(ctr: Docker.Container, tls: Target[], before: Map<number, number>, servername: string, serial: string, showsChange: boolean, start: number, waitMs: number, everyMs: number): Promise<string | null> {
  const end = start + waitMs;
  for (;;) {
    const served = await Promise.all(tls.map((t) => servedSerial(t, servername).catch((e: Error) => `(${e.message})`)));
    const now = await processes(ctr).catch(() => null);
    if (!now) return 'the container is no longer running';
    const reloaders = new Set([...now].filter(([pid]) => !before.has(pid)).map(([, ppid]) => ppid));
    const oldWorkers = [...now.keys()].filter((pid) => before.has(pid) && reloaders.has(before.get(pid)!));
    const stale = tls.filter((_, i) => normSerial(served[i]!) !== serial);
    if (!stale.length && !oldWorkers.length && (showsChange || reloaders.size > 0)) return null;
    // Nothing to see: no port showed another certificate and no process has started since the
    // signal (a server that re-reads in place, or one whose TLS is not reachable from the host).
    if (!stale.length && !oldWorkers.length && Date.now() >= start + Math.min(waitMs, NO_SIGN_MS)) {
      return `no sign of the reload can be seen from the host (${tls.length ? 'its TLS ports presented this certificate already' : 'no TLS port answers from the host'} and it started no new process): check that it serves the new certificate`;
    }
    if (Date.now() >= end) {
      const why: string[] = [];
      if (stale.length) why.push(`it still presents another certificate on port ${stale.map((t) => t.port).join(', ')} (serial ${[...new Set(stale.map((t) => served[tls.indexOf(t)]))].join(', ')}, want ${serial})`);
      if (oldWorkers.length) why.push(`${oldWorkers.length} worker process${oldWorkers.length === 1 ? '' : 'es'} from before the reload still run${oldWorkers.length === 1 ? 's' : ''} (open connections keep them; a new connection may still get the old certificate)`);
      return why.join('; ');
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The container's processes (host pid → parent pid), from the Docker Engine. */
async function processes(ctr: Docker.Container): Promise<Map<number, number>> {
  const top = (await ctr.top({ ps_args: '-o pid,ppid' })) as { Titles: string[]; Processes: string[][] };
  const pi = top.Titles.indexOf('PID');
  const ppi = top.Titles.indexOf('PPID');
  return new Map((top.Processes ?? []).map((p) => [Number(p[pi]), Number(p[ppi])]));
}

/** The container's own addresses × its TCP ports: published or exposed, and those it listens on (from /proc, when readable). */
function candidateTargets(info: Docker.ContainerInspectInfo): Target[] {
  const ports = new Set<number>();
  for (const k of [...Object.keys(info.NetworkSettings?.Ports ?? {}), ...Object.keys(info.Config?.ExposedPorts ?? {})]) {
    const [p, proto] = k.split('/');
    if ((proto ?? 'tcp') === 'tcp' && Number(p) > 0) ports.add(Number(p));
  }
  for (const f of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${info.State.Pid}/net/${f}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') ports.add(parseInt(cols[1]!.split(':')[1]!, 16)); // LISTEN
    }
  }
  const hosts = info.HostConfig?.NetworkMode === 'host' ? ['127.0.0.1'] : Object.values(info.NetworkSettings?.Networks ?? {}).map((n) => n.IPAddress).filter((a): a is string => !!a);
  return hosts.flatMap((host) => [...ports].sort((a, b) => a - b).map((port) => ({ host, port })));
}

/** The serial of the certificate presented at `t` for `servername` (any certificate is accepted: only its serial is read). */
function servedSerial(t: Target, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: t.host, port: t.port, servername, rejectUnauthorized: false, timeout: 2_000 }, () => {
      const serial = s.getPeerCertificate().serialNumber;
      s.destroy();
      if (serial) resolve(serial);
      else reject(new Error('no certificate presented'));
    });
    s.on('timeout', () => s.destroy(new Error('timed out')));
    s.on('error', reject);
  });
}

function sniName(domains: string[]): string {
  const d = domains[0] ?? 'localhost';
  return d.startsWith('*.') ? `www.${d.slice(2)}` : d;
}

function normSerial(s: string): string {
  return s.toUpperCase().replace(/^0+(?=.)/, '');
}
