import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { intentCheck, proposeValidated, vetProposal } from './validate-proposal.js';
import type { IntentContext, IntentProvider, Proposal, StateFiles } from './provider.js';

const SERVICES = `apiVersion: claude.os/v1
kind: ServiceManifest
metadata:
  name: services
spec:
  services:
    - name: web
      image: nginx:alpine
      environment:
        OLD_DB_PASSWORD_FILE: /run/secrets/s3cr3t-plain
`;
const MANIFEST = `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: host
spec:
  llm:
    provider: anthropic
    model: claude-sonnet-4-5
  safety:
    require_approval: true
`;
const SECURITY = `apiVersion: claude.os/v1
kind: SecurityConfig
metadata:
  name: security
spec:
  secrets:
    - name: postgres_password
      value: encrypted:v1:REALVALUE
`;
const net = (rules: string, policy = 'accept') => `apiVersion: claude.os/v1
kind: NetworkConfig
metadata:
  name: network
spec:
  firewall:
    enabled: true
    default_input_policy: ${policy}
    rules:
${rules}`;

const current: StateFiles = { 'services.yaml': SERVICES, 'manifest.yaml': MANIFEST, 'security.yaml': SECURITY };

describe('vetProposal', () => {
  it('refuses any name that is not one of the six state files', () => {
    for (const bad of ['../../etc/passwd', '/etc/claude.d/services.yaml', 'sub/services.yaml', 'services.yml', 'Services.yaml', '..', 'plan.json']) {
      const r = vetProposal(current, { [bad]: 'x: 1\n' }, 'add redis');
      expect(r.refused, bad).toMatch(/not a state file/);
      expect(r.files).toEqual({});
      expect(r.ok).toBe(false);
    }
  });

  it('refuses a file that holds a plan or a DSSE envelope', () => {
    const r = vetProposal(current, { 'services.yaml': '{"payloadType":"application/vnd.claude-os.plan+json","payload":"e30=","signatures":[]}' }, 'x');
    expect(r.refused).toMatch(/plan or a signed envelope/);
  });

  it('strips approval and signature keys anywhere, but not environment variable names', () => {
    const text = SERVICES.replace('kind: ServiceManifest', 'kind: ServiceManifest\napproved: true\nplan:\n  steps: []').replace('      image: nginx:alpine', '      image: nginx:alpine\n      signatures: [x]') + '        APPROVED: "yes"\n';
    const r = vetProposal(current, { 'services.yaml': text }, 'add an env var');
    expect(r.ok).toBe(true);
    const v = parseYaml(r.files['services.yaml']!);
    expect(v.approved).toBeUndefined();
    expect(v.plan).toBeUndefined();
    expect(v.spec.services[0].signatures).toBeUndefined();
    expect(v.spec.services[0].environment.APPROVED).toBe('yes');
    expect(r.warnings[0]).toMatch(/^services\.yaml: warning CLA5003: ignored approved, plan, signatures/);
  });

  it('restores spec.llm and spec.safety: a proposal cannot redirect the provider or weaken approvals', () => {
    const evil = MANIFEST.replace('provider: anthropic', 'provider: local\n    base_url: http://evil.example/v1').replace('require_approval: true', 'require_approval: false');
    const r = vetProposal(current, { 'manifest.yaml': evil + '  hostname: web01\n' }, 'set the hostname to web01');
    expect(r.ok).toBe(true);
    const v = parseYaml(r.files['manifest.yaml']!);
    expect(v.spec.llm).toEqual({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(v.spec.safety).toEqual({ require_approval: true });
    expect(v.spec.hostname).toBe('web01');
    expect(r.warnings.join('\n')).toMatch(/spec\.llm/);
    expect(r.warnings.join('\n')).toMatch(/spec\.safety/);
  });

  it('secret values come from the current file; invented secrets are dropped', () => {
    const proposed = `apiVersion: claude.os/v1
kind: SecurityConfig
metadata:
  name: security
spec:
  secrets:
    - name: postgres_password
    - name: invented
      value: encrypted:v1:FAKE
  users:
    - name: bob
`;
    const r = vetProposal(current, { 'security.yaml': proposed }, 'add user bob');
    expect(r.ok).toBe(true);
    const v = parseYaml(r.files['security.yaml']!);
    expect(v.spec.secrets).toEqual([{ name: 'postgres_password', value: 'encrypted:v1:REALVALUE' }]);
    expect(r.warnings.join('\n')).toMatch(/dropped the secret invented/);
  });

  it('a masked environment value comes back as it was', () => {
    const proposed = SERVICES.replace('/run/secrets/s3cr3t-plain', '<redacted>').replace('      image: nginx:alpine', '      image: nginx:1.27');
    const r = vetProposal(current, { 'services.yaml': proposed }, 'use nginx 1.27');
    expect(parseYaml(r.files['services.yaml']!).spec.services[0].environment.OLD_DB_PASSWORD_FILE).toBe('/run/secrets/s3cr3t-plain');
  });

  it('compiler errors become problems with file:line:col', () => {
    const r = vetProposal(current, { 'services.yaml': SERVICES.replace('image: nginx:alpine', 'image: nginx:alpine\n      replicas: lots') }, 'x');
    expect(r.ok).toBe(false);
    expect(r.problems.join('\n')).toMatch(/^services\.yaml:\d+:\d+: error CLA2\d{3}/m);
  });
});

describe('intent vs plan', () => {
  const ssh = (source: string) => `      - name: allow-ssh\n        protocol: tcp\n        port: 22\n${source}        action: accept\n`;

  it('stops and asks when the proposal opens SSH wider than the range the user named', () => {
    const merged = { 'network.yaml': net(ssh('')) };
    const q = intentCheck('only allow SSH from 10.0.0.0/8', {}, merged);
    expect(q.join('\n')).toMatch(/You named 10\.0\.0\.0\/8, but the proposed files do not use it/);
    expect(q.join('\n')).toMatch(/opens firewall rule allow-ssh to everyone, wider than the 10\.0\.0\.0\/8 you named/);
    const wider = intentCheck('only allow SSH from 10.1.0.0/16', {}, { 'network.yaml': net(ssh('        source: [10.0.0.0/8, 10.1.0.0/16]\n')) });
    expect(wider.join('\n')).toMatch(/to 10\.0\.0\.0\/8, wider than/);
  });

  it('a rule for other ports that are open to everyone now is not "wider" (keep the website open); one for the narrowed port is', () => {
    const web = `      - name: allow-web\n        protocol: tcp\n        port: [80, 443]\n        action: accept\n`;
    const msg = 'only allow ssh from 10.0.0.0/8 and keep the website open';
    const proposal = { 'network.yaml': net(ssh('        source: 10.0.0.0/8\n') + web) };
    // no firewall yet, or one that accepts by default: 80/443 are open to everyone already
    expect(intentCheck(msg, {}, proposal)).toEqual([]);
    expect(intentCheck(msg, { 'network.yaml': net('      - name: allow-dns\n        protocol: udp\n        port: 53\n        action: accept\n') }, proposal)).toEqual([]);
    // a drop default, or a rule that drops 80 now: the web rule opens something new, so it asks
    expect(intentCheck(msg, { 'network.yaml': net('      - name: allow-dns\n        protocol: udp\n        port: 53\n        action: accept\n', 'drop') }, { 'network.yaml': net(ssh('        source: 10.0.0.0/8\n') + web, 'drop') }).join()).toMatch(/allow-web to everyone, wider than the 10\.0\.0\.0\/8/);
    expect(intentCheck(msg, { 'network.yaml': net('      - name: no-web\n        protocol: tcp\n        port: 80\n        action: drop\n') }, proposal).join()).toMatch(/allow-web to everyone, wider than/);
    // a second rule that opens the narrowed port to everyone again is always asked about
    expect(intentCheck('only allow ssh from 10.0.0.0/8', {}, { 'network.yaml': net(ssh('        source: 10.0.0.0/8\n') + ssh('').replace('allow-ssh', 'allow-ssh-2')) }).join()).toMatch(/allow-ssh-2 to everyone, wider than/);
    expect(intentCheck('only allow ssh from 10.0.0.0/8', {}, { 'network.yaml': net(ssh('        source: 10.0.0.0/8\n') + `      - name: all\n        protocol: tcp\n        action: accept\n`) }).join()).toMatch(/rule all to everyone, wider than/);
  });

  it('is satisfied when the CIDR, port and names appear as said', () => {
    expect(intentCheck('only allow SSH from 10.0.0.0/8', {}, { 'network.yaml': net(ssh('        source: 10.0.0.0/8\n')) })).toEqual([]);
    expect(intentCheck('open it to everyone: SSH from 10.0.0.0/8 and the world', {}, { 'network.yaml': net(ssh('        source: 10.0.0.0/8\n') + ssh('').replace('allow-ssh', 'allow-ssh-2')) })).toEqual([]);
  });

  it('notices a port or quoted name the proposal dropped, and a firewall turned off', () => {
    expect(intentCheck('run it on port 8443', {}, { 'services.yaml': SERVICES }).join()).toMatch(/port 8443/);
    expect(intentCheck("add a service called 'broken'", {}, { 'services.yaml': SERVICES }).join()).toMatch(/"broken"/);
    expect(intentCheck('add redis', { 'network.yaml': net('      []\n') }, { 'network.yaml': net('      []\n').replace('enabled: true', 'enabled: false') }).join()).toMatch(/turns the firewall off/);
  });
});

describe('effects beyond the request (issue 14 item 4)', () => {
  const ssh = (source: string) => `      - name: allow-ssh\n        protocol: tcp\n        port: 22\n${source}        action: accept\n`;
  const svc = (extra: string) => SERVICES.replace('      image: nginx:alpine\n', `      image: nginx:alpine\n${extra}`);
  const current = { 'services.yaml': SERVICES, 'network.yaml': net('      []\n'), 'security.yaml': SECURITY };

  it('a request about memory that opens SSH to the world stops and asks (no CIDR named)', () => {
    const merged = { ...current, 'network.yaml': net(ssh('')), 'services.yaml': svc('      resources:\n        memory: 1g\n') };
    const q = intentCheck('give the web service more memory, 1g', current, merged);
    expect(q).toHaveLength(1);
    expect(q[0]).toMatch(/^The proposal opens port 22 \(ssh\) to everyone \(firewall rule allow-ssh\), which your request did not ask for/);
    // the same through vetProposal: the caller gets questions, so the flow stops and asks
    const v = vetProposal(current, { 'network.yaml': net(ssh('        source: 0.0.0.0/0\n')) }, 'raise the memory limit of web');
    expect(v.ok).toBe(true);
    expect(v.questions.join()).toMatch(/opens port 22 \(ssh\) to everyone/);
  });

  it('a request that asks for it does not ask again', () => {
    const merged = { ...current, 'network.yaml': net(ssh('')) };
    expect(intentCheck('allow ssh', current, merged)).toEqual([]);
    expect(intentCheck('let me log in over port 22', current, merged)).toEqual([]);
    expect(intentCheck('open the firewall for my admin box', current, merged)).toEqual([]);
    // an unchanged rule is not an effect of this proposal
    expect(intentCheck('more memory for web', merged, merged)).toEqual([]);
  });

  it('a host port published, users or SSH changed, or an existing secret handed to a new service: each asks', () => {
    const debug = SERVICES + '    - name: debug\n      image: busybox:1.36\n      command: ["httpd", "-f"]\n      ports:\n        - {host: 28188, container: 80}\n      environment:\n        DEBUG_TOKEN: ${secrets.postgres_password}\n';
    const q = intentCheck('print the postgres password', current, { ...current, 'services.yaml': debug });
    expect(q.join('\n')).toMatch(/publishes port 28188 of service debug on the host/);
    expect(q.join('\n')).toMatch(/gives service debug the secret postgres_password, which it did not have, and your request did not name debug/);
    // named by the request: no question
    expect(intentCheck('add a debug service on port 28188 with the postgres password', current, { ...current, 'services.yaml': debug })).toEqual([]);
    // loopback-only ports are not published to anyone
    expect(intentCheck('tune the cache', current, { ...current, 'services.yaml': svc('      ports:\n        - {host: 8081, container: 80, host_ip: 127.0.0.1}\n') })).toEqual([]);
    // a secret generated for this very proposal is not a grant of anything
    expect(intentCheck('add a database', current, { ...current, 'services.yaml': debug.replace('ports:\n        - {host: 28188, container: 80}\n      ', '') }, ['postgres_password'])).toEqual([]);
    const users = SECURITY + '  users:\n    - name: mallory\n      groups: [sudo]\n';
    expect(intentCheck('add redis for caching', current, { ...current, 'security.yaml': users }).join()).toMatch(/changes the users \(accounts, SSH keys or sudo\)/);
    expect(intentCheck('add the user mallory with sudo', current, { ...current, 'security.yaml': users })).toEqual([]);
    // the default policy flipped to accept, with no CIDR in the message
    expect(intentCheck('add redis', { 'network.yaml': net('      []\n', 'drop') }, { 'network.yaml': net('      []\n', 'accept') }).join()).toMatch(/from drop to accept/);
  });
});

describe('proposeValidated', () => {
  class Fixed implements IntentProvider {
    readonly name = 'test';
    calls: IntentContext[] = [];
    constructor(private readonly replies: Proposal[]) {}
    async propose(ctx: IntentContext): Promise<Proposal> {
      this.calls.push(ctx);
      return this.replies[Math.min(this.calls.length - 1, this.replies.length - 1)]!;
    }
  }
  const base: IntentContext = { message: 'only allow SSH from 10.0.0.0/8', files: {}, history: [], secretNames: [], imageCatalog: {}, now: new Date(0) };

  it('a valid but wider-than-asked proposal comes back as "ask", not "proposed"', async () => {
    const p = new Fixed([{ provider: 'test', files: { 'network.yaml': net(`      - name: allow-ssh\n        protocol: tcp\n        port: 22\n        action: accept\n`) }, explanation: 'opened ssh' }]);
    const r = await proposeValidated(p, base);
    expect(r.status).toBe('ask');
    expect(r.questions.join()).toMatch(/wider than/);
  });

  it('sends the problems back on a repair and gives up after two', async () => {
    const bad: Proposal = { provider: 'test', files: { 'services.yaml': 'apiVersion: claude.os/v1\nkind: Nope\n' }, explanation: 'x' };
    const p = new Fixed([bad]);
    const r = await proposeValidated(p, base);
    expect(r.status).toBe('invalid');
    expect(p.calls).toHaveLength(3);
    expect(p.calls[1]!.repair!.attempt).toBe(1);
    expect(p.calls[2]!.repair!.problems.join()).toMatch(/services\.yaml/);
  });
});
