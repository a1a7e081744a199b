/**
 * A CPU limit above the host's cores, typed as a person types it in a real terminal (tmux):
 * `claude plan` of a services.yaml that says `cpu: "64"` is refused at plan time with
 * services.yaml:line:col, CLA4008 and how to fix it (the cores are observed on the host), and no
 * plan is written; the offline engine, asked for 64 CPUs, says it cannot be done instead of
 * proposing it. Before, the plan was made and Docker refused the container at apply (rolled
 * back). Plans only: nothing is applied. Needs dockerd (the planner observes), tmux and
 * `npm run build`. The tmux server and the temp dir are named per run and removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { tempHost, tmuxTerminal, writeServices, type TempHost } from '../runtime/testutil/cli-host.js';

const tag = `cpu${randomBytes(3).toString('hex')}`;
const svc = `${tag}-web`;
const term = tmuxTerminal(`claude-${tag}`);
const cores = availableParallelism();
let host: TempHost;

beforeAll(() => {
  host = tempHost('cpu', tag);
  writeServices(host, `    - name: ${svc}\n      image: claude-os-local/busybox:latest\n      command: ["sleep", "3600"]\n      resources:\n        cpu: "64"\n`);
});

afterAll(() => {
  term.kill();
  host?.remove();
});

describe('a CPU limit above the host cores', () => {
  it('claude plan: refused at services.yaml:line:col with CLA4008 and the fix; no plan written', async () => {
    term.runClaude(['plan', '--out', 'p.json'], { env: host.env, cwd: host.base, width: 250, height: 60 });
    const s = (await term.exited('1', 180_000)).replace(/\s*\n\s*/g, ' ');
    expect(s).toContain(`services.yaml:11:14: error CLA4008: service ${svc}: cpu 64 is more than this host has (${cores} cores) hint: write cpu: ${cores} or less, or remove the limit`);
    expect(existsSync(join(host.base, 'p.json'))).toBe(false);
  }, 240_000);

  it('the offline engine, asked for 64 CPUs, says it cannot be done and changes nothing', async () => {
    writeServices(host, `    - name: ${svc}\n      image: claude-os-local/busybox:latest\n      command: ["sleep", "3600"]\n`);
    term.runClaude([`give ${svc} 64 cpus`], { env: host.env, cwd: host.base, width: 250, height: 60 });
    const s = (await term.exited('0', 180_000)).replace(/\s*\n\s*/g, ' ');
    expect(s).toContain(`That cannot be done as asked: ${svc} cannot get 64 CPUs, this host has ${cores} core${cores === 1 ? '' : 's'} (Docker refuses more). Nothing was changed`);
    expect(s).not.toContain('[yes/no');
  }, 240_000);
});
