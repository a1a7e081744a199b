/**
 * Acceptance: the spec's Testing Scenarios 1, 3, 5, 6 and 7 and Example Conversation 2 (and
 * configuration changes: an environment variable, a port), typed at a terminal as a person
 * types them (test/acceptance/world.ts: a private Docker Engine in a network namespace, the
 * real bin/claude in tmux). Each asserts what is on the screen and what the system did, and
 * after each successful apply that `claude plan --detailed-exitcode` exits 0 (settled).
 * The scenarios build on each other in order, as on one host.
 *
 * The scenarios that need no Docker-only feature are written once in ./scenarios.ts and run on
 * containerd too (./web.containerd.test.ts); Test 3 and Example 2 type `docker` commands at the
 * terminal (`docker stop nginx`, an orphan made with `docker run`) and stay here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './world.js';
import { changedFields, commits as commitsOf, configChange, expectSettled as settled, test1BasicWebServer, test5StopAllAndRollBack, test6CorruptServices, test7MissingImage } from './scenarios.js';

let w: World;

beforeAll(async () => {
  w = await startWorld('web');
}, 180_000);

afterAll(() => w?.stop(), 120_000);

const expectSettled = () => settled(w);
const commits = () => commitsOf(w);

describe.sequential('Testing Scenarios 1, 3, 5, 6, 7', () => {
  it('Test 1: "set up a basic web server", yes → nginx answers on 80 and is healthy', { timeout: 300_000 }, () => test1BasicWebServer(w));

  it('a changed service is named with its fields old → new; asked again, it is already so (issue 11, defects 9, 10, 15)', { timeout: 300_000 }, () => changedFields(w));

  it('a configuration change typed at the shell and at the claude> prompt is a change, not troubleshooting; list fields read as a person reads them', { timeout: 300_000 }, () => configChange(w));

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

  it('Test 7: a service with image nonexistent:latest fails to pull, is rolled back, nginx keeps running', { timeout: 300_000 }, () => test7MissingImage(w));

  it('Test 6: a corrupted services.yaml is refused at file:line:col, exit 1, nothing changes', { timeout: 300_000 }, () => test6CorruptServices(w));

  it('Test 5: "stop all services", yes → stopped; claude rollback, pick the change before → nginx serves again', { timeout: 300_000 }, () => test5StopAllAndRollBack(w));

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
