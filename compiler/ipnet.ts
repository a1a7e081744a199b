/**
 * IPv4/IPv6 addresses and CIDR prefixes as numbers, for the firewall compiler: parse,
 * normalise (host bits cleared, canonical text per RFC 5952), match, and set arithmetic on
 * address intervals (used by the exposure map). Pure; no I/O.
 */

export type IpFamily = 4 | 6;

export interface Cidr {
  family: IpFamily;
  /** Network address (host bits cleared). */
  addr: bigint;
  prefix: number;
}

/** An inclusive interval of addresses of one family. */
export interface Interval {
  family: IpFamily;
  lo: bigint;
  hi: bigint;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let tail4: bigint | undefined;
  let str = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail4 = parseV4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    str = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = str.split('::');
  if (dbl.length > 2) return undefined;
  const head = dbl[0] === '' ? [] : dbl[0]!.split(':');
  const tail = dbl.length === 2 ? (dbl[1] === '' ? [] : dbl[1]!.split(':')) : [];
  const groups = dbl.length === 2 ? [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8 || (dbl.length === 2 && head.length + tail.length > 7)) return undefined;
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) v = (v & ~0xffffffffn) | tail4;
  return v;
}

/** Parses a plain address; undefined if it is not a valid IPv4 or IPv6 address. */
export function parseAddress(s: string): { family: IpFamily; addr: bigint } | undefined {
  if (s.includes(':')) {
    const a = parseV6(s);
    return a === undefined ? undefined : { family: 6, addr: a };
  }
  const a = parseV4(s);
  return a === undefined ? undefined : { family: 4, addr: a };
}

export function formatAddress(family: IpFamily, addr: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((sh) => String((addr >> sh) & 0xffn)).join('.');
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((addr >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length ≥ 2) of zero groups, the first on a tie.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

export interface ParsedCidr extends Cidr {
  /** True when the written address had bits set beyond the prefix (`10.0.1.5/8`). */
  hostBitsSet: boolean;
}

/** Parses `addr` or `addr/len`. A plain address is a /32 (IPv4) or /128 (IPv6). */
export function parseCidr(s: string): ParsedCidr | undefined {
  const slash = s.indexOf('/');
  const a = parseAddress(slash < 0 ? s : s.slice(0, slash));
  if (!a) return undefined;
  const max = BITS[a.family];
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  const mask = prefixMask(a.family, prefix);
  return { family: a.family, addr: a.addr & mask, prefix, hostBitsSet: (a.addr & mask) !== a.addr };
}

function prefixMask(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefix))) & all;
}

/** `10.0.0.0/8`; a full-length prefix prints as the plain address (`10.0.1.50`). */
export function formatCidr(c: Cidr): string {
  const a = formatAddress(c.family, c.addr);
  return c.prefix === BITS[c.family] ? a : `${a}/${c.prefix}`;
}

export function cidrToInterval(c: Cidr): Interval {
  const size = 1n << BigInt(BITS[c.family] - c.prefix);
  return { family: c.family, lo: c.addr, hi: c.addr + size - 1n };
}

export function cidrContains(c: Cidr, family: IpFamily, addr: bigint): boolean {
  return c.family === family && (addr & prefixMask(family, c.prefix)) === c.addr;
}

/** The whole address space of a family as one interval. */
export function fullInterval(family: IpFamily): Interval {
  return { family, lo: 0n, hi: (1n << BigInt(BITS[family])) - 1n };
}

/** Sorts and merges overlapping or adjacent intervals (per family, IPv4 first). */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === iv.family && iv.lo <= last.hi + 1n) {
      if (iv.hi > last.hi) last.hi = iv.hi;
    } else out.push({ ...iv });
  }
  return out;
}

/** `a` minus `b`. */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  let cur = mergeIntervals(a);
  for (const cut of mergeIntervals(b)) {
    const next: Interval[] = [];
    for (const iv of cur) {
      if (iv.family !== cut.family || cut.hi < iv.lo || cut.lo > iv.hi) {
        next.push(iv);
        continue;
      }
      if (cut.lo > iv.lo) next.push({ family: iv.family, lo: iv.lo, hi: cut.lo - 1n });
      if (cut.hi < iv.hi) next.push({ family: iv.family, lo: cut.hi + 1n, hi: iv.hi });
    }
    cur = next;
  }
  return cur;
}

export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  const bm = mergeIntervals(b);
  for (const x of mergeIntervals(a)) {
    for (const y of bm) {
      if (x.family !== y.family) continue;
      const lo = x.lo > y.lo ? x.lo : y.lo;
      const hi = x.hi < y.hi ? x.hi : y.hi;
      if (lo <= hi) out.push({ family: x.family, lo, hi });
    }
  }
  return mergeIntervals(out);
}

/** The smallest list of CIDR prefixes covering exactly the given intervals, sorted. */
export function intervalsToCidrs(list: readonly Interval[]): Cidr[] {
  const out: Cidr[] = [];
  for (const iv of mergeIntervals(list)) {
    const bits = BITS[iv.family];
    let lo = iv.lo;
    while (lo <= iv.hi) {
      // Largest block aligned at `lo` that fits in [lo, hi].
      let size = 0;
      while (size < bits) {
        const next = 1n << BigInt(size + 1);
        if ((lo & (next - 1n)) !== 0n || lo + next - 1n > iv.hi) break;
        size++;
      }
      out.push({ family: iv.family, addr: lo, prefix: bits - size });
      lo += 1n << BigInt(size);
    }
  }
  return out;
}

/**
 * Normalises a list of prefixes of one family: drops duplicates and prefixes covered by
 * others, keeps the written prefixes otherwise (no merging of siblings, so the listing
 * still reads like what the user wrote), sorted by address.
 */
export function normaliseCidrs(list: readonly Cidr[]): Cidr[] {
  const sorted = [...list].sort((a, b) => a.family - b.family || (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0) || a.prefix - b.prefix);
  const out: Cidr[] = [];
  for (const c of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === c.family) {
      const l = cidrToInterval(last);
      const x = cidrToInterval(c);
      if (x.lo >= l.lo && x.hi <= l.hi) continue;
    }
    out.push(c);
  }
  return out;
}
