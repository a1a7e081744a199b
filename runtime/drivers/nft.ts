/**
 * The nftables driver: the only module that runs `nft`. It loads, checks, removes and
 * observes the one table Claude.OS owns, `inet claude`; it never lists, flushes or changes
 * any other table (Docker's included), and never runs `flush ruleset`.
 *
 * Every call is `execFile`-style (no shell); ruleset text goes in on stdin (`-f -`). With
 * `netns`, commands run as `ip netns exec NAME nft …` (tests, and hosts that filter in a
 * namespace).
 */
import { spawn } from 'node:child_process';
import { canonicalJson, sha256Hex } from '../../common/canonical.js';

export const NFT_TABLE = 'inet claude';
/** Removes the table when present, does nothing otherwise (one transaction). */
export const NFT_REMOVE_RULESET = `table ${NFT_TABLE} {}\ndelete table ${NFT_TABLE}\n`;

export interface NftDriverOptions {
  /** Run inside this network namespace (`ip netns exec NAME nft …`). */
  netns?: string;
  /** The nft binary. Default `nft` (found on PATH). */
  nftBin?: string;
  /** Kill an nft call that runs longer than this. Default 120 s. */
  timeoutMs?: number;
}

/** nft refused or failed; `message` carries nft's own error text. */
export class NftError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
    readonly args: readonly string[],
  ) {
    super(message);
    this.name = 'NftError';
  }
}

export interface ObservedFirewall {
  /** Whether the table `inet claude` exists. */
  present: boolean;
  /** `nft -j list table inet claude` output (parsed), or null when absent. */
  json: unknown;
  /** sha256 of the canonical JSON of the table's contents without handles and counter values; null when absent. */
  hash: string | null;
  /** The policy of the table's input-hook chain (what an unmatched packet to this host meets); null when absent or no such chain. */
  inputPolicy: 'accept' | 'drop' | null;
}

export interface RulesetSnapshot {
  present: boolean;
  /** `nft -f` text that brings the table back to what it is now (or removes it if absent). */
  ruleset: string;
}

export class NftDriver {
  readonly netns: string | undefined;
  readonly nftBin: string;
  private readonly timeoutMs: number;

  constructor(opts: NftDriverOptions = {}) {
    if (opts.netns !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(opts.netns)) {
      throw new Error(`NftDriver: invalid network namespace name ${JSON.stringify(opts.netns)}`);
    }
    this.netns = opts.netns;
    this.nftBin = opts.nftBin ?? 'nft';
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /** The argv that runs nft (with the netns prefix); used by the revert watchdog too. */
  command(args: readonly string[] = []): string[] {
    return this.netns ? ['ip', 'netns', 'exec', this.netns, this.nftBin, ...args] : [this.nftBin, ...args];
  }

  /** Runs nft; resolves with stdout, rejects with NftError (nft's stderr as the message). */
  run(args: readonly string[], input?: string): Promise<string> {
    const [cmd, ...argv] = this.command(args);
    return new Promise((resolve, reject) => {
      const child = spawn(cmd!, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, this.timeoutMs);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new NftError(`cannot run ${cmd}: ${e.message}`, '', null, args));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString('utf8');
        if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
        const what = timedOut ? `nft ${args.join(' ')} timed out after ${this.timeoutMs} ms` : `nft ${args.join(' ')} failed (exit ${code})`;
        reject(new NftError(stderr.trim() ? `${what}:\n${stderr.trim()}` : what, stderr, code, args));
      });
      child.stdin.on('error', () => {
        /* nft may exit before reading all input; the exit code tells */
      });
      child.stdin.end(input ?? '');
    });
  }

  /** `nft -c -f -`: parses and validates against the kernel without committing. Throws NftError. */
  async check(ruleset: string): Promise<void> {
    await this.run(['-c', '-f', '-'], ruleset);
  }

  /**
   * Loads the ruleset in one `nft -f -` transaction (all or nothing). By default it is
   * checked first with `nft -c -f -`; pass `{ check: false }` when the caller has just
   * checked it (commit-confirmed does), so a large ruleset is parsed twice, not three times.
   */
  async apply(ruleset: string, opts: { check?: boolean } = {}): Promise<void> {
    if (opts.check !== false) await this.check(ruleset);
    await this.run(['-f', '-'], ruleset);
  }

  /** Deletes the table `inet claude` if present (idempotent). */
  async remove(): Promise<void> {
    await this.run(['-f', '-'], NFT_REMOVE_RULESET);
  }

  /** `nft list table inet claude` text, or null when the table does not exist. */
  async listText(): Promise<string | null> {
    try {
      return await this.run(['list', 'table', 'inet', 'claude']);
    } catch (e) {
      if (isAbsent(e)) return null;
      throw e;
    }
  }

  /** The text that restores the current table (or its absence); checked to load. */
  async snapshot(): Promise<RulesetSnapshot> {
    const text = await this.listText();
    if (text === null) return { present: false, ruleset: NFT_REMOVE_RULESET };
    return { present: true, ruleset: NFT_REMOVE_RULESET + text };
  }

  /** Observes the table: `nft -j list table inet claude`, and a hash that ignores handles and counters. */
  async observe(): Promise<ObservedFirewall> {
    let out: string;
    try {
      out = await this.run(['-j', 'list', 'table', 'inet', 'claude']);
    } catch (e) {
      if (isAbsent(e)) return { present: false, json: null, hash: null, inputPolicy: null };
      throw e;
    }
    const json = JSON.parse(out) as unknown;
    return { present: true, json, hash: hashNftJson(json), inputPolicy: inputPolicyOf(json) };
  }
}

