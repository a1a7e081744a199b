/**
 * storage.yaml `spec.mounts` → the resolved mounts (CLA3050–CLA3056 at file:line:col) → the
 * plan's mount.apply / mount.remove steps: phase 2 before the volumes that live on them,
 * destructive only when the device may be formatted, nothing when the mount is in place,
 * and the removal refused while a volume still lives on it (CLA4007).
 */
import { describe, expect, it } from 'vitest';
import { compileFiles } from './compile.js';
import { plan, type PlanOptions } from './planner.js';
import { DiagnosticSink } from './diagnostics.js';
import { emptyObserved } from './__fixtures__/models.js';
import { validatePlanPayload } from '../plan/schema.js';
import { stepsNeedingConfirmation } from '../plan/policy.js';
import type { ObservedMount, PlanStep } from '../plan/types.js';

const HEAD = (kind: string) => `apiVersion: claude.os/v1\nkind: ${kind}\nmetadata:\n  name: t\n`;
const opts = (over: Partial<PlanOptions> = {}): PlanOptions => ({ request: 'r', now: new Date('2026-01-01T00:00:00Z'), nonce: '0'.repeat(32), hostId: 'h', provenance: { engine: 'user' }, compilerVersion: '0.1.0', ...over });

const storage = (mounts: string, volumes = '    - name: www\n      path: /data/www\n      filesystem: ext4\n') => HEAD('StorageConfig') + `spec:\n  volumes:\n${volumes}  mounts:\n${mounts}`;
const services = HEAD('ServiceManifest') + `spec:
  services:
    - name: web
      image: nginx:alpine
      volumes: [{source: www, target: /usr/share/nginx/html}, {source: /data/raw, target: /raw}]
`;

function compiled(mounts: string, volumes?: string) {
  const r = compileFiles({ 'storage.yaml': storage(mounts, volumes), 'services.yaml': services });
  return r;
}

function planFor(mounts: string, observed: ObservedMount[] = [], volumes?: string) {
  const r = compiled(mounts, volumes);
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const sink = new DiagnosticSink();
  const p = plan(r.model!, emptyObserved({ mounts: observed }), opts({ sink }));
  return { p, sink, step: (id: string) => p.steps.find((s) => s.id === id) as PlanStep };
}

const DATA = '    - source: /dev/vdb1\n      target: /data\n      type: ext4\n      options: [defaults, noatime]\n';

describe('storage.yaml mounts: the checks', () => {
  it('reports each problem at file:line:col and resolves nothing it cannot mount', () => {
    const bad = `    - source: /dev/vdb1
      target: /data
    - source: /dev/vdc
      target: /etc/app
      type: ext4
    - source: LABEL=backup
      target: /backup
      type: xfs
      format: true
    - source: /dev/vdd
      target: /cache
      type: tmpfs
    - source: /dev/vde
      target: /srv/x
      type: ext4
      options: [defaults, bind]
    - source: /dev/vde
      target: /srv/y
      type: ext4
    - source: /dev/vdf
      target: /srv/x/
      type: ext4
`;
    const r = compiled(bad);
    const d = r.diagnostics.filter((x) => x.code.startsWith('CLA305')).map((x) => `${x.code}@${x.file}:${x.line}:${x.column} ${x.message}`);
    expect(d).toEqual([
      'CLA3050@storage.yaml:11:7 mount /dev/vdb1 → /data has no type',
      'CLA3053@storage.yaml:14:15 mount /dev/vdc → /etc/app: /etc/app is inside /etc, which the system (or Claude.OS) needs',
      'CLA3054@storage.yaml:19:15 mount LABEL=backup → /backup: format: true needs a /dev/… source',
      'CLA3051@storage.yaml:22:13 mount /dev/vdd → /cache: type tmpfs is not supported yet',
      'CLA3055@storage.yaml:26:27 mount /dev/vde → /srv/x: option bind is not allowed',
      'CLA3052@storage.yaml:27:15 mount source /dev/vde is declared twice (also mount /dev/vde → /srv/x)',
      'CLA3052@storage.yaml:31:15 mount target /srv/x is declared twice (also mount /dev/vde → /srv/x)',
    ]);
    expect(r.diagnostics.find((x) => x.code === 'CLA3050')!.hint).toMatch(/lsblk -f/);
    expect(r.diagnostics.find((x) => x.code === 'CLA3055')!.hint).toMatch(/not a device mount/);
  });

  it('refuses the root and system trees as targets, and warns when a volume on a mount declares another filesystem', () => {
    for (const [target, why] of [
      ['/', 'the root filesystem'],
      ['/var/lib', '/var/lib itself'],
      ['/var/lib/docker/x', 'inside /var/lib/docker'],
      ['/var/lib/claude', '/var/lib/claude, which'],
    ] as const) {
      const r = compiled(`    - source: /dev/vdb1\n      target: ${target}\n      type: ext4\n`);
      expect(r.diagnostics.find((x) => x.code === 'CLA3053')?.message).toContain(why);
    }
    const r = compiled(DATA.replace('ext4', 'xfs'));
    const w = r.diagnostics.find((x) => x.code === 'CLA3056')!;
    expect(`${w.severity}@${w.line}:${w.column} ${w.message}`).toBe('warning@9:19 volume www declares filesystem ext4, but its path /data/www is on mount /data (xfs)');
  });
});

