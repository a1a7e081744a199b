/**
 * The firewall backend the runtime engine uses for `firewall.apply` / `firewall.remove`
 * steps (the `FirewallBackend` of runtime/drivers/docker.ts): NftDriver + commit-confirmed.
 *
 * - `apply(ruleset, confirmTimeoutMs, probes)`: with a window (> 0), commit-confirmed
 *   (runtime/firewall-confirm.ts) with the plan's TCP probes, run from inside the host (or
 *   inside the driver's network namespace); a reverted change throws
 *   `FirewallRevertedError`, so the step fails and the apply rolls back. Without a window,
 *   a plain atomic load. `null` removes the table. Returns the observed table hash.
 * - `check(ruleset)`: the apply's pre-flight (runtime/apply.ts, before anything changes):
 *   `nft -c -f -` of the new ruleset (`FirewallCheckError` with nft's message), then of the
 *   text that restores the current table (`FirewallConfirmError`: a revert or rollback could
 *   not load it). It remembers the sha256 of the restoring texts it checked, so the step's
 *   commit-confirmed load skips that check when the table has not changed since.
 * - `apply(…, { checked: true })`: the ruleset passed `check` in this apply: one `nft -f`.
 * - `snapshot()` / `restore(text)`: the text that restores the current table, and loading it.
 *
 * What confirms a commit-confirmed change (issue 13): the plan's probes, when it has some
 * and every one answers as expected. An empty probe list never confirms. A change the
 * lock-out proof flagged (`adminConfirm`: planned with `--i-know-what-i-am-doing`) is
 * confirmed only from the admin's side: `claude confirm`, or (with `adminProbe`) a new TCP
 * connection from the admin's address to one of the admin's ports that completes its
 * handshake through the new table (runtime/admin-watch.ts). The runtime's own probes run
 * from this host and cannot tell whether the admin can still reach it. A change with no
 * probes that the proof did not flag is loaded atomically without a window: the proof
 * showed the admin's way in stays open, and there is nothing a window could observe.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { NFT_REMOVE_RULESET, NftDriver, type NftDriverOptions } from './drivers/nft.js';
import { sha256Hex } from '../common/canonical.js';
import { applyConfirmed, FirewallConfirmError, markCurrentLoad } from './firewall-confirm.js';
import { startAdminWatch, stopAdminWatch, waitForAdmin, type AdminProbe } from './admin-watch.js';

export interface TcpProbe {
  kind: 'tcp';
  /** Default 127.0.0.1. */
  address?: string;
  port: number;
  /** Source address to bind. */
  from?: string;
  /** Default `open`. */
  expect?: 'open' | 'closed';
}

export interface FirewallApplyOptions {
  /** The ruleset passed `check` in this apply: one `nft -f`. */
  checked?: boolean;
  /** Flagged by the lock-out proof: only the admin's side confirms it. */
  adminConfirm?: boolean;
  /** With `adminConfirm`: a new connection from this address to one of these ports confirms it. */
  adminProbe?: AdminProbe;
}

export interface NftFirewallBackendOptions extends NftDriverOptions {
  /** The data dir; pending records live in `firewallJournalDir(dataDir)`. */
  dataDir: string;
  /** Per-probe connect timeout. Default 2 s. */
  probeTimeoutMs?: number;
}

export class FirewallRevertedError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'FirewallRevertedError';
  }
}

/** `nft -c` refused a ruleset in the pre-flight check; `message` carries nft's own error text. */
export class FirewallCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FirewallCheckError';
  }
}

/** How many checked restoring texts (sha256) a backend remembers. */
const CHECKED_SNAPSHOTS_KEPT = 8;

/**
 * Where pending firewall confirmations live: `<dataDir>/journal`, beside the apply journal
 * (their files are named `firewall-pending-*` and `firewall-confirm.log`).
 */
export function firewallJournalDir(dataDir: string): string {
  return join(dataDir, 'journal');
}

