/**
 * reapStaleTestHosts: what a killed test run left (a container with a restart policy and a
 * network, labelled with a test host id whose process is gone) is removed; the same objects of
 * a run whose process still runs are kept. Names carry this run's tag; all removed afterwards.
 */
import { afterAll, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { reapStaleTestHosts, removeDockerByName, testHostId } from './docker-cleanup.js';

const tag = `reap${randomBytes(3).toString('hex')}`;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const exists = (kind: 'container' | 'network', name: string) => spawnSync('docker', [kind, 'inspect', name], { stdio: 'ignore' }).status === 0;

afterAll(() => removeDockerByName(tag));

it('removes a dead run\'s containers and networks, keeps a live run\'s', () => {
  // A pid that ran and is gone: a finished child's.
  const dead = spawnSync('true').pid!;
  const deadHost = `host-test-${tag}-${dead}-x`;
  const liveHost = testHostId(tag, 'y');
  for (const [host, suffix] of [[deadHost, 'dead'], [liveHost, 'live']] as const) {
    docker('network', 'create', '--label', `claude.os/host=${host}`, `net-${tag}-${suffix}`);
    docker('run', '-d', '--restart', 'unless-stopped', '--name', `c-${tag}-${suffix}`, '--network', `net-${tag}-${suffix}`, '--label', `claude.os/host=${host}`, 'claude-os-local/busybox:latest', 'sleep', '600');
  }
  expect(reapStaleTestHosts(tag)).toEqual([deadHost]);
  expect(exists('container', `c-${tag}-dead`)).toBe(false);
  expect(exists('network', `net-${tag}-dead`)).toBe(false);
  expect(exists('container', `c-${tag}-live`)).toBe(true);
  expect(exists('network', `net-${tag}-live`)).toBe(true);
});
