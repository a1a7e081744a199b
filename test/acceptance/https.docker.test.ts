/**
 * Acceptance: `claude "set up https for example.test"` typed at a terminal (tmux, the real
 * bin/claude, a private Docker Engine in a network namespace: test/acceptance/world.ts), then
 * the certificate issued by Pebble (Let's Encrypt's ACME test server, run inside the same
 * namespace on its usual ports, its DNS pointing every name at 127.0.0.1) and served by
 * nginx. Pebble's HTTP-01 check comes to port 80, which nginx publishes, so this is the
 * production path: the token is answered from the webroot in the certificate's directory
 * through the nginx server block Claude.OS wrote (docs/certificates.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSigned } from '../../runtime/certs/selfsigned.js';
import { startWorld, type World } from './world.js';
import { until } from '../../runtime/testutil/cli-host.js';

let w: World;
const procs: ChildProcess[] = [];

beforeAll(async () => {
  w = await startWorld('https');
  const listener = await selfSigned(['localhost', '127.0.0.1'], { now: new Date(), days: 2, commonName: 'pebble listener' });
  writeFileSync(join(w.dir, 'pebble-cert.pem'), listener.certPem);
  writeFileSync(join(w.dir, 'pebble-key.pem'), listener.keyPem, { mode: 0o600 });
  writeFileSync(
    join(w.dir, 'pebble-config.json'),
    JSON.stringify({ pebble: { listenAddress: '127.0.0.1:14000', managementListenAddress: '127.0.0.1:15000', certificate: join(w.dir, 'pebble-cert.pem'), privateKey: join(w.dir, 'pebble-key.pem'), httpPort: 80, tlsPort: 5001, ocspResponderURL: '', externalAccountBindingRequired: false } }),
  );
  const ns = `--net=/run/netns/${w.ns}`;
  procs.push(spawn('nsenter', [ns, 'pebble-challtestsrv', '-dns01', '127.0.0.1:8053', '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', '127.0.0.1:8055', '-defaultIPv4', '127.0.0.1', '-defaultIPv6', ''], { stdio: 'ignore', cwd: w.dir }));
  procs.push(spawn('nsenter', [ns, 'pebble', '-config', join(w.dir, 'pebble-config.json'), '-dnsserver', '127.0.0.1:8053'], { stdio: 'ignore', cwd: w.dir, env: { ...process.env, PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0' } }));
  await until('pebble', () => (w.inNs(['curl', '-sf', '--cacert', join(w.dir, 'pebble-cert.pem'), 'https://127.0.0.1:14000/dir']).code === 0 ? true : undefined));
  const root = w.inNs(['curl', '-sf', '--cacert', join(w.dir, 'pebble-cert.pem'), 'https://127.0.0.1:15000/roots/0']);
  expect(root.code).toBe(0);
  writeFileSync(join(w.dir, 'pebble-root.pem'), root.out);
}, 180_000);

afterAll(async () => {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? undefined : new Promise((r) => p.once('exit', r)))));
  await w?.stop();
}, 120_000);

describe.sequential('set up https', () => {
  it('"set up https for example.test", yes → nginx on 80 and 443 with a placeholder; `claude certs renew` → Pebble issues it and curl --cacert <Pebble root> succeeds', { timeout: 300_000 }, async () => {
    const t = await w.terminal('https');
    t.run('claude "set up https for example.test"');
    let s = await t.waitFor((x) => /\[yes\/no\/modify\]/.test(x), 'the proposal');
    expect(s).toMatch(/\+ certificate example-test: example\.test \(letsencrypt, renewed automatically/);
    expect(s).toMatch(/\+ nginx\b.*ports? 80, 443/);
    t.type('yes');
    await t.done();
    const applied = t.last();
    expect(await t.exitCode(), applied).toBe(0);
    expect(applied).toMatch(/Started nginx \(healthy\)/);

    // Until it is issued, nginx serves the self-signed placeholder: TLS works, nobody trusts it.
    expect(w.inNs(['curl', '-sk', '-o', '/dev/null', '-w', '%{http_code}', '--resolve', 'example.test:443:127.0.0.1', 'https://example.test/']).out).toBe('200');
    expect(w.inNs(['curl', '-s', '--cacert', join(w.dir, 'pebble-root.pem'), '--resolve', 'example.test:443:127.0.0.1', 'https://example.test/']).code).not.toBe(0);
    expect(w.claude('certs').out).toMatch(/example-test {2}example\.test {2}placeholder/);

    t.run(`CLAUDE_ACME_DIRECTORY=https://127.0.0.1:14000/dir CLAUDE_ACME_CA_FILE=${join(w.dir, 'pebble-cert.pem')} claude certs renew`);
    await t.done(120_000);
    const renewed = t.last();
    expect(renewed).toMatch(/example-test: issued \(not issued yet .*\); valid until \S+; reloaded nginx/);
    // Port 80 belongs to nginx: the responder stood aside and the webroot answered.
    expect(renewed).toMatch(/cannot listen on \*:80 \(EADDRINUSE\)[\s\S]*webroot/);
    expect(await t.exitCode(), renewed).toBe(0);

    const served = await until('nginx to serve the issued certificate', () => {
      const r = w.inNs(['curl', '-sS', '--cacert', join(w.dir, 'pebble-root.pem'), '--resolve', 'example.test:443:127.0.0.1', 'https://example.test/']);
      return r.code === 0 ? r.out : undefined;
    });
    expect(served).toMatch(/claude-os-local\/web is serving/);
    const list = JSON.parse(w.claude('certs', '--json').out) as { certificates: { name: string; source: string; issuer: string }[] };
    expect(list.certificates).toEqual([expect.objectContaining({ name: 'example-test', source: 'acme', issuer: expect.stringMatching(/Pebble/) })]);
    expect(readFileSync(join(w.dataDir, 'certs/example-test/cert.json'), 'utf8')).toMatch(/"source": "acme"/);
  });
});
