/**
 * `claude status`'s observation takes others' running containers from the engine's list
 * (othersFromList): not inspected, with the name, image, state, labels and bound ports an
 * inspect gives; a stopped one is still inspected (the list has none of its requested ports).
 *
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
import { freePort } from '../testutil/ports.js';
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

it("status' observation takes others' running containers from the list, not inspecting them: the same name, image, state, labels and ports", async () => {
  const port = await freePort();
  docker('run', '-d', '--name', `${tag}-listed`, '--label', `example.org/owner=${tag}`, '-p', `127.0.0.1:${port}:80`, 'claude-os-local/busybox:latest', 'sleep', '600');
  docker('create', '--name', `${tag}-stopped`, '-p', `127.0.0.1:${port}:80`, 'claude-os-local/busybox:latest', 'sleep', '600');
  const client = new EngineClient();
  const inspected: string[] = [];
  const recording = Object.assign(Object.create(client) as EngineClient, {
    getContainer: (id: string) => {
      const c = client.getContainer(id);
      return Object.assign(Object.create(c) as typeof c, { inspect: () => (inspected.push(id), c.inspect()) });
    },
  });
  const base = { dataDir, now: () => new Date(), hostId, eventsWindowMs: 0, stats: false, probePorts: false };
  const listed = await collect({ docker: recording, ...base, othersFromList: true });
  const inspectedAll = await collect({ docker: client, ...base });
  const pick = (cs: typeof listed.containers, name: string) => {
    const c = cs.find((x) => x.name === name)!;
    return { id: c.id, name: c.name, image: c.image, imagePresent: c.imagePresent, managed: c.managed, status: c.status, labels: c.labels, ports: c.ports.filter((p) => p.host !== undefined) };
  };
  const id = (name: string) => docker('inspect', '-f', '{{.Id}}', name);
  // not inspected: the listed one; inspected: ours, and the stopped one
  expect(inspected).not.toContain(id(`${tag}-listed`));
  expect(inspected).toContain(id(`${tag}-ours`));
  expect(inspected).toContain(id(`${tag}-stopped`));
  const got = pick(listed.containers, `${tag}-listed`);
  expect(got.ports).toStrictEqual([{ container: 80, protocol: 'tcp', host: port, hostIp: '127.0.0.1' }]);
  expect(got.labels[`example.org/owner`]).toBe(tag);
  expect(got).toStrictEqual(pick(inspectedAll.containers, `${tag}-listed`));
  expect(pick(listed.containers, `${tag}-stopped`)).toStrictEqual(pick(inspectedAll.containers, `${tag}-stopped`));
  expect(pick(listed.containers, `${tag}-stopped`).ports).toStrictEqual([{ container: 80, protocol: 'tcp', host: port, hostIp: '127.0.0.1' }]);
  // ours is inspected whole either way
  expect(listed.containers.find((c) => c.name === `${tag}-ours`)).toStrictEqual(inspectedAll.containers.find((c) => c.name === `${tag}-ours`));
});