export function createNftFirewallBackend(opts: NftFirewallBackendOptions): {
  driver: NftDriver;
  snapshot(): Promise<string>;
  check(ruleset: string): Promise<void>;
  apply(ruleset: string | null, confirmTimeoutMs: number, probes: TcpProbe[], opts?: FirewallApplyOptions): Promise<string | null>;
  restore(ruleset: string): Promise<void>;
} {
  const driver = new NftDriver(opts);
  const journalDir = firewallJournalDir(opts.dataDir);
  const probeTimeoutMs = opts.probeTimeoutMs ?? 2000;
  const checkedSnapshots: string[] = [];
  return {
    driver,
    async snapshot() {
      return (await driver.snapshot()).ruleset;
    },
    async check(ruleset) {
      await driver.check(ruleset).catch((e: Error) => {
        throw new FirewallCheckError(`nft -c refused the ruleset:\n${e.message}`);
      });
      const snap = await driver.snapshot();
      await driver.check(snap.ruleset).catch((e: Error) => {
        throw new FirewallConfirmError(`the current table inet claude cannot be saved in a form that reloads, so a revert could not be guaranteed:\n${e.message}`);
      });
      const sha = sha256Hex(snap.ruleset);
      if (!checkedSnapshots.includes(sha)) checkedSnapshots.push(sha);
      if (checkedSnapshots.length > CHECKED_SNAPSHOTS_KEPT) checkedSnapshots.shift();
    },
    async apply(ruleset, confirmTimeoutMs, probes, applyOpts = {}) {
      const text = ruleset ?? NFT_REMOVE_RULESET;
      const checked = applyOpts.checked === true && ruleset !== null;
      const adminConfirm = applyOpts.adminConfirm === true && ruleset !== null;
      if (confirmTimeoutMs <= 0 || (probes.length === 0 && !adminConfirm)) {
        markCurrentLoad(journalDir);
        await driver.apply(text, { check: !checked });
        return (await driver.observe()).hash;
      }
      const admin = adminConfirm ? applyOpts.adminProbe : undefined;
      let settled = false;
      // Flagged by the lock-out proof: only the admin's side (a new connection from the
      // admin's address through the new table, or `claude confirm`) or the deadline settles it.
      const adminSide = async (): Promise<boolean> => {
        if (!admin) return new Promise<boolean>(() => undefined);
        try {
          await startAdminWatch(driver, admin);
        } catch {
          return new Promise<boolean>(() => undefined); // cannot watch: `claude confirm` still can
        }
        return waitForAdmin(driver, () => settled);
      };
      let res: Awaited<ReturnType<typeof applyConfirmed>>;
      try {
        res = await applyConfirmed(driver, text, {
          timeoutMs: confirmTimeoutMs,
          journalDir,
          ...(checked ? { checked: { ruleset: true, snapshotSha256: [...checkedSnapshots] } } : {}),
          probes: adminConfirm
            ? adminSide
            : async () => {
                if (probes.length === 0) return false; // an empty probe list never confirms
                const results = await runTcpProbes(probes, { ...(driver.netns ? { netns: driver.netns } : {}), timeoutMs: probeTimeoutMs });
                return results.length > 0 && results.every((r) => r.ok);
              },
          ...(admin ? { probesName: () => `admin: a new connection from ${admin.address} to port ${admin.ports.join(' or ')} got through the new table` } : {}),
        });
      } finally {
        settled = true;
        if (admin) await stopAdminWatch(driver);
      }
      if (res.outcome === 'reverted') {
        const window = `within ${Math.round(confirmTimeoutMs / 1000)} s`;
        throw new FirewallRevertedError(
          `the firewall change was reverted (${res.by}${res.reason ? ': ' + res.reason : ''}); the previous table is back`,
          adminConfirm
            ? admin
              ? `this change was planned with --i-know-what-i-am-doing, so it is kept only when you prove you can still get in: open a new connection from ${admin.address} to port ${admin.ports.join(' or ')} (e.g. a second ssh session) ${window}, or run \`claude confirm\`; apply again and confirm in time`
              : `this change was planned with --i-know-what-i-am-doing, so only \`claude confirm\` (run from your own session ${window}) keeps it; apply again and confirm in time`
            : 'check the probes in the plan (each declared service must answer from inside the host), or apply again and run `claude confirm` within the window',
        );
      }
      return res.observed.hash;
    },
    async restore(text) {
      markCurrentLoad(journalDir);
      await driver.apply(text);
      // A rollback or recovery restores the table: a watch left by a dead applier goes too.
      await stopAdminWatch(driver);
    },
  };
}

export interface ProbeResult {
  probe: TcpProbe;
  /** Whether the port answered. */
  open: boolean;
  /** Whether that is what the probe expected. */
  ok: boolean;
}

/** TCP connects, in parallel, each with a timeout; in `netns` through `ip netns exec … node`. */
export async function runTcpProbes(probes: readonly TcpProbe[], opts: { netns?: string; timeoutMs?: number } = {}): Promise<ProbeResult[]> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const targets = probes.map((p) => ({ host: p.address ?? '127.0.0.1', port: p.port, ...(p.from ? { localAddress: p.from } : {}) }));
  let open: boolean[];
  if (targets.length === 0) open = [];
  else if (opts.netns) open = await probeInNetns(opts.netns, targets, timeoutMs);
  else open = await Promise.all(targets.map((t) => tcpOpen(t, timeoutMs)));
  return probes.map((p, i) => ({ probe: p, open: open[i]!, ok: open[i] === ((p.expect ?? 'open') === 'open') }));
}

function tcpOpen(t: { host: string; port: number; localAddress?: string }, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(t);
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.on('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve(true);
    });
    s.on('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

const NETNS_PROBE = `
const net = require('net');
const [list, timeoutMs] = [JSON.parse(process.argv[1]), Number(process.argv[2])];
Promise.all(list.map((t) => new Promise((res) => {
  const s = net.connect(t);
  const timer = setTimeout(() => { s.destroy(); res(false); }, timeoutMs);
  s.on('connect', () => { clearTimeout(timer); s.destroy(); res(true); });
  s.on('error', () => { clearTimeout(timer); res(false); });
}))).then((r) => process.stdout.write(JSON.stringify(r)));`;

function probeInNetns(netns: string, targets: object[], timeoutMs: number): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', NETNS_PROBE, JSON.stringify(targets), String(timeoutMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += String(b)));
    child.stderr.on('data', (b: Buffer) => (err += String(b)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`probe in namespace ${netns} failed (exit ${code}): ${err.trim()}`));
      resolve(JSON.parse(out) as boolean[]);
    });
  });
}