describe('storage.yaml mounts: the plan', () => {
  it('mounts first (phase 2), then the volumes and containers that live on it; without format: true the step is safe', () => {
    const { p, step } = planFor(DATA);
    expect(validatePlanPayload(p)).toEqual([]);
    const m = step('mount.apply:/data');
    expect(m).toMatchObject({ op: 'mount.apply', target: 'mount/data', phase: 2, risk: 'safe', dependsOn: [], inverse: { op: 'mount.remove' } });
    expect(m.params).toEqual({ mount: { source: '/dev/vdb1', target: '/data', type: 'ext4', options: ['defaults', 'noatime'], format: false } });
    expect(m.description).toBe('Mount /dev/vdb1 at /data (ext4, defaults,noatime) and write it to /etc/fstab');
    expect(step('volume.create:www').dependsOn).toEqual(['mount.apply:/data']);
    expect(step('container.create:web').dependsOn).toContain('mount.apply:/data'); // its bind mount /data/raw
    expect(p.steps.findIndex((s) => s.id === 'mount.apply:/data')).toBeLessThan(p.steps.findIndex((s) => s.id === 'volume.create:www'));
    expect(stepsNeedingConfirmation(p)).toEqual([]);
    expect((p.display as { overview: string[] }).overview).toContain('Storage: mount /dev/vdb1 at /data (ext4)');
  });

  it('format: true makes the step destructive (explicit approval), and says it erases the device', () => {
    const { p, step } = planFor(DATA + '      format: true\n');
    const m = step('mount.apply:/data');
    expect(m.risk).toBe('destructive');
    expect(m.description).toMatch(/FORMAT \/dev\/vdb1 as ext4 first unless it already holds ext4: this ERASES ALL DATA on it/);
    expect(stepsNeedingConfirmation(p).map((s) => s.id)).toEqual(['mount.apply:/data']);
    expect((p.display as { warnings: string[] }).warnings.some((w) => w.startsWith('destructive: ') && w.includes('ERASES ALL DATA'))).toBe(true);
  });

  it('plans nothing for a mount in place, even with format: true; remounts one that is missing without asking to format it again', () => {
    const applied: ObservedMount = { target: '/data', source: '/dev/vdb1', type: 'ext4', options: ['defaults', 'noatime'], format: true, mounted: true, fstab: true };
    const again = planFor(DATA + '      format: true\n', [applied]);
    expect(again.p.steps.filter((s) => s.target.startsWith('mount/'))).toEqual([]);

    const lost = planFor(DATA + '      format: true\n', [{ ...applied, fstab: false }]);
    expect(lost.step('mount.apply:/data')).toMatchObject({ risk: 'safe', description: expect.stringContaining('(its fstab line is missing)') });
    const unmounted = planFor(DATA + '      format: true\n', [{ ...applied, mounted: false }]);
    expect(unmounted.step('mount.apply:/data')).toMatchObject({ risk: 'destructive', description: expect.stringContaining('(it is not mounted)') });

    const changed = planFor(DATA.replace('[defaults, noatime]', '[defaults]'), [{ ...applied, format: false }]);
    expect(changed.step('mount.apply:/data')).toMatchObject({ risk: 'safe', params: { previous: { options: ['defaults', 'noatime'] } }, inverse: { op: 'mount.apply' } });
    expect(changed.step('mount.apply:/data').description).toMatch(/^Change the mount of .* \(was options defaults,noatime\)/);
  });

  it('unmounts a mount no longer declared (phase 7), but not while a volume lives on it (CLA4007)', () => {
    const old: ObservedMount = { target: '/old', source: '/dev/vdc', type: 'xfs', options: ['defaults'], mounted: true, fstab: true };
    const { p, step } = planFor(DATA, [old]);
    expect(step('mount.remove:/old')).toMatchObject({ phase: 7, risk: 'disruptive', inverse: { op: 'mount.apply', params: { mount: { source: '/dev/vdc', format: false } } } });
    expect(validatePlanPayload(p)).toEqual([]);

    const held = planFor(DATA, [old], '    - name: www\n      path: /old/www\n');
    expect(held.p.steps.some((s) => s.op === 'mount.remove')).toBe(false);
    expect(held.sink.sorted().map((d) => `${d.code} ${d.message}`)).toContain('CLA4007 mount /old (/dev/vdc) is no longer declared, but volume www (/old/www) lives on it');
  });
});
