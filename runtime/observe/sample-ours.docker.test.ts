/**
 * An observation samples (CPU time, memory) only this instance's running containers: on a
 * shared engine the others' containers were each sampled too (their cgroup files read twice,
 * or the stats API's 1 s tick), though nothing shows or uses their figures. They are still
 * listed (status' other containers, the planner's port holders). The real dockerd: one
 * running container with this instance's labels, one without; both carry this run's tag and
 * are removed, with the temp data dir.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LABEL_HOST, LABEL_MANAGED } from '../../plan/types.js';
import { removeDockerByName } from '../testutil/docker-cleanup.js';
import { collect } from './collect.js';
import { EngineClient } from './engine-client.js';

const tag = `smpl${randomBytes(3).toString('hex')}`;
const hostId = `host-${tag}`;
const dataDir = mkdtempSync(join(tmpdir(), `claude-${tag}-`));
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

afterAll(() => {
  removeDockerByName(tag);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

it('samples the managed running container and not the unmanaged one, which is still listed', async () => {
  docker('run', '-d', '--name', `${tag}-ours`, '--label', `${LABEL_MANAGED}=true`, '--label', `${LABEL_HOST}=${hostId}`, 'claude-os-local/busybox:latest', 'sleep', '600');
  docker('run', '-d', '--name', `${tag}-theirs`, 'claude-os-local/busybox:latest', 'sleep', '600');
  const facts = await collect({ docker: new EngineClient(), dataDir, now: () => new Date(), hostId, eventsWindowMs: 0, cpuSampleMs: 50 });
  const ours = facts.containers.find((c) => c.name === `${tag}-ours`);
  const theirs = facts.containers.find((c) => c.name === `${tag}-theirs`);
  expect(ours?.managed).toBe(true);
  expect(ours?.status).toBe('running');
  expect(ours?.stats?.memoryBytes).toBeGreaterThan(0);
  expect(ours?.stats?.cpuPercent).toBeGreaterThanOrEqual(0);
  expect(theirs?.managed).toBe(false);
  expect(theirs?.status).toBe('running');
  expect(theirs?.stats).toBeUndefined();
});
