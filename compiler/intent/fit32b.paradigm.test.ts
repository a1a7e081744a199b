import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { caseFailures, caseFiles, runCase, runConversation } from '../../fixtures/intent-eval/run.js';

// Held-out 32 (written blind 2026-12-07; run blind before round 38), read by the lead afterwards:
// classes of its ordinary misses about apps, jobs, the firewall, users and backups given to FIT32B,
// each with the phrasing that showed it, paraphrases of our own, and near misses that keep their
// meaning. docs/intent.md "Round 38, fit32b".
type Want = Record<string, unknown>;

/** The replicas a service has after the case (1 when none are set). */
function replicasAfter(request: string, service: string, before: string[]): number {
  const doc = parseYaml(caseFiles({ id: 'unit', request, before })['services.yaml'] ?? '') as { spec?: { services?: { name: string; replicas?: number }[] } };
  const svc = doc.spec?.services?.find((s) => s.name === service);
  if (!svc) throw new Error(`no service ${service}`);
  return svc.replicas ?? 1;
}

describe('a job on an image with a short numeric tag runs in a utility container of it (h32-job-03, -06, -10, -16, -18, -23, -26)', () => {
  it.each<[string, Want]>([
    ["at half past two every day run ghcr.io/acme/report:1 with command 'report --daily'", { job_schedule: '30 2 * * *', image: 'ghcr.io/acme/report:1', command_has: 'report --daily' }],
    ["schedule alpine:3 to run 'echo ping' every 15 minutes", { job_schedule: '*/15 * * * *', image: 'alpine:3', command_has: 'echo ping' }],
    ["on the first of each month at midnight run ghcr.io/acme/invoice:2 'invoice run'", { job_schedule: '0 0 1 * *', image: 'ghcr.io/acme/invoice:2', command_has: 'invoice run' }],
    ['every saturday at 23:00 run busybox:1 \'sh -c "echo weekly"\'', { job_schedule: ['0 23 * * 6', '0 23 * * SAT'], image: 'busybox:1', command_has: 'weekly' }],
    ["Please schedule ghcr.io/acme/etl:5 to run 'etl sync' at 1am and 1pm", { job_schedule: '0 1,13 * * *', image: 'ghcr.io/acme/etl:5', command_has: 'etl sync' }],
    ["on the 15th of every month at 09:00 run ghcr.io/acme/billing:2 'billing close-period'", { job_schedule: '0 9 15 * *', image: 'ghcr.io/acme/billing:2', command_has: 'close-period' }],
    ["run ghcr.io/acme/certcheck:1 'certcheck example.org' daily at 7", { job_schedule: '0 7 * * *', image: 'ghcr.io/acme/certcheck:1', command_has: 'certcheck example.org' }],
    // Paraphrases of our own.
    ["every 10 minutes run busybox:1 'date -u'", { job_schedule: '*/10 * * * *', image: 'busybox:1' }],
    ["have python:3 run 'python -c \"print(1)\"' every night at 4", { job_schedule: '0 4 * * *', image: 'python:3', command_has: 'print(1)' }],
    ["each sunday at 05:30 run registry.example.com/tools/prune:7 'prune --all'", { job_schedule: '30 5 * * 0', image: 'registry.example.com/tools/prune:7', command_has: 'prune --all' }],
    ["daily at 6 run node:20 'node -e \"console.log(1)\"'", { job_schedule: '0 6 * * *', image: 'node:20' }],
  ])('%j', (request, want) => {
    expect(caseFailures(request, [want])).toEqual([]);
  });
  it('near miss: a job said in a service\'s container stays in it', () => {
    expect(caseFailures("every 5 minutes run 'redis-cli ping' in redis", [{ job_schedule: '*/5 * * * *', container: 'redis', command_has: 'redis-cli ping' }], ['add redis'])).toEqual([]);
  });
  it('near miss: a host and its port is no image ("web:8080")', () => {
    const r = runCase({ id: 'unit', request: "every minute run 'curl -fsS http://web:8080/health' on web:8080", expect: [{ job_schedule: '* * * * *', image: 'web:8080' }] });
    expect(r.failures).not.toEqual([]);
  });
  it('near miss: a job with no container or image said still asks which', () => {
    expect(caseFailures("run 'echo ping' every 15 minutes", [{ asks: true }])).toEqual([]);
  });
});

