/**
 * Who holds a port: listening sockets from /proc/net/{tcp,tcp6,udp,udp6}, matched to the
 * process that owns the socket inode through /proc/<pid>/fd (what `ss -ltnp` does), and a
 * plain TCP connect to check that a published port answers. Read-only.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Listener } from '../../plan/observed.js';
import { compareCodePoints } from '../../common/order.js';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function hexToIPv4(hex: string): string {
  // /proc/net/tcp prints the address as a little-endian 32-bit word.
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

function hexToIPv6(hex: string): string {
  const words: string[] = [];
  for (let i = 0; i < 32; i += 8) {
    const w = hex.slice(i, i + 8);
    // each 32-bit word is little-endian
    const b = w.match(/../g)!.reverse().join('');
    words.push(b.slice(0, 4), b.slice(4, 8));
  }
  const full = words.map((w) => w.replace(/^0+(?=.)/, '')).join(':');
  if (full === '0:0:0:0:0:0:0:0') return '::';
  const v4 = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(full);
  if (v4) {
    const hi = parseInt(v4[1]!, 16);
    const lo = parseInt(v4[2]!, 16);
    return `::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return full;
}

/** Parses one /proc/net/{tcp,udp}{,6} table; TCP keeps LISTEN (0A) rows, UDP keeps unconnected (07) rows. */
export function parseNetTable(text: string, protocol: 'tcp' | 'udp', v6: boolean): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [addrHex, portHex] = (f[1] ?? '').split(':');
    const st = f[3];
    if (protocol === 'tcp' && st !== '0A') continue;
    if (protocol === 'udp' && st !== '07') continue;
    out.push({
      protocol,
      address: v6 ? hexToIPv6(addrHex ?? '') : hexToIPv4(addrHex ?? ''),
      port: parseInt(portHex ?? '0', 16),
      inode: Number(f[9]),
    });
  }
  return out;
}

/** Every listening socket of the host's network namespace, sorted by protocol, port, address. */
export function readListeners(procRoot = '/proc'): Listener[] {
  const out: Listener[] = [];
  for (const [file, protocol, v6] of [
    ['tcp', 'tcp', false],
    ['tcp6', 'tcp', true],
    ['udp', 'udp', false],
    ['udp6', 'udp', true],
  ] as const) {
    const text = read(join(procRoot, 'net', file));
    if (text) out.push(...parseNetTable(text, protocol, v6));
  }
  return out.sort((a, b) => compareCodePoints(a.protocol, b.protocol) || a.port - b.port || compareCodePoints(a.address, b.address));
}

/**
 * The addresses TCP sockets listen on at `port` in the network namespace of process `pid` (a
 * container's first process: /proc/<pid>/net/tcp and tcp6 show that namespace's sockets), as
 * parseNetTable writes them ('0.0.0.0', '127.0.0.1', '::', '::1', …); empty: nothing listens
 * there. null when no table asked for can be read (no such process, no /proc access): the
 * caller knows nothing then. Read-only, but not cheap: the kernel walks the host's whole TCP
 * hash table for each file, whatever the namespace (≈ 7 ms of CPU per call on this shared dev
 * host at load 20), so call it only where its answer saves more (an exec). `files`: which
 * tables to read.
 */
export function listenersInNetns(pid: number, port: number, procRoot = '/proc', files: readonly ('tcp' | 'tcp6')[] = ['tcp', 'tcp6']): string[] | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  let seen = false;
  const out: string[] = [];
  for (const file of files) {
    const v6 = file === 'tcp6';
    const text = read(join(procRoot, String(pid), 'net', file));
    if (text === null) continue;
    seen = true;
    for (const l of parseNetTable(text, 'tcp', v6)) if (l.port === port) out.push(l.address);
  }
  return seen ? out : null;
}

/**
 * Fills in pid and process name for the given listeners by scanning /proc/<pid>/fd for
 * `socket:[inode]`. Costs one readdir per process, so call it only for the ports in question.
 */
export function resolveOwners(listeners: Listener[], procRoot = '/proc'): Listener[] {
  const want = new Map<number, Listener[]>();
  for (const l of listeners) if (l.inode > 0) want.set(l.inode, [...(want.get(l.inode) ?? []), l]);
  if (want.size === 0) return listeners;
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((d) => /^\d+$/.test(d));
  } catch {
    return listeners;
  }
  pids.sort((a, b) => Number(a) - Number(b));
  let left = want.size;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(join(procRoot, pid, 'fd'));
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(join(procRoot, pid, 'fd', fd));
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m) continue;
      const ls = want.get(Number(m[1]));
      if (!ls || ls[0]!.pid !== undefined) continue;
      const comm = (read(join(procRoot, pid, 'comm')) ?? '').trim();
      for (const l of ls) {
        l.pid = Number(pid);
        l.process = comm || undefined;
      }
      if (--left === 0) return listeners;
    }
  }
  return listeners;
}

/**
 * True when something answers on host:port: the TCP connection succeeds within timeoutMs
 * and is not closed by the other side within graceMs. Docker's port forwarding accepts a
 * connection to a published port even when nothing listens inside the container, then
 * closes it at once; that counts as not answering.
 */
export function tcpAnswers(port: number, host = '127.0.0.1', timeoutMs = 1000, graceMs = 50): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      if (grace) clearTimeout(grace);
      sock.removeAllListeners();
      sock.on('error', () => undefined);
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => {
      sock.setTimeout(0);
      grace = setTimeout(() => done(true), graceMs);
    });
    sock.once('data', () => done(true));
    sock.once('end', () => done(false));
    sock.once('close', () => done(false));
    sock.once('error', () => done(false));
  });
}

/** The address to probe for a binding's host IP (0.0.0.0 / :: / none → loopback). */
export function probeAddress(hostIp?: string): string {
  if (!hostIp || hostIp === '0.0.0.0') return '127.0.0.1';
  if (hostIp === '::') return '::1';
  return hostIp;
}
