/**
 * What `claude serve` loads to start (the device image starts it at boot, under emulation:
 * every file counts). The real bin/claude in a child process, with a module hook that records
 * every module node loads (node:module register): the API answers, and by then it has not
 * loaded the intent engine (agent/intent.js, the offline language's chrono-node, the
 * Anthropic SDK): a conversation loads it. With --no-observer (the device runs the observer
 * daemon beside it) the observer loop's modules stay out too; without it, on a machine with
 * no observer daemon, serve starts its own loop and loads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const BIN = resolve(__dirname, '..', 'bin', 'claude');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-serve-start-'));
  writeFileSync(join(dir, 'hooks.mjs'), "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.LOADED_LOG, url + '\\n');\n  return next(url, context);\n}\n");
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts claude serve with ARGS in a data dir of its own; returns the modules loaded until the API answered, and (after WAIT ms more) until it stopped. */
async function serveLoads(name: string, args: string[], wait: (loaded: () => string[]) => Promise<void>): Promise<{ atAnswer: string[]; all: string[] }> {
  const base = join(dir, name);
  for (const d of ['data', 'state', 'root']) mkdirSync(join(base, d), { recursive: true });
  const log = join(base, 'loaded.log');
  writeFileSync(log, '');
  const loaded = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const env = { PATH: process.env.PATH ?? '', HOME: base, CLAUDE_DATA_DIR: join(base, 'data'), CLAUDE_STATE_DIR: join(base, 'state'), CLAUDE_ROOT: join(base, 'root'), CLAUDE_DAEMON: '0', LOADED_LOG: log };
  const child = spawn(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, 'serve', '--port', '0', '--no-cli-socket', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    let url = '';
    for (let i = 0; i < 1200 && !url; i++) {
      url = /Claude\.OS API and web UI: (http:\/\/\S+)/.exec(out)?.[1] ?? '';
      if (!url) {
        if (child.exitCode !== null) throw new Error(`claude serve exited:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (!url) throw new Error(`claude serve did not start within 60 s:\n${out}`);
    const res = await fetch(`${url}api/v1/status`);
    expect(res.status).toBe(401); // it answers (without the token: refused)
    const atAnswer = loaded();
    await wait(loaded);
    return { atAnswer, all: loaded() };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const INTENT = [/\/agent\/intent\.js$/, /\/compiler\/intent\/select\.js$/, /node_modules\/chrono-node\//, /node_modules\/@anthropic-ai\/sdk\//];
const OBSERVER = /\/runtime\/observe\/daemon\.js$/;

describe('claude serve start', () => {
  it('answers without the intent engine loaded; --no-observer keeps the observer loop out', async () => {
    const device = await serveLoads('no-observer', ['--no-observer'], () => new Promise((r) => setTimeout(r, 3000)));
    // The hook saw the server's own modules (it works) ...
    expect(device.atAnswer.some((u) => u.endsWith('/server/service.js'))).toBe(true);
    expect(device.atAnswer.some((u) => u.endsWith('/server/server.js'))).toBe(true);
    // ... and, 3 s after the API answered, neither the intent engine nor the observer loop.
    for (const re of INTENT) expect(device.all.filter((u) => re.test(u))).toEqual([]);
    expect(device.all.filter((u) => OBSERVER.test(u))).toEqual([]);
    expect(existsSync(join(dir, 'no-observer', 'data', 'observe', 'latest.json'))).toBe(false);

    // Without the flag, and no observer daemon recording here: serve runs its own loop.
    const plain = await serveLoads('default', [], async (loaded) => {
      for (let i = 0; i < 1800 && !loaded().some((u) => OBSERVER.test(u)); i++) await new Promise((r) => setTimeout(r, 50));
    });
    expect(plain.all.some((u) => OBSERVER.test(u))).toBe(true);
    for (const re of INTENT) expect(plain.all.filter((u) => re.test(u))).toEqual([]);
    // The device's start loads a fraction of what the default one does.
    expect(device.all.length).toBeLessThan(plain.all.length);
  }, 300_000);
});
