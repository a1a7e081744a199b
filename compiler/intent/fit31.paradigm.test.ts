import { describe, expect, it } from 'vitest';
import { caseFailures, runCase, runConversation } from '../../fixtures/intent-eval/run.js';

// Held-out 31 (written blind 2026-12-07; run blind before round 37), read by the lead afterwards:
// classes of its ordinary misses given to FIT31, each with the phrasing that showed it, paraphrases
// of our own, and near misses that keep their meaning. docs/intent.md "Round 37, FIT31".
type Want = Record<string, unknown>;

describe('"its" after "reached through nginx" is the subject\'s, never the way in (h31-svc-75)', () => {
  const before = ['add a service called api running ghcr.io/acme/api:2.4 on port 8000', 'add nginx on port 80'];
  it.each([
    'api should only be reached through nginx, stop publishing its port',
    'api sits behind nginx now, stop publishing its port',
    'the api is only reached via nginx, so stop publishing its port',
    'api is proxied by nginx; stop exposing its port',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'api', no_ports: true }, { unchanged: 'nginx' }], before)).toEqual([]);
  });
  it('near miss: "its" after nginx said plainly is still nginx\'s', () => {
    expect(caseFailures("stop publishing nginx's port", [{ service: 'nginx', no_ports: true }, { unchanged: 'api' }], before)).toEqual([]);
  });
});

describe('an account purged by a possessive name, a container annihilated (h31-risky-04, h31-risky-13)', () => {
  const users = ['add user temp-contractor', 'add user alice with sudo'];
  it.each<[string, string]>([
    ["purge temp-contractor's account", 'temp-contractor'],
    ["purge temp-contractor's login, the contract ended", 'temp-contractor'],
    ["purge alice's user account", 'alice'],
  ])('%j', (request, user) => {
    const other = user === 'alice' ? { user: 'temp-contractor' } : { user: 'alice', sudo: true };
    expect(caseFailures(request, [{ user, absent: true }, other], users)).toEqual([]);
  });
  const svcs = ['add a service called demo running ghcr.io/acme/demo:0.3', 'add redis'];
  it.each([
    'annihilate the demo container, the sales pitch is done',
    'obliterate demo',
    'eradicate the demo service please',
    'obliterate demo from the server',
  ])('%j removes demo', (request) => {
    expect(caseFailures(request, [{ service: 'demo', absent: true }, { unchanged: 'redis' }], svcs)).toEqual([]);
  });
  it.each(['annihilate all the data on this box', 'obliterate every volume'])('near miss %j is still refused', (request) => {
    expect(runCase({ id: 'unit', request, dangerous: true, before: ['add postgres with a volume called pgdata'], expect: [] }).failures).toEqual([]);
  });
});

describe('an https address said to work is https for its domain (h31-cert-08)', () => {
  it.each<[string, string]>([
    ['make https://status.example.com work', 'status.example.com'],
    ['get https://status.example.com working please', 'status.example.com'],
    ['https://shop.example.org should work', 'shop.example.org'],
    ['we need https://shop.example.org to be live', 'shop.example.org'],
  ])('%j', (request, certificate) => {
    expect(caseFailures(request, [{ certificate }])).toEqual([]);
  });
  it('near miss: a URL fetched by a job is no certificate', () => {
    expect(caseFailures('every hour run curlimages/curl with `curl -fsS https://status.example.com/ping`', [{ certificate: 'status.example.com' }])).not.toEqual([]);
  });
});

describe('a new login who "manages the containers" is in the docker group, "not root" is no sudo (h31-user-14)', () => {
  it.each([
    "Hi, could you set up a login for our new contractor Oscar (username oscar)? He'll need to manage the containers but he shouldn't be root. Thank you!",
    'add a user oscar who can manage the containers, no sudo',
    'please create an account for oscar; he should manage our docker containers but not be root',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ user: 'oscar', sudo: false, groups: ['docker'] }])).toEqual([]);
  });
  it('near miss: a login with nothing said of containers is in no docker group', () => {
    expect(caseFailures('set up a login for oscar', [{ user: 'oscar', groups: ['docker'] }])).not.toEqual([]);
    expect(caseFailures('set up a login for oscar', [{ user: 'oscar', sudo: false }])).toEqual([]);
  });
});

