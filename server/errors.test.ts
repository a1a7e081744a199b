/**
 * The server's error path, on a real server and real files: every answer of 500 or more says
 * its cause in the server's log (an unexpected error with its stack, a damaged state repo, an
 * ApiError of 500), with the method and path; and a log sink that itself fails does not end
 * the server (an unhandled rejection would).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirs } from '../runtime/testutil/tempdirs.js';
import { ApiServer } from './server.js';

const TOKEN = 'e'.repeat(43);
const dirs = tempDirs('claude-server-errors-');
const servers: ApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
  dirs.cleanup();
});

async function serve(log: (l: string) => void): Promise<{ base: string; dir: string }> {
  const dir = dirs.make();
  mkdirSync(join(dir, 'state'));
  const server = new ApiServer({ paths: { stateDir: join(dir, 'state'), dataDir: join(dir, 'data'), root: dir }, env: {}, now: () => new Date(), token: TOKEN, listen: '127.0.0.1', port: 0, observe: false, log });
  servers.push(server);
  return { base: (await server.start()).url.replace(/\/$/, ''), dir };
}

const get = (base: string, path: string) => fetch(base + path, { headers: { authorization: `Bearer ${TOKEN}` } });

/** A state repo with one commit whose HEAD then names a commit that does not exist. */
function damagedRepo(stateDir: string): void {
  const git = (...a: string[]) => execFileSync('git', ['-C', stateDir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(stateDir, 'manifest.yaml'), 'x: 1\n');
  git('add', '.');
  git('commit', '-q', '-m', 'one');
  writeFileSync(join(stateDir, '.git', 'refs', 'heads', 'main'), `${'1'.repeat(40)}\n`);
}

describe('the server error path', () => {
  it('a 500 from a damaged state repo says its cause in the log, with the method and path', async () => {
    const log: string[] = [];
    const { base, dir } = await serve((l) => log.push(l));
    damagedRepo(join(dir, 'state'));
    const res = await get(base, '/api/v1/history');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(/is damaged/);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^claude serve: GET \/api\/v1\/history: 500: the state repository .*\.git is damaged/);
  });

  it('an answer of 400 or 404 is not logged as a server error', async () => {
    const log: string[] = [];
    const { base } = await serve((l) => log.push(l));
    expect((await get(base, '/api/v1/history?limit=0')).status).toBe(400);
    expect((await get(base, '/api/v1/nothing')).status).toBe(404);
    expect(log).toEqual([]);
  });

  it('a log sink that throws does not end the server: the 500 is answered and the next request too', async () => {
    let calls = 0;
    const { base, dir } = await serve(() => {
      calls++;
      throw new Error('the log is gone');
    });
    damagedRepo(join(dir, 'state'));
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on('unhandledRejection', onRejection);
    try {
      const res = await get(base, '/api/v1/history');
      expect(res.status).toBe(500);
      // still the answer it would give with a working log: the cause and its hint, not a bare 500
      expect(((await res.json()) as { error: string }).error).toMatch(/is damaged/);
      expect((await get(base, '/api/v1/session')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(calls).toBeGreaterThan(0);
    expect(rejections).toEqual([]);
  });
});