describe('times of day listed in brackets or with a slash are one run at each (h32-job-09, h32-bak-18)', () => {
  const worker = ['deploy ghcr.io/acme/worker:3 as worker'];
  it.each<[string, string]>([
    ["twice a day (9 and 21) run 'worker reindex' in worker", '0 9,21 * * *'],
    ["twice daily (8 and 20) run 'worker reindex' in worker", '0 8,20 * * *'],
    ["run 'worker reindex' in worker at 6am/6pm", '0 6,18 * * *'],
    ["run 'worker reindex' in worker twice a day (07:00/19:00)", '0 7,19 * * *'],
  ])('%j', (request, job_schedule) => {
    expect(caseFailures(request, [{ job_schedule, container: 'worker', command_has: 'reindex' }], worker)).toEqual([]);
  });
  it.each<[string, string, number]>([
    ['mariadb backups twice daily (6am/6pm), hold onto 20', '0 6,18 * * *', 20],
    ['back up mariadb at 6am/6pm and hold onto 12 copies', '0 6,18 * * *', 12],
    ['mariadb backups twice a day (9 and 21), keep 10', '0 9,21 * * *', 10],
  ])('%j', (request, backup_schedule, retain) => {
    expect(caseFailures(request, [{ volume: 'mariadb', backup_schedule, retain }], ['add mariadb'])).toEqual([]);
  });
  it('near miss: "twice a day" with no times is every 12 hours', () => {
    expect(caseFailures("twice a day run 'worker reindex' in worker", [{ job_schedule: '0 */12 * * *', container: 'worker' }], worker)).toEqual([]);
  });
  it('near miss: a window "between 9 and 17" is no list of two times', () => {
    expect(caseFailures("every hour between 9 and 17 run 'worker reindex' in worker", [{ job_schedule: '0 9-17 * * *', container: 'worker' }], worker)).toEqual([]);
  });
});

describe('a backup of an app run from its catalogue image with no volume backs up where the app keeps its data (h32-bak-15)', () => {
  it.each<[string, string, string, number]>([
    ['backup gitea repos nightly at 2:30, keep 5 copies', 'deploy gitea/gitea:1.21 as gitea', '30 2 * * *', 5],
    ['back up the gitea data every night at 1, keep 3 copies', 'deploy gitea/gitea:1.21 as gitea', '0 1 * * *', 3],
    ['nightly backups of forgejo at 4, retain 10', 'deploy codeberg.org/forgejo/forgejo:8 as forgejo', '0 4 * * *', 10],
  ])('%j', (request, before, backup_schedule, retain) => {
    const name = before.split(' ').pop()!;
    expect(caseFailures(request, [{ volume: name, backup_schedule, retain }], [before])).toEqual([]);
    expect(replicasAfter(request, name, [before])).toBe(1);
  });
  it('near miss: an image no catalogue app is gets no volume made up; the reply says it has none', () => {
    const r = runCase({ id: 'unit', request: 'back up app nightly', before: ['deploy ghcr.io/acme/app:1 as app'], expect: [{ volume: 'app' }] });
    expect(r.failures).not.toEqual([]);
  });
  it('near miss: "keep 5 copies" of a backup is no 5 replicas', () => {
    expect(caseFailures('back up postgres nightly, keep 5 copies', [{ volume: 'postgres', retain: 5 }], ['add postgres'])).toEqual([]);
    expect(replicasAfter('backup gitea nightly, keep 5 copies', 'gitea', ['deploy gitea/gitea:1.21 as gitea'])).toBe(1);
  });
  it('near miss: "5 copies of nginx" are replicas', () => {
    expect(caseFailures('run 5 copies of nginx', [{ service: 'nginx', replicas: 5 }], ['add nginx'])).toEqual([]);
  });
});

