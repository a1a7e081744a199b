/**
 * `claude status` right after "Started … (healthy)": the apply ran the declared health check
 * itself, but Docker says `starting` until its own first check, one interval later (Docker
 * 20.10 has no start-interval). Status said `starting` where the apply had just said healthy;
 * it now takes the last committed apply's verdict for a container Docker has not checked yet
 * and that has not restarted since (runtime/journal.ts readinessVerdicts). The real bin/claude
 * on the real dockerd: apply, then status at once. The container, its network and the temp
 * dir carry this run's tag and are removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tempHost, writeServices, type TempHost } from '../testutil/cli-host.js';
import { removeDockerByName } from '../testutil/docker-cleanup.js';
import { freePort } from '../testutil/ports.js';

const tag = `stah${randomBytes(3).toString('hex')}`;
const name = `${tag}-web`;
let host: TempHost;

/** The service's health as `claude status --json` reports it. */
function statusHealth(): string {
  const r = host.claude('status', '--json');
  expect(r.status, r.stderr).toBe(0);
  const services = (JSON.parse(r.stdout) as { summary: { services: { name: string; health: string }[] } }).summary.services;
  return services.find((s) => s.name === name)?.health ?? `no service ${name} in ${JSON.stringify(services)}`;
}

const dockerHealth = () => execFileSync('docker', ['inspect', '-f', '{{.State.Health.Status}}', name], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  host = tempHost('status-after-apply', tag);
  const port = await freePort();
  // Docker's first check is 10 minutes away: only the apply's own probe has run when status asks.
  writeServices(
    host,
    `    - name: ${name}
      image: claude-os-local/web:latest
      ports:
        - host: ${port}
          container: 80
          host_ip: 127.0.0.1
      healthcheck:
        test: "true"
        interval: 10m
        timeout: 2s
        retries: 3
`,
  );
});

afterAll(() => {
  removeDockerByName(tag);
  host?.remove();
}, 60_000);

describe('claude status right after an apply that said healthy', () => {
  it('says healthy (it said starting until Docker ran its own first check); a restart since clears the verdict', () => {
    const applied = host.claude('apply', '--yes');
    expect(applied.status, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`Started ${name} (healthy)`);
    // Docker itself has not checked it yet: this is the lag the fix covers.
    expect(dockerHealth()).toBe('starting');
    expect(statusHealth()).toBe('healthy');

    // Restarted outside the apply: nothing has checked this run of it, so it is starting again.
    execFileSync('docker', ['restart', '-t', '1', name]);
    expect(dockerHealth()).toBe('starting');
    expect(statusHealth()).toBe('starting');
  }, 300_000);
});
