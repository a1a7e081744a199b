/**
 * Acceptance: Example Conversation 1 (the web stack), Testing Scenario 2 (the complete stack
 * with daily backups), Testing Scenario 8 (two terminals at once) and the Interactive Mode
 * Example (its monitoring part included), typed at a terminal (test/acceptance/world.ts). After each successful apply,
 * `claude plan --detailed-exitcode` exits 0: the system settles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorld, type World } from './world.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('stack');
}, 180_000);

afterAll(() => w?.stop(), 120_000);

// Example 1 on containerd as well (CLAUDE_ENGINE=containerd; a private containerd in the world's
// namespace, the images imported from tarballs): the same words, screen and checks. The other
// scenarios of the acceptance files type Docker commands (`docker stop nginx`, `docker rm`) or
// use Docker-only features (the backup jobs' one-shot containers): Docker only
// (docs/runtime.md "What differs between the backends").
describe.sequential('Example 1 on containerd', () => {
  let cw: World;
  beforeAll(async () => {
    cw = await startWorld('stackctd', { engine: 'containerd', images: ['claude-os-local/web:latest', 'claude-os-local/postgres:latest', 'claude-os-local/redis:latest', 'claude-os-local/busybox:latest'] });
  }, 300_000);
  afterAll(() => cw?.stop(), 180_000);
  it('Example 1 on containerd: the stack, yes → all healthy, nginx answers on 80, settled', { timeout: 300_000 }, () => example1(cw));
});

function expectSettled(world: World = w): void {
  const r = world.claude('plan', '--detailed-exitcode', '--out', join(world.dir, 'settle.json'));
  expect(r.code, r.out).toBe(0);
}

const commits = () => execFileSync('git', ['-C', w.stateDir, 'log', '--format=%s'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
/** Example 1, typed at a terminal of world `w` (Docker or containerd). */
async function example1(w: World): Promise<void> {
  const t = await w.terminal('ex1');
  t.run('claude "I need a web application stack with nginx, PostgreSQL, and Redis"');
  const s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify]') || x.includes('Proceed? [yes/no/modify]'), 'the proposal');
  expect(s).toContain('Proposed Changes');
  expect(s).toMatch(/\+ nginx/);
  expect(s).toMatch(/\+ postgres/);
  expect(s).toMatch(/\+ redis/);
  t.type('yes');
  await t.done();
  const out = t.last();
  expect(out).toMatch(/✓ Created network 'webstack'/);
  expect(out).toMatch(/✓ Created volume 'postgres-data'/);
  expect(out).toMatch(/✓ Created volume 'redis-data'/);
  for (const svc of ['postgres', 'redis', 'nginx']) expect(out).toMatch(new RegExp(`✓ Started ${svc} \\(healthy\\)`));
  expect(await t.exitCode()).toBe(0);
  expect(await w.running()).toEqual(['nginx', 'postgres', 'redis']);
  expect(w.http(80)).toBe('200');
  // both volumes are recorded (two volume creations in one phase no longer lose one)
  const rec = JSON.parse(readFileSync(join(w.dataDir, 'volumes.json'), 'utf8')) as { volumes: Record<string, unknown> };
  expect(Object.keys(rec.volumes).sort()).toEqual(['postgres-data', 'redis-data']);
  expectSettled(w);
  // a second apply has nothing to create
  t.run('claude apply');
  await t.done();
  expect(t.last()).toContain('Nothing to do: the system already matches the state files.');
}

const running = () => w.docker('ps', '--format', '{{.Names}}').split('\n').filter(Boolean).sort();

