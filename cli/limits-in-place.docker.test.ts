/**
 * A memory or CPU limit change updates the running container in place (docker update): the
 * same container, not restarted, and the plan says so; a rollback puts the old limits back on
 * it. The real bin/claude in a terminal (tmux) with real Docker. Needs dockerd, tmux and
 * `npm run build`. Names carry this run's tag; containers, network, tmux server and temp dir
 * are removed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, writeServices, type TempHost } from '../runtime/testutil/cli-host.js';
import { removeAfterAll } from '../runtime/testutil/cli-cleanup.js';

const tag = `lim${randomBytes(3).toString('hex')}`;
const web = `${tag}-web`;
const term = tmuxTerminal(`claude-${tag}`);
let host: TempHost;

/** services.yaml: web (busybox, sleeping) with this memory and CPU limit (none when ''), and `extra` entries. */
function services(memory: string, cpus: string, extra = ''): void {
  writeServices(
    host,
    `    - name: ${web}
      image: claude-os-local/busybox:latest
      command: ["sleep", "3600"]
      networks: [${tag}-net]
      resources:
        memory: ${memory}
${cpus ? `        cpu: "${cpus}"\n` : ''}${extra}`,
    `${tag}-net`,
  );
}

/** A services.yaml entry for a service that exits at once: its start fails and the apply rolls back. */
const failing = (name: string) => `    - name: ${name}
      image: claude-os-local/busybox:latest
      command: ["sh", "-c", "exit 3"]
      restart: "no"
      networks: [${tag}-net]
`;

/** Id, start time, memory and CPU limits of the web container, as Docker has them. */
const inspect = () => {
  const [id, started, memory, cpus] = execFileSync('docker', ['inspect', '-f', '{{.Id}} {{.State.StartedAt}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}', web], { encoding: 'utf8' }).trim().split(' ');
  return { id, started, memory: Number(memory), cpus: Number(cpus) };
};

async function claude(args: string[], code: string): Promise<string> {
  term.runClaude(args, { env: host.env, cwd: host.base, width: 220, height: 80 });
  return (await term.exited(code, 240_000)).replace(/\s*\n\s*/g, ' ');
}

beforeAll(async () => {
  host = tempHost('limits', tag);
  services('64Mi', '0.5');
  await claude(['apply', '--yes'], '0');
}, 300_000);

removeAfterAll(term, tag, () => host);

describe('limits change in place', () => {
  it('memory 64Mi → 128Mi and CPU 0.5 → 1: the plan says in place; the same container, not restarted, gets them; nothing left to plan', async () => {
    const before = inspect();
    expect(before).toMatchObject({ memory: 64 * 1048576, cpus: 0.5e9 });
    services('128Mi', '1');
    const planned = await claude(['plan'], '0');
    expect(planned).toContain(`Update the limits of container '${web}' (memory 128Mi, CPU 1): in place where the engine can, and it keeps running; else it is recreated`);
    expect(planned).not.toContain(`Stop container '${web}'`);
    const applied = await claude(['apply', '--yes'], '0');
    expect(applied).toContain(`Updated the limits of ${web} in place (it kept running)`);
    expect(inspect()).toEqual({ id: before.id, started: before.started, memory: 128 * 1048576, cpus: 1e9 });
    // The observer sees the new config hash on the same container: no drift, nothing to do.
    await claude(['plan', '--detailed-exitcode'], '0');
  }, 600_000);

  it('a rollback puts the old limits back on the same container', async () => {
    const before = inspect();
    // 256Mi for web, and a service that exits at once: its start fails, the apply rolls back.
    services('256Mi', '1', failing(`${tag}-bad`));
    const applied = await claude(['apply', '--yes'], '1');
    expect(applied).toMatch(/rolled back/i);
    expect(applied).toContain(`Updated the limits of ${web} in place`);
    expect(applied).toContain(`Undid: Update the limits of container '${web}'`);
    expect(inspect()).toEqual(before);
    expect(before.memory).toBe(128 * 1048576);
  }, 600_000);

  it('a CPU limit the container did not have, rolled back, is gone again (review 16 M2: it stayed, and the next plan saw nothing to do)', async () => {
    services('128Mi', '');
    await claude(['apply', '--yes'], '0');
    expect(inspect().cpus).toBe(0);
    services('128Mi', '0.5', failing(`${tag}-bad2`));
    expect(await claude(['apply', '--yes'], '1')).toMatch(/rolled back/i);
    expect(inspect()).toMatchObject({ memory: 128 * 1048576, cpus: 0 });
  }, 600_000);

  // With restart "no" Docker never starts it again itself: the rollback must put the old limit
  // back before it starts it (review 19 MED-2: it started it first, under the limit that killed it).
  it.each([
    ['the default restart policy', ''],
    ['restart "no"', '      restart: "no"\n'],
  ])('a memory limit lowered below what the service uses (%s): the kernel kills it, the apply says so and puts the old limit back (review 16 L1: it said "Updated")', async (_policy, restart) => {
    // A service that needs 30 MB for a moment every 0.2 s (dd's buffer; when the kernel kills
    // dd, the service exits 1). Under 16Mi it is killed within a second (cgroup v1: when it
    // next grows; v2: at once).
    const hog = `${tag}-hog`;
    const hogEntry = (memory: string) => `    - name: ${hog}
      image: claude-os-local/busybox:latest
      command: ["sh", "-c", "while :; do dd if=/dev/zero of=/dev/null bs=30M count=1 2>/dev/null || exit 1; sleep 0.2; done"]
      networks: [${tag}-net]
${restart}      resources:
        memory: ${memory}
`;
    services('128Mi', '', hogEntry('256Mi'));
    await claude(['apply', '--yes'], '0');
    const hogged = () => execFileSync('docker', ['inspect', '-f', '{{.Id}} {{.HostConfig.Memory}} {{.State.Running}}', hog], { encoding: 'utf8' }).trim().split(' ');
    const [id] = hogged();
    services('128Mi', '', hogEntry('16Mi'));
    const applied = await claude(['apply', '--yes'], '1');
    expect(applied).not.toContain(`Updated the limits of ${hog} in place (it kept running)`);
    expect(applied).toMatch(new RegExp(`${hog} (was killed for lack of memory|stopped|restarted)[^.]*after its limits were changed in place|could not change the limits of`));
    expect(applied).toMatch(/rolled back/i);
    // The old limit is back, on the same container, and it runs again (and still runs a moment
    // later: under the low limit it would be killed within a second).
    expect(hogged()).toEqual([id, String(256 * 1048576), 'true']);
    await new Promise((r) => setTimeout(r, 2000));
    expect(hogged()).toEqual([id, String(256 * 1048576), 'true']);
  }, 600_000);
});
