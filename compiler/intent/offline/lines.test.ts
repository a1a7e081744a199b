import { describe, expect, it } from 'vitest';
import { runOfflineEngine } from './engine.js';
import { foldAddedServiceLines, foldAddedUserLines, foldBackupRetentionLines, foldUnappliedServiceLines, withoutOwnRestatements } from './lines.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const said = (message: string) =>
  runOfflineEngine({ message, files: {}, history: [], secretNames: [], imageCatalog: {}, now: NOW })
    .explanation.split('\n')
    .filter((l) => /^ {2}[+~] /.test(l))
    .map((l) => l.trim());

// A service this request adds is said once: a later clause's port, image, memory or CPU
// change is part of its + line (it was a second ~ line under a + line that said the old port).
describe('a new service is said once, as the request leaves it', () => {
  it.each([
    ['set up a web server with nginx on port 8080', ['+ nginx: nginx:alpine → port 8080 (container 80)']],
    ['deploy registry.local:5000/team/api:1.2 and call it api. host port 9000 -> container 3000', ['+ api: registry.local:5000/team/api:1.2 → port 9000 (container 3000)']],
    ['Add Redis with a 512 MB memory limit and half a CPU', ['+ redis: redis:7-alpine → port 127.0.0.1:6379, volume redis-data (/data/redis), memory limit 512Mi, CPU limit 0.5 cores']],
    ['add redis but keep it off the host', ['+ redis: redis:7-alpine, volume redis-data (/data/redis), no host port (no other service shares a network with it, so none reaches it by name)']],
    ['add nginx on 8081 and a postgres nobody outside can reach', ['+ nginx: nginx:alpine → port 8081 (container 80)', '+ postgres: postgres:16-alpine, volume postgres-data (/data/postgres), no host port (reachable by name from the services on its network only)', '+ network webstack: a private network where the services reach each other by name']],
    ['update nginx to 1.27.3', ['+ nginx: nginx:1.27.3-alpine → port 80']],
    ['bump nginx to 2 replicas', ['+ nginx: nginx:alpine, 2 replicas, no host port (2 containers cannot share a host port)']],
  ])('%s', (message, lines) => {
    expect(said(message)).toEqual(lines);
  });

  it('a service that was there keeps its ~ line', () => {
    const lines = foldAddedServiceLines(['+ web: nginx:alpine → port 80', '~ db: memory limit 1Gi (was 512Mi)'], ['web'], () => ({ name: 'web', image: 'nginx:alpine', ports: [{ host: 80, container: 80 }] }) as never);
    expect(lines).toEqual(['+ web: nginx:alpine → port 80', '~ db: memory limit 1Gi (was 512Mi)']);
  });
});

// A user this request adds is said once too: its groups and sudo are part of its + line (it
// said `+ user bob (…)` and then `~ user bob: member of group docker`).
describe('a new user is said once, with its groups and sudo', () => {
  it.each([
    ['add a user lw14bob in the docker group', ['+ user lw14bob (security.yaml; needs your explicit approval)', 'member of group docker']],
    ['create user dave, put him in the docker group', ['+ user dave', 'member of group docker']],
    ['add user erin with sudo', ['+ user erin', 'may use sudo']],
  ])('%s', (message, [start, part]) => {
    const lines = said(message).filter((l) => l.includes('user '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(start!.replace(' (security.yaml; needs your explicit approval)', ''));
    expect(lines[0]).toContain(part);
    expect(lines[0]).toMatch(/\(security\.yaml; needs your explicit approval\)$/);
  });

  it('a user that was there keeps its ~ line; the change goes before the parenthesis', () => {
    expect(foldAddedUserLines(['~ user amy: member of group adm', '+ user bob (security.yaml; needs your explicit approval)', '~ user bob: member of group docker', '~ user bob: may use sudo'])).toEqual([
      '~ user amy: member of group adm',
      '+ user bob, member of group docker, may use sudo (security.yaml; needs your explicit approval)',
    ]);
  });
});

// A backup said with its retention in the same request is one line with the count kept (it
// said "last 7 kept" and then "the last 3 backups kept").
describe('a backup and its retention in one request are said once', () => {
  it.each([
    ['set up postgres called lw14db with daily backups, keep 3', 'lw14db-data', 3],
    ['add postgres with nightly backups and keep 10 of them', 'postgres-data', 10],
    ['postgres please, back it up every day at 2am, retain 5 backups', 'postgres-data', 5],
  ])('%s', (message, volume, kept) => {
    const lines = said(message).filter((l) => l.startsWith(`~ volume ${volume}:`));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`backed up .*, last ${kept} kept`));
  });

  it('a retention change of a volume backed up before keeps its own line', () => {
    expect(foldBackupRetentionLines(['~ volume a: backed up every day at 03:00 (0 3 * * *), last 7 kept (x)', '~ volume b: the last 3 backups kept'])).toEqual([
      '~ volume a: backed up every day at 03:00 (0 3 * * *), last 7 kept (x)',
      '~ volume b: the last 3 backups kept',
    ]);
  });
});

