/**
 * Cluster placement (compiler/placement.ts) and a node's view (compiler/node-view.ts), from
 * real state files through the compiler: spread, constraints, capacity, stable placement,
 * failover with and without host-bound volumes, and the schema's errors for `placement:`.
 */
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { compileFiles } from './compile.js';
import { nodeView, replicaServiceName } from './node-view.js';
import { place, type PlacementNode } from './placement.js';

const MANIFEST = 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: t\nspec: {}\n';

function model(services: string, storage?: string) {
  const files: Record<string, string> = { 'manifest.yaml': MANIFEST, 'services.yaml': `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: t\nspec:\n  services:\n${services}` };
  if (storage) files['storage.yaml'] = `apiVersion: claude.os/v1\nkind: StorageConfig\nmetadata:\n  name: t\nspec:\n  volumes:\n${storage}`;
  const r = compileFiles(files);
  if (!r.model) throw new Error(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`).join('\n'));
  return { model: r.model, files };
}

const node = (hostId: string, labels: Record<string, string> = {}, alive = true, cpus = 4, memoryBytes = 8 * 2 ** 30): PlacementNode => ({ hostId, alive, labels, capacity: { cpus, memoryBytes } });
const NODES = [node('host-a', { zone: 'a' }), node('host-b', { zone: 'b' }), node('host-c', { zone: 'c', disk: 'ssd' })];

describe('placement', () => {
  it('spread: 3 replicas on 3 nodes, one each; 6 replicas, two each', () => {
    const { model: m } = model('    - name: web\n      image: nginx\n      placement: { replicas: 3, spread: true }\n');
    const p = place(m, NODES);
    expect(Object.values(p.assignments).sort()).toEqual(['host-a', 'host-b', 'host-c']);
    const { model: m6 } = model('    - name: web\n      image: nginx\n      replicas: 6\n      placement: { spread: true }\n');
    const counts = Object.values(place(m6, NODES).assignments).reduce<Record<string, number>>((a, h) => ((a[h] = (a[h] ?? 0) + 1), a), {});
    expect(counts).toEqual({ 'host-a': 2, 'host-b': 2, 'host-c': 2 });
  });

  it('label constraints: == and != both hold, or the replica is unplaced with the reason', () => {
    const { model: m } = model('    - name: db\n      image: postgres\n      placement: { replicas: 2, constraints: ["disk==ssd", "zone!=a"] }\n');
    const p = place(m, NODES);
    expect(p.assignments).toEqual({ 'db/1': 'host-c', 'db/2': 'host-c' });
    const { model: none } = model('    - name: db\n      image: postgres\n      placement: { constraints: ["disk==nvme"] }\n');
    const q = place(none, NODES);
    expect(q.assignments).toEqual({});
    expect(q.unplaced).toEqual([{ replica: 'db/1', reason: 'no node that is up matches disk==nvme' }]);
  });

  it('declared resources: a replica goes only where it fits', () => {
    const { model: m } = model('    - name: big\n      image: nginx\n      replicas: 2\n      resources: { memory: 6G }\n');
    const p = place(m, NODES.map((n) => (n.hostId === 'host-b' ? n : { ...n, capacity: { cpus: 4, memoryBytes: 2 * 2 ** 30 } })));
    expect(p.assignments['big/1']).toBe('host-b');
    expect(p.unplaced).toEqual([{ replica: 'big/2', reason: expect.stringContaining('no node that is up has room') }]);
  });

  it('stable: replicas stay on live nodes; a dead node’s replica moves; a host-bound one is stuck', () => {
    const { model: m } = model(
      '    - name: web\n      image: nginx\n      placement: { replicas: 3, spread: true }\n    - name: db\n      image: postgres\n      volumes: [{ source: data, target: /var/lib/postgresql/data }]\n    - name: cache\n      image: redis\n      volumes: [{ source: shared, target: /data }]\n',
      '    - name: data\n      path: /srv/data\n    - name: shared\n      path: /mnt/nfs/shared\n      shareable: true\n',
    );
    const first = place(m, NODES);
    expect(place(m, NODES, first.assignments).assignments).toEqual(first.assignments);
    const dead = first.assignments['db/1']!;
    const cacheHost = first.assignments['cache/1']!;
    const down = NODES.map((n) => (n.hostId === dead || n.hostId === cacheHost ? { ...n, alive: false } : n));
    const after = place(m, down, first.assignments);
    expect(after.assignments['db/1']).toBe(dead);
    expect(after.stuck).toEqual([{ replica: 'db/1', hostId: dead, reason: expect.stringContaining('host-bound volume data') }]);
    expect(down.find((n) => n.hostId === after.assignments['cache/1'])!.alive).toBe(true);
    for (const [k, h] of Object.entries(after.assignments)) if (k !== 'db/1') expect(down.find((n) => n.hostId === h)!.alive).toBe(true);
    // replicas on the live nodes did not move
    for (const [k, h] of Object.entries(first.assignments)) if (h !== dead && h !== cacheHost) expect(after.assignments[k]).toBe(h);
  });

  it("a node's view: one service per replica placed there, named and labelled, depends_on kept on the node", () => {
    const { model: m, files } = model('    - name: db\n      image: postgres\n    - name: app\n      image: nginx\n      depends_on: [db]\n      placement: { replicas: 2, spread: true }\n');
    const p = { assignments: { 'db/1': 'host-aaaaaa111111', 'app/1': 'host-aaaaaa111111', 'app/2': 'host-bbbbbb222222' } };
    void m;
    const a = YAML.parse(nodeView(files, p, 'host-aaaaaa111111')['services.yaml']!);
    expect(a.spec.services.map((s: { name: string }) => s.name)).toEqual(['app-1-111111', 'db-1-111111']);
    expect(a.spec.services[0].depends_on).toEqual(['db-1-111111']);
    expect(a.spec.services[0].labels).toEqual({ 'cluster.claude.os/service': 'app', 'cluster.claude.os/replica': '1' });
    expect(a.spec.services[0].placement).toBeUndefined();
    const b = YAML.parse(nodeView(files, p, 'host-bbbbbb222222')['services.yaml']!);
    expect(b.spec.services).toEqual([{ name: 'app-2-222222', image: 'nginx', labels: { 'cluster.claude.os/service': 'app', 'cluster.claude.os/replica': '2' } }]);
    // each view compiles
    expect(compileFiles(nodeView(files, p, 'host-bbbbbb222222')).model).not.toBeNull();
    expect(replicaServiceName('x'.repeat(63), 12, 'host-0123456789abcdef')).toHaveLength(63);
  });

  it('scheduled jobs run on one node each: a container job with its service\'s first live replica, a utility job kept where it is', () => {
    const { files: f0 } = model('    - name: web\n      image: nginx\n      placement: { replicas: 3, spread: true }\n', '    - name: data\n      path: /srv/data\n');
    const files = {
      ...f0,
      'scheduled.yaml':
        'apiVersion: claude.os/v1\nkind: ScheduledTasks\nmetadata:\n  name: t\nspec:\n  jobs:\n' +
        '    - name: rotate\n      schedule: "@daily"\n      container: web\n      command: "echo rotate"\n' +
        '    - name: prune\n      schedule: "@hourly"\n      image: busybox\n      command: ["true"]\n' +
        '    - name: backup\n      schedule: "@daily"\n      image: busybox\n      volumes: [{ source: data, target: /data }]\n      command: ["true"]\n' +
        '    - name: off\n      schedule: "@daily"\n      image: busybox\n      command: ["true"]\n      enabled: false\n',
    };
    const r = compileFiles(files);
    expect(r.model, r.diagnostics.map((d) => d.message).join('\n')).not.toBeNull();
    const nodes = [node('host-aaaaaa111111'), node('host-bbbbbb222222'), node('host-cccccc333333')];
    const p = place(r.model!, nodes);
    expect(Object.keys(p.jobs).sort()).toEqual(['backup', 'prune', 'rotate']); // a disabled job runs nowhere
    expect(p.jobs.rotate).toBe(p.assignments['web/1']);
    // each job is in exactly one node's view; the container job names the replica there
    const views = nodes.map((n) => ({ n, jobs: (YAML.parse(nodeView(files, p, n.hostId)['scheduled.yaml']!).spec.jobs as { name: string; container?: string }[]) }));
    for (const j of ['rotate', 'prune', 'backup']) expect(views.filter((v) => v.jobs.some((x) => x.name === j)).map((v) => v.n.hostId)).toEqual([p.jobs[j]]);
    const rot = views.find((v) => v.n.hostId === p.jobs.rotate)!.jobs.find((x) => x.name === 'rotate')!;
    expect(rot.container).toBe(replicaServiceName('web', 1, p.jobs.rotate!));
    for (const v of views) expect(compileFiles(nodeView(files, p, v.n.hostId)).model).not.toBeNull();
    // stable while the node is up
    expect(place(r.model!, nodes, p.assignments, p.jobs).jobs).toEqual(p.jobs);
    // rotate's node dies: web/1 moves, and rotate goes with the first replica on a live node
    const down = nodes.map((n) => (n.hostId === p.jobs.rotate ? { ...n, alive: false } : n));
    const q = place(r.model!, down, p.assignments, p.jobs);
    expect(q.jobs.rotate).not.toBe(p.jobs.rotate);
    expect(q.jobs.rotate).toBe(q.assignments['web/1']);
    // the node running the host-bound backup job dies: it is stuck there; prune (no volume) moves
    const down2 = nodes.map((n) => (n.hostId === p.jobs.backup ? { ...n, alive: false } : n));
    const pinned = place(r.model!, down2, p.assignments, { ...p.jobs, prune: p.jobs.backup! });
    expect(pinned.jobs.backup).toBe(p.jobs.backup);
    expect(pinned.stuck.map((s) => s.replica)).toContain('job:backup');
    expect(pinned.jobs.prune).not.toBe(p.jobs.backup);
  });

  it('placement errors are reported at file:line:col with a fix', () => {
    const twice = compileFiles({ 'services.yaml': 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: t\nspec:\n  services:\n    - name: web\n      image: nginx\n      replicas: 2\n      placement:\n        replicas: 3\n' });
    const d = twice.diagnostics.find((x) => x.code === 'CLA3043')!;
    expect(d).toMatchObject({ file: 'services.yaml', line: 11, severity: 'error' });
    expect(d.message).toContain('replicas: 2 and placement.replicas: 3');
    expect(d.hint).toContain('not both');
    const bad = compileFiles({ 'services.yaml': 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: t\nspec:\n  services:\n    - name: web\n      image: nginx\n      placement:\n        constraints: ["zone=a"]\n        spred: true\n' });
    expect(bad.model).toBeUndefined();
    const lines = bad.diagnostics.map((x) => `${x.file}:${x.line}: ${x.message} ${x.hint ?? ''}`).join('\n');
    expect(lines).toMatch(/services\.yaml:10:/);
    expect(lines).toMatch(/services\.yaml:11:.*spred/);
  });
});
