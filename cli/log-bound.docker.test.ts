/**
 * The full-disk fault: Docker's json-file log of a container is bounded (runtime/drivers/
 * docker.ts logConfig: the live file up to CLAUDE_LOG_MAX_BYTES, CLAUDE_LOG_KEEP rotated ones;
 * defaults 10 MiB and 3). Before, it was never rotated and a chatty service could fill the
 * disk. A service writing 6 bursts of ~2 MB keeps its log files under the bound, and
 * `claude logs` still shows its latest lines. The bound is set small (256 KiB, 1 rotated file)
 * through the same variables a person would use; a service's own bound (services.yaml `logs:
 * max_size, keep`, 128 KiB and 2 here) is kept the same way. The real bin/claude in tmux with real Docker;
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

async function claude(args: string[], code: string, env: Record<string, string> = {}): Promise<string> {
  term.runClaude(args, { env: { ...host.env, ...env }, cwd: host.base, width: 200, height: 60 });
  return term.exited(code, 240_000);
}

/**
 * Applies a service `name` that writes 6 bursts of ~2 MB, with `logs` (services.yaml lines) and
 * `env` (the runtime's variables); its json-file log must be bounded by `max` bytes and `keep`
 * rotated files, and `claude logs` must show its latest lines.
 */
async function chattyKeepsUnder(name: string, max: number, keep: number, o: { logs?: string; env?: Record<string, string> }): Promise<void> {
  writeServices(
    host,
    `    - name: ${name}
      image: claude-os-local/busybox:latest
      command: ["sh", "-c", "for i in 1 2 3 4 5 6; do yes 0123456789012345678901234567890123456789 | head -n 20000; echo mark $i; done; echo all written; exec sleep 3600"]
      networks: [${tag}-net]
${o.logs ?? ''}`,
    `${tag}-net`,
  );
  await claude(['apply', '--yes'], '0', o.env);
  const [logPath, logConfig] = execFileSync('docker', ['inspect', '-f', '{{.LogPath}} {{json .HostConfig.LogConfig}}', name], { encoding: 'utf8' }).trim().split(' ');
  expect(JSON.parse(logConfig!)).toEqual({ Type: 'json-file', Config: { 'max-size': String(max), 'max-file': String(keep + 1) } });
  // Well past the bound: 6 bursts of ~2 MB each (rotated many times), then its last line.
  await until('6 bursts written', () => execFileSync('docker', ['logs', '--tail', '3', name], { encoding: 'utf8' }).includes('all written'), { ms: 120_000 });
  const files = [logPath!, ...Array.from({ length: keep + 1 }, (_, i) => `${logPath}.${i + 1}`)].filter((f) => existsSync(f));
  const total = files.reduce((n, f) => n + statSync(f).size, 0);
  expect(files.length).toBeLessThanOrEqual(keep + 1);
  // Docker checks the size before each write: a file may pass max-size by one line.
  expect(total).toBeLessThanOrEqual((keep + 1) * (max + 4096));
  const shown = await claude(['logs', name, '-n', '2'], '0', o.env);
  expect(shown).toMatch(/mark 6\s+all written/);
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
    await chattyKeepsUnder(chatty, MAX, 1, { env: { CLAUDE_LOG_MAX_BYTES: String(MAX), CLAUDE_LOG_KEEP: '1' } });
  }, 400_000);

  it("a service's own bound (services.yaml logs: max_size, keep) is kept, under the runtime's default", async () => {
    await chattyKeepsUnder(`${tag}-own`, 128 * 1024, 2, { logs: '      logs: {max_size: 128Ki, keep: 2}\n' });
  }, 400_000);
});
