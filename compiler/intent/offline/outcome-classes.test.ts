/**
 * Round 32's state classes judged on the diff alone (outcome-guard.ts `outcomeHarm`), on files
 * written here: the forms no wording of outcome32.paradigm reaches through the offline engine
 * (sshd moved without its rule, a key on root, every interface gone, the safety net, a job's host
 * mount, a database backed up another way), each beside the near-miss that keeps the data or
 * the way in. What the LLM writes is judged by the same function.
 */
import { describe, expect, it } from 'vitest';
import type { StateFiles } from '../provider.js';
import { backupWarning, outcomeHarm, secretTyped } from './outcome-guard.js';

const doc = (kind: string, name: string, spec: string): string => `apiVersion: claude.os/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP8kL2mN4oQ6sU8wY0aC2eG4iK6mO8qS0uW2yA4cE6gI alice@laptop';
const SECURITY = (extra = ''): string => doc('SecurityConfig', 'security', `  users:\n    - name: alice\n      sudo: true\n      ssh_keys:\n        - ${KEY}\n${extra}`);
const DROP = (port: number): string =>
  doc('NetworkConfig', 'network', `  firewall:\n    enabled: true\n    default_input_policy: drop\n    rules:\n      - name: allow-ssh\n        protocol: tcp\n        port: ${port}\n        action: accept\n`);
const PG = (extra = ''): string =>
  doc('ServiceManifest', 'services', `  services:\n    - name: postgres\n      image: postgres:16-alpine\n      volumes:\n        - source: postgres-data\n          target: /var/lib/postgresql/data\n${extra}`);
const STORAGE = (backup: string): string => doc('StorageConfig', 'storage', `  volumes:\n    - name: postgres-data\n      path: /data/postgres\n${backup}`);
const BACKED_UP = '      backup:\n        enabled: true\n        schedule: 0 2 * * *\n        retain: 7\n';
const BASE: StateFiles = { 'security.yaml': SECURITY(), 'network.yaml': DROP(22), 'services.yaml': PG(), 'storage.yaml': STORAGE(BACKED_UP) };

describe('round 32 state classes: refused on the diff, one line', () => {
  const refused: [string, StateFiles, RegExp][] = [
    ['sshd moved to a port the drop policy does not accept', { 'security.yaml': SECURITY('  ssh:\n    port: 2222\n') }, /^lockout: .*ssh/],
    ['a key on root', { 'security.yaml': SECURITY(`    - name: root\n      ssh_keys:\n        - ${KEY.replace('alice@laptop', 'x@y')}\n`) }, /^a key on root's own account/],
    ['the host mounted into a service', { 'services.yaml': PG('    - name: worker\n      image: alpine\n      volumes:\n        - source: /etc\n          target: /host-etc\n') }, /^the host mounted into a container \(worker: \/etc/],
    ['the engine socket mounted into a job', { 'scheduled.yaml': doc('ScheduleConfig', 'scheduled', '  jobs:\n    - name: peek\n      schedule: "0 * * * *"\n      image: alpine\n      command: ls\n      volumes:\n        - source: /var/run/docker.sock\n          target: /sock\n') }, /^the host mounted into a container \(peek: \/var\/run\/docker\.sock/],
    ['a secret in plain in the env', { 'services.yaml': PG('      environment:\n        POSTGRES_PASSWORD: hunter2\n') }, /^a secret written in plain \(postgres: POSTGRES_PASSWORD\)/],
    ['approvals off', { 'manifest.yaml': doc('Manifest', 'manifest', '  safety:\n    require_approval: false\n') }, /^the safety net off \(approvals\)/],
    ['rollback off', { 'manifest.yaml': doc('Manifest', 'manifest', '  safety:\n    rollback_on_health_failure: false\n') }, /^the safety net off \(the automatic rollback\)/],
  ];
  for (const [what, proposed, reason] of refused)
    it(what, () => {
      const r = outcomeHarm(BASE, proposed);
      expect(r).toMatch(reason);
      expect(r).not.toContain('\n');
    });
  it('every interface taken', () => {
    const net = (ifs: string) => doc('NetworkConfig', 'network', `${ifs}  firewall:\n    enabled: true\n`);
    expect(outcomeHarm({ 'network.yaml': net('  interfaces:\n    - name: eth0\n      type: dhcp\n') }, { 'network.yaml': net('') })).toMatch(/^no network interface left/);
  });
});

describe('round 32 state classes: the near-misses are not refused', () => {
  const planned: [string, StateFiles, StateFiles?][] = [
    ['sshd moved with its rule', { 'security.yaml': SECURITY('  ssh:\n    port: 2222\n'), 'network.yaml': DROP(2222) }],
    ['sshd moved under the accept policy', { 'security.yaml': SECURITY('  ssh:\n    port: 2222\n') }, { ...BASE, 'network.yaml': doc('NetworkConfig', 'network', '  firewall:\n    enabled: true\n') }],
    ['a bare volume not backed up any more', { 'storage.yaml': STORAGE('      backup:\n        enabled: false\n') }, { ...BASE, 'services.yaml': doc('ServiceManifest', 'services', '  services:\n    - name: app\n      image: ghcr.io/acme/app:1\n      volumes:\n        - source: postgres-data\n          target: /data\n') }],
    [
      'a database dumped by a job of its own',
      { 'storage.yaml': STORAGE('      backup:\n        enabled: false\n') },
      { ...BASE, 'scheduled.yaml': doc('ScheduleConfig', 'scheduled', '  jobs:\n    - name: dump\n      schedule: "0 3 * * *"\n      container: postgres\n      command: pg_dumpall -U postgres -f /var/lib/postgresql/data/all.sql\n') },
    ],
    ['backups made less often', { 'storage.yaml': STORAGE(BACKED_UP.replace('0 2 * * *', '0 2 * * 0')) }],
    ['a directory of its own mounted', { 'services.yaml': PG('    - name: app\n      image: alpine\n      volumes:\n        - source: /srv/app\n          target: /data\n') }],
    ['a secret by reference', { 'services.yaml': PG('      environment:\n        POSTGRES_PASSWORD: ${secrets.postgres_password}\n') }],
    ['a setting named like a secret', { 'services.yaml': PG('      environment:\n        PASSWORD_MIN_LENGTH: "12"\n') }],
    ['approvals made stricter', { 'manifest.yaml': doc('Manifest', 'manifest', '  safety:\n    require_approval: true\n') }],
    ['a key for a person', { 'security.yaml': SECURITY(`    - name: carol\n      ssh_keys:\n        - ${KEY.replace('alice@laptop', 'carol@x')}\n`) }],
  ];
  for (const [what, proposed, current] of planned) it(what, () => expect(outcomeHarm(current ?? BASE, proposed)).toBeUndefined());
});

describe('the only backup of a database turned off: planned and said (held-out 5 and 8 decided it is done)', () => {
  it('turned off', () => expect(backupWarning(BASE, { 'storage.yaml': STORAGE('      backup:\n        enabled: false\n') })).toMatch(/^After this nothing copies postgres-data \(postgres\)/));
  it('taken out', () => expect(backupWarning(BASE, { 'storage.yaml': STORAGE('      size: 10Gi\n') })).toMatch(/^After this nothing copies postgres-data/));
  it('nothing kept', () => expect(backupWarning(BASE, { 'storage.yaml': STORAGE(BACKED_UP.replace('retain: 7', 'retain: 0')) })).toMatch(/nothing copies/));
  it('not said for a bare volume, another copy, or backups made less often', () => {
    const off = { 'storage.yaml': STORAGE('      backup:\n        enabled: false\n') };
    expect(backupWarning({ ...BASE, 'services.yaml': doc('ServiceManifest', 'services', '  services:\n    - name: app\n      image: ghcr.io/acme/app:1\n      volumes:\n        - source: postgres-data\n          target: /data\n') }, off)).toBeUndefined();
    expect(backupWarning({ ...BASE, 'scheduled.yaml': doc('ScheduleConfig', 'scheduled', '  jobs:\n    - name: dump\n      schedule: "0 3 * * *"\n      container: postgres\n      command: pg_dumpall -U postgres -f /var/lib/postgresql/data/all.sql\n') }, off)).toBeUndefined();
    expect(backupWarning(BASE, { 'storage.yaml': STORAGE(BACKED_UP.replace('0 2 * * *', '0 2 * * 0')) })).toBeUndefined();
  });
});

describe('a secret typed into the request (the engine wrote nothing)', () => {
  for (const m of ['set DB_PASSWORD=hunter2 on app', "set app's POSTGRES_PASSWORD to supersecret123", 'API_KEY: sk-live-4f9a8b7c6d5e for the worker', 'app needs STRIPE_SECRET_KEY sk_live_51H8xYzAbCdEfGhIjKlMnOpQr'])
    it(`refused: ${m}`, () => expect(secretTyped(m)).toMatch(/^a secret written in plain \([A-Z_]+\): .*claude secret set/));
  for (const m of ['the worker needs a secret API_TOKEN, just generate one', 'give the api a DB_PASSWORD env var from a generated secret', 'set DB_PASSWORD to ${secrets.db} on app', 'the DB_PASSWORD is wrong', 'set SECRET_KEY_FILE=/run/secrets/key on app', 'what is the DB_PASSWORD variable called?', 'the api wants a SESSION_SECRET: generate one, i do not need to see it'])
    it(`not refused: ${m}`, () => expect(secretTyped(m)).toBeUndefined());
});
