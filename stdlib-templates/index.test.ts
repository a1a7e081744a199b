import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { instantiate, listTemplates, loadTemplate, TemplateError } from './index.js';
import { compileFiles } from '../compiler/compile.js';
import { renderDiagnostic } from '../compiler/diagnostics.js';

const REQUIRED = ['caddy', 'grafana', 'mariadb', 'mysql', 'nginx', 'postgres', 'prometheus', 'redis', 'webapp', 'wordpress'];

function filesFor(instances: ReturnType<typeof instantiate>[], secrets: string[] = []) {
  const doc = (kind: string, spec: unknown) => stringify({ apiVersion: 'claude.os/v1', kind, metadata: { name: 'test' }, spec });
  const files: Record<string, string> = {
    'services.yaml': doc('ServiceManifest', { services: instances.map((i) => i.service) }),
    'storage.yaml': doc('StorageConfig', { volumes: instances.flatMap((i) => i.volumes) }),
  };
  if (secrets.length) {
    files['security.yaml'] = doc('SecurityConfig', { secrets: secrets.map((name) => ({ name, value: 'encrypted:v1:AAAA' })) });
  }
  return files;
}

describe('stdlib-templates', () => {
  it('has every template the spec needs', () => {
    expect(listTemplates()).toEqual(expect.arrayContaining(REQUIRED));
  });

  for (const name of REQUIRED) {
    it(`${name}: the defaults compile through the full compiler`, () => {
      const params = name === 'webapp' ? { image: 'ghcr.io/acme/app:1.2' } : {};
      const insts = [instantiate(name, params)];
      if (name === 'wordpress') insts.push(instantiate('mariadb'));
      const secrets = name === 'mariadb' ? ['mariadb_root_password'] : name === 'wordpress' ? ['mariadb_root_password', 'wordpress_db_password'] : name === 'mysql' ? ['mysql_root_password'] : [];
      const r = compileFiles(filesFor(insts, secrets));
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map(renderDiagnostic)).toEqual([]);
      const svc = r.model!.services.find((s) => s.name === insts[0]!.service.name)!;
      expect(svc.image).toBe(insts[0]!.service.image);
      expect(loadTemplate(name).summary.length).toBeGreaterThan(5);
    });
  }

  it('fills typed parameters: ports become numbers, names and sizes are substituted', () => {
    const i = instantiate('postgres', { name: 'db', host_port: '15432', memory: '1Gi' });
    expect(i.service.name).toBe('db');
    expect(i.service.ports![0]).toEqual({ host: 15432, container: 5432, host_ip: '127.0.0.1' });
    expect(i.service.resources!.memory).toBe('1Gi');
    expect(i.service.volumes![0]!.source).toBe('db-data');
    expect(i.volumes[0]).toMatchObject({ name: 'db-data', path: '/data/db' });
  });

  it('a parameter value cannot change the structure of the fragment', () => {
    const i = instantiate('webapp', { image: 'x:1', name: 'app' });
    expect(Object.keys(i.service).sort()).toEqual(['image', 'name', 'ports', 'resources', 'restart']);
  });

  it('says which parameter is wrong and what it expects', () => {
    expect(() => instantiate('nginx', { http_port: 70000 })).toThrow(/parameter 'http_port' is '70000', expected a number from 1 to 65535/);
    expect(() => instantiate('nginx', { name: 'Bad Name' })).toThrow(TemplateError);
    expect(() => instantiate('nginx', { colour: 'red' })).toThrow(/unknown parameter 'colour'/);
    expect(() => instantiate('webapp')).toThrow(/parameter 'image' is required/);
    expect(() => instantiate('../etc/passwd')).toThrow(/no template named/);
  });
});
