/**
 * The approval question through the CLI socket (docs/architecture.md, "The CLI socket"), as a
 * person sees it: a real `claude serve` keeps the warm CLI worker; `claude apply` runs in a
 * real terminal (tmux) with CLAUDE_DAEMON=require (so it is the worker that runs it, or the
 * command fails), shows the plan and the question; `no` (typed, echoed once: the terminal's
 * raw mode is the worker's readline's) changes nothing; `yes` starts the service and the
 * command exits 0. Needs dockerd, tmux and `npm run build`. Names carry this run's tag; the
 * daemon, the container, the network, the tmux server and the temp dir are removed afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CLAUDE_BIN, seedSleepers, tempHost, tmuxTerminal, until, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';

const tag = `clid${randomBytes(3).toString('hex')}`;
const term = tmuxTerminal(`claude-clidaemon-${tag}`);
let host: TempHost;
let daemon: ChildProcess;
let daemonLog = '';

const containers = () => execFileSync('docker', ['ps', '--filter', `name=${tag}`, '--format', '{{.Names}} {{.State}}'], { encoding: 'utf8' }).trim();

/** Starts `claude apply` in tmux through the socket; once a worker took it (not "still starting"), the question shows. */
async function applyInTerminal(): Promise<string> {
  return until(
    'claude apply to ask through the socket',
    async () => {
      term.start(['sh', '-c', `"$0" apply; echo "exit status $?"`, CLAUDE_BIN], { env: { ...host.env, CLAUDE_DAEMON: 'require' }, cwd: host.base, width: 200, height: 60 });
      const s = await term.waitFor('the question or a refusal', (x) => x.includes('Apply these changes? [yes/no]') || x.includes('did not take the command'), 180_000);
      if (s.includes('the CLI worker is still starting')) return null;
      expect(s).not.toContain('did not take the command');
      return s;
    },
    { ms: 300_000, everyMs: 500 },
  );
}

beforeAll(async () => {
  host = tempHost('clidaemon', tag);
  seedSleepers(host, tag, [{ name: `${tag}-app` }]);
  daemon = spawn(process.execPath, [CLAUDE_BIN, 'serve', '--port', '0'], { env: host.env, cwd: host.base, stdio: ['ignore', 'pipe', 'pipe'] });
  daemon.stdout!.on('data', (d) => (daemonLog += d));
  daemon.stderr!.on('data', (d) => (daemonLog += d));
  await until('the CLI socket', () => spawnSync(process.execPath, [CLAUDE_BIN, 'validate'], { env: { ...host.env, CLAUDE_DAEMON: 'require' }, encoding: 'utf8' }).status === 0, { ms: 180_000, everyMs: 500, detail: () => daemonLog });
}, 240_000);

afterAll(async () => {
  term.kill();
  if (daemon && daemon.exitCode === null) {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
  }
  removeDockerByName(tag);
  host?.remove();
}, 60_000);

describe('a prompt through the CLI socket', () => {
  it('claude apply asks in the terminal: no changes nothing, yes applies, each answer echoed once', async () => {
    let s = await applyInTerminal();
    expect(s).toContain(`${tag}-app`);
    term.type('no');
    s = await term.waitFor('Nothing changed', (x) => x.includes('Nothing changed.'));
    expect(s).toMatch(/Apply these changes\? \[yes\/no\] no\n/);
    expect(s).not.toContain('nono');
    expect(containers()).toBe('');

    s = await applyInTerminal();
    term.type('yes');
    const status = await until('claude apply to exit', () => /^exit status (\d+)$/m.exec(term.screen())?.[1], { ms: 300_000, detail: () => term.screen() });
    s = term.screen();
    expect(s).toMatch(/Apply these changes\? \[yes\/no\] yes\n/);
    expect(s).not.toContain('yesyes');
    expect(s.split('Apply these changes?')[1]).toContain(`Started ${tag}-app`);
    expect(status, s).toBe('0');
    expect(containers()).toBe(`${tag}-app running`);
  }, 600_000);
});
