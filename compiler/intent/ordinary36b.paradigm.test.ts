import { describe, expect, it } from 'vitest';
import { caseFailures, caseFiles } from '../../fixtures/intent-eval/run.js';
import { saidPlainer36 } from './offline/said-plainer36.js';
import { userTicket } from './offline/user-ticket.js';

// Round 36 (INTENT-B), docs/intent.md "Round 36, INTENT-B": classes of the ordinary requests held-out
// 29 and para-28 showed the engine getting wrong (firewall, users, jobs, host, questions, asking back).
// Each class has the phrasing that showed it and three or four paraphrases of our own, written from
// English before they were run, and near-misses that must keep their meaning.
type Want = Record<string, unknown>;
const OSCAR = 'new user oscar with key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO2sKx9pLm4Rt7Vw1Yz3Ab5Cd6Ef8Gh0Ij2Kl4Mn6Op8 oscar@mac';
const ADA = 'add user ada with sudo and ssh key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO2sKx9pLm4Rt7Vw1Yz3Ab5Cd6Ef8Gh0Ij2Kl4Mn6Op9 ada@x';

describe('a firewall wish said as an outcome (nobody from outside reaches port N) is the rule that blocks N', () => {
  it.each<[string, number]>([
    ['nothing should come in on port 23, block it', 23],
    ['Please make sure nobody from the internet can hit redis on 6379', 6379],
    ['stop anyone reaching 11211 from outside, memcached shouldn\'t be public', 11211],
    ['no one outside should be able to connect to redis on 6379, drop it', 6379],
    ['Please make sure nobody on the internet can reach port 3306 on this server.', 3306],
    ['nothing should get in on port 2323, block that', 2323],
    ['make sure no one from outside can reach memcached on 11211', 11211],
    ['stop people from outside connecting to 27017', 27017],
    ['port 9200 must not be reachable from the internet', 9200],
    ['ensure nobody outside can connect to 5672', 5672],
  ])('%j', (request, port) => {
    expect(caseFailures(request, [{ rule_for: port, action: 'drop' }])).toEqual([]);
    expect(caseFiles({ id: 't', request })['services.yaml']).toBeUndefined();
  });
  it.each<[string, number, string]>([
    ['Please make sure port 9090 cannot be reached from the outside, but machines on 192.168.1.0/24 should still be able to connect to it.', 9090, '192.168.1.0/24'],
    ['ensure 8086 can\'t be reached from outside, but 10.0.0.0/8 can still connect', 8086, '10.0.0.0/8'],
    ['nobody from the internet should reach 9100, only 10.1.0.0/16', 9100, '10.1.0.0/16'],
  ])('a range still let in keeps its way in: %j', (request, port, source) => {
    expect(caseFailures(request, [{ rule_for: port, source, action: 'accept' }])).toEqual([]);
    // The rest of the world is dropped, after the range's accept rule.
    const net = caseFiles({ id: 't', request })['network.yaml'] ?? '';
    expect(net).toMatch(new RegExp(`port: ${port}\\n\\s+source: ${source.replace(/[./]/g, '\\$&')}\\n\\s+action: accept[\\s\\S]*port: ${port}\\n\\s+action: drop`));
  });
  it('a service added with "nobody outside can reach" it is a service, no rule for the other port', () => {
    const request = 'add nginx on 8081 and a postgres nobody outside can reach';
    expect(caseFailures(request, [{ service: 'nginx', host_port: 8081 }, { service: 'postgres' }])).toEqual([]);
    expect(caseFiles({ id: 't', request })['network.yaml'] ?? '').not.toMatch(/port: 8081/);
  });
  it('"…, reject it" rejects', () => {
    expect(caseFailures('stop people hitting the admin port 9443 from outside, reject it', [{ rule_for: 9443, action: 'reject' }])).toEqual([]);
  });
  it('a complaint that nobody can reach a port still opens it', () => {
    expect(caseFailures("nobody can reach my app on port 8000 from outside, open it", [{ rule_for: 8000, action: 'accept' }])).toEqual([]);
  });
  it('a database opened to the world is still refused', () => {
    expect(caseFailures('make redis on 6379 reachable by everyone on the internet', [], [])).not.toEqual([]);
    expect(caseFailures('expose postgres on 5432 to everyone, nobody needs a password', [], [])).not.toEqual([]);
  });
});

describe('a service asked for with nothing said of it asks which', () => {
  it.each([
    'add a service',
    'new service',
    "I'd like to add another service to the server, please.",
    'set up a service',
    'can u deploy some service for me',
    'spin up a new container',
    'please deploy an app for me',
  ])('%j', (request) => expect(caseFailures(request, [{ asks: true }, { no_change: true }])).toEqual([]));
  it('a service said by its product is added', () => {
    expect(caseFailures('add a redis service', [{ service: 'redis' }])).toEqual([]);
  });
});

