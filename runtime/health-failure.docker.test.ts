/**
 * `rollback_on_health_failure` on the real Docker Engine: a container that never becomes
 * healthy is rolled back by default; with `rollbackOnHealthFailure: false` it is kept, the
 * apply succeeds with a warning and the step says NOT healthy. A container that exits is a
 * failure either way.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resourceFingerprints } from '../plan/fingerprint.js';
import type { PlanStep } from '../plan/types.js';
import { applyPlan } from './apply.js';
import { DockerEngine } from './drivers/docker.js';
import { removeDockerByName } from './testutil/docker-cleanup.js';
import { containerSpec, health, makePlan, S, setupTestHost, signPlan, type TestHost } from './testutil/plans.js';

const tag = `hf${randomBytes(4).toString('hex')}`;
let dataDir: string;
let root: string;
let host: TestHost;
let engine: DockerEngine;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'claude-hf-data-'));
  root = mkdtempSync(join(tmpdir(), 'claude-hf-root-'));
  host = setupTestHost(dataDir);
  engine = new DockerEngine({ root, dataDir, hostId: host.hostId, pullTimeoutMs: 10_000 });
});
afterAll(() => {
  removeDockerByName(tag);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

async function run(steps: PlanStep[], rollbackOnHealthFailure?: boolean) {
  const text = signPlan(makePlan(steps, { hostId: host.hostId, base: resourceFingerprints(await engine.observe()) }), host.key.privateKey);
  return applyPlan(text, { engine, dataDir, trustedKeys: host.trusted(), hostId: host.hostId, now: () => new Date(), ...(rollbackOnHealthFailure !== undefined ? { rollbackOnHealthFailure } : {}) });
}
const exists = (name: string) => execFileSync('docker', ['ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Names}}'], { encoding: 'utf8' }).trim() === name;

it('a container that never becomes healthy: rolled back by default, kept with rollback_on_health_failure false', async () => {
  const sick = (name: string) => containerSpec({ name, service: name, image: 'claude-os-local/busybox:latest', command: ['httpd', '-f', '-p', '8000'], healthcheck: health('exit 1', 200) });
  const a = sick(`${tag}-a`);
  const ra = await run([S.create(a), S.start(a, { timeoutMs: 1500 })]);
  expect(ra.status).toBe('rolled-back');
  expect(ra.error?.name).toBe('HealthTimeoutError');
  expect(exists(a.name)).toBe(false);

  const b = sick(`${tag}-b`);
  const rb = await run([S.create(b), S.start(b, { timeoutMs: 1500 })], false);
  expect(rb.status, JSON.stringify(rb.error)).toBe('applied');
  expect(rb.warnings.join('\n')).toMatch(/did not become healthy within 1500 ms.*\(kept: rollback_on_health_failure is false\)/);
  expect(rb.steps.find((s) => s.id === `start/${b.name}`)).toMatchObject({ status: 'done', message: expect.stringMatching(/NOT healthy/) });
  expect(exists(b.name)).toBe(true);
  expect(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', b.name], { encoding: 'utf8' }).trim()).toBe('true');
}, 180_000);

it('a container that exits is still a failure, rolled back, with rollback_on_health_failure false', async () => {
  const c = containerSpec({ name: `${tag}-c`, service: `${tag}-c`, image: 'claude-os-local/busybox:latest', command: ['sh', '-c', 'exit 3'], healthcheck: health('true', 200) });
  const r = await run([S.create(c), S.start(c, { timeoutMs: 5000 })], false);
  expect(r.status).toBe('rolled-back');
  expect(r.error?.name).not.toBe('HealthTimeoutError');
  expect(exists(c.name)).toBe(false);
}, 180_000);
