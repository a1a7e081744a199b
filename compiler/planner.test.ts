import { describe, expect, it } from 'vitest';
import { containerConfigHash, desiredContainers, plan, planIdOf, PlanError, type PlanOptions } from './planner.js';
import { DiagnosticSink } from './diagnostics.js';
import { model, service, webStack, emptyObserved } from './__fixtures__/models.js';
import { validatePlanPayload } from '../plan/schema.js';
import { adminReason, evaluatePolicy, requiredRoles, stepsNeedingConfirmation } from '../plan/policy.js';
import { compileFirewall } from './firewall.js';
import { stepNeedsAdmin } from '../plan/trust.js';
import { hostFileDigest } from '../plan/host-state.js';
import type { ObservedContainer, ObservedState, PlanStep } from '../plan/types.js';

const opts = (over: Partial<PlanOptions> = {}): PlanOptions => ({ request: 'r', now: new Date('2026-01-01T00:00:00Z'), nonce: '0'.repeat(32), hostId: 'h', provenance: { engine: 'user' }, compilerVersion: '0.1.0', ...over });
const ids = (steps: PlanStep[]) => steps.map((s) => s.id);
const step = (steps: PlanStep[], id: string) => {
  const s = steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id} in ${ids(steps).join(', ')}`);
  return s;
};

/** The observed state after the web stack (or `m`) was applied as planned. */
function appliedWebStack(m = webStack()): ObservedState {
  const containers: ObservedContainer[] = desiredContainers(m).map((c) => ({
    name: c.name,
    id: c.name + '-id',
    managed: true,
    service: c.service,
    replica: c.replica,
    configHash: c.configHash,
    image: c.image,
    status: 'running',
    health: 'healthy',
    labels: c.labels,
    ports: c.ports.map((p) => ({ ...p })),
  }));
  return emptyObserved({
    networks: [{ name: 'webstack', managed: true, driver: 'bridge', internal: false, subnet: '172.20.0.0/16', labels: { 'claude.os/managed': 'true' } }],
    volumes: m.volumes.map((v) => ({ name: v.name, path: v.path, exists: true, permissions: '0755' })),
    images: ['claude-test/postgres:1', 'claude-test/redis:1', 'claude-test/web:1'],
    containers,
  });
}

describe('plan: a fresh web stack', () => {
  const p = plan(webStack(), emptyObserved(), opts());
  it('matches the schema and follows the seven phases', () => {
    expect(validatePlanPayload(p)).toEqual([]);
    expect(ids(p.steps)).toEqual([
      'network.create:webstack',
      'volume.create:postgres',
      'volume.create:redis',
      'volume.create:www',
      'image.ensure:claude-test/postgres:1',
      'image.ensure:claude-test/redis:1',
      'image.ensure:claude-test/web:1',
      'container.create:nginx',
      'container.create:postgres',
      'container.create:redis',
      'container.start:postgres',
      'container.start:redis',
      'container.start:nginx',
    ]);
  });
  it('starts nginx only after its dependencies are started, and waits for health; creates it while they start', () => {
    // nginx holds no secret: its create needs its network, volume and image only
    expect(step(p.steps, 'container.create:nginx').dependsOn).toEqual(['image.ensure:claude-test/web:1', 'network.create:webstack', 'volume.create:www']);
    const start = step(p.steps, 'container.start:nginx');
    expect(start.dependsOn).toEqual(['container.create:nginx', 'container.start:postgres', 'container.start:redis']);
    expect(start.params).toMatchObject({ name: 'nginx', waitHealthy: true, healthTimeoutMs: 170_000 });
    expect(start.inverse).toEqual({ op: 'container.stop', params: { name: 'nginx', timeoutS: 10 } });
  });
  it('labels containers, aliases them by service name, and keeps secrets as references', () => {
    const create = step(p.steps, 'container.create:postgres');
    if (create.op !== 'container.create') throw new Error('op');
    const spec = create.params;
    expect(spec.labels).toMatchObject({ 'claude.os/managed': 'true', 'claude.os/service': 'postgres', 'claude.os/replica': '1', 'claude.os/config-hash': spec.configHash });
    expect(spec.networks).toEqual([{ name: 'webstack', aliases: ['postgres'] }]);
    expect(spec.env.POSTGRES_PASSWORD).toBe('${secrets.postgres_password}');
    expect(spec.secretRefs).toEqual(['postgres_password']);
    expect(create.inverse).toEqual({ op: 'container.remove', params: { name: 'postgres', configHash: spec.configHash } });
  });
  it('summarises by kind and risk, with a display-only overview', () => {
    expect(p.summary).toEqual({
      create: 10,
      update: 0,
      delete: 0,
      byKind: { container: { create: 3, update: 0, delete: 0 }, image: { create: 3, update: 0, delete: 0 }, network: { create: 1, update: 0, delete: 0 }, volume: { create: 3, update: 0, delete: 0 } },
      byRisk: { safe: 12, security: 1 },
    });
    // postgres is given a secret it did not hold: a security step that names both
    expect(step(p.steps, 'container.create:postgres').risk).toBe('security');
    expect((p.display as { warnings: string[] }).warnings).toEqual(["security: Create container 'postgres' from claude-test/postgres:1; gives service postgres the secret postgres_password, which it did not have"]);
    expect((p.display as { overview: string[] }).overview[0]).toBe('+ nginx (nginx:1.25)  → port 80, 443, volume /data/www');
    expect(p.id).toBe(planIdOf('0'.repeat(32)));
    expect(p.expiresAt).toBe('2026-01-01T01:00:00.000Z');
  });
});

describe('plan: a secret generated for this change', () => {
  it('given to the one service it was made for, it is not a grant; given to a second service, it is', () => {
    const fresh = plan(webStack(), emptyObserved(), opts({ freshSecrets: ['postgres_password'] }));
    expect(step(fresh.steps, 'container.create:postgres').risk).toBe('safe');
    expect(fresh.summary.byRisk).toEqual({ safe: 13 });
    const m = webStack();
    const nginx = m.services.find((s) => s.name === 'nginx')!;
    nginx.environment = { ...nginx.environment, LEAK: '${secrets.postgres_password}' };
    nginx.secretRefs = ['postgres_password'];
    const shared = plan(m, emptyObserved(), opts({ freshSecrets: ['postgres_password'] }));
    expect(step(shared.steps, 'container.create:postgres').risk).toBe('security');
    expect(step(shared.steps, 'container.create:nginx').description).toMatch(/gives service nginx the secret postgres_password/);
    // with a secret in its environment, nginx is created only once what it depends on is healthy
    expect(step(shared.steps, 'container.create:nginx').dependsOn).toEqual(['container.start:postgres', 'container.start:redis', 'image.ensure:claude-test/web:1', 'network.create:webstack', 'volume.create:www']);
    expect(step(shared.steps, 'container.start:nginx').dependsOn).toEqual(['container.create:nginx']);
    // a name not generated now is an existing secret, whatever else is fresh
    expect(step(plan(webStack(), emptyObserved(), opts({ freshSecrets: ['other'] })).steps, 'container.create:postgres').risk).toBe('security');
  });
});

describe('plan: changes against a running stack', () => {
  it('plans nothing when the system matches (a Docker-assigned subnet is not a change)', () => {
    const p = plan(webStack(), appliedWebStack(), opts());
    expect(p.steps).toEqual([]);
    expect(p.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
  });
  it('replaces a container whose config changed: stop (phase 4), replace, start', () => {
    const m = webStack();
    m.services.find((s) => s.name === 'redis')!.environment = { MAXMEMORY: '64mb' };
    const p = plan(m, appliedWebStack(), opts());
    expect(ids(p.steps)).toEqual(['image.ensure:claude-test/redis:1', 'container.stop:redis', 'container.replace:redis', 'container.start:redis']);
    const rep = step(p.steps, 'container.replace:redis');
    expect(rep.risk).toBe('disruptive');
    expect(rep.dependsOn).toContain('container.stop:redis');
    expect(rep.inverse).toMatchObject({ op: 'container.replace', params: { name: 'redis', restoreOld: true } });
    expect(p.summary.byKind.container).toEqual({ create: 0, update: 1, delete: 0 });
  });
  it('says why a container is replaced: a restart asked for through its label, other labels, or what only the config hash sees', () => {
    const replaceOf = (change: (m: ReturnType<typeof webStack>) => void) => {
      const m = webStack();
      change(m);
      const p = plan(m, appliedWebStack(), opts());
      return [step(p.steps, 'container.replace:nginx').description];
    };
    const nginx = (m: ReturnType<typeof webStack>) => m.services.find((s) => s.name === 'nginx')!;
    // `claude "restart nginx"` sets the label restarted-at, and nothing else changes
    expect(replaceOf((m) => (nginx(m).labels = { ...nginx(m).labels, 'restarted-at': '2026-12-05T11:35:07.086Z' }))[0]).toBe("Replace container 'nginx' (a restart was asked for (label restarted-at))");
    expect(replaceOf((m) => (nginx(m).labels = { ...nginx(m).labels, team: 'web' }))[0]).toBe("Replace container 'nginx' (label team changed)");
    // a label and the environment: the environment is seen only through the hash, and said
    expect(replaceOf((m) => ((nginx(m).labels = { ...nginx(m).labels, team: 'web' }), (nginx(m).environment = { A: '1' })))[0]).toBe("Replace container 'nginx' (label team changed, and its environment, command, mounts, limits or health check changed)");
    expect(replaceOf((m) => (nginx(m).environment = { A: '1' }))[0]).toBe("Replace container 'nginx' (its environment, command, mounts, limits or health check changed)");
  });
  it('a restart taken back (a rollback to before "restart nginx") keeps the running, healthy container; a later stamp, a sick container or another change replaces it', () => {
    const stamped = (t?: string) => {
      const m = webStack();
      const n = m.services.find((s) => s.name === 'nginx')!;
      n.labels = { ...n.labels };
      if (t !== undefined) n.labels['restarted-at'] = t;
      return m;
    };
    const restartedAt = '2026-12-05T11:35:07.086Z';
    const running = appliedWebStack(stamped(restartedAt));
    // back to before any restart, or to an earlier one: nothing to do (and so no drift after)
    expect(plan(stamped(), running, opts()).steps).toEqual([]);
    expect(plan(stamped('2026-12-04T09:00:00.000Z'), running, opts()).steps).toEqual([]);
    // a restart asked for again (a later stamp), or a stamp that is no time
    expect(ids(plan(stamped('2026-12-06T08:00:00.000Z'), running, opts()).steps)).toContain('container.replace:nginx');
    expect(ids(plan(stamped('yesterday'), running, opts()).steps)).toContain('container.replace:nginx');
    // a container that is not running and healthy is replaced as its hash says
    for (const change of [{ health: 'unhealthy' as const }, { status: 'exited' as const }]) {
      const sick = appliedWebStack(stamped(restartedAt));
      Object.assign(sick.containers.find((c) => c.name === 'nginx')!, change);
      expect(ids(plan(stamped(), sick, opts()).steps)).toContain('container.replace:nginx');
    }
    // the rollback takes back more than the restart: replaced, and said so
    const more = stamped();
    more.services.find((s) => s.name === 'nginx')!.environment = { A: '1' };
    expect(step(plan(more, running, opts()).steps, 'container.replace:nginx').description).toBe("Replace container 'nginx' (label restarted-at changed, and its environment, command, mounts, limits or health check changed)");
    const team = stamped();
    team.services.find((s) => s.name === 'nginx')!.labels.team = 'web';
    expect(ids(plan(team, running, opts()).steps)).toContain('container.replace:nginx');
  });
  it('a rotated secret replaces the containers that use it', () => {
    const m = webStack();
    m.secrets = [{ name: 'postgres_password', value: 'encrypted:v1:BBBB' }];
    expect(ids(plan(m, appliedWebStack(), opts()).steps)).toContain('container.replace:postgres');
  });
  it('state: stopped only stops the container (the hash ignores state)', () => {
    const m = webStack();
    m.services.find((s) => s.name === 'nginx')!.state = 'stopped';
    const p = plan(m, appliedWebStack(), opts());
    expect(ids(p.steps)).toEqual(['container.stop:nginx']);
    expect(step(p.steps, 'container.stop:nginx').inverse).toEqual({ op: 'container.start', params: { name: 'nginx', waitHealthy: false, healthTimeoutMs: 0 } });
  });
  it('enabled: false stops and then removes the containers; dependents stop before dependencies', () => {
    const m = webStack();
    for (const s of m.services) s.enabled = false;
    const p = plan(m, appliedWebStack(), opts());
    expect(step(p.steps, 'container.stop:postgres').dependsOn).toEqual(['container.stop:nginx']);
    const rm = step(p.steps, 'container.remove:postgres');
    expect(rm).toMatchObject({ phase: 7, risk: 'disruptive', dependsOn: ['container.stop:postgres'] });
    expect(rm.description).toBe("Remove container 'postgres' (service 'postgres' is disabled)");
    expect(rm.inverse).toMatchObject({ op: 'container.create', params: { name: 'postgres', restoreRemoved: true } });
  });
  it('scaling to 3 replicas adds s-2 and s-3 without host ports', () => {
    const m = webStack();
    m.services.find((s) => s.name === 'redis')!.replicas = 3;
    const p = plan(m, appliedWebStack(), opts());
    expect(ids(p.steps).filter((i) => i.startsWith('container.create'))).toEqual(['container.create:redis-2', 'container.create:redis-3']);
    const c = step(p.steps, 'container.create:redis-3');
    if (c.op !== 'container.create') throw new Error('op');
    expect(c.params.ports).toEqual([{ container: 6379, protocol: 'tcp' }]);
    expect(c.params.networks[0]!.aliases).toEqual(['redis']);
  });
  it('an undeclared volume is kept, unless deletion was asked for (destructive)', () => {
    const m = webStack();
    m.volumes = m.volumes.filter((v) => v.name !== 'www');
    m.services.find((s) => s.name === 'nginx')!.mounts = [];
    const sink = new DiagnosticSink();
    const kept = plan(m, appliedWebStack(), opts({ sink }));
    expect(ids(kept.steps)).not.toContain('volume.remove:www');
    expect((kept.display as { kept: string[] }).kept).toEqual(['volume/www']);
    expect(sink.diagnostics.map((d) => d.code)).toEqual(['CLA4005']);
    const del = plan(m, appliedWebStack(), opts({ allowDestructive: true }));
    const rm = step(del.steps, 'volume.remove:www');
    expect(rm).toMatchObject({ risk: 'destructive', phase: 7, params: { deleteData: true }, inverse: null });
    expect(stepsNeedingConfirmation(del).map((s) => s.id)).toEqual(['volume.remove:www']);
  });
  it('a changed network is recreated after the stops and its containers are replaced', () => {
    const m = webStack();
    m.networks = [{ name: 'webstack', driver: 'bridge', internal: true }];
    const p = plan(m, appliedWebStack(), opts());
    expect(step(p.steps, 'network.remove:webstack')).toMatchObject({ phase: 4, dependsOn: ['container.stop:nginx', 'container.stop:postgres', 'container.stop:redis'] });
    expect(step(p.steps, 'network.create:webstack')).toMatchObject({ phase: 4, dependsOn: ['network.remove:webstack'] });
    expect(ids(p.steps).filter((i) => i.startsWith('container.replace'))).toHaveLength(3);
    expect(step(p.steps, 'container.replace:redis').dependsOn).toContain('network.create:webstack');
  });
  it('an orphan network is removed after the orphan containers', () => {
    const o = appliedWebStack();
    o.networks.push({ name: 'old', managed: true, driver: 'bridge', internal: false, labels: { 'claude.os/managed': 'true' } });
    o.containers.push({ name: 'legacy', id: 'x', managed: true, service: 'legacy', configHash: 'c'.repeat(64), image: 'old:1', status: 'running', health: 'none', labels: {}, ports: [] });
    const p = plan(webStack(), o, opts());
    expect(ids(p.steps)).toEqual(['container.stop:legacy', 'container.remove:legacy', 'network.remove:old']);
    expect(step(p.steps, 'network.remove:old').dependsOn).toEqual(['container.remove:legacy']);
  });
});

describe('plan: firewall, host files, schedule', () => {
  const fw = { enabled: true, defaultInputPolicy: 'drop' as const, defaultOutputPolicy: 'accept' as const, defaultForwardPolicy: 'drop' as const, rules: [{ name: 'ssh', direction: 'input' as const, protocol: 'tcp' as const, port: 22, source: '10.0.0.0/8', action: 'accept' as const }] };
  it('firewall.apply (security) when the hash differs, nothing when equal, firewall.remove when disabled', () => {
    const m = model({ firewall: fw });
    const p = plan(m, emptyObserved(), opts());
    const s = step(p.steps, 'firewall.apply:inet-claude');
    expect(s).toMatchObject({ risk: 'security', phase: 5, inverse: null });
    const hash = compileFirewall({ enabled: true, default_input_policy: 'drop', default_output_policy: 'accept', default_forward_policy: 'drop', rules: fw.rules }).hash;
    expect(s.params).toMatchObject({ hash, confirmTimeoutMs: 60_000 });
    expect(plan(m, emptyObserved({ firewall: { present: true, hash } }), opts()).steps).toEqual([]);
    const off = plan(model({ firewall: { ...fw, enabled: false } }), emptyObserved({ firewall: { present: true, hash } }), opts());
    expect(ids(off.steps)).toEqual(['firewall.remove:inet-claude']);
    expect((off.display as { exposure: unknown[] }).exposure).toEqual([]);
  });
  it('a live input policy drop turned into accept by any edit marks the step opensEveryPort (P2); accept over a live accept does not', () => {
    const live = (inputPolicy: 'accept' | 'drop' | null) => emptyObserved({ firewall: { present: inputPolicy !== null, hash: 'f'.repeat(64), inputPolicy } });
    const defaulted = model({ firewall: { ...fw, defaultInputPolicy: 'accept' } }); // the key dropped: accept by default, not said
    expect(step(plan(defaulted, live('drop'), opts()).steps, 'firewall.apply:inet-claude').params).toMatchObject({ opensEveryPort: true });
    expect(step(plan(defaulted, live('accept'), opts()).steps, 'firewall.apply:inet-claude').params).not.toHaveProperty('opensEveryPort');
    expect(step(plan(defaulted, live(null), opts()).steps, 'firewall.apply:inet-claude').params).not.toHaveProperty('opensEveryPort');
    expect(step(plan(model({ firewall: fw }), live('drop'), opts()).steps, 'firewall.apply:inet-claude').params).not.toHaveProperty('opensEveryPort');
    const off = (inputPolicy: 'accept' | 'drop') => step(plan(model({ firewall: { ...fw, enabled: false } }), live(inputPolicy), opts()).steps, 'firewall.remove:inet-claude');
    expect(off('drop').params).toMatchObject({ opensEveryPort: true });
    expect(stepNeedsAdmin(off('drop'))).toBe(true);
    expect(stepNeedsAdmin(off('accept'))).toBe(false);
  });
  it('an accept rule from anywhere to every port opens every port as the policy would: P2 (review 16 M5: it was P3 only)', () => {
    const withRule = (rule: Record<string, unknown>) => step(plan(model({ firewall: { ...fw, rules: [...fw.rules, { name: 'r', direction: 'input', action: 'accept', ...rule }] as typeof fw.rules } }), emptyObserved(), opts()).steps, 'firewall.apply:inet-claude');
    for (const open of [{}, { protocol: 'tcp', port: '1-65535' }, { source: '0.0.0.0/0' }, { protocol: 'tcp', port: '1024-65535', source: '0.0.0.0/0' }]) {
      const s = withRule(open);
      expect(s.params, JSON.stringify(open)).toMatchObject({ opensEveryPort: true });
      expect(stepNeedsAdmin(s)).toBe(true);
    }
    for (const narrow of [{ protocol: 'tcp', port: 443 }, { source: '10.0.0.0/8' }, { protocol: 'tcp', port: '8000-8100' }, { interface: 'wg0' }]) {
      expect(withRule(narrow).params, JSON.stringify(narrow)).not.toHaveProperty('opensEveryPort');
    }
  });
  it('every reason a plan needs the admin is said, not only the first (review 16 L3: a sudo user beside a firewall that opens every port said only the firewall)', () => {
    const m = model({ users: [{ name: 'ops', uid: 1001, sudo: true }], firewall: { ...fw, rules: [...fw.rules, { name: 'all', direction: 'input' as const, action: 'accept' as const }] as typeof fw.rules } });
    const p = plan(m, emptyObserved(), opts());
    expect(adminReason(p).person).toBe('sets the firewall to accept incoming traffic by default, and changes users, SSH keys, sudo or sshd (security.yaml)');
    expect(evaluatePolicy(p, ['host']).missingSignatures).toEqual(["a signature by a trusted 'admin' key (P2: the plan sets the firewall input policy to accept and changes security.yaml host files)"]);
    expect(adminReason(plan(model({ users: [{ name: 'ops', uid: 1001, sudo: true }] }), emptyObserved(), opts())).plan).toBe('changes security.yaml host files');
  });
  it('users and SSH keys make host.apply a security step that needs an admin signature; hostname alone is safe', () => {
    const m = model({ hostname: 'web1', users: [{ name: 'admin', uid: 1000, ssh_keys: ['ssh-ed25519 AAAAC3Nz admin@ws'], sudo: true }] });
    const p = plan(m, emptyObserved(), opts());
    const host = step(p.steps, 'host.apply:files');
    expect(host).toMatchObject({ risk: 'security', target: 'host/files' });
    if (host.op !== 'host.apply') throw new Error('op');
    expect(host.params.files.map((f) => [f.path, f.mode])).toEqual([
      ['/etc/claude/users.json', '0644'],
      ['/etc/hostname', '0644'],
      ['/etc/sudoers.d/claude', '0440'],
      ['/home/admin/.ssh/authorized_keys', '0600'],
    ]);
    expect(host.params.files[1]).toEqual({ path: '/etc/hostname', content: 'web1\n', mode: '0644' });
    expect(requiredRoles(p)).toEqual(['host', 'admin']);
    // only the hostname changes: safe, no admin needed; a file written earlier and no longer wanted is removed
    const users = host.params.files.filter((f) => f.path !== '/etc/hostname');
    const observedFiles = Object.fromEntries(users.map((f) => [f.path, hostFileDigest(f.content, f.mode)]));
    const rename = plan(model({ ...m, hostname: 'web2' }), emptyObserved({ hostFiles: observedFiles }), opts());
    expect(step(rename.steps, 'host.apply:files').risk).toBe('safe');
    expect(requiredRoles(rename)).toEqual(['host']);
    const again = plan(model({ hostname: 'web1' }), emptyObserved({ hostFiles: { '/etc/claude/users.json': 'a'.repeat(64), '/etc/hostname': hostFileDigest('web1\n', '0644') } }), opts());
    expect(step(again.steps, 'host.apply:files')).toMatchObject({ risk: 'security', params: { files: [{ path: '/etc/hostname' }], remove: ['/etc/claude/users.json'] } });
  });
  it('schedule.apply after the containers the jobs run in', () => {
    const m = webStack();
    m.jobs = [{ name: 'backup', schedule: '0 2 * * *', container: 'postgres', command: ['pg_dump'], mounts: [], timeoutMs: 3_600_000, enabled: true }];
    const p = plan(m, emptyObserved(), opts());
    expect(step(p.steps, 'schedule.apply:jobs')).toMatchObject({ phase: 6, dependsOn: ['container.start:postgres'], risk: 'safe' });
  });
});

describe('plan: refusals', () => {
  it('reports a name or port held by an unmanaged container, and an unmanaged network (CLA4001-4003)', () => {
    const o = emptyObserved({
      containers: [
        { name: 'redis', id: 'r', managed: false, image: 'redis', status: 'running', health: 'none', labels: {}, ports: [] },
        { name: 'apache2', id: 'a', managed: false, image: 'httpd', status: 'running', health: 'none', labels: {}, ports: [{ host: 80, container: 80, protocol: 'tcp', hostIp: '0.0.0.0' }] },
      ],
      networks: [{ name: 'webstack', managed: false, driver: 'bridge', internal: false, labels: {} }],
    });
    const sink = new DiagnosticSink();
    plan(webStack(), o, opts({ sink }));
    expect(sink.sorted().map((d) => `${d.code} ${d.message}`)).toEqual([
      'CLA4001 container name redis (service redis) is taken by a container Claude.OS does not manage',
      'CLA4002 service nginx publishes host port 80/tcp, already published by container apache2, which Claude.OS does not manage',
      'CLA4003 network webstack exists but Claude.OS does not manage it',
    ]);
    expect(() => plan(webStack(), o, opts())).toThrow(PlanError);
  });
  it('refuses a nonce that is not hex', () => {
    expect(() => plan(webStack(), emptyObserved(), opts({ nonce: 'not-a-nonce' }))).toThrow(/nonce/);
  });
  it('the config hash ignores state and the hash label, but not the image', () => {
    const [c] = desiredContainers(model({ services: [service('web')] }));
    expect(containerConfigHash({ ...c!, state: 'stopped' }, {})).toBe(c!.configHash);
    expect(containerConfigHash({ ...c!, image: 'other:2' }, {})).not.toBe(c!.configHash);
  });
});

describe('plan: the firewall overview', () => {
  it('names each rule with what it does, and nothing undefined', async () => {
    const { compileFiles } = await import('./compile.js');
    const network = ['apiVersion: claude.os/v1', 'kind: NetworkConfig', 'metadata:', '  name: net', 'spec:', '  firewall:', '    enabled: true', '    default_input_policy: drop', '    rules:', '      - name: allow-ssh', '        protocol: tcp', '        port: 22', '        source: 10.0.0.0/8', '        action: accept', '      - name: allow-loopback', '        interface: lo', '        action: accept', ''].join('\n');
    const m = compileFiles({ 'network.yaml': network }).model!;
    const overview = (plan(m, emptyObserved(), opts()).display as { overview: string[] }).overview.join('\n');
    expect(overview).toContain('  • allow-ssh: accept tcp port 22 from 10.0.0.0/8');
    expect(overview).toContain('  • allow-loopback: accept via lo');
    expect(overview).not.toContain('undefined');
  });
});
