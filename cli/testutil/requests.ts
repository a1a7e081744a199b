/**
 * Test helper for plan-and-apply requests against the real dockerd: a per-run temp host
 * (state dir, data dir, root), service names with a random suffix (container names come
 * from service names), its own host id (its own data dir: only what the run creates carries
 * it in `claude.os/host`, so nothing outside the run is planned, snapshotted, compared or
 * pruned), state-file builders, one "request" = read the state
 * files → edit → plan → apply (agent/flow.ts), and a clean-up that removes whatever the run
 * created. Product code never imports this.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paths } from '../../common/paths.js';
import { removeDockerByName } from '../../runtime/testutil/docker-cleanup.js';
import { runCli, type CliResult } from './cli.js';
import { applyPlanned, openFlowHost, planAndApply, planFiles, readStateDirFiles, stateHeadOf, type FlowOutcome, type Planned } from '../../agent/flow.js';
import { compareCodePoints } from '../../common/order.js';

export interface TestRun {
  dir: string;
  suffix: string;
  paths: Paths;
  /** CLAUDE_STATE_DIR, CLAUDE_DATA_DIR, CLAUDE_ROOT, USER, PATH. */
  env: Record<string, string>;
  /** `name-<suffix>`. */
  n(name: string): string;
  cleanup(): void;
}

export function newTestRun(prefix: string): TestRun {
  const suffix = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const paths = { stateDir: join(dir, 'state'), dataDir: join(dir, 'data'), root: join(dir, 'root') };
  mkdirSync(paths.stateDir, { recursive: true });
  mkdirSync(paths.dataDir, { recursive: true });
  mkdirSync(paths.root, { recursive: true });
  const env = {
    CLAUDE_STATE_DIR: paths.stateDir,
    CLAUDE_DATA_DIR: paths.dataDir,
    CLAUDE_ROOT: paths.root,
    USER: 'tester',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
  return {
    dir,
    suffix,
    paths,
    env,
    n: (name) => `${name}-${suffix}`,
    cleanup() {
      removeDockerByName(suffix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** "running", "exited", … or null when there is no such container. */
export function containerStatus(name: string): string | null {
  try {
    return execFileSync('docker', ['inspect', '-f', '{{.State.Status}}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export const MANIFEST = `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: test
spec:
  images:
    pull: false
`;

export interface TestService {
  name: string;
  image?: string;
  state?: 'running' | 'stopped';
  command?: string;
  port?: { host: number; container: number };
}

/** A services.yaml (busybox `sleep` by default: no health check, no port). */
export function servicesYaml(list: readonly TestService[]): string {
  const lines = ['apiVersion: claude.os/v1', 'kind: ServiceManifest', 'metadata:', '  name: test', 'spec:', '  services:'];
  for (const s of [...list].sort((a, b) => compareCodePoints(a.name, b.name))) {
    lines.push(`    - name: ${s.name}`, `      image: ${s.image ?? 'claude-os-local/busybox:latest'}`);
    if (s.state) lines.push(`      state: ${s.state}`);
    if (s.command ?? (!s.image || s.image.includes('busybox'))) lines.push(`      command: ${JSON.stringify(s.command ?? 'sleep 3600')}`);
    if (s.port) lines.push('      ports:', `        - host: ${s.port.host}`, `          container: ${s.port.container}`);
  }
  return lines.join('\n') + '\n';
}

/** The service names declared in a services.yaml made by servicesYaml (or by hand, same shape). */
export function serviceNamesOf(yaml: string | undefined): string[] {
  return [...(yaml ?? '').matchAll(/^ {4}- name: (\S+)$/gm)].map((m) => m[1]!).sort();
}

/** A random host port in 20000–59999 (the caller retries on a clash, rarely needed). */
export function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 40000);
}

/**
 * One request, as `claude "<msg>"` does it without the intent engine: read the state files
 * (after HEAD), apply `edit` to them, plan, apply; re-plans on stale.
 */
export async function request(
  run: Pick<TestRun, 'paths' | 'env'>,
  text: string,
  edit: (files: Record<string, string>) => Record<string, string>,
  opts: { requestLock?: boolean; maxReplans?: number; approve?: (p: Planned, info: { attempt: number; replanned: boolean }) => Promise<boolean>; onReplan?: () => void } = {},
): Promise<FlowOutcome<Planned>> {
  const host = await openFlowHost(run.paths);
  return planAndApply<Planned>({
    ...(opts.requestLock === false ? {} : { requestLock: { dataDir: run.paths.dataDir, waitMs: 300_000 } }),
    ...(opts.maxReplans !== undefined ? { maxReplans: opts.maxReplans } : {}),
    async makePlan() {
      const base = await stateHeadOf(run.paths.stateDir);
      const files = edit(readStateDirFiles(run.paths.stateDir));
      const r = await planFiles(host, files, { request: text, engine: 'user', base, now: new Date(), env: run.env });
      if (!r.ok) throw new Error(`cannot plan "${text}":\n${r.problems.join('\n')}`);
      return r.planned;
    },
    approve: opts.approve ?? (async () => true),
    apply: (p) => applyPlanned(host, p, { now: () => new Date(), actor: { name: 'tester', email: 'tester@test' }, yes: true, lockWaitMs: 300_000 }),
    ...(opts.onReplan ? { onReplan: opts.onReplan } : {}),
  });
}

/** Runs the CLI in-process with the run's environment. */
export async function claude(run: Pick<TestRun, 'env' | 'dir'>, argv: string[], o: { tty?: boolean; input?: string; now?: () => Date } = {}): Promise<CliResult> {
  return runCli(argv, { ...o, env: run.env, cwd: run.dir });
}
