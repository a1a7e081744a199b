/**
 * The one-shot GETs over node:net (engine-get.ts, turned on by `useOneShotGets` in the
 * cold-start bundles of `status` and `plan`) give what the node:http path gives, on the real
 * Docker Engine: the lists, an inspect, a log tail, one-shot stats, the events up to `until`,
 * a 404's error and an absent socket's error code. The container carries this run's tag and is
 * removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { removeDockerByName } from '../testutil/docker-cleanup.js';
import { EngineApiError, EngineClient, useOneShotGets } from './engine-api.js';

const tag = `eg${randomBytes(3).toString('hex')}`;
const name = `engine-get-${tag}`;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

afterAll(() => removeDockerByName(tag));

/** Everything the observer asks the engine for, read through `client`. */
async function readAll(client: EngineClient, since: number, until: number) {
  const c = client.getContainer(name);
  const events = await client.getEvents({ since, until, filters: { type: ['container'], container: [name] } });
  const eventText = await new Promise<string>((resolve, reject) => {
    let s = '';
    events.on('data', (d: Buffer) => (s += d.toString('utf8')));
    events.on('end', () => resolve(s));
    events.on('error', reject);
  });
  const stats = (await c.stats({ stream: false, 'one-shot': true })) as { id?: string; memory_stats?: unknown; cpu_stats?: unknown };
  const error = await client
    .getContainer(`no-such-${tag}`)
    .inspect()
    .then(
      () => null,
      (e: EngineApiError) => ({ name: e.name, message: e.message, statusCode: e.statusCode, reason: e.reason }),
    );
  const absent = await new EngineClient(join(tmpdir(), `no-engine-${tag}.sock`)).listImages().then(
    () => null,
    (e: NodeJS.ErrnoException) => ({ code: e.code, message: e.message }),
  );
  return {
    // (the list's Status is "Up N seconds" at the time asked: left out)
    containers: (await client.listContainers({ all: true })).filter((x) => x.Names.includes(`/${name}`)).map(({ Status: _, ...x }) => x),
    images: (await client.listImages()).map((i) => i.Id).sort(),
    inspect: await c.inspect(),
    logs: (await c.logs({ stdout: true, stderr: true, timestamps: false, tail: 3, follow: false })) as unknown as Buffer,
    stats: { id: stats.id, memory: typeof stats.memory_stats, cpu: typeof stats.cpu_stats },
    events: eventText.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { Action: string; time: number }),
    error,
    absent,
  };
}

it('the GETs over node:net read what node:http reads', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  docker('run', '-d', '--name', name, 'claude-os-local/busybox:latest', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line-$i; echo err-$i >&2; done; sleep 600');
  for (let i = 0; i < 50 && !docker('logs', name).includes('line-5'); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1100));
  const until = Math.floor(Date.now() / 1000);
  const client = new EngineClient();
  const viaHttp = await readAll(client, since, until);
  useOneShotGets();
  const viaNet = await readAll(client, since, until);
  expect(viaNet).toStrictEqual(viaHttp);
  // what was read is real: the container, a tail of three of its ten lines, its create and start events
  expect(viaNet.containers).toHaveLength(1);
  // (the engine copies stdout and stderr apart: which three lines are last varies from run to run)
  expect(viaNet.logs.toString('latin1').match(/(line|err)-[1-5]\n/g)).toHaveLength(3);
  expect(viaNet.events.map((e) => e.Action)).toEqual(expect.arrayContaining(['create', 'start']));
  expect(viaNet.error).toMatchObject({ statusCode: 404, message: `(HTTP code 404) not found - No such container: no-such-${tag}` });
  expect(viaNet.absent?.code).toBe('ENOENT');
  expect(viaNet.stats.memory).toBe('object');
});

/**
 * The events `claude status` reads (observe/docker.ts dockerEventsBetween: `until` = now with
 * its fraction) over node:net and through dockerode (node:http): the same list, with every
 * event made up to just before `until`, none after it, and those made while the engine holds
 * the stream open for an `until` still ahead. (The CI failure of c24fddc's status golden was
 * not here: it was other containers' churn, observe-commands.docker.test.)
 */
it('events up to a fractional until: every one made just before it, none after, the same both ways', async () => {
  const { default: Dockerode } = await import('dockerode');
  const { dockerEventsBetween } = await import('../observe/docker.js');
  const n = 8;
  const made = Array.from({ length: n }, (_, i) => `${name}-ev${i}`);
  const since = Math.floor(Date.now() / 1000) - 1;
  for (const c of made) docker('create', '--name', c, 'claude-os-local/busybox:latest', 'true');
  const until = (Date.now() + 1) / 1000; // just after the last create was logged, as status reads "now"
  docker('create', '--name', `${name}-after`, 'claude-os-local/busybox:latest', 'true');
  const mine = (evs: { container?: string; type: string }[]) => evs.filter((e) => e.container?.startsWith(`${name}-`)).map((e) => `${e.type} ${e.container}`);
  const viaDockerode = mine(await dockerEventsBetween(new Dockerode(), since, until, null));
  useOneShotGets();
  const viaNet = mine(await dockerEventsBetween(new EngineClient(), since, until, null));
  expect(viaDockerode).toEqual(made.map((c) => `container.create ${c}`));
  expect(viaNet).toEqual(viaDockerode);
  // an until still ahead: the engine sends what happens meanwhile, then closes at until
  const ahead = (Date.now() + 1500) / 1000;
  const later = [`${name}-later0`, `${name}-later1`];
  const [netAhead, dockerodeAhead] = await Promise.all([
    dockerEventsBetween(new EngineClient(), until, ahead, null),
    dockerEventsBetween(new Dockerode(), until, ahead, null),
    new Promise((r) => setTimeout(r, 300)).then(() => later.forEach((c) => docker('create', '--name', c, 'claude-os-local/busybox:latest', 'true'))),
  ]);
  expect(mine(dockerodeAhead)).toEqual([`container.create ${name}-after`, ...later.map((c) => `container.create ${c}`)]);
  expect(mine(netAhead)).toEqual(mine(dockerodeAhead));
});
