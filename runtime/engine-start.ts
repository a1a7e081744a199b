/**
 * Waiting for a container engine that is still starting (the device at boot).
 *
 * The device image starts containerd behind its boot banner (docs/image.md, "Boot"): under
 * emulation it answers 11–54 s later. Its /init makes a marker file when it starts containerd
 * and removes it once containerd answers (or gives up); `/etc/claude-os.env` names the file
 * in `CLAUDE_ENGINE_STARTING`. A command that needs the engine then says "the container engine
 * is still starting (N s)" and waits for its socket to accept a connection, bounded, instead
 * of failing as if containerd were down. Without the marker (any other host, or containerd
 * already up, or given up on) nothing waits: an engine that is down fails as it always did.
 *
 * This module only waits; it prints nothing itself (the CLI entry passes `notify`).
 */
import { statSync } from 'node:fs';
import { connect } from 'node:net';

/** The longest wait, when `CLAUDE_ENGINE_START_WAIT` does not say: containerd answered 54 s after the banner at a load of 22. */
export const DEFAULT_START_WAIT_S = 300;

export interface EngineStartOptions {
  /** The engine's socket (containerd's gRPC address). */
  address: string;
  /** The marker file: present while the engine is starting (`CLAUDE_ENGINE_STARTING`). */
  marker: string;
  /** The longest wait, in ms. */
  limitMs: number;
  /** Told what is happening: at the start of a wait, every `repeatMs` while it lasts, and when the engine answers. */
  notify(message: string): void;
  /** Between two tries of the socket, ms (default 250). */
  pollMs?: number;
  /** How often a wait says it is still waiting, ms (default 15 s). */
  repeatMs?: number;
  /** The clock, injected (ms since the epoch). */
  now?: () => number;
}

/** The engine did not answer within the wait: the message says how long it has been starting and where to look. */
export class EngineStartTimeout extends Error {
  constructor(
    message: string,
    readonly startedS: number,
  ) {
    super(message);
    this.name = 'EngineStartTimeout';
  }
}

/** Whether the socket at `address` accepts a connection now. */
export function socketAnswers(address: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(address);
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** When the marker was made (ms since the epoch), or null when there is none. */
function markerTime(marker: string): number | null {
  try {
    return statSync(marker).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Waits while the engine is starting. Returns the ms waited (0: it was not starting, or it
 * answered at once). Throws EngineStartTimeout when it does not answer within `limitMs`;
 * when the marker goes away and the socket still does not answer (the start failed), it
 * returns, and the caller fails as it does when the engine is down.
 */
export async function awaitEngineStart(o: EngineStartOptions): Promise<number> {
  const now = o.now ?? Date.now;
  const since = markerTime(o.marker);
  if (since === null) return 0;
  if (await socketAnswers(o.address)) return 0;
  const t0 = now();
  const startedS = () => Math.max(0, Math.round((now() - since) / 1000));
  const limitS = Math.round(o.limitMs / 1000);
  o.notify(`the container engine is still starting (${startedS()} s); waiting for it to answer (up to ${limitS} s)`);
  let said = t0;
  for (;;) {
    await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    if (await socketAnswers(o.address)) {
      o.notify(`the container engine answered (started ${startedS()} s ago)`);
      return now() - t0;
    }
    if (markerTime(o.marker) === null) return now() - t0;
    if (now() - t0 >= o.limitMs) {
      throw new EngineStartTimeout(
        `the container engine is still starting after ${startedS()} s and did not answer within the ${limitS} s waited (${o.address}); see /var/log/containerd.log, and try again when the console says "Container engine: … ready" (CLAUDE_ENGINE_START_WAIT sets the wait, in seconds)`,
        startedS(),
      );
    }
    if (now() - said >= (o.repeatMs ?? 15_000)) {
      said = now();
      o.notify(`the container engine is still starting (${startedS()} s)`);
    }
  }
}

/**
 * The wait as the environment sets it (`CLAUDE_ENGINE=containerd`, `CLAUDE_ENGINE_STARTING`,
 * `CLAUDE_CONTAINERD_ADDRESS`, `CLAUDE_ENGINE_START_WAIT` in seconds), or null when this host
 * has no starting engine to wait for. A wait that is not a number is a usage error, said as such.
 */
export function engineStartFromEnv(env: Record<string, string | undefined>): Omit<EngineStartOptions, 'notify'> | null {
  const marker = env.CLAUDE_ENGINE_STARTING?.trim();
  if (!marker || env.CLAUDE_ENGINE?.trim() !== 'containerd') return null;
  const raw = env.CLAUDE_ENGINE_START_WAIT?.trim();
  let limitS = DEFAULT_START_WAIT_S;
  if (raw) {
    if (!/^\d+$/.test(raw)) throw new Error(`CLAUDE_ENGINE_START_WAIT='${raw}' is not a number of seconds: set a whole number, e.g. ${DEFAULT_START_WAIT_S}`);
    limitS = Number(raw);
  }
  return { address: env.CLAUDE_CONTAINERD_ADDRESS || '/run/containerd/containerd.sock', marker, limitMs: limitS * 1000 };
}
