/**
 * serviceLogs when an apply replaces the container between the listing and the read: the
 * web UI's live tail polls `GET /api/v1/services/:name/logs` through applies, and answered 500
 * ("no such container") when that happened (seen in CI, server/ui.browser.docker.test.ts).
 * Real dockerd. The race is made to happen every time: right after the engine answers the
 * listing, the service's container is removed and a new one started with the same labels, as
 * an apply that lands between the two calls does.
 */
import { afterAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { serviceLogs, UnknownServiceError } from './index.js';
import { LABEL_HOST, LABEL_MANAGED, LABEL_SERVICE } from '../../plan/types.js';

const docker = new Docker();
const run = randomBytes(4).toString('hex');
const hostId = `host-test-${run}`;
const service = 'web';
const names = [`claude-test-logs-a-${run}`, `claude-test-logs-b-${run}`];
const IMAGE = 'claude-os-local/busybox:latest';

async function start(name: string, word: string): Promise<void> {
  const c = await docker.createContainer({ name, Image: IMAGE, Cmd: ['sh', '-c', `echo ${word}; sleep 300`], Labels: { [LABEL_MANAGED]: 'true', [LABEL_HOST]: hostId, [LABEL_SERVICE]: service } });
  await c.start();
  for (let i = 0; i < 50 && !String(await c.logs({ stdout: true, stderr: true, follow: false })).includes(word); i++) await new Promise((r) => setTimeout(r, 100));
}
const remove = (name: string) => docker.getContainer(name).remove({ force: true }).catch(() => undefined);

afterAll(async () => {
  for (const n of names) await remove(n);
});

describe('serviceLogs while the container is replaced', () => {
  it('reads the new container when the listed one is removed before the read', async () => {
    await start(names[0]!, 'first');
    let listings = 0;
    const racing = Object.assign(Object.create(docker) as Docker, {
      listContainers: async (opts: Docker.ContainerListOptions) => {
        const list = await docker.listContainers(opts);
        if (listings++ === 0) {
          await remove(names[0]!);
          await start(names[1]!, 'second');
        }
        return list;
      },
    });
    const r = await serviceLogs({ docker: racing, dataDir: '/nonexistent', hostId, service, lines: 10 });
    expect(listings).toBe(2);
    expect(r.container).toBe(names[1]);
    expect(r.lines.map((l) => l.text)).toContain('second');
  }, 60_000);

  it('a container the engine keeps listing but cannot read is an unknown service (a 404), not an engine error (a 500)', async () => {
    await start(names[0]!, 'third');
    const stale = await docker.listContainers({ all: true });
    for (const n of names) await remove(n);
    let listings = 0;
    // every listing answers what was there before the removal
    const staleEngine = Object.assign(Object.create(docker) as Docker, { listContainers: async () => (listings++, stale) });
    await expect(serviceLogs({ docker: staleEngine, dataDir: '/nonexistent', hostId, service, lines: 10 })).rejects.toBeInstanceOf(UnknownServiceError);
    expect(listings).toBeGreaterThanOrEqual(3);
  });
});
