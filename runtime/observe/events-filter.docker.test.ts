/**
 * dockerEventsBetween asks the engine for the kept actions only (KEEP_ACTIONS as an `event`
 * filter): on the real Docker Engine it gives exactly the events that reading every container
 * event and filtering here gives, health_status included (the engine matches
 * "health_status: healthy" by its prefix), while exec events are left at the engine.
 * The container carries this run's tag and is removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { removeDockerByName } from '../testutil/docker-cleanup.js';
import { KEEP_ACTIONS, dockerEventsBetween, fromDockerEvent, type DockerEventMessage } from './docker.js';
import { EngineClient } from './engine-client.js';

const tag = `evf${randomBytes(3).toString('hex')}`;
const name = `events-${tag}`;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

afterAll(() => removeDockerByName(tag));

it('the engine-side filter gives the same events as filtering every container event here', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  docker('run', '-d', '--name', name, '--health-cmd', 'true', '--health-interval', '1s', 'claude-os-local/busybox:latest', 'sleep', '600');
  for (let i = 0; i < 3; i++) docker('exec', name, 'true');
  // healthy after the first check
  for (let i = 0; i < 50 && !docker('inspect', '-f', '{{.State.Health.Status}}', name).includes('healthy'); i++) await new Promise((r) => setTimeout(r, 200));
  docker('restart', '-t', '1', name);
  await new Promise((r) => setTimeout(r, 1100));
  const until = Math.floor(Date.now() / 1000);
  const client = new EngineClient();
  // the real client, with the options of its requests recorded
  const asked: Record<string, unknown>[] = [];
  const recording = Object.assign(Object.create(client) as EngineClient, { getEvents: (o: Record<string, unknown>) => (asked.push(o), client.getEvents(o)) });
  const filtered = (await dockerEventsBetween(recording, since, until, null)).filter((e) => e.container === name);
  expect(asked).toStrictEqual([{ since, until, filters: { type: ['container'], event: [...KEEP_ACTIONS] } }]);
  // every container event, filtered here
  const raw: DockerEventMessage[] = [];
  const stream = await client.getEvents({ since, until, filters: { type: ['container'] } });
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    stream.on('data', (d: Buffer) => (buf += d.toString('utf8')));
    stream.on('end', () => {
      for (const line of buf.split('\n')) if (line.trim()) raw.push(JSON.parse(line) as DockerEventMessage);
      resolve();
    });
    stream.on('error', reject);
  });
  const mine = raw.filter((m) => m.Actor?.Attributes?.name === name);
  expect(mine.some((m) => (m.Action ?? '').startsWith('exec_'))).toBe(true);
  const here = mine.map((m) => fromDockerEvent(m, null)).filter((e) => e !== null);
  expect(filtered).toStrictEqual(here);
  const types = new Set(filtered.map((e) => e.type));
  for (const t of ['container.create', 'container.start', 'container.health_status', 'container.die', 'container.restart']) expect(types, t).toContain(t);
});
