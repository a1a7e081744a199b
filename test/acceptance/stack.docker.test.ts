/**
 * Acceptance: Example Conversation 1 (the web stack), Testing Scenario 2 (the complete stack
 * with daily backups), Testing Scenario 8 (two terminals at once) and the Interactive Mode
 * Example (its monitoring part included), typed at a terminal (test/acceptance/world.ts). After each successful apply,
 * `claude plan --detailed-exitcode` exits 0: the system settles.
 *
 * Example 1 and Test 8 are written once in ./scenarios.ts and run on containerd too
 * (./stack.containerd.test.ts). Test 2 needs the backup jobs' one-shot containers (Docker
 * only, runtime/drivers/job-container.ts); the Interactive Mode tests and the alerts test
 * read Docker's health status or remove a container with `docker rm`: Docker only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorld, type World } from './world.js';
import { example1, expectSettled as settled, test8TwoTerminals } from './scenarios.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('stack');
}, 180_000);

afterAll(() => w?.stop(), 120_000);

const expectSettled = () => settled(w);
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

  it('Test 8: two requests typed in two terminals at once both land, one after the other, as two commits', { timeout: 300_000 }, () => test8TwoTerminals(w));

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
