/**
 * Acceptance: the spec's Testing Scenarios 1, 3, 5, 6 and 7 and Example Conversation 2 (and
 * configuration changes: an environment variable, a port), typed at a terminal as a person
 * types them (test/acceptance/world.ts: a private Docker Engine in a network namespace, the
 * real bin/claude in tmux). Each asserts what is on the screen and what the system did, and
 * after each successful apply that `claude plan --detailed-exitcode` exits 0 (settled).
 * The scenarios build on each other in order, as on one host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startWorld, type World } from './world.js';
import { until } from '../../runtime/testutil/cli-host.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('web');
}, 180_000);

afterAll(() => w?.stop(), 120_000);

/** The system settled: planning the state dir against it again finds nothing to do. */
function expectSettled(): void {
  const r = w.claude('plan', '--detailed-exitcode', '--out', join(w.dir, 'settle.json'));
  expect(r.code, r.out).toBe(0);
}

const commits = () => execFileSync('git', ['-C', w.stateDir, 'log', '--format=%s'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);

describe.sequential('Testing Scenarios 1, 3, 5, 6, 7', () => {
  it('Test 1: "set up a basic web server", yes → nginx answers on 80 and is healthy', { timeout: 300_000 }, async () => {
    const t = await w.terminal('t1');
    t.run('claude "set up a basic web server"');
    let s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify]'), 'the proposal');
    expect(s).toContain('Proposed Changes');
    expect(s).toMatch(/\+ nginx/);
    expect(s).toMatch(/port 80\b/);
    expect(s).not.toMatch(/port 80, 443/);
    t.type('yes');
    s = await t.done();
    expect(t.last()).toMatch(/✓ Started nginx \(healthy\)/);
    expect(await t.exitCode()).toBe(0);
    await until('Docker to report nginx healthy', () => w.docker('inspect', '-f', '{{.State.Health.Status}}', 'nginx') === 'healthy');
    expect(w.http(80)).toBe('200');
    expect(commits()[0]).toContain('set up a basic web server');
    expectSettled();
    // claude status shows no alert about a port nothing listens on
    const st = w.claude('status');
    expect(st.out).not.toMatch(/443/);
  });

  it('a changed service is named with its fields old → new; asked again, it is already so (issue 11, defects 9, 10, 15)', { timeout: 300_000 }, async () => {
    const t = await w.terminal('fields');
    t.run('claude "limit nginx to 256MB"');
    const s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify]'), 'the proposal');
    const top = s.lastIndexOf('Proposed Changes');
    const box = s.slice(top, s.indexOf('└', top));
    expect(box).toMatch(/│ ~ nginx \(nginx:alpine\)/);
    expect(box).toMatch(/│ {5}resources\.memory: 128Mi → 256Mi/);
    expect(box).not.toMatch(/configuration changed/);
    t.type('y');
    await t.done();
    const out = t.last().slice(t.last().lastIndexOf('[yes/no/modify]'));
    expect(out).toMatch(/✓ Replaced nginx \(healthy\)/);
    // one replacement, one line: the start step that follows a replace is not printed again
    expect(out).not.toMatch(/✓ Started nginx/);
    expect(await t.exitCode()).toBe(0);
    expect(w.docker('inspect', '-f', '{{.HostConfig.Memory}}', 'nginx')).toBe(String(256 * 1024 * 1024));
    expect(w.http(80)).toBe('200');
    expectSettled();
    const n = commits().length;
    t.run('claude "limit nginx to 256MB"');
    await t.done();
    expect(t.last()).toContain('Already so, so there is nothing to change:');
    expect(t.last()).toContain('nginx: memory limit 256Mi');
    expect(t.last()).not.toContain('Proposed changes');
    expect(t.last()).not.toContain('[yes/no/modify]');
    expect(await t.exitCode()).toBe(0);
    expect(commits().length).toBe(n);
  });

  it('a configuration change typed at the shell and at the claude> prompt is a change, not troubleshooting; list fields read as a person reads them', { timeout: 300_000 }, async () => {
    const t = await w.terminal('env');
    // one-shot: "debug" is not a problem word here
    t.run('claude "set LOG_LEVEL=debug on nginx"');
    let s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify]'), 'the proposal');
    expect(s).not.toContain('Let me investigate');
    let top = s.lastIndexOf('Proposed Changes');
    let box = s.slice(top, s.indexOf('└', top));
    expect(box).toMatch(/│ ~ nginx \(nginx:alpine\)/);
    expect(box).toMatch(/│ {5}environment\.LOG_LEVEL: debug \(added\)/);
    expect(box).not.toContain('(not set)');
    t.type('y');
    await t.done();
    expect(t.last()).toMatch(/✓ Replaced nginx \(healthy\)/);
    expect(await t.exitCode()).toBe(0);
    expect(w.docker('inspect', '-f', '{{json .Config.Env}}', 'nginx')).toContain('"LOG_LEVEL=debug"');
    expectSettled();
    // interactive: the same kind of request at the claude> prompt
    t.run('claude');
    await t.waitFor((x) => x.trimEnd().endsWith('claude>'), 'the claude> prompt');
    t.type('set LOG_LEVEL=info on nginx');
    s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify] (or keep refining)'), 'the proposal at the prompt');
    top = s.lastIndexOf('Proposed Changes');
    box = s.slice(top, s.indexOf('└', top));
    expect(box).toMatch(/│ {5}environment\.LOG_LEVEL: debug → info/);
    t.type('yes');
    s = await t.waitFor((x) => /✓ Replaced nginx/.test(x.slice(x.lastIndexOf('(or keep refining)'))) && x.trimEnd().endsWith('claude>'), 'the apply at the prompt');
    t.type('exit');
    await t.done();
    expect(w.docker('inspect', '-f', '{{json .Config.Env}}', 'nginx')).toContain('"LOG_LEVEL=info"');
    expectSettled();
    // a list field (ports) reads as ports, not JSON; declined, nothing changes
    const n = commits().length;
    t.run('claude "move nginx to port 8080"');
    s = await t.waitFor((x) => x.slice(x.lastIndexOf('claude "move nginx to port 8080"')).includes('Apply these changes? [yes/no/modify]'), 'the port proposal');
    top = s.lastIndexOf('Proposed Changes');
    box = s.slice(top, s.indexOf('└', top));
    expect(box).toMatch(/│ {5}ports: 80 → 8080 \(container 80\)/);
    expect(box).not.toMatch(/[[{]"/);
    t.type('no');
    await t.done();
    expect(commits().length).toBe(n);
    expect(w.http(80)).toBe('200');
  });

  it('Test 3: docker stop nginx; "the website is down"; explain more; yes → restarted and verified', { timeout: 300_000 }, async () => {
    const t = await w.terminal('t3');
    // stopped on request three times in a few minutes: still "stopped", never "crash-looping"
    t.run('docker stop nginx && docker start nginx && docker stop nginx && docker start nginx && docker stop nginx');
    await t.done();
    expect(w.http(80)).toBe('000');
    t.run('claude "the website is down"');
    let s = await t.waitFor((x) => x.includes('Apply this fix? [yes/no/explain more]'), 'the fix prompt');
    expect(s).toContain('Let me investigate...');
    expect(s).toMatch(/Checking nginx\.\.\. ✗ Container exited/);
    expect(s).toMatch(/I found the problem: .*stopped/);
    expect(s).toContain('1. Restart nginx');
    expect(s).not.toMatch(/health check keeps failing/);
    expect(s).not.toMatch(/crash-looping/);
    t.type('explain more');
    s = await t.waitFor((x) => x.split('Apply this fix?').length - 1 >= 2, 'the second prompt');
    expect(s).toContain('Option 1 changes:');
    t.type('yes');
    await t.done();
    const out = t.last().slice(t.last().lastIndexOf('Apply this fix?'));
    expect(out).not.toContain('Nothing was changed.');
    expect(out).toMatch(/✓ Started nginx/);
    expect(out).toMatch(/✓ Website is now accessible at http:\/\/\S+/);
    expect(out).not.toMatch(/✗/);
    expect(await t.exitCode()).toBe(0);
    expect(w.http(80)).toBe('200');
    expect(commits()[0]).toContain('the website is down');
    expectSettled();
  });

  it('Test 7: a service with image nonexistent:latest fails to pull, is rolled back, nginx keeps running', { timeout: 300_000 }, async () => {
    const before = commits().length;
    const t = await w.terminal('t7');
    t.run(`claude "add a service called 'broken' using image 'nonexistent:latest'"`);
    const s = await t.waitFor((x) => x.includes('Apply these changes? [yes/no/modify]') || /\n\S*acc\$ $/.test(x + ' '), 'the proposal');
    expect(s).toMatch(/broken/);
    // the box names the service, not only its image
    expect(s.slice(s.lastIndexOf('Proposed Changes'))).toMatch(/│ \+ broken \(nonexistent:latest\)/);
    // and, before the question, that this host cannot get the image (no registry answers here)
    expect(s.slice(s.lastIndexOf('Proposed Changes'))).toContain('service broken needs image nonexistent:latest, which this host cannot get');
    t.type('yes');
    await t.done();
    const out = t.last();
    expect(out).toMatch(/nonexistent:latest/);
    expect(out).toMatch(/roll(ed)? ?back/i);
    expect(out).not.toContain('docs/images.md');
    // the pull error is said where the step fails and once in the summary, not a third time
    // on the rollback line; an image that never arrived is not "undone"
    expect(out).toContain('↺ Rolling back what this plan did so far');
    expect(out.split('pulling it failed').length - 1).toBe(2);
    expect(out).not.toMatch(/Undid: Ensure image nonexistent/);
    expect(await t.exitCode()).toBe(1);
    expect(w.docker('ps', '-a', '--format', '{{.Names}}').split('\n')).not.toContain('broken');
    expect(w.http(80)).toBe('200');
    expect(commits().length).toBe(before);
    expect(readFileSync(join(w.stateDir, 'services.yaml'), 'utf8')).not.toContain('broken');
    expectSettled();
  });

  it('Test 6: a corrupted services.yaml is refused at file:line:col, exit 1, nothing changes', { timeout: 300_000 }, async () => {
    const good = readFileSync(join(w.stateDir, 'services.yaml'), 'utf8');
    const t = await w.terminal('t6');
    t.run(`echo "invalid: yaml: {{{{" >> ${join(w.stateDir, 'services.yaml')}`);
    await t.done();
    t.run('claude validate');
    await t.done();
    expect(t.last()).toMatch(/services\.yaml:\d+:\d+: error CLA\d+/);
    expect(await t.exitCode()).toBe(1);
    t.run('claude "start nginx" --yes');
    await t.done();
    expect(t.last()).toMatch(/services\.yaml:\d+:\d+: error CLA\d+/);
    expect(t.last()).toContain('nothing was changed');
    expect(await t.exitCode()).toBe(1);
    t.run('claude apply');
    await t.done();
    expect(t.last()).toMatch(/services\.yaml:\d+:\d+: error/);
    expect(await t.exitCode()).toBe(1);
    expect(w.http(80)).toBe('200');
    // put it back: the system is as it was
    appendFileSync(join(w.dir, 'noop'), '');
    execFileSync('git', ['-C', w.stateDir, 'checkout', '--', 'services.yaml']);
    expect(readFileSync(join(w.stateDir, 'services.yaml'), 'utf8')).toBe(good);
    expectSettled();
  });

  it('Test 5: "stop all services", yes → stopped; claude rollback, pick the change before → nginx serves again', { timeout: 300_000 }, async () => {
    const t = await w.terminal('t5');
    t.run('claude "stop all services"');
    await t.waitFor((x) => /Apply these changes\? \[yes\/no\/modify\]|Proceed\? \[yes\/no\/modify\]/.test(x), 'the proposal');
    t.type('y');
    await t.done();
    expect(await t.exitCode()).toBe(0);
    expect(w.docker('inspect', '-f', '{{.State.Running}}', 'nginx')).toBe('false');
    expect(w.http(80)).toBe('000');
    expectSettled();
    t.run('claude rollback');
    const s = await t.waitFor((x) => x.includes('Roll back to which change?'), 'the list of changes');
    expect(s).toMatch(/stop all services/);
    // the list is newest first: 2 is the change before "stop all services"
    t.type('2');
    await t.waitFor((x) => /Roll back to [0-9a-f]{12}\? \[yes\/no\]/.test(x), 'the rollback plan');
    t.type('yes');
    await t.done();
    expect(await t.exitCode()).toBe(0);
    expect(w.docker('inspect', '-f', '{{.State.Running}}', 'nginx')).toBe('true');
    expect(commits()[0]).toMatch(/rollback to/);
    expectSettled();
  });

  it('Example 2: an orphaned container holds port 80; "the website is down", yes → orphan removed, nginx serves again', { timeout: 300_000 }, async () => {
    const hostId = w.docker('inspect', '-f', '{{index .Config.Labels "claude.os/host"}}', 'nginx');
    expect(hostId).not.toBe('');
    const t = await w.terminal('ex2');
    t.run('docker stop nginx');
    await t.done();
    // a container from a previous configuration of this host, still labelled as managed, takes port 80
    w.docker('run', '-d', '--name', 'apache2', '-l', 'claude.os/managed=true', '-l', 'claude.os/service=apache2', '-l', `claude.os/host=${hostId}`, '-p', '80:8000', 'claude-os-local/busybox:latest', 'httpd', '-f', '-p', '8000');
    t.run('claude "the website is down"');
    // two options (remove the orphan, or move nginx): the prompt also offers 1/2
    const s = await t.waitFor((x) => /Apply this fix\? \[yes\/no\/explain more(\/1\/2)?\]/.test(x), 'the fix prompt');
    const said = s.slice(s.lastIndexOf('claude "the website is down"'));
    expect(said).toContain('Let me investigate...');
    expect(said).toMatch(/Checking nginx\.\.\. ✗/);
    expect(said).toMatch(/orphaned container \('apache2', PID \d+\) from a previous configuration/);
    expect(said).toContain("1. Stop and remove the orphaned container 'apache2'");
    expect(said).toContain('2. Restart nginx');
    expect(said).not.toMatch(/crash-looping/);
    t.type('yes');
    await t.done();
    const out = t.last().slice(t.last().lastIndexOf('Apply this fix?'));
    expect(out).toMatch(/✓ Started nginx/);
    expect(out).toMatch(/✓ Website is now accessible at http:\/\/\S+/);
    expect(await t.exitCode()).toBe(0);
    expect(w.docker('ps', '-a', '--format', '{{.Names}}').split('\n')).not.toContain('apache2');
    expect(w.docker('inspect', '-f', '{{.State.Running}}', 'nginx')).toBe('true');
    expect(w.http(80)).toBe('200');
    expectSettled();
  });
});
