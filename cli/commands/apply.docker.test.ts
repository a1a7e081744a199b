/**
 * `claude apply`, `claude recover` and `claude unlock` through the CLI entry (in process),
 * against the real Docker Engine with the host engine the CLI builds (the planner's
 * observer). The run has its own data dir, so its own host id: only the containers it
 * creates (labelled with that id) are managed. A stale plan is still retried with a fresh
 * plan a few times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { resourceFingerprints } from '../../plan/fingerprint.js';
import type { PlanStep } from '../../plan/types.js';
import { createHostEngine } from '../../runtime/host-engine.js';
import { containerSpec, health, makePlan, S, setupTestHost, signPlan, type TestHost } from '../../runtime/testutil/plans.js';
import { runCli, type CliResult } from '../testutil/cli.js';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';
import { freePort } from '../../runtime/testutil/ports.js';

const suffix = randomBytes(4).toString('hex');
let dataDir: string;
let root: string;
let host: TestHost;
let port: number;

function claude(...argv: string[]): Promise<CliResult> {
  return claudeTty(null, ...argv);
}

/** With `input` (not null): a terminal session that types `input`. */
function claudeTty(input: string | null, ...argv: string[]): Promise<CliResult> {
  return runCli(argv, {
    ...(input !== null ? { input, tty: true } : {}),
    env: { CLAUDE_DATA_DIR: dataDir, CLAUDE_ROOT: root, CLAUDE_STATE_DIR: join(root, 'state'), USER: 'tester' },
    cwd: root,
  });
}

