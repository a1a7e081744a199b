/**
 * Shared set-up for tests that drive a temp Claude.OS host: polling with a deadline, a temp
 * host (data dir with its host id, CLAUDE_ROOT, state dir, the env bin/claude runs with), and
 * a tmux server of the test's own in which bin/claude runs as a person sees it.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/fsutil.js';

/** The built CLI (`npm run build` first). */
export const CLAUDE_BIN = join(process.cwd(), 'bin', 'claude');

/**
 * Polls `fn` every `everyMs` (default 250 ms) until it returns something truthy, and returns
 * that; a throw counts as "not yet". Fails after `ms` (default 120 s) naming `what`, the last
 * error thrown, and `detail()` (e.g. the screen or a daemon's log) when given.
 */
export async function until<T>(what: string, fn: () => T | null | undefined | false | Promise<T | null | undefined | false>, opts: { ms?: number; everyMs?: number; detail?: () => string } = {}): Promise<T> {
  const end = Date.now() + (opts.ms ?? 120_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) {
      let detail = '';
      try {
        detail = opts.detail ? `; ${opts.detail()}` : '';
      } catch {
        /* nothing more to say */
      }
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error)?.message ?? String(last)})` : ''}${detail}`);
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 250));
  }
}

export interface TempHost {
  base: string;
  dataDir: string;
  root: string;
  stateDir: string;
  hostId: string;
  /** The environment bin/claude runs with: this host's dirs, user alice, HOME in the temp dir. */
  env: Record<string, string>;
  /** Runs bin/claude with this host's env, in the temp dir (so ./plan.json lands there). */
  claude(...args: string[]): SpawnSyncReturns<string>;
  /** Removes the temp dir. */
  remove(): void;
}

