/**
 * The runtime lists containers, networks, a container's networks and the reachable services in
 * code-point order (common/order.ts, STYLE rule 7), the same under every locale: it used
 * `localeCompare`, whose order follows LANG (and which sets up ICU's collator, ≈ 10 ms, on its
 * first call). Each locale runs in its own process (the locale is read at start) against the
 * real Docker Engine, on containers and networks this test creates, named per run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../common/paths.js';
import { compareCodePoints } from '../common/order.js';
import { LABEL_HOST, LABEL_MANAGED } from '../plan/types.js';

const run = randomBytes(4).toString('hex');
const hostId = `order-${run}`;
const prefix = `cord-${run}-`;
// upper case sorts before lower case by code point and after it (or beside it) by a collator; '-' and '_' are ignored by one
const suffixes = ['b', 'B', 'a_b', 'a-b', 'ab', 'I', 'i'];
const names = suffixes.map((s) => prefix + s);
const base = mkdtempSync(join(tmpdir(), `claude-order-${run}-`));
const image = 'claude-os-local/busybox:latest';

beforeAll(() => {
  const labels = ['--label', `${LABEL_MANAGED}=true`, '--label', `${LABEL_HOST}=${hostId}`];
  for (const n of names) execFileSync('docker', ['network', 'create', ...labels, n], { stdio: 'ignore' });
  for (const n of names) execFileSync('docker', ['create', '--name', n, ...labels, '--network', prefix + 'b', image, 'true'], { stdio: 'ignore' });
  // one container on every network: its recorded networks (the snapshot's) are listed in order too
  for (const n of names.filter((x) => x !== prefix + 'b')) execFileSync('docker', ['network', 'connect', n, prefix + 'ab'], { stdio: 'ignore' });
}, 120_000);

afterAll(() => {
  for (const n of names) spawnSync('docker', ['rm', '-f', n], { stdio: 'ignore' });
  for (const n of names) spawnSync('docker', ['network', 'rm', n], { stdio: 'ignore' });
  rmSync(base, { recursive: true, force: true });
});

describe('the runtime orders names by code point under every locale', () => {
  it('observe, a container record and the reachable list are the same under LANG=C and LANG=tr_TR.UTF-8', () => {
    const dist = (p: string) => JSON.stringify(pathToFileURL(join(packageRoot(), 'dist', p)).href);
    const payload = { steps: suffixes.map((s, i) => ({ id: `c${i}`, op: 'container.create', target: `container:${s}`, params: { name: s, service: s, state: 'running', ports: [{ container: 80, host: 8000 + i, protocol: 'tcp' }] }, dependsOn: [], risk: 'low' })) };
    const script = `Promise.all([import(${dist('runtime/drivers/docker.js')}), import(${dist('runtime/apply.js')})]).then(async ([d, a]) => {
      const engine = new d.DockerEngine({ root: ${JSON.stringify(join(base, 'root'))}, dataDir: ${JSON.stringify(join(base, 'data'))}, hostId: ${JSON.stringify(hostId)} });
      const o = await engine.observe();
      const mine = (xs) => xs.map((x) => x.name).filter((n) => n.startsWith(${JSON.stringify(prefix)}));
      const rec = await engine.inspectContainer(${JSON.stringify(prefix + 'ab')});
      console.log(JSON.stringify({
        containers: mine(o.containers), networks: mine(o.networks), recorded: mine(rec.networks),
        reachable: a.reachableOf(${JSON.stringify(payload)}).map((r) => r.service),
        collated: ${JSON.stringify(suffixes)}.slice().sort(new Intl.Collator().compare),
      }));
    })`;
    const runs = ['C', 'tr_TR.UTF-8'].map((lang) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, LANG: lang, LC_ALL: lang, ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}) } });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<'containers' | 'networks' | 'recorded' | 'reachable' | 'collated', string[]>;
    });
    const want = [...names].sort(compareCodePoints);
    expect(want).toStrictEqual([prefix + 'B', prefix + 'I', prefix + 'a-b', prefix + 'a_b', prefix + 'ab', prefix + 'b', prefix + 'i']);
    for (const r of runs) {
      expect(r.containers).toStrictEqual(want);
      expect(r.networks).toStrictEqual(want);
      expect(r.recorded).toStrictEqual(want);
      expect(r.reachable).toStrictEqual([...suffixes].sort(compareCodePoints));
      // a collator orders these names otherwise: the test would see a locale order
      expect(r.collated).not.toStrictEqual([...suffixes].sort(compareCodePoints));
    }
  }, 120_000);
});
