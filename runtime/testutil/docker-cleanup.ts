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
