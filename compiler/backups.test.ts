/**
 * storage.yaml `backup:` → the resolved backups → the `backup-<volume>` jobs of the schedule
 * table; the checks on them (CLA3040 destination inside the volume, CLA3041 a dump without a
 * database, CLA3042 a job named like a backup), at file:line:col.
 */
import { describe, expect, it } from 'vitest';
import { compileFiles } from './compile.js';
import { desiredJobs } from './planner.js';
import { databaseEngine } from './resolve.js';

const HEAD = (kind: string) => `apiVersion: claude.os/v1\nkind: ${kind}\nmetadata:\n  name: t\n`;
const services = HEAD('ServiceManifest') + `spec:
  services:
    - name: db
      image: postgres:16-alpine
      volumes: [{source: pgdata, target: /var/lib/postgresql/data}]
    - name: cache
      image: redis:7-alpine
      volumes: [{source: cache, target: /data}]
    - name: web
      image: nginx:alpine
      volumes: [{source: site, target: /usr/share/nginx/html}]
`;
const storage = (extra = '') => HEAD('StorageConfig') + `spec:
  volumes:
    - name: pgdata
      path: /data/pg
      backup: {type: dump, schedule: "0 2 * * *", retain: 3}
    - name: cache
      path: /data/cache
      backup: {type: dump}
    - name: site
      path: /data/site
      backup: {type: snapshot, destination: /mnt/backups}
${extra}`;

describe('backups in the plan', () => {
  it('every backup: becomes a backup-<volume> job with its database, services, retention and defaults', () => {
    const manifest = HEAD('SystemManifest') + 'spec:\n  backup: {retain: 5, schedule: "30 4 * * *"}\n';
    const r = compileFiles({ 'services.yaml': services, 'storage.yaml': storage(), 'manifest.yaml': manifest });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const jobs = desiredJobs(r.model!).filter((j) => j.backup);
    expect(jobs.map((j) => [j.name, j.schedule, j.backup])).toEqual([
      ['backup-cache', '30 4 * * *', { volume: 'cache', path: '/data/cache', type: 'dump', engine: 'redis', services: ['cache'], retain: 5 }],
      ['backup-pgdata', '0 2 * * *', { volume: 'pgdata', path: '/data/pg', type: 'dump', engine: 'postgres', services: ['db'], retain: 3 }],
      ['backup-site', '30 4 * * *', { volume: 'site', path: '/data/site', type: 'snapshot', services: ['web'], retain: 5, destination: '/mnt/backups' }],
    ]);
    expect(jobs.every((j) => j.command.length === 0)).toBe(true);
  });

  it('manifest spec.backup.enabled: false turns every backup off', () => {
    const r = compileFiles({ 'services.yaml': services, 'storage.yaml': storage(), 'manifest.yaml': HEAD('SystemManifest') + 'spec:\n  backup: {enabled: false}\n' });
    expect(desiredJobs(r.model!).filter((j) => j.backup)).toEqual([]);
  });

  it('refuses a destination inside the volume, a dump with no database, and a job named like a backup (file:line:col)', () => {
    const bad = storage(`    - name: logs
      path: /data/logs
      backup: {type: dump, destination: /data/logs/backups}
`);
    const scheduled = HEAD('ScheduledTasks') + 'spec:\n  jobs:\n    - name: backup-pgdata\n      schedule: "0 1 * * *"\n      command: ["true"]\n';
    const r = compileFiles({ 'services.yaml': services, 'storage.yaml': bad, 'scheduled.yaml': scheduled });
    const d = r.diagnostics.filter((x) => x.code.startsWith('CLA304')).map((x) => `${x.code}@${x.file}:${x.line}:${x.column} ${x.message}`);
    expect(d).toEqual([
      'CLA3042@scheduled.yaml:7:13 job backup-pgdata has the name of the scheduled backup of volume pgdata',
      'CLA3041@storage.yaml:18:22 volume logs: backup type dump needs a PostgreSQL or Redis service that mounts it; no service mounts it',
      'CLA3040@storage.yaml:18:41 volume logs: backup destination /data/logs/backups is inside volume logs (/data/logs), the volume it backs up',
    ]);
  });

  it('knows the databases by their image', () => {
    const e = (image: string) => databaseEngine({ image, resolvedImage: image });
    expect(['postgres:16-alpine', 'docker.io/library/postgres:15', 'claude-os-local/postgres:latest', 'postgis/postgis:16-3.4', 'timescale/timescaledb:latest-pg16'].map(e)).toEqual(['postgres', 'postgres', 'postgres', 'postgres', 'postgres']);
    expect(['redis:7', 'valkey/valkey:8', 'claude-os-local/redis:latest'].map(e)).toEqual(['redis', 'redis', 'redis']);
    expect(['nginx:alpine', 'mariadb:11', 'my-postgres-exporter:1'].map(e)).toEqual([undefined, undefined, undefined]);
  });
});
