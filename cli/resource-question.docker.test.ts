/**
 * "why is X using so much memory?" and its kin ("what's eating all the ram", "cpu is at 100%",
 * "nginx is hogging the cpu") are questions about resources: the answer shows the service's
 * memory beside its limit and its CPU, and the host's, as "why is X slow?" does. Before, the
 * lead's walkthrough (2026-12-06) got only "I found no problem: every service … is running",
 * the figures never shown. The real bin/claude in a real terminal (tmux) on the real dockerd;
 * the container, the tmux server and the temp dir carry this run's tag and are removed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, writeServices, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeAfterAll } from '../runtime/testutil/cli-cleanup.js';

const tag = `rsq${randomBytes(3).toString('hex')}`;
const name = `${tag}-web`;
const term = tmuxTerminal(`claude-rsq-${tag}`);
let host: TempHost;

beforeAll(async () => {
  host = tempHost('resource-question', tag);
  writeServices(
    host,
    `    - name: ${name}
      image: claude-os-local/web:latest
      resources:
        memory: 64Mi
`,
  );
  const applied = host.claude('apply', '--yes');
  if (applied.status !== 0) throw new Error(applied.stdout + applied.stderr);
}, 300_000);

removeAfterAll(term, tag, () => host);

describe('a question about memory or CPU shows the figures', () => {
  it.each([`why is ${name} using so much memory`, `${name} is hogging the cpu, why?`])('%s', async (question) => {
    term.runClaude([question], { env: host.env, cwd: host.base, width: 200, height: 60 });
    const s = await term.waitFor('claude to exit', (x) => /^exit status \d+$/m.test(x), 180_000);
    // 0: no problem found. 1 only for a finding about the host itself (a loaded CI machine is
    // "overloaded", OBS123), never about the service.
    const status = term.exitStatus();
    expect(status === '0' || (status === '1' && s.includes('OBS123')), s).toBe(true);
    expect(s).toContain('Resources:');
    const row = s.split('\n').find((l) => l.trimStart().startsWith(`${name}:`)) ?? s;
    expect(row).toMatch(/memory \d+ MB of 64 MB limit \(\d+%\)/);
    expect(s).toMatch(/host: .*load [\d.]+ on \d+ cores/);
  }, 240_000);
});
