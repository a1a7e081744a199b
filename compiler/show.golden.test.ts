/**
 * Golden tests of `claude show`'s rendering: the whole text is stored in
 * compiler/__golden__/show-*.txt; any change shows up as a diff. UPDATE_GOLDEN=1 rewrites them.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { plan, desiredContainers, type PlanOptions } from './planner.js';
import { signPlan } from './sign.js';
import { renderPlan } from './show.js';
import { webStack, emptyObserved } from './__fixtures__/models.js';
import { addSignature, keyIdOf, serializeEnvelope } from '../plan/envelope.js';
import { inspectPlan } from '../plan/inspect.js';
import { packageRoot } from '../common/paths.js';
import type { ObservedState } from '../plan/types.js';

// Fixed test keys: ed25519 signatures are deterministic, so the output is too.
const HOST = createPrivateKey('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPKusshLH7iNlu/GwkJJLVAC5qap/ZcSVmuNxJbVxLBE\n-----END PRIVATE KEY-----\n');
const ADMIN = createPrivateKey('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIE1Ot8JJb7K+sgTWK16egxbWWDyluQ3T9p4TyPkEuOKy\n-----END PRIVATE KEY-----\n');
const trusted = [{ keyid: keyIdOf(HOST), role: 'host' as const, name: 'host-golden', publicKey: createPublicKey(HOST) }];
const NOW = new Date('2026-11-21T12:00:00Z');
const opts = (over: Partial<PlanOptions> = {}): PlanOptions => ({ request: 'set up nginx, postgres and redis', now: NOW, nonce: '5e'.repeat(16), hostId: 'host-golden', provenance: { engine: 'offline', model: null, promptHash: null }, compilerVersion: '0.1.0', ...over });

function golden(name: string, text: string): void {
  const file = join(packageRoot(), 'compiler', '__golden__', `show-${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

function running(): ObservedState {
  const m = webStack();
  return emptyObserved({
    networks: [{ name: 'webstack', managed: true, driver: 'bridge', internal: false, labels: { 'claude.os/managed': 'true' } }],
    volumes: [...m.volumes.map((v) => ({ name: v.name, path: v.path, exists: true })), { name: 'old-uploads', path: '/data/uploads', exists: true }],
    containers: [
      ...desiredContainers(m).map((c) => ({ name: c.name, id: c.name, managed: true, service: c.service, replica: 1, configHash: c.configHash, image: c.image, status: 'running' as const, health: 'healthy' as const, labels: c.labels, ports: c.ports })),
      { name: 'apache2', id: 'a', managed: true, service: 'apache2', replica: 1, configHash: 'a'.repeat(64), image: 'httpd:2.4', status: 'running' as const, health: 'none' as const, labels: {}, ports: [] },
    ],
  });
}

describe('show (golden)', () => {
  it('a new web stack, signed by the host', () => {
    const env = signPlan(plan(webStack(), emptyObserved(), opts()), HOST);
    const text = serializeEnvelope(env);
    const r = inspectPlan(text, { trusted, now: NOW, hostId: 'host-golden' });
    expect(r.ok).toBe(true);
    golden('new-stack', renderPlan(r.payload!, r));
  });

  it('a locked-down firewall, a changed service, an orphan and a volume deletion, with an untrusted co-signature', () => {
    const m = webStack();
    m.services.find((s) => s.name === 'redis')!.command = ['redis-server', '--appendonly', 'no'];
    m.firewall = {
      enabled: true,
      defaultInputPolicy: 'drop',
      defaultOutputPolicy: 'accept',
      defaultForwardPolicy: 'drop',
      rules: [
        { name: 'allow-ssh-internal', direction: 'input', protocol: 'tcp', port: 22, source: '10.0.0.0/8', action: 'accept' },
        { name: 'allow-http', direction: 'input', protocol: 'tcp', port: 80, source: '0.0.0.0/0', action: 'accept' },
        { name: 'allow-established', direction: 'input', protocol: 'all', state: 'established,related', action: 'accept' },
      ],
    };
    const env = addSignature(signPlan(plan(m, running(), opts({ request: 'lock down the system, only allow SSH from 10.0.0.0/8', allowDestructive: true })), HOST), ADMIN);
    const r = inspectPlan(serializeEnvelope(env), { trusted, now: NOW, hostId: 'host-golden' });
    golden('security-destructive', renderPlan(r.payload!, r));
  });

  it('no changes', () => {
    const o = running();
    o.containers = o.containers.filter((c) => c.name !== 'apache2');
    o.volumes = o.volumes.filter((v) => v.name !== 'old-uploads');
    const env = signPlan(plan(webStack(), o, opts({ request: 'apply state dir /etc/claude.d', provenance: { engine: 'user' } })), HOST);
    const r = inspectPlan(serializeEnvelope(env), { trusted, now: NOW });
    expect(r.payload!.steps).toEqual([]);
    golden('no-changes', renderPlan(r.payload!, r));
  });
});