/**
 * The policy of the input-hook chain in a table listing (`nft -j list table …`): 'drop' or
 * 'accept', or null when the table has no input-hook chain. The planner compares it with the
 * policy it would load (a live drop turned to accept needs the admin, plan/trust.ts).
 */
export function inputPolicyOf(json: unknown): 'accept' | 'drop' | null {
  let policy: 'accept' | 'drop' | null = null;
  for (const item of (json as { nftables?: unknown[] } | null)?.nftables ?? []) {
    const chain = (item as { chain?: { hook?: unknown; policy?: unknown } } | null)?.chain;
    if (chain?.hook !== 'input') continue;
    // Several input-hook chains: a packet any of them drops is dropped.
    if (chain.policy === 'drop') return 'drop';
    policy = 'accept';
  }
  return policy;
}

function isAbsent(e: unknown): boolean {
  return e instanceof NftError && /No such file or directory|does not exist/i.test(e.stderr);
}

/**
 * sha256 of the canonical JSON (RFC 8785) of a table listing, stable across identical
 * loads: the `metainfo` entry, every `handle` and counter values are dropped (they change
 * on every load or with traffic; a manual edit changes what remains).
 *
 * Fast path: the stripped copy is built with its keys in sorted (UTF-16) order, so plain
 * `JSON.stringify` gives the RFC 8785 bytes for parsed JSON (strings, finite numbers,
 * booleans, null); several times faster than the generic canonicalizer on a 10,000-rule
 * listing. A key that looks like an array index (which JS objects would reorder) falls
 * back to `canonicalJson`, so the hash is the same either way.
 */
export function hashNftJson(json: unknown): string {
  const items = (json as { nftables?: unknown[] } | null)?.nftables ?? [];
  let indexKey = false;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        const x = (v as Record<string, unknown>)[k];
        if (/^(0|[1-9][0-9]*)$/.test(k)) indexKey = true;
        if (k === 'handle') continue;
        if (k === 'counter' && x && typeof x === 'object') {
          o[k] = {};
          continue;
        }
        o[k] = strip(x);
      }
      return o;
    }
    return v;
  };
  const contents = items.filter((i) => !(i && typeof i === 'object' && 'metainfo' in i)).map(strip);
  return sha256Hex(indexKey ? canonicalJson(contents) : JSON.stringify(contents));
}
