import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { observe } from './snapshot.js';
import { hostFileDigest, hostFilesHash, scheduleHash, firewallObservedHash } from '../../plan/host-state.js';
import { validateObservedState } from '../../plan/schema.js';
import { resourceFingerprints } from '../../plan/fingerprint.js';

const docker = new Docker();
const suffix = randomBytes(4).toString('hex');
const netName = `claude-test-obs-${suffix}`;
const ctrName = `claude-test-obs-${suffix}`;
const plainName = `claude-test-plain-${suffix}`;
const IMAGE = 'claude-os-local/busybox:latest';
/** This run's instance: what it "manages" carries its host id (claude.os/host). */
const HOST = `host-${randomBytes(8).toString('hex')}`;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claude-obs-'));
  await docker.createNetwork({ Name: netName, Driver: 'bridge', Internal: true, Labels: { 'claude.os/managed': 'true', 'claude.os/host': HOST } });
  const c = await docker.createContainer({
    name: ctrName,
    Image: IMAGE,
    Cmd: ['sleep', '300'],
    Labels: { 'claude.os/managed': 'true', 'claude.os/service': 'obs', 'claude.os/replica': '1', 'claude.os/config-hash': 'a'.repeat(64), 'claude.os/host': HOST },
    ExposedPorts: { '8080/tcp': {} },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  await c.start();
  await docker.createContainer({ name: plainName, Image: IMAGE, Cmd: ['true'] });
}, 60_000);

afterAll(async () => {
  for (const n of [ctrName, plainName]) await docker.getContainer(n).remove({ force: true }).catch(() => undefined);
  await docker.getNetwork(netName).remove().catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('observe (real dockerd)', () => {
  it('lists managed and unmanaged containers, managed networks, images, and the data-dir records', async () => {
    const dataDir = join(dir, 'data');
    const root = join(dir, 'root');
    mkdirSync(join(root, 'data/pg'), { recursive: true });
    chmodSync(join(root, 'data/pg'), 0o700);
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc/hostname'), 'box\n');
    chmodSync(join(root, 'etc/hostname'), 0o644);
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'volumes.json'), JSON.stringify({ volumes: { pg: { path: '/data/pg' }, gone: { path: '/data/gone', permissions: '755' } } }));
    writeFileSync(join(dataDir, 'host-files.json'), JSON.stringify({ files: { '/etc/hostname': '0644', '/etc/timezone': '0644' } }));
    const jobs = [{ name: 'j', schedule: '0 * * * *', command: ['true'], timeoutMs: 1000 }];
    writeFileSync(join(dataDir, 'schedule.json'), JSON.stringify({ jobs }));
    writeFileSync(join(dataDir, 'firewall.json'), JSON.stringify({ rulesetHash: 'r'.repeat(64), tableHash: 't'.repeat(64) }));

    const o = await observe({ docker, dataDir, root, hostId: HOST, stateCommit: null, nft: { observe: async () => ({ hash: 't'.repeat(64), inputPolicy: 'drop' as const }) } });
    expect(validateObservedState(o)).toEqual([]);

    const c = o.containers.find((x) => x.name === ctrName)!;
    expect(c).toMatchObject({ managed: true, service: 'obs', replica: 1, configHash: 'a'.repeat(64), image: IMAGE, status: 'running', health: 'none' });
    expect(c.ports).toHaveLength(1);
    expect(c.ports[0]).toMatchObject({ container: 8080, protocol: 'tcp', hostIp: '127.0.0.1' });
    expect(c.ports[0]!.host).toBeGreaterThan(0);
    const plain = o.containers.find((x) => x.name === plainName)!;
    expect(plain).toMatchObject({ managed: false, status: 'created' });
    expect(plain.service).toBeUndefined();

    const n = o.networks.find((x) => x.name === netName)!;
    expect(n).toMatchObject({ managed: true, driver: 'bridge', internal: true });
    expect(o.networks.find((x) => x.name === 'bridge')?.managed).toBe(false);
    expect(o.images).toContain(IMAGE);
    expect(o.containers.map((x) => x.name)).toEqual([...o.containers.map((x) => x.name)].sort());

    expect(o.volumes).toEqual([
      { name: 'gone', path: '/data/gone', exists: false, permissions: '0755' },
      { name: 'pg', path: '/data/pg', exists: true, permissions: '0700' },
    ]);
    expect(o.hostFiles).toEqual({ '/etc/hostname': hostFileDigest('box\n', '0644') });
    expect(o.hostFilesHash).toBe(hostFilesHash({ '/etc/hostname': hostFileDigest('box\n', '0644') }));
    expect(o.scheduleHash).toBe(scheduleHash(jobs));
    // the live table is what Claude.OS loaded: the recorded ruleset hash is reported
    expect(o.firewall).toEqual({ present: true, hash: 'r'.repeat(64), inputPolicy: 'drop' });
    expect(firewallObservedHash('x'.repeat(64), { rulesetHash: 'r'.repeat(64), tableHash: 't'.repeat(64) })).toBe('x'.repeat(64));

    const fp = resourceFingerprints(o);
    expect(Object.keys(fp)).toContain(`container/${ctrName}`);
    expect(Object.keys(fp)).not.toContain(`container/${plainName}`);
  }, 60_000);

  it('a stopped managed container changes its fingerprint (stale-plan input)', async () => {
    const dataDir = join(dir, 'data2');
    const before = resourceFingerprints(await observe({ docker, dataDir, root: dir, hostId: HOST, stateCommit: null }));
    await docker.getContainer(ctrName).stop({ t: 0 });
    const after = await observe({ docker, dataDir, root: dir, hostId: HOST, stateCommit: null });
    expect(after.containers.find((x) => x.name === ctrName)?.status).toBe('exited');
    expect(resourceFingerprints(after)[`container/${ctrName}`]).not.toBe(before[`container/${ctrName}`]);
    expect(after.firewall).toEqual({ present: false, hash: null, inputPolicy: null });
  }, 60_000);
});
