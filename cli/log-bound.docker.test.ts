/**
 * The full-disk fault: Docker's json-file log of a container is bounded (runtime/drivers/
 * docker.ts logConfig: the live file up to CLAUDE_LOG_MAX_BYTES, CLAUDE_LOG_KEEP rotated ones;
 * defaults 10 MiB and 3). Before, it was never rotated and a chatty service could fill the
 * disk. A service writing 6 bursts of ~2 MB keeps its log files under the bound, and
 * `claude logs` still shows its latest lines. The bound is set small (256 KiB, 1 rotated file)
 * through the same variables a person would use. The real bin/claude in tmux with real Docker;
 * the container, network, tmux server and temp dir are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { tempHost, tmuxTerminal, until, writeServices, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeDockerByName } from '../runtime/testutil/docker-cleanup.js';

const tag = `log${randomBytes(3).toString('hex')}`;
const chatty = `${tag}-chatty`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;
const MAX = 262144;

async function claude(args: string[], code: string): Promise<string> {
  term.runClaude(args, { env: { ...host.env, CLAUDE_LOG_MAX_BYTES: String(MAX), CLAUDE_LOG_KEEP: '1' }, cwd: host.base, width: 200, height: 60 });
  return term.exited(code, 240_000);
}

beforeAll(() => {
  host = tempHost('logs', tag);
});
afterAll(() => {
  term.kill();
  removeDockerByName(tag);
  host?.remove();
}, 60_000);

describe('container logs are bounded', () => {
  it('a service writing fast keeps its log under the bound; claude logs shows its latest lines', async () => {
    writeServices(
      host,
      `    - name: ${chatty}
      image: claude-os-local/busybox:latest
      command: ["sh", "-c", "for i in 1 2 3 4 5 6; do yes 0123456789012345678901234567890123456789 | head -n 20000; echo mark $i; done; echo all written; exec sleep 3600"]
      networks: [${tag}-net]
`,
      `${tag}-net`,
    );
    await claude(['apply', '--yes'], '0');
    const [logPath, logConfig] = execFileSync('docker', ['inspect', '-f', '{{.LogPath}} {{json .HostConfig.LogConfig}}', chatty], { encoding: 'utf8' }).trim().split(' ');
    expect(JSON.parse(logConfig!)).toEqual({ Type: 'json-file', Config: { 'max-size': String(MAX), 'max-file': '2' } });
    // Well past the bound: 6 bursts of ~2 MB each (rotated many times), then its last line.
    await until('6 bursts written', () => execFileSync('docker', ['logs', '--tail', '3', chatty], { encoding: 'utf8' }).includes('all written'), { ms: 120_000 });
    const files = [logPath!, `${logPath}.1`, `${logPath}.2`].filter((f) => existsSync(f));
    const total = files.reduce((n, f) => n + statSync(f).size, 0);
    expect(files.length).toBeLessThanOrEqual(2);
    // Docker checks the size before each write: a file may pass max-size by one line.
    expect(total).toBeLessThanOrEqual(2 * MAX + 4096);
    const shown = await claude(['logs', chatty, '-n', '2'], '0');
    expect(shown).toMatch(/mark 6\s+all written/);
  }, 400_000);
});
