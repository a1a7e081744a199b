/**
 * The one-shot calls over node:net (engine-get.ts, turned on by `useOneShotCalls` in the
 * cold-start bundles of `status`, `plan` and `apply`) give what the node:http path gives, on
 * the real Docker Engine: the lists, an inspect, a log tail, one-shot stats, the events up to
 * `until`, a 404's error and an absent socket's error code; and the calls that change
 * something (create with a JSON body, start, rename, update, stop, remove, a network's create,
 * connect and remove, an archive's PUT), with a 409's error. The containers carry this run's
 * tag and are removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, expect, it } from 'vitest';
import { removeDockerByName } from '../testutil/docker-cleanup.js';
import { EngineApiError, EngineClient, useOneShotCalls } from './engine-api.js';

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
  useOneShotCalls();
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
  useOneShotCalls();
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

/** What the apply's steps do to one container, and what it then looks like: through `client`. */
async function lifecycle(client: EngineClient, suffix: string) {
  const cname = `${name}-${suffix}`;
  const net = `${name}-net-${suffix}`;
  const { id } = await client.createContainer({ name: cname, Image: 'claude-os-local/busybox:latest', Cmd: ['sleep', '600'], Labels: { 'claude.test': tag, seen: 'yes' }, HostConfig: { Memory: 64 * 1024 * 1024 } });
  const c = client.getContainer(id);
  await c.start();
  const conflict = await client.createContainer({ name: cname, Image: 'claude-os-local/busybox:latest' }).then(
    () => null,
    (e: EngineApiError) => ({ statusCode: e.statusCode, conflict: /is already in use/.test(e.message) }),
  );
  await c.update({ Memory: 96 * 1024 * 1024, MemorySwap: -1 });
  await client.createNetwork({ Name: net, Labels: { 'claude.test': tag } });
  await client.getNetwork(net).connect({ Container: id });
  await c.putArchive!(tarOne('hello.txt', `hello ${suffix}\n`), { path: '/tmp' });
  await c.rename({ name: `${cname}-renamed` });
  const running = await c.inspect();
  const file = docker('exec', id, 'cat', '/tmp/hello.txt').replace(suffix, 'X');
  await c.stop({ t: 0 });
  const stopped = await c.inspect();
  await client.getNetwork(net).disconnect({ Container: id });
  await client.getNetwork(net).remove();
  await c.remove({ force: true, v: true });
  const gone = await c.inspect().then(
    () => 'still there',
    (e: EngineApiError) => e.statusCode,
  );
  return {
    name: running.Name.replace(suffix, 'X'),
    label: running.Config.Labels['seen'],
    memory: running.HostConfig.Memory,
    running: running.State.Running,
    networks: Object.keys(running.NetworkSettings.Networks).map((n) => n.replace(suffix, 'X')).sort(),
    file,
    stopped: stopped.State.Running,
    conflict,
    gone,
  };
}

/** A tar of one small file (ustar header, the data, two zero blocks). */
function tarOne(file: string, text: string): Buffer {
  const data = Buffer.from(text);
  const h = Buffer.alloc(512);
  h.write(file, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
  h.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad, Buffer.alloc(1024)]);
}

it('the calls that change something over node:net do what node:http does', async () => {
  const client = new EngineClient();
  const { default: Dockerode } = await import('dockerode');
  // dockerode (node:http) as the reference
  useOneShotCalls();
  const viaNode = await lifecycle(client, 'oneshot');
  const viaDockerode = await lifecycle(new Dockerode() as unknown as EngineClient, 'viahttp');
  expect(viaNode).toStrictEqual(viaDockerode);
  expect(viaNode).toStrictEqual({ name: `/${name}-X-renamed`, label: 'yes', memory: 96 * 1024 * 1024, running: true, networks: ['bridge', `${name}-net-X`], file: 'hello X', stopped: false, conflict: { statusCode: 409, conflict: true }, gone: 404 });
});
