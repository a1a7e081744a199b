/**
 * Test helper: removes every container and network whose name contains `tag` (a test's
 * per-run suffix), tolerating partial creation and errors, so that afterAll always gets to
 * its temp-dir clean-up.
 */
import { execFileSync } from 'node:child_process';

function list(args: string[]): string[] {
  try {
    return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export function removeDockerByName(tag: string): void {
  const ids = list(['ps', '-aq', '--filter', `name=${tag}`]);
  if (ids.length) {
    try {
      execFileSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
  for (const net of list(['network', 'ls', '-q', '--filter', `name=${tag}`])) {
    try {
      execFileSync('docker', ['network', 'rm', net], { stdio: 'ignore' });
    } catch {
      /* in use by something else, or gone */
    }
  }
}

/**
 * A host id for a test's temp host that names the test process: `host-test-<name>-<pid>-<tag>`.
 * Containers the product creates carry it as `claude.os/host`, and some get a restart policy,
 * so a run killed before its afterAll leaves them running; `reapStaleTestHosts(name)` at the
 * start of the next run removes them.
 */
export function testHostId(name: string, tag: string): string {
  return `host-test-${name}-${process.pid}-${tag}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the containers, then the networks, labelled `claude.os/host=host-test-<name>-<pid>-…`
 * whose process no longer runs (a killed earlier run of the same test); a run still going in
 * another worktree is left alone. Returns the host ids reaped.
 */
export function reapStaleTestHosts(name: string): string[] {
  const re = new RegExp(`^host-test-${name.replace(/[^A-Za-z0-9]/g, '\\$&')}-(\\d+)-`);
  const stale = (host: string) => {
    const m = re.exec(host);
    return m !== null && !alive(Number(m[1]));
  };
  const reaped = new Set<string>();
  const pick = (rows: string[]) =>
    rows
      .map((r) => r.split(' '))
      .filter(([, host]) => host !== undefined && stale(host))
      .map(([id, host]) => (reaped.add(host!), id!));
  const containers = pick(list(['ps', '-a', '--filter', 'label=claude.os/host', '--format', '{{.ID}} {{.Label "claude.os/host"}}']));
  if (containers.length) {
    try {
      execFileSync('docker', ['rm', '-f', ...containers], { stdio: 'ignore' });
    } catch {
      /* gone meanwhile */
    }
  }
  for (const net of pick(list(['network', 'ls', '--filter', 'label=claude.os/host', '--format', '{{.ID}} {{.Label "claude.os/host"}}']))) {
    try {
      execFileSync('docker', ['network', 'rm', net], { stdio: 'ignore' });
    } catch {
      /* in use or gone */
    }
  }
  return [...reaped];
}