async function planFile(steps: PlanStep[]): Promise<string> {
  const engine = await createHostEngine({ root, dataDir, hostId: host.hostId });
  const base = resourceFingerprints(await engine.observe());
  const file = join(root, `plan-${randomBytes(3).toString('hex')}.json`);
  let stateCommit: string | null = null;
  try {
    stateCommit = execFileSync('git', ['-C', join(root, 'state'), 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    stateCommit = null;
  }
  writeFileSync(file, signPlan(makePlan(steps, { hostId: host.hostId, base, request: 'serve a web page', stateCommit }), host.key.privateKey));
  return file;
}

/** Applies through the CLI, re-planning when another test changed the shared dockerd meanwhile. */
async function applyFresh(steps: () => PlanStep[], ...flags: string[]): Promise<{ code: number; out: string; err: string }> {
  for (let i = 0; ; i++) {
    const r = await claude('apply', await planFile(steps()), ...flags);
    if (!/Saved plan is stale/.test(r.err + r.out) || i === 4) return r;
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-cli-data-'));
  root = mkdtempSync(join(tmpdir(), 'claude-cli-root-'));
  host = setupTestHost(dataDir);
  port = await freePort();
});

afterAll(() => {
  removeDockerByName(suffix);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

describe('claude apply / recover / unlock', () => {
  const web = () =>
    containerSpec({
      name: `web-${suffix}`,
      service: 'web',
      image: 'claude-os-local/web:latest',
      ports: [{ host: port, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }],
      networks: [{ name: `net-${suffix}`, aliases: ['web'] }],
      healthcheck: health('wget -q -O- http://127.0.0.1/ >/dev/null'),
    });

  it('prints one line per step in the spec wording, then where things are reachable; commits the state', async () => {
    const r = await applyFresh(() => [S.network(`net-${suffix}`), S.image('claude-os-local/web:latest'), S.create(web(), { dependsOn: [`network/net-${suffix}`, 'image/claude-os-local/web:latest'] }), S.start(web())]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toContain(`✓ Created network 'net-${suffix}'`);
    expect(r.out).not.toContain('Image claude-os-local/web:latest present'); // quiet, as in the spec's examples
    expect(lines).toContain('✓ Started web (healthy)');
    expect(lines).toContain('Reachable:');
    expect(lines).toContain(`  web: http://127.0.0.1:${port}`);
    expect(r.out).toMatch(/State committed: [0-9a-f]{12}/);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    const log = execFileSync('git', ['-C', join(root, 'state'), 'log', '--format=%s%n%b'], { encoding: 'utf8' });
    expect(log).toContain('serve a web page');
    expect(log).toMatch(/Plan-Id: plan-[0-9a-f]+/);
  });

  it('--json gives the machine-readable result; a refusal says nothing was changed', async () => {
    const r = await applyFresh(() => [S.stop(`web-${suffix}`)], '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { status: string; steps: { id: string; status: string; message: string }[] };
    expect(j.status).toBe('applied');
    expect(j.steps).toEqual([expect.objectContaining({ id: `stop/web-${suffix}`, status: 'done', message: `Stopped web-${suffix}` })]);

    const bad = await claude('apply', join(root, 'missing.json'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/cannot read .*missing\.json/);

    let refused = { code: 0, out: '', err: '' };
    for (let i = 0; i < 5; i++) {
      refused = await claude('apply', await planFile([{ ...S.remove(`web-${suffix}`), risk: 'destructive' }]));
      if (!/Saved plan is stale/.test(refused.err)) break; // another test changed the shared dockerd: plan again
    }
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('refused (V9 confirmation)');
    expect(refused.err).toContain('Nothing was changed.');
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `name=web-${suffix}`], { encoding: 'utf8' }).trim()).not.toBe('');

    // In a terminal, the same plan asks; "no" refuses, "yes" applies.
    const no = await claudeTty('no\n', 'apply', await planFile([{ ...S.remove(`web-${suffix}`), risk: 'destructive' }]));
    // The prompt follows an SGR reset, as every prompt at a terminal does (cli/prompt.ts).
    expect(no.out).toContain(`These steps need your confirmation:\n  [destructive] Remove container 'web-${suffix}' (no longer declared)\n\x1b[0mApply them? [yes/no] `);
    expect(no.code).toBe(1);
    const yes = await claudeTty('yes\n', 'apply', await planFile([{ ...S.remove(`web-${suffix}`), risk: 'destructive' }]));
    expect(yes.code, JSON.stringify(yes)).toBe(0);
    expect(yes.out).toContain(`✓ Removed container web-${suffix} (no longer declared)`);
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `name=web-${suffix}`], { encoding: 'utf8' }).trim()).toBe('');
  });

  it('with no plan file, applies the pending changes: plans the state dir, shows the plan, asks; then nothing is pending', async () => {
    const name = `pending-${suffix}`;
    const stateDir = join(root, 'state');
    const services = ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', '  name: test', 'spec:', '  services:', `    - name: ${name}`, '      image: claude-os-local/busybox:latest', '      command: "sleep 3600"', ''].join('\n');
    writeFileSync(join(stateDir, 'services.yaml'), services);
    // Without a terminal and without --yes: shown, not applied.
    const shown = await claude('apply');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`Create container '${name}'`);
    expect(shown.out).toContain('Not applied: there is no terminal to ask for approval.');
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `name=${name}`], { encoding: 'utf8' }).trim()).toBe('');
    // In a terminal, "no" leaves it, "y" applies it.
    const no = await claudeTty('no\n', 'apply');
    expect(no.out).toContain('Nothing changed.');
    expect(execFileSync('docker', ['ps', '-aq', '--filter', `name=${name}`], { encoding: 'utf8' }).trim()).toBe('');
    const yes = await claudeTty('y\n', 'apply');
    expect(yes.code, JSON.stringify(yes)).toBe(0);
    expect(yes.out).toContain(`✓ Started ${name}`);
    expect(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', name], { encoding: 'utf8' }).trim()).toBe('true');
    expect(execFileSync('git', ['-C', stateDir, 'log', '-1', '--format=%s'], { encoding: 'utf8' })).toContain('apply state dir');
    // Settled: nothing pending.
    const again = await claude('apply');
    expect(again.out).toContain('Nothing to do: the system already matches the state files.');
    expect((await claude('plan', '--detailed-exitcode', '--out', join(root, 'p.json'))).code).toBe(0);
  });

  it('recover with nothing to do; unlock without a lock', async () => {
    const r = await claude('recover');
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('Nothing to recover');
    const u = await claude('unlock', '--force', '3');
    expect(u.code).toBe(1);
    expect(u.err).toMatch(/no apply lock is held/);
    const usage = await claude('unlock', '3');
    expect(usage.code).toBe(2);
  });
});
