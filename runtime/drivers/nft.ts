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

// ── the resident reader ────────────────────────────────────────────────────────────────

/**
 * A resident `nft -j -i` that lists the table on request, for a process that observes often
 * and is large: the daemon's warm CLI worker (cli/remote.ts starts it in its warm-up, before any
 * command). Why: `spawn` forks the whole calling process and blocks its event loop until the
 * child has exec'd, which grows with the process's memory (6 / 36 / 68 ms at 47 / 151 / 309 MB,
 * load 18; the worker holds ≈ 240 MB), and the apply's observation made that spawn on the way to
 * its first step, the Engine API requests waiting behind it (docs/runtime.md, session 22). nft's
 * interactive mode reads one command per line from its stdin (a pipe) and answers each at once:
 * a JSON line on stdout, or nft's error on stderr (the table is absent). Each `list` reads the
 * kernel again (a change made meanwhile by another `nft` is seen: runtime/drivers/nft-resident.nft.test.ts).
 *
 * It is only a faster way to the same listing: whenever it cannot answer (not started, nft
 * missing, exited, an error other than "absent", no answer within ANSWER_MS) `observe` resolves
 * null and the caller runs `nft -j list table inet claude` as before. One request at a time.
 * A child that died or failed to answer is killed and started again by a later `observe`, after
 * a back-off (RESTART_FIRST_MS, doubled after each failure in a row up to RESTART_MAX_MS, reset
 * by an answer): one slow answer at load 25 no longer leaves the process spawning nft for the
 * rest of its life (review 22 LOW-5). Only `stop()` ends it for good.
 * The child and its pipes do not keep the process alive; it exits with its stdin's end.
 */
export class ResidentNftReader {
  private child: import('node:child_process').ChildProcessWithoutNullStreams | null = null;
  private busy: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** Failures in a row (a child that died, a wrong or late answer), and when a new child may start (wall ms). */
  private failures = 0;
  private retryAt = 0;
  /** How long a listing may take before the child is given up (the caller spawns nft). */
  static readonly ANSWER_MS = 2000;
  /** The back-off before the first restart after a failure (wall ms); doubled per failure in a row. */
  static readonly RESTART_FIRST_MS = 1000;
  static readonly RESTART_MAX_MS = 60_000;
  private readonly restartFirstMs: number;

  constructor(
    readonly netns?: string,
    opts: { restartFirstMs?: number } = {},
  ) {
    this.restartFirstMs = opts.restartFirstMs ?? ResidentNftReader.RESTART_FIRST_MS;
    this.spawnChild();
  }

  private spawnChild(): void {
    const [cmd, ...argv] = new NftDriver(this.netns !== undefined ? { netns: this.netns } : {}).command(['-j', '-i']);
    const child = spawn(cmd!, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    const gone = () => {
      if (this.child === child) this.fail();
    };
    child.on('error', gone);
    child.on('exit', gone);
    child.stdin.on('error', gone);
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr] as unknown as { unref?: () => void }[]) s.unref?.();
  }

  /** The child is no use any more: end it, and start a new one no sooner than the back-off. */
  private fail(): void {
    this.end();
    this.failures++;
    this.retryAt = Date.now() + Math.min(ResidentNftReader.RESTART_MAX_MS, this.restartFirstMs * 2 ** (this.failures - 1));
  }

  /** Ends the child (its stdin closed; killed, also when it is stopped or stalled). */
  private end(): void {
    const child = this.child;
    this.child = null;
    if (!child) return;
    child.stdin.end();
    child.kill('SIGKILL');
  }

  /** Whether it can still be asked (until `stop()`; between a failure and its restart it answers null). */
  get alive(): boolean {
    return !this.stopped;
  }

  /** The running child's pid (none while it waits to be started again). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The table as NftDriver.observe reads it, or null when this reader cannot answer (use NftDriver). */
  observe(): Promise<ObservedFirewall | null> {
    const next = this.busy.then(() => this.ask());
    this.busy = next.catch(() => undefined);
    return next;
  }

  private ask(): Promise<ObservedFirewall | null> {
    if (!this.child && !this.stopped && Date.now() >= this.retryAt) this.spawnChild();
    const child = this.child;
    if (!child) return Promise.resolve(null);
    return new Promise((resolve) => {
      let out = '';
      let err = '';
      const refs = [child.stdout, child.stderr] as unknown as { ref?: () => void; unref?: () => void }[];
      const finish = (r: ObservedFirewall | null, broken: boolean) => {
        clearTimeout(timer);
        child.stdout.off('data', onOut);
        child.stderr.off('data', onErr);
        child.off('exit', onExit);
        for (const s of refs) s.unref?.();
        if (broken) {
          if (this.child === child) this.fail();
        } else this.failures = 0;
        resolve(r);
      };
      const onOut = (b: Buffer) => {
        out += b.toString('utf8');
        if (!out.endsWith('\n')) return;
        try {
          const json = JSON.parse(out) as unknown;
          finish({ present: true, json, hash: hashNftJson(json), inputPolicy: inputPolicyOf(json) }, false);
        } catch {
          finish(null, true);
        }
      };
      // nft's error: "Error: …", then the command and a caret line under its failing part. The
      // table is absent: the whole block is read (so none of it is left for the next request).
      // Anything else: the reader is stopped and the caller's own nft run says what is wrong.
      const onErr = (b: Buffer) => {
        err += b.toString('utf8');
        if (!err.includes('\n')) return;
        if (!err.startsWith('Error: No such file or directory\n') || out !== '') finish(null, true);
        else if (/\n[^\n]*\n[ \t]*\^+[ \t]*\n$/.test(err)) finish({ present: false, json: null, hash: null, inputPolicy: null }, false);
      };
      const onExit = () => finish(null, true);
      const timer = setTimeout(() => finish(null, true), ResidentNftReader.ANSWER_MS);
      child.stdout.on('data', onOut);
      child.stderr.on('data', onErr);
      child.once('exit', onExit);
      for (const s of refs) s.ref?.();
      child.stdin.write(`list table ${NFT_TABLE}\n`);
    });
  }

  /** Ends the reader for good (its child's stdin closed, the child killed). */
  stop(): void {
    this.stopped = true;
    this.end();
  }
}

let resident: ResidentNftReader | null = null;

/** Starts this process's resident reader (idempotent; cli/remote.ts, the warm worker). */
export function startResidentNftReader(netns?: string): ResidentNftReader {
  if (!resident?.alive || resident.netns !== netns) {
    resident?.stop();
    resident = new ResidentNftReader(netns);
  }
  return resident;
}

/** The resident reader for `netns` when one was started and still runs, else null. */
export function residentNftReader(netns?: string): ResidentNftReader | null {
  return resident?.alive && resident.netns === netns ? resident : null;
}