describe.sequential('Example 1, Test 2, Test 8, Interactive Mode', () => {
  it('Example 1: "I need a web application stack with nginx, PostgreSQL, and Redis", yes → all healthy, settled', { timeout: 300_000 }, () => example1(w));

  it('Test 2: the complete stack with automatic daily backups → a backup job, still settled', { timeout: 300_000 }, async () => {
    const t = await w.terminal('t2');
    t.run('claude "I need a complete web application stack: nginx for frontend, PostgreSQL for database, Redis for caching, and set up automatic daily backups"');
    const s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify]') || x.includes('Proceed? [yes/no/modify]'), 'the proposal');
    expect(s).toMatch(/backup|dump/i);
    t.type('yes');
    await t.done();
    expect(await t.exitCode()).toBe(0);
    expect(running()).toEqual(['nginx', 'postgres', 'redis']);
    // the databases' own dumps, installed as backup jobs of the schedule table (docs/backups.md)
    expect(readFileSync(join(w.stateDir, 'storage.yaml'), 'utf8')).toMatch(/type: dump/);
    const installed = (JSON.parse(readFileSync(join(w.dataDir, 'schedule.json'), 'utf8')) as { jobs: { name: string; backup?: { engine?: string } }[] }).jobs;
    expect(installed.filter((j) => j.backup).map((j) => [j.name, j.backup!.engine])).toEqual([['backup-postgres-data', 'postgres'], ['backup-redis-data', 'redis']]);
    expectSettled();
  });

  it('Test 8: two requests typed in two terminals at once both land, one after the other, as two commits', { timeout: 300_000 }, async () => {
    const before = commits().length;
    const a = await w.terminal('t8a');
    const b = await w.terminal('t8b');
    a.run('claude "add a service called metrics using image redis on port 9100" --yes');
    b.run('claude "add a service called dashboards using image nginx on port 3100" --yes');
    await a.done(240_000);
    await b.done(240_000);
    const [outA, outB] = [a.last(), b.last()];
    expect(await a.exitCode(), outA).toBe(0);
    expect(await b.exitCode(), outB).toBe(0);
    const log = commits();
    expect(log.length).toBe(before + 2);
    expect(log.slice(0, 2).join('\n')).toMatch(/metrics/);
    expect(log.slice(0, 2).join('\n')).toMatch(/dashboards/);
    const services = readFileSync(join(w.stateDir, 'services.yaml'), 'utf8');
    expect(services).toContain('name: metrics');
    expect(services).toContain('name: dashboards');
    expect(running()).toEqual(expect.arrayContaining(['metrics', 'dashboards']));
    expectSettled();
  });

  it('Interactive Mode: banner, "what services are running?", a request refined over turns, yes, exit', { timeout: 300_000 }, async () => {
    const t = await w.terminal('repl');
    t.run('claude');
    let s = await t.waitFor((x) => x.includes('claude> '), 'the banner');
    expect(s).toMatch(/Claude\.OS v\d+\.\d+\.\d+ - Type 'exit' to quit, 'help' for commands/);
    expect(s).toMatch(/System: .* \| \d+ services running \| /);
    t.type('what services are running?');
    s = await t.waitFor((x) => /nginx[\s\S]*postgres[\s\S]*redis/.test(x.slice(x.indexOf('what services are running?'))) && x.trimEnd().endsWith('claude>'), 'the services answer');
    // observed on the engine DOCKER_HOST names (this world's), each with its state
    const answer = s.slice(s.indexOf('what services are running?'));
    for (const svc of ['nginx', 'postgres', 'redis']) expect(answer).toMatch(new RegExp(`^ +${svc} +\\S+ +running \\((healthy|starting)\\)`, 'm'));
    expect(answer).not.toContain('not observed');
    t.type('add a memcached cache called sessions using image redis on port 6390');
    s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify] (or keep refining)') || x.includes('Proceed? [yes/no/modify]'), 'the proposal');
    expect(s).toMatch(/sessions/);
    t.type('yes');
    await t.waitFor((x) => /✓ Started sessions/.test(x) && x.trimEnd().endsWith('claude>'), 'the apply');
    t.type('exit');
    await t.done();
    expect(t.last()).toContain('Goodbye!');
    expect(running()).toContain('sessions');
    expectSettled();
  });

  it('Interactive Mode, monitoring: grafana is said, once, to be out of reach of this host before anything runs; prometheus runs; scraping is said not done', { timeout: 300_000 }, async () => {
    const t = await w.terminal('monitoring');
    t.run('claude');
    await t.waitFor((x) => x.trimEnd().endsWith('claude>'), 'the banner');
    t.type('add a monitoring stack with prometheus and grafana');
    let s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify] (or keep refining)') || x.includes('Proceed? [yes/no/modify]'), 'the proposal');
    // Said once, by the plan, which asked this world's dockerd and the registry (agent/images.ts).
    expect(s).toMatch(/⚠ service grafana needs image grafana\/grafana:latest, which this host cannot get: it is not on this host and /);
    expect(s.match(/grafana\/grafana:latest[^\n]*(cannot get|no local image|not on this host)/g)).toHaveLength(1);
    expect(s).toMatch(/\+ prometheus \(prom\/prometheus:latest\)/);
    t.type('no');
    await t.waitFor((x) => x.trimEnd().endsWith('claude>') && x.lastIndexOf('claude> no') >= 0, 'the prompt after no');
    expect(running()).not.toContain('grafana');
    t.type('add prometheus');
    s = await t.waitFor((x) => x.split('(or keep refining)').length - 1 >= 2 || x.split('Proceed? [yes/no/modify]').length - 1 >= 1, 'the prometheus proposal');
    t.type('yes');
    s = await t.waitFor((x) => /✓ Started prometheus \(healthy\)/.test(x) && x.trimEnd().endsWith('claude>'), 'the apply');
    t.type('configure Prometheus to scrape the existing services');
    s = await t.waitFor((x) => x.includes('Not done: adding scrape targets') && x.trimEnd().endsWith('claude>'), 'the scrape answer');
    t.type('exit');
    await t.done();
    expect(t.last()).toContain('Goodbye!');
    expect(running()).toContain('prometheus');
    expect(w.docker('inspect', '-f', '{{.Config.Image}}', 'prometheus')).toBe('claude-os-local/prometheus:latest');
    expect(w.inNs(['curl', '-s', '-m', '5', 'http://127.0.0.1:9090/-/healthy']).out).toMatch(/Healthy/);
    expectSettled();
  });

  it('the banner and claude status count the same alerts (issue 11, defect 8); claude apply puts it right after a yes', { timeout: 300_000 }, async () => {
    const t = await w.terminal('alerts');
    // a declared service whose container is gone: an alert only the desired state reveals
    w.docker('rm', '-f', 'metrics');
    t.run('claude status | head -1');
    await t.done();
    expect(t.last()).toMatch(/^System: .* \| 1 alert$/m);
    t.run('claude');
    const s = await t.waitFor((x) => x.trimEnd().endsWith('claude>'), 'the banner');
    expect(s.slice(s.lastIndexOf('Claude.OS v'))).toMatch(/System: .* \| 1 alert \| intelligence: offline engine/);
    t.type('exit');
    await t.done();
    t.run('claude apply');
    const p = await t.waitFor((x) => x.includes('Apply these changes? [yes/no]'), 'the apply prompt');
    expect(p.slice(p.lastIndexOf('Proposed Changes'))).toMatch(/\+ metrics \(redis\)/);
    t.type('yes');
    await t.done();
    expect(t.last()).toMatch(/✓ Started metrics \(healthy\)/);
    expect(await t.exitCode()).toBe(0);
    expect(running()).toContain('metrics');
    t.run('claude status | head -1');
    await t.done();
    expect(t.last()).toMatch(/^System: .* \| No alerts$/m);
    expectSettled();
  });
});