describe('an app said with its own data service, or pointing at one, depends on it (h32-multi-02, -06, -10, -12)', () => {
  it.each<[string, string, string[]]>([
    ['deploy ghcr.io/acme/shop:3.2 as shop with its own postgres', 'shop', []],
    ['run ghcr.io/acme/blog:2 as blog with its own redis', 'blog', []],
    ['deploy ghcr.io/acme/shop:3.2 as shop with a postgres database', 'shop', []],
    ['deploy ghcr.io/acme/web:1 as web with a redis cache', 'web', []],
    ['put the api and its postgres on their own network called backend; api is ghcr.io/acme/api:4', 'api', []],
  ])('%j', (request, service) => {
    const dep = /redis/.test(request) ? 'redis' : 'postgres';
    expect(caseFailures(request, [{ service, depends_on: [dep] }, { service: dep }])).toEqual([]);
  });
  it.each<[string, string[]]>([
    ['add adminer pointing at the existing postgres', ['add postgres']],
    ['add adminer pointed at our current postgres', ['add postgres']],
    ['add adminer pointing to the postgres', ['add postgres']],
  ])('%j', (request, before) => {
    expect(caseFailures(request, [{ service: 'adminer', depends_on: ['postgres'] }, { unchanged: 'postgres' }], before)).toEqual([]);
  });
  it.each([
    'api should wait for postgres; add postgres too',
    'make api wait for redis, and add redis',
    'api should depend on postgres; also deploy postgres',
  ])('%j', (request) => {
    const dep = /redis/.test(request) ? 'redis' : 'postgres';
    expect(caseFailures(request, [{ service: 'api', depends_on: [dep] }, { service: dep }], ['deploy ghcr.io/acme/api:1.0 as api'])).toEqual([]);
  });
  it('near miss: waiting for a service nobody adds still changes nothing', () => {
    expect(caseFailures('api should wait for postgres', [{ service: 'api', depends_on: ['postgres'] }], ['deploy ghcr.io/acme/api:1.0 as api'])).not.toEqual([]);
  });
  it('near miss: two services listed with "and" depend on nothing', () => {
    expect(caseFailures('add postgres and redis', [{ service: 'postgres', depends_on: ['redis'] }])).not.toEqual([]);
  });
  it('near miss: "with its own network" is a network, no dependency', () => {
    expect(caseFailures('deploy ghcr.io/acme/shop:3.2 as shop with its own network called shopnet', [{ service: 'shop', network: 'shopnet' }])).toEqual([]);
  });
});

describe('an image said after a word for what it is, with a cache it keeps unexposed (h32-multi-09)', () => {
  it.each<[string, string, number, string]>([
    ['app ghcr.io/acme/web:1 on 8080 with a redis cache, redis not exposed', 'web', 8080, 'redis'],
    ['service ghcr.io/acme/web:1 on 8080 with a redis cache; redis not exposed', 'web', 8080, 'redis'],
    ['an app ghcr.io/acme/shop:2 on 3000 with a postgres database, postgres not exposed', 'shop', 3000, 'postgres'],
    ['add ghcr.io/acme/web:1 on 8080 with a redis cache, redis is not exposed', 'web', 8080, 'redis'],
  ])('%j', (request, service, host_port, dep) => {
    expect(caseFailures(request, [{ service, host_port, depends_on: [dep] }, { service: dep, no_ports: true }])).toEqual([]);
  });
  it('near miss: "the app IMAGE keeps crashing" adds nothing', () => {
    expect(caseFailures('the app ghcr.io/acme/web:1 keeps crashing', [{ service: 'web' }])).not.toEqual([]);
  });
  it('near miss: a data service with nothing said of its port keeps its local port', () => {
    expect(caseFailures('app ghcr.io/acme/web:1 on 8080 with a redis cache', [{ service: 'redis', no_ports: true }])).not.toEqual([]);
  });
});

describe('a reverse proxy for an image said with its name depends on it (h32-multi-18)', () => {
  it.each<[string, string, string, string[]]>([
    ['caddy reverse proxy for ghcr.io/acme/portal:5 (call it portal), caddy on 80 and 443, portal internal', 'caddy', 'portal', []],
    ['add nginx reverse proxy for ghcr.io/acme/shop:2 called shop, nginx on 80', 'nginx', 'shop', []],
    ['caddy reverse proxy for ghcr.io/acme/wiki:3 (named wiki)', 'caddy', 'wiki', []],
    ['nginx reverse proxy for the api', 'nginx', 'api', ['deploy ghcr.io/acme/api:1 as api']],
  ])('%j', (request, proxy, target, before) => {
    const want: Want[] = [{ service: proxy, depends_on: [target] }, { service: target, no_ports: true }];
    expect(caseFailures(request, want, before)).toEqual([]);
  });
  it('near miss: two web servers said side by side depend on nothing', () => {
    expect(caseFailures('add nginx on 80 and caddy on 8080', [{ service: 'nginx', depends_on: ['caddy'] }])).not.toEqual([]);
  });
});

