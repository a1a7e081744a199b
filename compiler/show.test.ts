/**
 * The proposed-changes box with a plan review (plan/review.ts): each service is named, and a
 * changed service lists its fields old → new under its line (issue 11, defect 15).
 */
import { describe, expect, it } from 'vitest';
import { plan, desiredContainers, type PlanOptions } from './planner.js';
import { cronWords, renderPlan, SERVICE_DEFAULTS } from './show.js';
import { DEFAULTS } from './resolve.js';
import { emptyObserved, webStack } from './__fixtures__/models.js';
import { planReview } from '../plan/review.js';
import type { ObservedState } from '../plan/types.js';
import { generateKeyPairSync } from 'node:crypto';
import { signPlan } from './sign.js';
import { keyIdOf } from '../plan/envelope.js';
import { inspectPlan } from '../plan/inspect.js';
import { evaluatePolicy } from '../plan/policy.js';

const NOW = new Date('2026-11-21T12:00:00Z');
const opts = (over: Partial<PlanOptions> = {}): PlanOptions => ({ request: 'scale nginx to 3 replicas', now: NOW, nonce: '5e'.repeat(16), hostId: 'host-t', provenance: { engine: 'offline', model: null, promptHash: null }, compilerVersion: '0.1.0', ...over });

const yaml = (replicas: number, level: string) => `apiVersion: claude.os/v1
kind: ServiceManifest
spec:
  services:
    - name: nginx
      image: nginx:1.25
      replicas: ${replicas}
      environment:
        LOG_LEVEL: ${level}
`;

function running(): ObservedState {
  const m = webStack();
  return emptyObserved({
    networks: [{ name: 'webstack', managed: true, driver: 'bridge', internal: false, labels: { 'claude.os/managed': 'true' } }],
    volumes: m.volumes.map((v) => ({ name: v.name, path: v.path, exists: true })),
    containers: desiredContainers(m).map((c) => ({ name: c.name, id: c.name, managed: true, service: c.service, replica: 1, configHash: c.configHash, image: c.image, status: 'running' as const, health: 'healthy' as const, labels: c.labels, ports: c.ports })),
  });
}

/** The lines inside the box, without the frame. */
const boxLines = (text: string) => text.split('\n').filter((l) => l.startsWith('│')).map((l) => l.slice(2, -1).trimEnd());