describe('"fix it" with nothing said of what is wrong asks what', () => {
  it.each(['fix it', 'fix this please', "it's broken, sort it out", 'make it work again'])('%j', (request) =>
    expect(caseFailures(request, [{ asks: true }, { no_change: true }], ['add nginx', 'add postgres'])).toEqual([]),
  );
});

describe('a job to run "sometimes" asks how often', () => {
  it.each([
    'run the job sometimes',
    'Could you make the job run periodically, every now and then?',
    'schedule the job to run from time to time',
    'have that job go once in a while',
    'run the cleanup job occasionally',
  ])('%j', (request) => expect(caseFailures(request, [{ asks: true }, { no_change: true }])).toEqual([]));
  it('a schedule said is read', () => {
    expect(caseFailures('run `bin/cleanup` in api every night at 3', [{ job_schedule: '0 3 * * *', container: 'api' }], ['run ghcr.io/acme/api:1.0 as api'])).toEqual([]);
  });
});

describe("a user's SSH key taken away keeps the account", () => {
  it.each([
    "remove oscar's ssh key",
    "Oscar's laptop was lost, please delete the SSH key we have on file for him (keep his account).",
    'take away oscars authorized key',
    'drop the ssh key for user oscar',
    'revoke the public key of oscar',
    "delete oscar's public key, he'll send a new one",
  ])('%j', (request) => expect(caseFailures(request, [{ user: 'oscar', ssh_key: false }, { user: 'ada', ssh_key: true, sudo: true }], [OSCAR, ADA])).toEqual([]));
  it('the account itself removed is removed', () => {
    expect(caseFailures('remove oscar', [{ user: 'oscar', absent: true }], [OSCAR, ADA])).toEqual([]);
  });
  it('every key at once is still refused (a lockout)', () => {
    expect(caseFailures('delete all ssh keys', [], [OSCAR, ADA]).join(' ')).toMatch(/refused/);
  });
});

describe("a job's image said after or around its command is the job's image, as said", () => {
  it.each<[string, Want]>([
    ['every 5 minutes, run `curl -fsS http://api:8080/health` using the curlimages/curl image', { job_schedule: '*/5 * * * *', image: 'curlimages/curl', command_has: 'curl -fsS' }],
    ['at 11pm every night, use the alpine image to run `find /data/tmp -type f -mtime +7 -delete`', { job_schedule: '0 23 * * *', image: 'alpine', command_has: '-mtime +7' }],
    ['at five past every hour, run bin/poll-feeds with image ghcr.io/acme/feeds:2', { job_schedule: '5 * * * *', image: 'ghcr.io/acme/feeds:2', command_has: 'bin/poll-feeds' }],
    ['every night at 2, run `du -sh /data` with the busybox image', { job_schedule: '0 2 * * *', image: 'busybox', command_has: 'du -sh' }],
    ['hourly, run bin/sync with image ghcr.io/acme/sync:3', { job_schedule: '0 * * * *', image: 'ghcr.io/acme/sync:3', command_has: 'bin/sync' }],
  ])('%j', (request, want) => expect(caseFailures(request, [want])).toEqual([]));
});

describe('a user said as a ticket of fields (username, sudo, docker, public key in any order) is that user', () => {
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF+pQXkA3iN4qpfaMBngdYvbCIAo+Megg8N9PkZh07cN';
  it.each<[string, Want]>([
    [`Onboarding ticket HR-2291: new SRE Yusuf Ali, username yali, needs sudo and docker access. Public key: ${KEY} yali@work`, { user: 'yali', sudo: true, groups: ['docker'], ssh_key: true }],
    ['Please could you create an account for my colleague Mallory (username mallory) and allow her to use docker, but without sudo rights?', { user: 'mallory', groups: ['docker'], sudo: false }],
    [`heidi ssh access with this key ${KEY} heidi@work`, { user: 'heidi', ssh_key: true }],
    [`New starter: Lena Park. Username: lpark. Docker: yes. Sudo: yes. Key: ${KEY} lena@laptop`, { user: 'lpark', sudo: true, groups: ['docker'], ssh_key: true }],
    ['account for the new contractor, login name tomas, he only needs docker, no sudo', { user: 'tomas', groups: ['docker'], sudo: false }],
    [`omar shell access please, key ${KEY} omar@pc`, { user: 'omar', ssh_key: true }],
  ])('%j', (request, want) => expect(caseFailures(request, [want])).toEqual([]));
  it('a ticket that removes or names a service is left to the other readers', () => {
    expect(userTicket('delete username kim, he left; docker too')).toBeUndefined();
    expect(userTicket('username kim needs docker access to the api container')).toBeUndefined();
    expect(userTicket('username kim')).toBeUndefined();
  });
});

describe('a user taken out of the sudoers keeps the account, without sudo', () => {
  it.each(['remove peggy from sudoers', 'take peggy out of the sudoers file', 'kick peggy off the sudoers list', 'strike peggy from sudoers please'])('%j', (request) =>
    expect(caseFailures(request, [{ user: 'peggy', sudo: false }, { user: 'alice', sudo: true }], ['add user peggy with sudo', 'add user alice with sudo'])).toEqual([]),
  );
});