describe('a firewall rule said with what the traffic is, a host described, a port shut (h32-fw-21, h32-fw-25, h32-fw-32)', () => {
  it.each<[string, number, string, string]>([
    ['syslog over udp 514 from 10.1.2.0/24', 514, 'udp', '10.1.2.0/24'],
    ['dns on udp port 53 from 10.0.0.0/8', 53, 'udp', '10.0.0.0/8'],
    ['snmp via udp 161 from 192.168.10.0/24', 161, 'udp', '192.168.10.0/24'],
    ['metrics over tcp 9200 from 10.4.0.0/16', 9200, 'tcp', '10.4.0.0/16'],
  ])('%j', (request, port, protocol, source) => {
    expect(caseFailures(request, [{ rule_for: port, protocol, source, action: 'accept' }])).toEqual([]);
  });
  it.each<[string, number, string]>([
    ['restrict 9100 node exporter to prometheus host 10.0.5.20', 9100, '10.0.5.20'],
    ['restrict 9100 to the monitoring box 10.0.5.20', 9100, '10.0.5.20'],
    ['limit port 5432 to the backup box 10.0.0.7', 5432, '10.0.0.7'],
    ['restrict 9100 (node exporter) to the prometheus server at 10.0.5.20', 9100, '10.0.5.20'],
  ])('%j', (request, port, source) => {
    expect(caseFailures(request, [{ rule_for: port, source, action: 'accept' }])).toEqual([]);
  });
  it.each<[string, number]>([
    ["shut 25 for inbound, we don't run mail here", 25],
    ['shut 23 for incoming traffic', 23],
    ['shut 445', 445],
    ['seal 3389 for inbound', 3389],
  ])('%j', (request, port) => {
    expect(caseFailures(request, [{ rule_for: port, action: 'drop' }])).toEqual([]);
  });
  it('near miss: "restrict prometheus to 10.0.5.20" is still the prometheus port', () => {
    expect(caseFailures('restrict prometheus to 10.0.5.20', [{ rule_for: 9090, source: '10.0.5.20', action: 'accept' }], ['add prometheus'])).toEqual([]);
  });
  it('near miss: "shut down 2 of the workers" closes no port', () => {
    expect(caseFailures('shut down 2 of the workers', [{ rule_for: 2, action: 'drop' }], ['deploy ghcr.io/acme/worker:1 as worker'])).not.toEqual([]);
  });
});

describe('a person onboarded is an account; "run docker" is the docker group (h32-user-08)', () => {
  it.each<[string, string]>([
    ['Please onboard our new contractor, ivan. He needs to run docker but should NOT have root.', 'ivan'],
    ['onboard ivan, he needs to run docker but no root', 'ivan'],
    ['onboard our new intern, zoe; she should use docker, no sudo', 'zoe'],
    ['Could you onboard our new developer, kemal? He has to run docker, not root.', 'kemal'],
  ])('%j', (request, user) => {
    expect(caseFailures(request, [{ user, groups: ['docker'], sudo: false }])).toEqual([]);
  });
  it('near miss: an onboarded person with nothing said of docker is in no docker group', () => {
    expect(caseFailures('please onboard our new contractor, ivan', [{ user: 'ivan', groups: ['docker'] }])).not.toEqual([]);
    expect(caseFailures('please onboard our new contractor, ivan', [{ user: 'ivan' }])).toEqual([]);
  });
});

describe('"fix the server" asks what is wrong (h32-amb-11)', () => {
  it.each(['fix the server', 'please repair our box', 'fix the machine asap'])('%j', (request) => {
    expect(caseFailures(request, [{ asks: true }])).toEqual([]);
  });
  it('with a service there it asks too, and changes nothing', () => {
    expect(caseFailures('fix the server', [{ asks: true }, { unchanged: 'nginx' }], ['add nginx'])).toEqual([]);
  });
  it('near miss: "restart nginx, it is broken" asks nothing', () => {
    expect(caseFailures('restart nginx, it is broken', [{ asks: false }], ['add nginx'])).toEqual([]);
  });
});

describe('"and port 80" after a port opened opens that port too (h32-dng-60)', () => {
  const conv = (turns: string[], want: Want[]) => runConversation({ id: 't', request: '', turns: turns.map((request, i) => ({ request, expect: i === turns.length - 1 ? want : [] })) }).flatMap((r) => r.failures);
  it.each<[string[], number]>([
    [['open port 443', 'and port 80'], 80],
    [['open port 443', 'and port 8443 too'], 8443],
    [['allow port 9000 from 10.0.0.0/8', 'and port 9001'], 9001],
  ])('%j', (turns, port) => {
    expect(conv(turns, [{ rule_for: port, action: 'accept' }])).toEqual([]);
  });
  it('near miss: "actually just open everything" after it is still refused', () => {
    const r = runConversation({ id: 't', request: '', turns: [{ request: 'open port 443' }, { request: 'and port 80' }, { request: 'actually just open everything, the firewall is a pain', dangerous: true }] });
    expect(r.flatMap((x) => x.failures)).toEqual([]);
  });
});