describe('a firewall rule said without a verb, two sources for two ports (h31-fw-20)', () => {
  it.each([
    'https from anywhere, but plain http only from 10.0.0.0/8',
    'allow https from anywhere, but http only from 10.0.0.0/8',
    'allow https from anywhere and http only from 10.0.0.0/8',
    'open 443 to everyone and 80 only to 10.0.0.0/8',
  ])('%j', (request) => {
    const f = caseFailures(request, [{ rule_for: 443, action: 'accept' }, { rule_for: 80, source: '10.0.0.0/8', action: 'accept' }]);
    expect(f).toEqual([]);
  });
  it('https stays open to all: its rule has no source', () => {
    expect(caseFailures('https from anywhere, but plain http only from 10.0.0.0/8', [{ rule_for: 443, source: '10.0.0.0/8' }])).not.toEqual([]);
  });
  it.each<[string, number, string]>([
    ['ssh only from 10.0.0.0/8', 22, '10.0.0.0/8'],
    ['port 9100 from 10.0.5.12', 9100, '10.0.5.12'],
  ])('%j', (request, port, source) => {
    expect(caseFailures(request, [{ rule_for: port, source, action: 'accept' }])).toEqual([]);
  });
  it('near miss: one source for two ports is still one reading', () => {
    expect(caseFailures('allow http and https from 10.0.0.0/8', [{ rule_for: 80, source: '10.0.0.0/8', action: 'accept' }, { rule_for: 443, source: '10.0.0.0/8', action: 'accept' }])).toEqual([]);
  });
});

describe('an address that needs to reach a port is allowed to it (h31-fw-16)', () => {
  it.each<[string, number, string]>([
    ['the monitoring box 10.0.5.12 needs to scrape node exporter on 9100', 9100, '10.0.5.12'],
    ['10.0.0.0/24 must be able to reach port 5432', 5432, '10.0.0.0/24'],
    ['our prometheus server at 10.0.5.12 has to scrape port 9100', 9100, '10.0.5.12'],
  ])('%j', (request, port, source) => {
    expect(caseFailures(request, [{ rule_for: port, source, action: 'accept' }])).toEqual([]);
  });
  it('near miss: a node exporter added on 9100 is a service', () => {
    expect(caseFailures('add node exporter on 9100', [{ service: 'node-exporter', host_port: 9100 }])).toEqual([]);
  });
});

describe("a service's port said not reachable from outside is blocked (h31-fw-22)", () => {
  it.each<[string, number]>([
    ['the postgres port should not be reachable from outside', 5432],
    ['the redis port must not be accessible from the internet', 6379],
    ['nobody on the internet should reach the mysql port', 3306],
    ["mysql's port shouldn't be reachable from outside", 3306],
  ])('%j', (request, port) => {
    expect(caseFailures(request, [{ rule_for: port, action: 'drop' }])).toEqual([]);
  });
  it('near miss: a service said not reachable from outside publishes no port', () => {
    expect(caseFailures('postgres should not be reachable from outside', [{ service: 'postgres', no_ports: true }], ['add postgres on port 5432'])).toEqual([]);
  });
});

describe('"the database" with none there asks which, as "a database" does (h31-amb-05)', () => {
  it.each(['set up the database', 'please install our db', 'spin up the database now'])('%j asks', (request) => {
    expect(caseFailures(request, [{ asks: true }])).toEqual([]);
  });
  it('near miss: with a postgres there, "set up the database" adds nothing and asks nothing', () => {
    expect(caseFailures('set up the database', [{ asks: false }, { unchanged: 'postgres' }], ['add postgres'])).toEqual([]);
  });
  it('near miss: a database named is added', () => {
    expect(caseFailures('set up the postgres database', [{ service: 'postgres' }])).toEqual([]);
  });
});

describe('a key referred to and not pasted, for "them", asks who and for the key (h31-amb-13)', () => {
  const before = ['add user alice', 'add user bob'];
  it.each(['give them the key I sent earlier', 'give him the key from my email', 'give them the ssh key from before'])('%j asks', (request) => {
    expect(caseFailures(request, [{ asks: true }, { user: 'alice', ssh_key: false }, { user: 'bob', ssh_key: false }], before)).toEqual([]);
  });
  it('a named user is asked for the key alone', () => {
    expect(caseFailures('give alice the key I sent earlier', [{ asks: true }, { user: 'alice', ssh_key: false }], before)).toEqual([]);
  });
  it('near miss: a key pasted is added', () => {
    expect(caseFailures("add alice's ssh key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx1b2tpbmdmb3JhbmV3a2V5aGVyZTEyMzQ1Njc4 alice@laptop", [{ asks: false }, { user: 'alice', ssh_key: true }], before)).toEqual([]);
  });
});

describe('a new service put next to one there is depends on it (h31-multi-10)', () => {
  it.each<[string, string]>([
    ['put adminer next to the existing postgres so I can browse it', 'adminer'],
    ['run pgadmin alongside our postgres', 'pgadmin'],
    ['deploy adminer beside postgres please', 'adminer'],
  ])('%j', (request, service) => {
    expect(caseFailures(request, [{ service, depends_on: ['postgres'] }, { unchanged: 'postgres' }], ['add postgres'])).toEqual([]);
  });
  it('near miss: a service already there put next to another is not added again', () => {
    expect(caseFailures('put adminer next to postgres', [{ unchanged: 'adminer' }, { unchanged: 'postgres' }], ['add postgres', 'add adminer'])).toEqual([]);
  });
});

