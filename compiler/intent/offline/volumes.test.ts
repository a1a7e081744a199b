import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});

interface Vol { name: string; path: string; size?: string; filesystem?: string; owner?: string }
interface Mount { source: string; target: string; readonly?: boolean }
const volumes = (files: StateFiles): Vol[] => (parse(files['storage.yaml'] ?? 'spec: {}') as { spec: { volumes?: Vol[] } }).spec.volumes ?? [];
const mountsOf = (files: StateFiles, svc: string): Mount[] =>
  ((parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: { name: string; volumes?: Mount[] }[] } }).spec.services.find((s) => s.name === svc)?.volumes ?? []);

// Round 18, my own wording: a volume said with a path. With a service named (or "it"), the path
// is where the volume appears inside the container, never a host path (and never refused as
// one); with none, it is the volume's directory on the host. A volume that exists is reused.
describe('volumes with a path', () => {
  const base = after('add a service called api using image ghcr.io/acme/api:1 on port 3000', 'add nginx', 'add postgres');
  const withFiles = (message: string, files = base) => {
    const r = say(message, files);
    expect(r.refused).toBeUndefined();
    return { r, files: { ...files, ...r.files } };
  };

  it.each([
    ['the api needs a volume called sessions at /var/lib/sessions', 'sessions', '/var/lib/sessions'],
    ['Mount A Volume Named Exports Into The API At /exports', 'exports', '/exports'],
    ['give api persistent storage at /app/data, name the volume api-files', 'api-files', '/app/data'],
    ['pls store /srv/uploads of the api on a volume, call it api-uploads', 'api-uploads', '/srv/uploads'],
    ['add redis, and give the api a volume named uploads at /srv/uploads', 'uploads', '/srv/uploads'],
  ])('%s', (message, name, target) => {
    const { files } = withFiles(message);
    expect(volumes(files)).toContainEqual({ name, path: `/data/${name}` });
    expect(mountsOf(files, 'api')).toEqual([{ source: name, target }]);
  });

  it('a container path under /usr is kept as typed and not read as a host path', () => {
    const { files } = withFiles('persist /usr/share/nginx/html');
    expect(mountsOf(files, 'nginx')).toEqual([{ source: 'nginx-html', target: '/usr/share/nginx/html' }]);
  });

  it('"it" is the service under discussion', () => {
    const files = after('add a service called billing using image ghcr.io/acme/billing:2');
    const r = say('give it a volume at /cache', files, [{ role: 'user', text: 'add a service called billing using image ghcr.io/acme/billing:2' }, { role: 'assistant', text: '+ billing: ghcr.io/acme/billing:2' }]);
    expect(mountsOf({ ...files, ...r.files }, 'billing')).toEqual([{ source: 'billing-cache', target: '/cache' }]);
  });

  it('an existing volume is reused, read only when said', () => {
    const files = { ...base, ...say('make a volume called reports', base).files };
    const { r, files: out } = withFiles('mount the reports volume into api at /srv/reports read-only', files);
    expect(volumes(out).filter((v) => v.name === 'reports')).toHaveLength(1);
    expect(r.files['storage.yaml']).toBeUndefined();
    expect(mountsOf(out, 'api')).toEqual([{ source: 'reports', target: '/srv/reports', readonly: true }]);
  });

  it("a service's data moved onto a named volume keeps its path inside and warns the new volume is empty", () => {
    const { r, files } = withFiles("move postgres's data onto a volume called pg-main");
    expect(mountsOf(files, 'postgres')).toEqual([{ source: 'pg-main', target: '/var/lib/postgresql/data' }]);
    expect(r.warnings?.join(' ')).toMatch(/not copied/);
  });

  it.each([
    ["make a 20 gig volume 'scratch' under /mnt/scratch, xfs", { name: 'scratch', path: '/mnt/scratch', size: '20Gi', filesystem: 'xfs' }],
    ['i want somewhere to store exports: /srv/exports, call it exports', { name: 'exports', path: '/srv/exports' }],
    ['new volume backups at /srv/backups owned by uid 1000', { name: 'backups', path: '/srv/backups', owner: '1000' }],
  ])('no service: the path is the host directory (%s)', (message, vol) => {
    expect(volumes(withFiles(message, {}).files)).toEqual([vol]);
  });

  it('several volumes in one request', () => {
    expect(volumes(withFiles('create volumes x-data, y-data and z-data', {}).files).map((v) => v.name)).toEqual(['x-data', 'y-data', 'z-data']);
  });

  it('a disk mounted on the host is a storage mount, never formatted', () => {
    const r = say("mount /dev/vdb at /srv/big, it's xfs");
    expect(r.refused).toBeUndefined();
    expect((parse(r.files['storage.yaml']!) as { spec: { mounts: unknown[] } }).spec.mounts).toEqual([{ source: '/dev/vdb', target: '/srv/big', type: 'xfs' }]);
  });

  it.each(['mount /etc into the api at /config', "mount the host's /var/lib into api at /data", 'mount /dev/sda into the api container', 'mount /var/run/docker.sock into nginx at /var/run/docker.sock'])('a host path into a container is still refused: %s', (message) => {
    expect(say(message, base).refused).toBeDefined();
  });
});

// The lead's walkthrough (round 23): "add a second redis called sessions for session storage" on
// a stack with redis moved the existing redis's /data onto a new volume "sessions" (and the
// compiler then refused redis-data's dump backup). "storage" said as what a new service is FOR is
// its purpose, never a volume for a service already there.
describe('storage said as a purpose', () => {
  const base = after('set up nginx, postgres and redis', 'add a service called api using image ghcr.io/acme/api:1 on port 3000');
  const services = (files: StateFiles) => (parse(files['services.yaml']!) as { spec: { services: { name: string; image: string }[] } }).spec.services;

  it.each([
    ['add a second redis called sessions for session storage', 'sessions', 'redis'],
    ['add another redis named sessions, for session storage', 'sessions', 'redis'],
    ['spin up one more redis called sess for the session storage', 'sess', 'redis'],
    ['add a second postgres called reports for report data storage', 'reports', 'postgres'],
    ['Add a second Redis called sessions for Session Storage please', 'sessions', 'redis'],
    ['also add a redis named tokens for token storage and a postgres named ledger for ledger storage', 'tokens', 'redis'],
  ])('%s: adds %s and leaves the existing services as they were', (message, added, image) => {
    const r = say(message, base);
    expect(r.refused).toBeUndefined();
    const files = { ...base, ...r.files };
    expect(services(files).find((s) => s.name === added)?.image).toContain(image);
    for (const s of ['nginx', 'postgres', 'redis', 'api']) expect(mountsOf(files, s)).toEqual(mountsOf(base, s));
    expect(volumes(files).map((v) => v.name)).toEqual(expect.arrayContaining(volumes(base).map((v) => v.name)));
  });

  it.each([
    ['give the api persistent storage at /app/data', '/app/data'],
    ['the api needs a volume at /srv/files for more storage', '/srv/files'],
    ['add a volume for extra storage to the api at /var/lib/extra', '/var/lib/extra'],
  ])('%s: still a volume for the api', (message, target) => {
    const r = say(message, base);
    expect(mountsOf({ ...base, ...r.files }, 'api').map((m) => m.target)).toContain(target);
  });
});