describe('the proposed-changes box', () => {
  it('lists the backups a plan adds, changes or drops: the schedule in words and as cron, how, how many kept', () => {
    const base = plan(webStack(), running(), opts());
    const job = (retain: number) => ({ name: 'backup-pg', schedule: '0 2 * * *', command: ['backup', 'pg'], backup: { volume: 'pg', type: 'dump', engine: 'postgres', retain } });
    const storage = (backup = '') => `apiVersion: claude.os/v1\nkind: StorageManifest\nspec:\n  volumes:\n    - name: pg\n      path: /data/pg\n${backup}`;
    const box = (jobs: ReturnType<typeof job>[], before: string | undefined, after: string | undefined) => {
      const files: Record<string, string> = { ...base.desired.files };
      if (after !== undefined) files['storage.yaml'] = after;
      const table = { id: 'schedule.apply:jobs', op: 'schedule.apply', target: 'schedule/jobs', params: { jobs }, dependsOn: [], risk: 'safe', phase: 6, inverse: null, description: 'Install the schedule table' } as const;
      const p = { ...base, steps: [...base.steps, table], desired: { ...base.desired, files } } as typeof base;
      // the box's lines, a line wrapped at the frame joined again (its continuation is indented by 2)
      const lines = boxLines(renderPlan(p, undefined, planReview(p, before === undefined ? base.desired.files : { ...base.desired.files, 'storage.yaml': before })));
      return lines.reduce<string[]>((out, l) => (/^ {2}\S/.test(l) && out.length ? [...out.slice(0, -1), `${out.at(-1)} ${l.trim()}`] : [...out, l]), []);
    };
    // a new volume with its backup ("set up postgres with daily backups at 2am")
    expect(box([job(7)], undefined, storage('      backup: {type: dump, schedule: "0 2 * * *"}\n'))).toContain('+ backup of volume pg: every day at 02:00 (0 2 * * *), postgres dump, last 7 kept');
    // "keep 14 of them instead": the new count, and the field old → new under it
    const kept = box([job(14)], storage('      backup: {type: dump, schedule: "0 2 * * *", retain: 7}\n'), storage('      backup: {type: dump, schedule: "0 2 * * *", retain: 14}\n'));
    const at = kept.indexOf('~ backup of volume pg: every day at 02:00 (0 2 * * *), postgres dump, last 14 kept');
    expect(at, kept.join('\n')).toBeGreaterThanOrEqual(0);
    expect(kept[at + 1]).toBe('    backup.retain: 7 → 14');
    // backups turned off for the volume
    expect(box([], storage('      backup: {type: dump}\n'), storage())).toContain('- backup of volume pg (no longer backed up)');
    // a schedule no one asked in words for is shown as it is
    const odd = { ...job(3), schedule: '*/5 1-3 * * 1-5' };
    expect(box([odd], undefined, storage('      backup: {type: dump, schedule: "*/5 1-3 * * 1-5"}\n'))).toContain('+ backup of volume pg: */5 1-3 * * 1-5, postgres dump, last 3 kept');
  });

  it('names each new service with its image', () => {
    const lines = boxLines(renderPlan(plan(webStack(), emptyObserved(), opts({ request: 'a stack' }))));
    expect(lines).toContain('+ nginx (nginx:1.25)  → port 80, 443, volume /data/www');
    expect(lines).toContain('+ redis (redis:7-alpine)  → port 6379, volume /data/redis');
  });

  it('says the address of a port published on one address only (it said "→ port 5432" of 127.0.0.1:5432)', () => {
    const m = webStack();
    const pg = m.services.find((s) => s.name === 'postgres')!;
    pg.ports = [{ ...pg.ports[0]!, hostIp: '127.0.0.1' }];
    const planned = plan(m, emptyObserved(), opts({ request: 'a stack' }));
    const rendered = renderPlan(planned);
    expect(boxLines(rendered)).toContain('+ postgres (postgres:16-alpine)  → port 127.0.0.1:5432, volume');
    expect(JSON.stringify(planned)).toMatch(/\+ container postgres \([^)]*\) → port 127\.0\.0\.1:5432/);
    pg.ports = [{ ...pg.ports[0]!, hostIp: '::1' }];
    const six = boxLines(renderPlan(plan(m, emptyObserved(), opts({ request: 'a stack' }))));
    expect(six.join('\n')).toContain('+ postgres (postgres:16-alpine)  → port [::1]:5432, volume');
  });

  it('with a review, a changed service lists its fields old → new under its line; without one, only the line', () => {
    const m = webStack();
    const nginx = m.services.find((s) => s.name === 'nginx')!;
    nginx.replicas = 3;
    nginx.ports = [];
    nginx.environment = { ...nginx.environment, LOG_LEVEL: 'debug' };
    const payload = plan(m, running(), opts());
    // the review compares the state files: what was last applied against the plan's
    const withFiles = { ...payload, desired: { ...payload.desired, files: { ...payload.desired.files, 'services.yaml': yaml(3, 'debug') } } };
    const review = planReview(withFiles, { ...payload.desired.files, 'services.yaml': yaml(1, 'info') });
    const lines = boxLines(renderPlan(payload, undefined, review));
    const at = lines.findIndex((l) => l.startsWith('~ nginx (nginx:1.25)'));
    expect(at, lines.join('\n')).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at + 1, at + 3)).toEqual(['    environment.LOG_LEVEL: info → debug', '    replicas: 1 → 3']);
    expect(lines.join('\n')).not.toMatch(/configuration changed/);
    const plain = boxLines(renderPlan(payload));
    expect(plain.some((l) => l.startsWith('~ nginx (nginx:1.25)'))).toBe(true);
    expect(plain.join('\n')).not.toContain('replicas: 1 → 3');
  });

  it('list fields read as a person reads them, and a field not set on one side reads as its default, added or removed', () => {
    const m = webStack();
    const nginx = m.services.find((s) => s.name === 'nginx')!;
    nginx.replicas = 3;
    const payload = plan(m, running(), opts());
    const before = `apiVersion: claude.os/v1
kind: ServiceManifest
spec:
  services:
    - name: nginx
      image: nginx:1.25
      command: [nginx, -g, "daemon off;"]
      ports:
        - host: 80
          container: 80
      volumes:
        - source: www
          target: /usr/share/nginx/html
      labels:
        tier: web
`;
    const after = `apiVersion: claude.os/v1
kind: ServiceManifest
spec:
  services:
    - name: nginx
      image: nginx:1.25
      replicas: 3
      command: [nginx, -g, "daemon off; worker_processes 2;"]
      ports:
        - host: 8080
          container: 80
        - container: 9113
        - host: 5353
          container: 53
          protocol: udp
          host_ip: 127.0.0.1
      volumes:
        - source: www
          target: /usr/share/nginx/html
          readonly: true
      environment:
        LOG_LEVEL: debug
`;
    const withFiles = { ...payload, desired: { ...payload.desired, files: { ...payload.desired.files, 'services.yaml': after } } };
    const review = planReview(withFiles, { ...payload.desired.files, 'services.yaml': before });
    const lines = boxLines(renderPlan(payload, undefined, review));
    const at = lines.findIndex((l) => /^~ nginx( |$)/.test(l));
    expect(at, lines.join('\n')).toBeGreaterThanOrEqual(0);
    // long lines wrap inside the box, their continuation indented under the field
    const fields = lines.slice(at + 1).filter((l) => l.startsWith('    ')).join('\n').replace(/\n {6}/g, ' ').split('\n');
    expect(lines.slice(at + 1).every((l) => l === '' || l.startsWith('    ') || !l.startsWith(' ')), lines.join('\n')).toBe(true);
    expect(fields).toEqual([
      '    command: nginx -g "daemon off;" → nginx -g "daemon off; worker_processes 2;"',
      '    environment.LOG_LEVEL: debug (added)',
      '    labels.tier: web (removed)',
      '    ports: 80 → 8080 (container 80), 9113 inside only (not published), 127.0.0.1:5353/udp (container 53)',
      '    replicas: 1 (default) → 3',
      '    volumes: www at /usr/share/nginx/html → www at /usr/share/nginx/html (read-only)',
    ]);
    expect(lines.join('\n')).not.toMatch(/[[{]"|\(not set\)/);
  });

  it('a new job the plan installs gets its own line', () => {
    const payload = plan(webStack(), emptyObserved(), opts());
    const steps = [...payload.steps, { id: 'schedule.apply:jobs', op: 'schedule.apply', target: 'schedule/jobs', params: { jobs: [] }, dependsOn: [], risk: 'safe', phase: 6, inverse: null, description: 'Install the schedule table' } as (typeof payload.steps)[number]];
    const p = { ...payload, steps, desired: { ...payload.desired, files: { 'services.yaml': yaml(1, 'debug').replace('nginx', 'redis').replace('nginx:1.25', 'redis:7-alpine'), 'scheduled.yaml': 'apiVersion: claude.os/v1\nkind: ScheduledTasks\nspec:\n  jobs:\n    - name: postgres-dump\n      schedule: "0 2 * * *"\n' } } };
    const review = planReview(p, { 'services.yaml': yaml(1, 'info').replace('nginx', 'redis').replace('nginx:1.25', 'redis:7-alpine') });
    const lines = boxLines(renderPlan(p, undefined, review));
    expect(lines).toContain('+ job postgres-dump');
  });

  it('each job in the schedule step says what runs: a backup names its volume and kind, a command job its container and command', () => {
    const payload = plan(webStack(), emptyObserved(), opts());
    const jobs = [
      { name: 'backup-postgres-data', schedule: '0 3 * * *', command: [], timeoutMs: 1000, backup: { volume: 'postgres-data', type: 'dump', engine: 'postgres', services: ['postgres'], retain: 7 } },
      { name: 'backup-www', schedule: '@daily', command: [], timeoutMs: 1000, backup: { volume: 'www', type: 'snapshot', services: ['web'], destination: '/backups' } },
      { name: 'web-cleanup', schedule: '*/15 * * * *', command: ['sh', '-c', 'rm -rf /tmp/cache/*'], container: 'web', timeoutMs: 1000 },
    ];
    const steps = [...payload.steps, { id: 'schedule.apply:jobs', op: 'schedule.apply', target: 'schedule/jobs', params: { jobs }, dependsOn: [], risk: 'safe', phase: 6, inverse: null, description: 'Install the schedule table' } as (typeof payload.steps)[number]];
    const text = renderPlan({ ...payload, steps });
    expect(text).toContain('      job backup-postgres-data (0 3 * * *): back up volume postgres-data (postgres dump), last 7 kept\n');
    expect(text).toContain('      job backup-www (@daily): back up volume www (snapshot, web paused) to /backups\n');
    expect(text).toContain('      job web-cleanup (*/15 * * * *, in container web): sh -c "rm -rf /tmp/cache/*"\n');
    expect(text).not.toContain('in image ?');
  });
});

describe('the renderer (plan/show.ts, loaded on a device without the compiler) and the compiler agree on service defaults', () => {
  it('SERVICE_DEFAULTS is compiler/resolve.ts DEFAULTS as text', () => {
    expect(SERVICE_DEFAULTS).toEqual({ replicas: String(DEFAULTS.replicas), state: DEFAULTS.state, enabled: String(DEFAULTS.enabled), restart: DEFAULTS.restart });
  });
});

describe('cronWords', () => {
  it.each([
    ['0 2 * * *', 'every day at 02:00'],
    ['30 3 * * 0', 'every Sunday at 03:30'],
    ['0 4 * * 7', 'every Sunday at 04:00'],
    ['0 4 1 * *', 'on day 1 of every month at 04:00'],
    ['15 * * * *', 'every hour at minute 15'],
    ['*/5 * * * *', null],
    ['0 2 * 1 *', null],
    ['0 2 * * 1-5', null],
    ['@daily', null],
  ])('%s: %s', (expr, words) => {
    expect(cronWords(expr)).toBe(words);
  });
});

describe('the policy lines', () => {
  it("are the plan check's own when the report is of this payload (evaluated once in `claude plan`), else evaluated here", () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const p = plan(webStack(), emptyObserved(), opts());
    const report = inspectPlan(signPlan(p, privateKey), { trusted: [{ keyid: keyIdOf(publicKey), role: 'host', name: 'h', publicKey }], now: NOW, hostId: 'host-t' });
    expect(report.payload).toBe(p); // the in-process check keeps the signed object
    expect(report.policy).toEqual(evaluatePolicy(p, ['host']));
    const text = renderPlan(p, report);
    expect(text).toContain(`  ${report.policy!.lines[0]}`);
    // the report's policy is what is shown for its payload, not evaluated again...
    const marked = { ...report, policy: { ...report.policy!, lines: ['P1 marked'] } };
    expect(renderPlan(p, marked)).toContain('Policy:\n  P1 marked\n');
    // ...and a report of another payload object (a file's, parsed) has its policy evaluated for the one shown
    expect(renderPlan(structuredClone(p), marked)).toBe(text);
  });
});