describe('a dependency said as what one does with the other (h31-multi-09)', () => {
  it.each<[string, string, string, string]>([
    ['a worker (ghcr.io/acme/worker:3.1) that pulls jobs from rabbitmq', 'worker', 'ghcr.io/acme/worker:3.1', 'rabbitmq'],
    ['add a worker running ghcr.io/acme/worker:3.1 which reads messages from rabbitmq', 'worker', 'ghcr.io/acme/worker:3.1', 'rabbitmq'],
    ['deploy ghcr.io/acme/api:2 as api, it stores its data in postgres', 'api', 'ghcr.io/acme/api:2', 'postgres'],
    ['add a worker (ghcr.io/acme/worker:3.1) that takes tasks off redis', 'worker', 'ghcr.io/acme/worker:3.1', 'redis'],
  ])('%j', (request, service, image, dep) => {
    expect(caseFailures(request, [{ service, image, depends_on: [dep] }, { service: dep }])).toEqual([]);
  });
  it('near miss: data kept in a volume is no dependency', () => {
    expect(caseFailures('add postgres, it keeps its data in a volume', [{ service: 'postgres' }])).toEqual([]);
  });
});

describe('an address inside a quoted command is the command\'s, never a clause glued on (h31-svc-62)', () => {
  it.each<[string, string]>([
    ['run alpine:3.20 as a service named pinger with the command `ping -i 60 1.1.1.1`', 'ping -i 60 1.1.1.1'],
    ['add a service called pinger using image alpine:3.20, command `curl -s 10.0.0.5:8080/health`', 'curl -s 10.0.0.5:8080/health'],
    ["run alpine:3.20 as pinger with the command 'ping -c 3 192.168.1.1'", 'ping -c 3 192.168.1.1'],
  ])('%j', (request, command) => {
    expect(caseFailures(request, [{ service: 'pinger', image: 'alpine:3.20', command }])).toEqual([]);
  });
  it('near miss: an address said apart is still a firewall source', () => {
    expect(caseFailures('open port 8080, 10.0.0.0/8 only', [{ rule_for: 8080, source: '10.0.0.0/8' }])).toEqual([]);
  });
});

describe('a service there said to run "as" a quoted command gets it (h31-svc-73)', () => {
  const before = ['add redis', 'add nginx'];
  it.each([
    'redis needs to run as `redis-server --maxmemory 200mb --maxmemory-policy allkeys-lru`',
    'run redis as `redis-server --maxmemory 200mb --maxmemory-policy allkeys-lru`',
    'redis must run as "redis-server --maxmemory 200mb --maxmemory-policy allkeys-lru"',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'redis', command: 'redis-server --maxmemory 200mb --maxmemory-policy allkeys-lru' }, { unchanged: 'nginx' }, { service: 'redis-server', absent: true }], before)).toEqual([]);
  });
});

describe('an image tag changed said as "off the old tag and onto the new" (h31-svc-86)', () => {
  const before = ['add a service called api running ghcr.io/acme/api:2.4', 'add a service called worker running ghcr.io/acme/worker:3.1'];
  it.each<[string, string]>([
    ['can we get the worker off the 3.1 tag and onto latest', 'ghcr.io/acme/worker:latest'],
    ['switch worker from 3.1 to latest', 'ghcr.io/acme/worker:latest'],
    ['move the worker to the latest tag', 'ghcr.io/acme/worker:latest'],
    ['take the worker off version 3.1 and onto 3.2', 'ghcr.io/acme/worker:3.2'],
  ])('%j', (request, image) => {
    expect(caseFailures(request, [{ service: 'worker', image }, { unchanged: 'api' }], before)).toEqual([]);
  });
  it('near miss: an address "from … to" a port is still a source', () => {
    expect(caseFailures('allow traffic from 10.0.0.1 to 5432', [{ rule_for: 5432, source: '10.0.0.1' }])).toEqual([]);
  });
});

describe("a job's image said as a plain word before its command (h31-job-13)", () => {
  it.each<[string, string, string, string]>([
    ["quarter past every hour, run busybox with `sh -c 'date >> /tmp/tick'`", '15 * * * *', 'busybox', 'date'],
    ["every night at 3 run alpine with 'rm -rf /tmp/cache'", '0 3 * * *', 'alpine', 'rm -rf /tmp/cache'],
    ['every hour at quarter past, run busybox with `date`', '15 * * * *', 'busybox', 'date'],
  ])('%j', (request, cron, image, command) => {
    expect(caseFailures(request, [{ job_schedule: cron, image, command_has: command }])).toEqual([]);
  });
  it('near miss: a service there is the container the job runs in', () => {
    expect(caseFailures('every night at 3 run worker with `cleanup.sh`', [{ job_schedule: '0 3 * * *', container: 'worker', command_has: 'cleanup.sh' }], ['run ghcr.io/acme/worker:2 as worker'])).toEqual([]);
  });
});

