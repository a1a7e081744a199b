/**
 * The failure the reconciler keeps meeting: a pass that cannot validate, observe or plan the
 * state files (or whose plan is refused) fails the same way at every pass until something
 * changes. It is said in full once (log, `reconcile.failed` event, notification); after that
 * each pass only counts it here, in `<dataDir>/reconciler/failing.json`, which `claude
 * status` and `GET /api/v1/status` show, and the daemon's log says the count at the 2nd,
 * 4th, 8th … pass in a row (a line per doubling, never a line per pass). The file goes when
 * a pass gets past the failure (docs/reconciler.md, "Repeated failures").
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonIf, writeFileAtomic } from '../../common/fsutil.js';

export const FAILING_FILE = 'reconciler/failing.json';

export interface Failing {
  version: 1;
  /** Where the pass stopped: validate, observe, compile, lockout, plan, refused or internal. */
  stage: string;
  /** What went wrong, for people (the notification's title). */
  title: string;
  /** Every problem, as logged the first time (file:line:col diagnostics for validate). */
  problems: string[];
  /** The first pass that failed this way. */
  since: string;
  /** The last one. */
  lastAt: string;
  /** Passes in a row that failed this way (1 the first time). */
  passes: number;
}

export function readFailing(dataDir: string): Failing | null {
  return readJsonIf<Failing>(join(dataDir, FAILING_FILE), (f) => f.version === 1 && typeof f.stage === 'string' && typeof f.passes === 'number');
}

export function writeFailing(dataDir: string, f: Failing): void {
  writeFileAtomic(join(dataDir, FAILING_FILE), JSON.stringify(f, null, 2) + '\n', 0o600);
}

export function clearFailing(dataDir: string): void {
  rmSync(join(dataDir, FAILING_FILE), { force: true });
}

/** Whether the daemon's log says the count at this pass: the 2nd, 4th, 8th, 16th … in a row. */
export function logsRepeat(passes: number): boolean {
  return passes >= 2 && (passes & (passes - 1)) === 0;
}
