/**
 * Fault injection: named failpoints in the durable-write layer (`common/fsutil.ts`) and at
 * every side-effecting driver call (`runtime/fenced-engine.ts`), so tests can put a short
 * write, a full disk (ENOSPC), an I/O error (EIO) or a crash at any point of an apply.
 *
 * In production no injector is installed and every failpoint is one null check.
 *
 * Sites:
 *   `fs.write`         every write(2) of a durable write (temp file or appended line)
 *   `fs.fsync`         every fsync of a durable write
 *   `fs.rename`        the rename of a temp file over its target
 *   `driver.<method>`  before each mutating engine call (createContainer, renameContainer, …)
 *   any other name     a named point in apply (see `CrashPoint` in runtime/apply.ts)
 *
 * A child process can be given faults by environment: `CLAUDE_FAILPOINTS` is a comma list
 * of `<site>=<fault>[@<n>]` (the n-th hit of that site, 1-based; default the first), with
 * fault one of `enospc`, `eio`, `short`, `crash` (SIGKILL of the process). It is read once,
 * and only honoured when `CLAUDE_TEST_FAILPOINTS=1` is set too, so a stray variable on a
 * real host does nothing.
 */

export type FaultKind = 'enospc' | 'eio' | 'short' | 'crash';

/** Decides, at each hit of a site, whether a fault fires there. */
export interface FaultInjector {
  /** Called at every failpoint hit; returns the fault to inject, or null. */
  at(site: string, info?: { bytes?: number; path?: string }): FaultKind | null;
  /**
   * What a crash does. In a child process: SIGKILL. In the property test: throw a
   * `SimulatedCrash` and make every later failpoint throw it too (the process is "dead":
   * nothing more is written or changed), so the test can then run recover in-process.
   */
  crash?: (site: string) => never;
}

/** Thrown by failpoints once an in-process simulated crash has happened. */
export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

let injector: FaultInjector | null = null;
let envLoaded = false;

export function setFaultInjector(f: FaultInjector | null): void {
  injector = f;
  envLoaded = true;
}

export function getFaultInjector(): FaultInjector | null {
  if (!envLoaded) {
    envLoaded = true;
    injector = fromEnv(process.env);
  }
  return injector;
}

/** An Error with a Node-style errno code, as the real syscall would throw it. */
export function errnoError(code: 'ENOSPC' | 'EIO', syscall: string, path?: string): NodeJS.ErrnoException {
  const text = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  const e = new Error(`${code}: ${text}, ${syscall}${path ? ` '${path}'` : ''}`) as NodeJS.ErrnoException;
  e.code = code;
  e.errno = code === 'ENOSPC' ? -28 : -5;
  e.syscall = syscall;
  if (path) e.path = path;
  return e;
}

/**
 * A failpoint without a byte count: throws ENOSPC / EIO, or crashes, when the injector says
 * so. (`short` has no meaning here and is ignored.)
 */
export function failpoint(site: string, path?: string): void {
  const inj = injector ?? (envLoaded ? null : getFaultInjector());
  if (!inj) return;
  const f = inj.at(site, path !== undefined ? { path } : {});
  if (f === 'crash') crash(inj, site);
  if (f === 'enospc' || f === 'eio') throw errnoError(f === 'enospc' ? 'ENOSPC' : 'EIO', site, path);
}

/**
 * The failpoint of one write(2) of `bytes` bytes: returns how many bytes to really write
 * (fewer for a short write), or throws.
 */
export function writeFailpoint(path: string, bytes: number): number {
  const inj = injector ?? (envLoaded ? null : getFaultInjector());
  if (!inj) return bytes;
  const f = inj.at('fs.write', { bytes, path });
  if (f === 'crash') crash(inj, 'fs.write');
  if (f === 'enospc' || f === 'eio') throw errnoError(f === 'enospc' ? 'ENOSPC' : 'EIO', 'write', path);
  if (f === 'short') return Math.max(0, Math.floor(bytes / 2));
  return bytes;
}

function crash(inj: FaultInjector, site: string): never {
  if (inj.crash) inj.crash(site);
  process.kill(process.pid, 'SIGKILL');
  throw new SimulatedCrash(`crashed at ${site}`); // not reached
}

/** Parses CLAUDE_FAILPOINTS (see the header); null unless CLAUDE_TEST_FAILPOINTS=1. */
export function fromEnv(env: NodeJS.ProcessEnv): FaultInjector | null {
  if (env.CLAUDE_TEST_FAILPOINTS !== '1' || !env.CLAUDE_FAILPOINTS) return null;
  const rules = env.CLAUDE_FAILPOINTS.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^([\w.:-]+)=(enospc|eio|short|crash)(?:@(\d+))?$/.exec(s);
      if (!m) throw new Error(`CLAUDE_FAILPOINTS: '${s}' is not <site>=<enospc|eio|short|crash>[@n]`);
      return { site: m[1]!, fault: m[2] as FaultKind, n: Number(m[3] ?? 1) };
    });
  const hits = new Map<string, number>();
  return {
    at(site) {
      const k = (hits.get(site) ?? 0) + 1;
      hits.set(site, k);
      return rules.find((r) => r.site === site && r.n === k)?.fault ?? null;
    },
  };
}

/**
 * An injector for the property test: the `n`-th hit (0-based, over all sites, or only the
 * sites `only` accepts) gets `fault`; after a crash every failpoint throws SimulatedCrash.
 */
export class CountingInjector implements FaultInjector {
  hits = 0;
  fired: { site: string; fault: FaultKind; hit: number } | null = null;
  dead = false;
  constructor(
    readonly n: number,
    readonly fault: FaultKind,
    readonly only: (site: string) => boolean = () => true,
  ) {}
  at(site: string): FaultKind | null {
    if (this.dead) throw new SimulatedCrash(`the process is dead (crashed at ${this.fired?.site}); ${site} never happens`);
    if (!this.only(site)) return null;
    const k = this.hits++;
    if (k !== this.n) return null;
    this.fired = { site, fault: this.fault, hit: k };
    return this.fault;
  }
  crash(site: string): never {
    this.dead = true;
    throw new SimulatedCrash(`simulated crash at ${site}`);
  }
}