// "…, back up the database every night at 2, keep a week" on an empty machine said the week
// twice: in the backup line, and as "Already so (left as it is): volume postgres-data: the last 7
// backups kept", about a volume this request makes. The walkthrough of 2026-12-06 met it.
describe('nothing this request makes is called already so', () => {
  const run = (message: string, files: Record<string, string> = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
  const explain = (message: string, files: Record<string, string> = {}) => run(message, files).explanation;
  it.each([
    'I run a small shop: nginx in front, postgres for the orders and redis as a cache, back up the database every night at 2, keep a week',
    'postgres with backups every night at 1, keep 7',
    'add redis, back it up daily, retain a week',
  ])('%s', (message) => {
    const e = explain(message);
    expect(e).toMatch(/backed up every day at .*last 7 kept/);
    expect(e).not.toMatch(/Already so/);
  });
  it('a retention equal to the one already set on an existing backup is still said as already so', () => {
    const first = run('postgres with nightly backups, keep 7');
    const e = explain('keep 7 backups of postgres', first.files);
    expect(e).toMatch(/Already so[^\n]*:\n\s+volume postgres-data: the last 7 backups kept/);
  });
  it('withoutOwnRestatements keeps a retention that differs and lines about services made before', () => {
    const lines = ['+ redis: redis:7-alpine', '~ volume redis-data: backed up every day at 03:00 (0 3 * * *), last 7 kept (redis BGSAVE)'];
    expect(withoutOwnRestatements(['~ volume redis-data: the last 7 backups kept', 'volume pg: the last 7 backups kept', 'redis: memory limit 256Mi', 'web: runs nginx'], lines, ['redis'])).toEqual(['volume pg: the last 7 backups kept', 'web: runs nginx']);
  });
});

describe('a service not on the machine is said as an add', () => {
  it('its ~ lines become one + line with its current values, no "(was …)"; a service on the machine keeps its ~ lines', () => {
    const web = { name: 'web', image: 'nginx:alpine', ports: [{ host: 8080, container: 80 }], resources: { memory: '512Mi', cpu: '0.5' }, command: ['nginx'] };
    const lines = foldUnappliedServiceLines(['~ db: memory limit 1Gi (was 512Mi)', '~ web: memory limit 512Mi (was 256Mi)', '~ web: command nginx (run inside its container, instead of the image\'s default)'], ['web'], (n) => (n === 'web' ? web : undefined) as never);
    expect(lines).toEqual(['~ db: memory limit 1Gi (was 512Mi)', "+ web: nginx:alpine → port 8080 (container 80), memory limit 512Mi, CPU limit 0.5, command nginx (run inside its container, instead of the image's default)"]);
    // The same through the engine: web in the files, the observation has only db.
    const files = { 'services.yaml': `apiVersion: claude.os/v1
kind: ServiceManifest
metadata:
  name: s
spec:
  services:
    - name: web
      image: nginx:alpine
      ports:
        - host: 8080
          container: 80
      resources:
        memory: 256Mi
    - name: db
      image: redis:7
` };
    const run = (observed: string[]) =>
      runOfflineEngine({ message: 'give web 512MB of memory', files, history: [], secretNames: [], imageCatalog: {}, now: NOW, summary: { services: observed.map((name) => ({ name, image: 'x', state: 'running' })) } })
        .explanation.split('\n')
        .filter((l) => /^ {2}[+~] /.test(l))
        .map((l) => l.trim());
    expect(run(['db'])).toEqual(['+ web: nginx:alpine → port 8080 (container 80), memory limit 512Mi']);
    expect(run(['db', 'web'])).toEqual(['~ web: memory limit 512Mi (was 256Mi)']);
  });
});