/** A temp host `host-test-<tag>` under a new temp dir `claude-<name>-<tag>-…`. */
export function tempHost(name: string, tag: string): TempHost {
  const base = mkdtempSync(join(tmpdir(), `claude-${name}-${tag}-`));
  const dataDir = join(base, 'data');
  const root = join(base, 'root');
  const stateDir = join(base, 'state');
  const hostId = `host-test-${tag}`;
  mkdirSync(root, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  writeFileAtomic(join(dataDir, 'host-id'), hostId + '\n');
  const env = { CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, CLAUDE_STATE_DIR: stateDir, USER: 'alice', PATH: process.env.PATH ?? '', HOME: base, TERM: 'xterm' };
  return {
    base,
    dataDir,
    root,
    stateDir,
    hostId,
    env,
    claude: (...args) => spawnSync(CLAUDE_BIN, args, { env, cwd: base, encoding: 'utf8', timeout: 180_000 }),
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * Writes a services.yaml of sleeping containers on the per-run network `<tag>-net`: each entry
 * is a service name and its image (busybox by default), running `sleep 3600`.
 */
export function seedSleepers(host: TempHost, tag: string, services: { name: string; image?: string }[]): void {
  const body = services
    .map((s) => `    - name: ${s.name}
      image: ${s.image ?? 'claude-os-local/busybox:latest'}
      command: ["sleep", "3600"]
      networks: [${tag}-net]
`)
    .join('');
  writeServices(host, body, `${tag}-net`);
}

/**
 * Writes the host's services.yaml: the manifest's header, the network `network` when given,
 * and `services` (the list's entries, indented as under `spec.services`).
 */
export function writeServices(host: TempHost, services: string, network?: string): void {
  writeFileAtomic(
    join(host.stateDir, 'services.yaml'),
    `apiVersion: claude.os/v1
kind: ServiceManifest
metadata:
  name: test
spec:
${network ? `  networks:
    - name: ${network}
` : ''}  services:
${services}`,
  );
}

/**
 * A service `<name>` that mounts the engine socket, allowed by manifest.yaml's
 * `safety.allow_host_mounts` (which this writes): a security step, so its plan needs an
 * admin's signature (policy P2). Nothing is created until it is applied.
 */
export function writeSocketService(host: TempHost, name: string): void {
  writeServices(
    host,
    `    - name: ${name}
      image: claude-os-local/busybox:latest
      command: ["sleep", "3600"]
      volumes:
        - {source: /var/run/docker.sock, target: /var/run/docker.sock}
`,
  );
  writeFileAtomic(join(host.stateDir, 'manifest.yaml'), 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: test\nspec:\n  safety:\n    allow_host_mounts: [/var/run/docker.sock]\n');
}

export interface TmuxTerminal {
  tmux(...args: string[]): string;
  /** The whole pane, scroll-back included, lines joined. */
  screen(): string;
  /** Starts `argv` in a fresh server (any earlier one killed), with `env`, in `cwd`; the pane stays after it exits. */
  start(argv: string[], opts: { env: Record<string, string>; cwd: string; width?: number; height?: number }): void;
  /**
   * Starts bin/claude with `args`; the shell prints `exit status N` after it (exitStatus, exited).
   * `under`: a command the shell runs inside (e.g. `nsenter --net=/run/netns/NS`: nft then acts in that namespace).
   */
  runClaude(args: string[], opts: { env: Record<string, string>; cwd: string; width?: number; height?: number; under?: string[] }): void;
  /** The exit status the shell printed after claude ended, or null while it runs. */
  exitStatus(): string | null;
  /** Waits for claude to end and returns the screen; throws (with the screen) when it ended with another status than `code`. */
  exited(code: string, ms?: number): Promise<string>;
  /** Types `text` and Enter. */
  type(text: string): void;
  /** Waits for `fn(screen)` and returns that screen; on time-out the error shows the screen. */
  waitFor(what: string, fn: (screen: string) => boolean, ms?: number): Promise<string>;
  kill(): void;
}

/** A tmux server of its own (`tmux -L <session>`), one session of the same name. */
export function tmuxTerminal(session: string): TmuxTerminal {
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-J', '-S', '-3000', '-t', session);
  const kill = () => void spawnSync('tmux', ['-L', session, 'kill-server'], { stdio: 'ignore' });
  return {
    tmux,
    screen,
    kill,
    start(argv, opts) {
      kill();
      const e = Object.entries(opts.env).map(([k, v]) => `${k}=${v}`);
      // The server just killed may still be going away on the same socket: the new session's
      // client then meets it and says "server exited unexpectedly". Tried again, up to 2 s.
      for (let tries = 0; ; tries++) {
        try {
          tmux('new-session', '-d', '-s', session, '-x', String(opts.width ?? 220), '-y', String(opts.height ?? 60), '-c', opts.cwd, 'env', ...e, ...argv);
          break;
        } catch (err) {
          if (tries >= 20 || !/server exited unexpectedly/.test(String((err as { stderr?: unknown }).stderr ?? err))) throw err;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
          kill();
        }
      }
      tmux('set-option', '-t', session, 'remain-on-exit', 'on');
    },
    runClaude(args, opts) {
      this.start([...(opts.under ?? []), 'sh', '-c', '"$0" "$@"; echo "exit status $?"', CLAUDE_BIN, ...args], opts);
    },
    exitStatus: () => /^exit status (\d+)$/m.exec(screen())?.[1] ?? null,
    async exited(code, ms = 300_000) {
      const status = await until('claude to exit', () => this.exitStatus(), { ms, detail: () => screen() });
      if (status !== code) throw new Error(`claude exited with status ${status}, expected ${code}; screen:\n${screen()}`);
      return screen();
    },
    type(text) {
      tmux('send-keys', '-t', session, text, 'Enter');
    },
    waitFor: (what, fn, ms = 120_000) =>
      until(
        what,
        () => {
          const s = screen();
          return fn(s) ? s : null;
        },
        { ms, detail: () => `screen:\n${screen()}` },
      ),
  };
}
