/**
 * Walkthrough 22: `claude "show me the logs of the database"` printed the last lines of every
 * service (web, db and cache): the logs operation knew service names only, and "the database"
 * fell through to the summary of all logs. A kind said for the name ("the database", "the
 * cache's logs", "logs of the website") is the one service of that kind; with several of a
 * kind, the logs operation asks which (no service, the candidates listed). The state dir is a
 * real temp dir compiled by the real compiler (no container is needed: the compiled state
 * names the services); it is removed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { tempHost, writeServices } from '../runtime/testutil/cli-host.js';
import { operationRequestFor } from './troubleshoot.js';

const tag = `lgk${randomBytes(3).toString('hex')}`;
const host = tempHost('logs-kind', tag);
afterAll(() => host.remove());
const svc = (name: string, image: string) => `    - name: ${name}
      image: ${image}
`;
writeServices(host, svc(`${tag}-web`, 'nginx:1.27-alpine') + svc(`${tag}-db`, 'postgres:16-alpine') + svc(`${tag}-cache`, 'redis:7-alpine'));
const ctx = { env: host.env, cwd: host.base };

describe('the logs of a kind of service', () => {
  it.each([
    ['show me the logs of the database', 'db'],
    ['show me the db logs', 'db'],
    ["the cache's logs", 'cache'],
    ['logs of the website', 'web'],
    ['show me the last 20 lines of the postgres logs', 'db'],
  ])('%s', async (message, which) => {
    const found = await operationRequestFor(ctx, message);
    expect(found?.op).toMatchObject({ kind: 'logs', service: `${tag}-${which}` });
  });
  it('a name still wins; two of a kind ask which', async () => {
    expect((await operationRequestFor(ctx, `show me the logs of ${tag}-cache`))?.op).toMatchObject({ service: `${tag}-cache` });
    writeServices(host, svc(`${tag}-db`, 'postgres:16-alpine') + svc(`${tag}-db2`, 'postgres:16-alpine'));
    const two = await operationRequestFor(ctx, 'show me the logs of the database');
    expect(two?.op).toEqual({ kind: 'logs' });
    expect(two?.services).toEqual([`${tag}-db`, `${tag}-db2`]);
  });
});
