/**
 * dangerousMount's quick rejection (a path that shares no first component with a dangerous
 * path and is not one of them or a parent of one) gives exactly what the two passes over
 * DANGEROUS_HOST_PATHS give, on the listed paths, their parents and children, look-alikes and
 * random paths.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DANGEROUS_HOST_PATHS, dangerousMount } from './trust.js';

/** The rule written out: the passes over the list for every path (before the quick rejection). */
function reference(source: string): string | null {
  if (!source.startsWith('/')) return null;
  const p = source.replace(/\/+$/, '') || '/';
  if (p === '/') return 'the whole host file system';
  if (/(^|\/)(docker|containerd|podman|crio)\.sock$/.test(p)) return 'a container engine socket (root on the host)';
  const under = (a: string, dir: string) => a === dir || a.startsWith(dir + '/');
  for (const d of DANGEROUS_HOST_PATHS) if (under(p, d.path)) return d.what;
  for (const d of DANGEROUS_HOST_PATHS) if (under(d.path, p)) return `${d.path} (${d.what}) is inside it`;
  return null;
}

describe('dangerousMount', () => {
  it('agrees with the passes over the list on the listed paths, their parents, children and look-alikes', () => {
    const paths = new Set<string>(['/', '//', 'relative/etc', '/srv/data/1', '/srv', '/data', '/data/', '/data/app', '/var', '/var/', '/var/lib', '/var/lib/dockerx', '/etcetera', '/etc2/x', '/usr2', '/run/dock', '/var//run', '/var/run//docker.sock']);
    for (const { path } of DANGEROUS_HOST_PATHS) {
      for (let at = path.length; at > 0; at = path.lastIndexOf('/', at - 1)) paths.add(path.slice(0, at));
      paths.add(path + '/');
      paths.add(path + '/x/y');
      paths.add(path + 'x');
      paths.add(path.slice(0, -1));
      paths.add('/x' + path);
    }
    const wrong = [...paths].filter((p) => dangerousMount(p) !== reference(p));
    expect(wrong).toEqual([]);
    // the quick rejection is taken (and right) for an ordinary data path, and the list still names what is dangerous
    expect(dangerousMount('/srv/data/1')).toBeNull();
    expect(dangerousMount('/var/lib/docker/volumes')).toBe("the Docker Engine's data (every container's files)");
    expect(dangerousMount('/var')).toContain('is inside it');
  });

  it('agrees with the passes over the list on random paths', () => {
    const part = fc.constantFrom('var', 'run', 'lib', 'docker', 'data', 'claude', 'claude.d', 'etc', 'srv', 'usr', 'lib64', 'x', 'docker.sock', 'containerd', 'system', '');
    const path = fc.tuple(fc.boolean(), fc.array(part, { maxLength: 5 }), fc.constantFrom('', '/', '//')).map(([abs, parts, end]) => (abs ? '/' : '') + parts.join('/') + end);
    fc.assert(
      fc.property(path, (p) => {
        expect(dangerousMount(p)).toBe(reference(p));
      }),
      { numRuns: 3000 },
    );
  });
});