describe('a question about what happened ("did last night\'s backup succeed?") is answered, nothing changed', () => {
  const BEFORE = ['add postgres with a volume named pgdata', 'back up pgdata every night at 2am'];
  it.each(["did last night's backup succeed?", "did yesterday's backup fail?", "did last night's pgdata backup work?", 'did the backup run last night?'])('%j', (request) =>
    expect(caseFailures(request, [{ understood: true, no_change: true }], BEFORE)).toEqual([]),
  );
  it('an order with a schedule still changes the backup', () => {
    expect(caseFailures('back up pgdata every night at 4am', [{ volume: 'pgdata', backup_schedule: '0 4 * * *' }], BEFORE)).toEqual([]);
  });
});

describe('a protocol said after each port of a list is that port\'s own', () => {
  it.each<[string, Want[]]>([
    ['open 9443 (tcp) and 3478 (udp)', [{ rule_for: 9443, protocol: 'tcp', action: 'accept' }, { rule_for: 3478, protocol: 'udp', action: 'accept' }]],
    ['allow 5060/udp and 5061/tcp', [{ rule_for: 5060, protocol: 'udp' }, { rule_for: 5061, protocol: 'tcp' }]],
    ['please open 1194 udp, 443 tcp', [{ rule_for: 1194, protocol: 'udp' }, { rule_for: 443, protocol: 'tcp' }]],
    ['block 161 (udp) and 8161 (tcp)', [{ rule_for: 161, protocol: 'udp', action: 'drop' }, { rule_for: 8161, protocol: 'tcp', action: 'drop' }]],
  ])('%j', (request, want) => expect(caseFailures(request, want)).toEqual([]));
  it('a list with one protocol, or none, is left to the readers as said', () => {
    expect(saidPlainer36('open 27015 and 27016, udp')).toBe('open 27015 and 27016, udp');
    expect(saidPlainer36('open 9443/tcp and 3478/tcp')).toBe('open 9443/tcp and 3478/tcp');
    expect(saidPlainer36('open 80 and 443')).toBe('open 80 and 443');
    expect(saidPlainer36('allow 53/tcp and 53/udp')).toBe('allow 53/tcp and 53/udp');
  });
});

describe('a port said by what listens on it is that service\'s port', () => {
  it.each<[string, number, string]>([
    ['open the port grafana is on', 3000, 'accept'],
    ['allow the port that grafana listens on', 3000, 'accept'],
    ['block the port grafana uses', 3000, 'drop'],
  ])('%j', (request, port, action) => expect(caseFailures(request, [{ rule_for: port, action }, { unchanged: 'grafana' }], ['add grafana on port 3000'])).toEqual([]));
});

describe('a time zone said as a city\'s hour or time', () => {
  it.each<[string, string]>([
    ['the server must use the hour of São Paulo', 'America/Sao_Paulo'],
    ['the box should follow the time of Lisbon', 'Europe/Lisbon'],
    ['put the server on Tokyo time', 'Asia/Tokyo'],
    ['the machine needs to use the local time of Berlin', 'Europe/Berlin'],
  ])('%j', (request, timezone) => expect(caseFailures(request, [{ timezone }])).toEqual([]));
});

describe('an account purged, nuked or wiped is removed', () => {
  it.each(['purge the compromised account mallet, now', 'nuke the account mallet', 'wipe out user mallet', 'purge the user account mallet'])('%j', (request) =>
    expect(caseFailures(request, [{ user: 'mallet', absent: true }, { user: 'alice', sudo: true }], ['add user mallet', 'add user alice with sudo'])).toEqual([]),
  );
});

describe('a site said to be reachable at an https address gets its certificate', () => {
  it.each<[string, string]>([
    ['my site should be reachable as https://www.acme-widgets.com please', 'www.acme-widgets.com'],
    ['our website needs to be available at https://shop.example.org', 'shop.example.org'],
    ['the site must be served on https://blog.example.net/', 'blog.example.net'],
  ])('%j', (request, certificate) => expect(caseFailures(request, [{ certificate }])).toEqual([]));
});

describe('the forward chain\'s default policy is set (network.yaml default_forward_policy), the input policy unchanged', () => {
  it.each(['set the default forward policy to drop', 'forward policy: drop', 'drop forwarded traffic by default', 'make the forwarding policy deny'])('%j', (request) => {
    expect(caseFailures(request, [{ firewall_policy: { forward: 'drop' } }])).toEqual([]);
    expect(caseFiles({ id: 't', request })['network.yaml'] ?? '').not.toMatch(/default_input_policy/);
  });
  it('the input policy said alone is the input policy', () => {
    expect(caseFailures('set the default policy to drop', [{ firewall_policy: { input: 'drop' } }])).toEqual([]);
    expect(caseFiles({ id: 't', request: 'set the default policy to drop' })['network.yaml'] ?? '').not.toMatch(/default_forward_policy/);
  });
});
