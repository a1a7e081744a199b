import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileFiles } from '../../compiler/compile.js';
import { renderDiagnostic } from '../../compiler/diagnostics.js';
import { instantiate, listTemplates } from '../index.js';
import { AppCatalogError, findAppMentions, instantiateApp, loadAppCatalog } from './catalog.js';

const doc = (kind: string, spec: unknown) => stringify({ apiVersion: 'claude.os/v1', kind, metadata: { name: 'test' }, spec });

describe('stdlib-templates/apps: the catalogue of well-known apps', () => {
  const catalog = loadAppCatalog();
  const runnable = catalog.apps.filter((a) => !a.template && !a.unsupported);
  const tmp = mkdtempSync(join(tmpdir(), 'claude-app-catalog-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds at least 60 runnable apps, each with an image and tag', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(60);
    for (const a of runnable) expect(a.image, a.name).toMatch(/:[A-Za-z0-9_.-]+$/);
  });

  it('a template entry names a template that exists', () => {
    for (const a of catalog.apps.filter((x) => x.template)) expect(listTemplates(), a.name).toContain(a.template);
  });

  it('every runnable app, with its data services, compiles through the full compiler', () => {
    const pg = instantiate('postgres');
    const maria = instantiate('mariadb');
    const redis = instantiate('redis');
    const data = {
      postgres: { service: 'postgres', password: '${secrets.postgres_password}' },
      mariadb: { service: 'mariadb', password: '${secrets.mariadb_root_password}' },
      redis: { service: 'redis', password: '' },
    };
    for (const app of runnable) {
      const inst = instantiateApp(app, { data });
      const services = [inst.service, { ...pg.service, environment: { POSTGRES_PASSWORD: '${secrets.postgres_password}' } }, maria.service, redis.service];
      const secrets = ['postgres_password', 'mariadb_root_password', ...inst.secrets.map((s) => s.name)];
      const files = {
        'services.yaml': doc('ServiceManifest', { services }),
        'storage.yaml': doc('StorageConfig', { volumes: [...inst.volumes, ...pg.volumes, ...maria.volumes, ...redis.volumes] }),
        'security.yaml': doc('SecurityConfig', { secrets: secrets.map((name) => ({ name, value: 'encrypted:v1:AAAA' })) }),
      };
      const r = compileFiles(files);
      expect(r.diagnostics.filter((d) => d.severity === 'error').map(renderDiagnostic), app.name).toEqual([]);
      expect(inst.service.image).toBe(app.image);
      // Passwords are only ever references to generated secrets.
      for (const s of inst.secrets) expect(Object.values(inst.service.environment ?? {})).toContain(`\${secrets.${s.name}}`);
      for (const kind of app.requires ?? []) expect(inst.service.depends_on, `${app.name} depends on ${kind}`).toContain(kind);
    }
  });

  it('data services publish on 127.0.0.1 only', () => {
    for (const a of runnable.filter((x) => ['database', 'cache', 'queue'].includes(x.role!))) {
      for (const p of instantiateApp(a).service.ports ?? []) expect(p.host_ip, a.name).toBe('127.0.0.1');
    }
  });

  it('finds apps by the words people type, the longest alias first', () => {
    const names = (t: string) => findAppMentions(t).map((m) => m.app.name);
    expect(names('pi-hole and Home Assistant please')).toEqual(['pihole', 'home-assistant']);
    expect(names('set up hass with paperless ngx')).toEqual(['home-assistant', 'paperless-ngx']);
    expect(names('apache superset on 8088')).toEqual(['superset']);
    expect(names('apache on 8080')).toEqual(['httpd']);
    expect(names('uptimekuma')).toEqual(['uptime-kuma']);
    expect(names('an image like ghcr.io/acme/gitea-backup:1 or my-jellyfin-fork')).toEqual([]);
  });

  it('a port asked by its word goes to that port, otherwise to the main one; a name and memory are taken', () => {
    const minio = catalog.apps.find((a) => a.name === 'minio')!;
    const i = instantiateApp(minio, { name: 'objects', hostPorts: [{ port: 9101, word: 'console' }], memory: '512Mi' });
    expect(i.service.ports).toEqual([{ host: 9000, container: 9000 }, { host: 9101, container: 9001 }]);
    expect(i.service.name).toBe('objects');
    expect(i.service.resources?.memory).toBe('512Mi');
    expect(i.secrets).toEqual([{ name: 'objects_root_password', purpose: 'objects (MINIO_ROOT_PASSWORD)' }]);
    const pihole = catalog.apps.find((a) => a.name === 'pihole')!;
    expect(instantiateApp(pihole, { hostPorts: [{ port: 8053 }] }).service.ports).toEqual([{ host: 8053, container: 80 }]);
  });

  it('a malformed catalogue is an error naming the entry and the field', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, stringify({ version: 1, apps: [{ name: 'thing', aliases: ['thing'], image: 'thing:1', role: 'app', ports: [{ container: 70000 }] }] }));
    expect(() => loadAppCatalog(bad)).toThrow(AppCatalogError);
    expect(() => loadAppCatalog(bad)).toThrow(/app "thing" \/apps\/0\/ports\/0\/container must be <= 65535/);
    const dup = join(tmp, 'dup.yaml');
    writeFileSync(dup, stringify({ version: 1, apps: [{ name: 'a1', aliases: ['same'], template: 'nginx' }, { name: 'b1', aliases: ['same'], template: 'caddy' }] }));
    expect(() => loadAppCatalog(dup)).toThrow(/"same" names both a1 and b1/);
  });
});