describe('a web server put in the place of the one under discussion keeps its host port (h31-conv-03)', () => {
  it.each(['actually make that caddy instead of nginx', 'no wait, caddy instead of nginx', 'scratch that, use caddy instead'])('%j in the conversation', (request) => {
    const c = { id: 'unit', request: '', turns: [
      { request: 'add nginx on 8080', expect: [{ service: 'nginx', host_port: 8080 }] },
      { request, expect: [{ service: 'caddy', host_port: 8080 }, { service: 'nginx', absent: true }] },
    ] };
    expect(runConversation(c).flatMap((r) => r.failures)).toEqual([]);
  });
  it.each([
    'replace nginx with caddy',
    'use caddy instead of nginx',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'caddy', host_port: 8080 }, { service: 'nginx', absent: true }], ['add nginx on 8080'])).toEqual([]);
  });
  it('near miss: a database put in a database\'s place keeps its own port', () => {
    expect(caseFailures('replace postgres with mariadb', [{ service: 'mariadb', host_port: 3306 }, { service: 'postgres', absent: true }], ['add postgres on 5433'])).toEqual([]);
  });
});

describe('a bare number after a backup schedule corrects the number said, not the default count kept (h31-conv-07)', () => {
  it('"make it 4 instead" after "every night at 2" is 4:00, and "keep 10" keeps it', () => {
    const c = { id: 'unit', request: '', before: ['add postgres with a volume called pgdata'], turns: [
      { request: 'back up pgdata every night at 2', expect: [{ volume: 'pgdata', backup_schedule: '0 2 * * *' }] },
      { request: 'hmm, make it 4 instead', expect: [{ volume: 'pgdata', backup_schedule: '0 4 * * *' }] },
      { request: 'keep 10', expect: [{ volume: 'pgdata', backup_schedule: '0 4 * * *', retain: 10 }] },
    ] };
    expect(runConversation(c).flatMap((r) => r.failures)).toEqual([]);
  });
  it('near miss: after a count said, a bare number is the count', () => {
    const c = { id: 'unit', request: '', before: ['add postgres with a volume called pgdata'], turns: [
      { request: 'back up pgdata every night at 2, keep 14', expect: [{ volume: 'pgdata', retain: 14 }] },
      { request: 'too many, make it 7', expect: [{ volume: 'pgdata', backup_schedule: '0 2 * * *', retain: 7 }] },
    ] };
    expect(runConversation(c).flatMap((r) => r.failures)).toEqual([]);
  });
});

describe('a port move said as where a service goes (h31-svc-63)', () => {
  const before = ['add nginx on port 8080', 'add grafana on port 3000'];
  it.each([
    'swap them around: nginx goes to 3000 and grafana to 8080',
    'swap the ports: grafana goes to 8080, nginx to 3000',
    'grafana should go on 8080 and nginx on 3000',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'nginx', host_port: 3000 }, { service: 'grafana', host_port: 8080 }], before)).toEqual([]);
  });
});

describe("a ticket's description is the request, never its summary (h31-svc-65)", () => {
  it.each<[string, Want[]]>([
    ['JIRA INFRA-412\nSummary: Metrics dashboard\nDescription: Please deploy Grafana, exposed on port 3030, with a 1 GB memory limit.\nReporter: j.meyer', [{ service: 'grafana', host_port: 3030, memory: '1G' }, { service: 'prometheus', absent: true }]],
    ['OPS-77\nTitle: monitoring dashboards\nPriority: high\nDescription: deploy grafana on port 3030\nAssignee: ops', [{ service: 'grafana', host_port: 3030 }, { service: 'prometheus', absent: true }]],
  ])('%j', (request, want) => {
    expect(caseFailures(request, want)).toEqual([]);
  });
});

describe('services put on "their own network called X" join it (h31-multi-14)', () => {
  const before = ['add a service called api running ghcr.io/acme/api:2.4', 'add postgres', 'add nginx'];
  it.each([
    'put api and postgres on their own network called backend, and api depends on postgres',
    'put api and postgres on a separate network named backend; api depends on postgres',
  ])('%j', (request) => {
    expect(caseFailures(request, [{ service: 'api', network: 'backend', depends_on: ['postgres'] }, { service: 'postgres', network: 'backend' }, { unchanged: 'nginx' }], before)).toEqual([]);
  });
  it('near miss: "its own network" names no network', () => {
    expect(caseFailures('put api on its own network', [{ service: 'api', network: 'own' }], before)).not.toEqual([]);
  });
});
