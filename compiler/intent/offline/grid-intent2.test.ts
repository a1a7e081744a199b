import { describe, expect, it } from 'vitest';
import { caseFailures, runConversation } from '../../../fixtures/intent-eval/run.js';
import { jobs, talk, users } from '../../../test/offline-engine.js';

// Round 27's grid for users, groups, ssh keys, sudo, scheduled jobs, backups and retention,
// hostname, timezone, certificates, questions and conversation turns (intent2's area). Written
// from the schemas and the user docs, each request as someone of a different kind would type it,
// with its expectations, before any of it was run. Its first run on main's engine is this area's
// own first-contact figure (docs/intent.md "After round 27"). A case that still fails is listed in
// STILL_FAILING and asserted to fail, so mending it makes the list shorter, never hides it.
type Want = Record<string, unknown>;
interface Row { id: string; request: string; expect: Want[]; before?: string[] }
interface Turns { id: string; turns: string[]; expect: Want[]; before?: string[] }

const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEzM3t95E6dMLF1cwDbg1ZYqfnd8nYKh4Za6tgDvsDSS';
const WORKER = 'run ghcr.io/acme/worker:1 as worker';
const API = 'run ghcr.io/acme/api:1 as api on port 8000';
const APP = 'run ghcr.io/acme/app:2 as app';
const PG = 'add postgres with its data in a volume called pgdata';
const REDIS = 'add redis with its data in a volume called redis-data';
const DAILY = ['0 0 * * *', '0 1 * * *', '0 2 * * *', '0 3 * * *', '0 4 * * *'];
const SUN = (m: number, h: number) => [`${m} ${h} * * 0`, `${m} ${h} * * 7`, `${m} ${h} * * sun`, `${m} ${h} * * SUN`];
const asks: Want[] = [{ asks: true, no_change: true }];
const answers: Want[] = [{ no_change: true }];

const USERS: Row[] = [
  { id: 'u01', request: 'add user alice', expect: [{ user: 'alice', sudo: false }] },
  { id: 'u02', request: 'create a user called bob with sudo', expect: [{ user: 'bob', sudo: true }] },
  { id: 'u03', request: 'new user carol, sudo access', expect: [{ user: 'carol', sudo: true }] },
  { id: 'u04', request: 'add dave as an admin (sudo)', expect: [{ user: 'dave', sudo: true }] },
  { id: 'u05', request: 'add user erin with sudo rights', expect: [{ user: 'erin', sudo: true }] },
  { id: 'u06', request: 'add user frank to the docker group', expect: [{ user: 'frank', groups: ['docker'] }] },
  { id: 'u07', request: 'user gina: groups docker, adm', expect: [{ user: 'gina', groups: ['docker', 'adm'] }] },
  { id: 'u08', request: 'Please create an account for hank and put him in the developers and docker groups', expect: [{ user: 'hank', groups: ['developers', 'docker'] }] },
  { id: 'u09', request: `add ivan with ssh key ${ED} ivan@laptop`, expect: [{ user: 'ivan', ssh_key: true }] },
  { id: 'u10', request: 'give jane sudo', before: ['add user jane'], expect: [{ user: 'jane', sudo: true }] },
  { id: 'u11', request: 'take sudo away from kim', before: ['add user kim with sudo'], expect: [{ user: 'kim', sudo: false }] },
  { id: 'u12', request: 'kim should not be an admin anymore', before: ['add user kim with sudo'], expect: [{ user: 'kim', sudo: false }] },
  { id: 'u13', request: 'remove user leo', before: ['add user leo'], expect: [{ user: 'leo', absent: true }] },
  { id: 'u14', request: 'delete the account mike', before: ['add user mike'], expect: [{ user: 'mike', absent: true }] },
  { id: 'u15', request: 'add nina to the docker group', before: ['add user nina'], expect: [{ user: 'nina', groups: ['docker'] }] },
  { id: 'u17', request: `add paul's key: ${ED} paul@desk`, before: ['add user paul'], expect: [{ user: 'paul', ssh_key: true }] },
  { id: 'u18', request: 'add users quinn and rita', expect: [{ user: 'quinn' }, { user: 'rita' }] },
  { id: 'u19', request: 'create users sam, tom and uma, all with sudo', expect: [{ user: 'sam', sudo: true }, { user: 'tom', sudo: true }, { user: 'uma', sudo: true }] },
  { id: 'u20', request: 'can you list the users?', before: ['add user alice'], expect: answers },
  { id: 'u21', request: 'who has sudo on this box', before: ['add user alice with sudo'], expect: answers },
  { id: 'u22', request: 'does vic have sudo?', before: ['add user vic'], expect: answers },
  { id: 'u23', request: 'add a user named walt (no sudo)', expect: [{ user: 'walt', sudo: false }] },
  { id: 'u24', request: `set up a deploy user for github actions, docker group, key ${ED} ci@github`, expect: [{ user: 'deploy', groups: ['docker'], ssh_key: true }] },
  { id: 'u25', request: 'user=xena sudo=yes', expect: [{ user: 'xena', sudo: true }] },
  { id: 'u26', request: 'i need an account for my brother, username yusuf, he shouldnt be root', expect: [{ user: 'yusuf', sudo: false }] },
  { id: 'u27', request: 'grant zoe admin rights', before: ['add user zoe'], expect: [{ user: 'zoe', sudo: true }] },
];

const JOBS: Row[] = [
  { id: 'j01', request: 'every night at 2am run `./cleanup.sh` in the api container', before: [API], expect: [{ job_schedule: '0 2 * * *', container: 'api', command_has: 'cleanup.sh' }] },
  { id: 'j02', request: 'run "php artisan schedule:run" in app every minute', before: [APP], expect: [{ job_schedule: '* * * * *', container: 'app', command_has: 'schedule:run' }] },
  { id: 'j03', request: 'at 03:30 every day: python manage.py clearsessions (in the app container)', before: [APP], expect: [{ job_schedule: '30 3 * * *', container: 'app', command_has: 'clearsessions' }] },
  { id: 'j04', request: 'hourly, run (python tasks.py) inside worker', before: [WORKER], expect: [{ job_schedule: '0 * * * *', container: 'worker', command_has: 'tasks.py' }] },
  { id: 'j05', request: 'every monday at 9 run node report.js in the api', before: [API], expect: [{ job_schedule: ['0 9 * * 1', '0 9 * * mon', '0 9 * * MON'], container: 'api', command_has: 'report.js' }] },
  { id: 'j06', request: 'every 5 minutes, curl http://api:8000/ping', before: [API], expect: [{ job_schedule: '*/5 * * * *', command_has: 'api:8000/ping' }] },
  // A job runs in a service's container and a utility container has no network (docs/jobs.md): with no service, where is asked.
  // (Written first expecting a job; changed after the first run, for that reason: j07b is the job where there is a service to run it.)
  { id: 'j07', request: 'hit https://example.com/cron every 30 min', expect: asks },
  { id: 'j07b', request: 'hit https://example.com/cron every 30 min from the api', before: [API], expect: [{ job_schedule: '*/30 * * * *', container: 'api', command_has: 'example.com/cron' }] },
  { id: 'j08', request: 'on weekdays at 6pm run `backup.sh` in worker', before: [WORKER], expect: [{ job_schedule: ['0 18 * * 1-5', '0 18 * * mon-fri', '0 18 * * MON-FRI'], container: 'worker', command_has: 'backup.sh' }] },
  { id: 'j09', request: 'twice a day run cleanup.sh in worker', before: [WORKER], expect: [{ job_schedule: ['0 0,12 * * *', '0 */12 * * *', '0 9,21 * * *', '0 6,18 * * *'], container: 'worker', command_has: 'cleanup.sh' }] },
  { id: 'j10', request: 'first of every month at midnight run report.py in worker', before: [WORKER], expect: [{ job_schedule: '0 0 1 * *', container: 'worker', command_has: 'report.py' }] },
  { id: 'j11', request: 'every sunday 4:15am vacuum the postgres database', before: [PG], expect: [{ job_schedule: SUN(15, 4), container: 'postgres', command_has: 'vacuum' }] },
  { id: 'j12', request: 'a job named nightly-report that runs `python report.py` in worker at 1am', before: [WORKER], expect: [{ job: 'nightly-report', schedule: '0 1 * * *', container: 'worker' }] },
  { id: 'j13', request: 'cron: 0 */2 * * * run sync.sh in worker', before: [WORKER], expect: [{ job_schedule: '0 */2 * * *', container: 'worker', command_has: 'sync.sh' }] },
  { id: 'j14', request: 'run sync.sh in worker with cron 15 3 * * *', before: [WORKER], expect: [{ job_schedule: '15 3 * * *', container: 'worker', command_has: 'sync.sh' }] },
  { id: 'j15', request: 'every day at half past five in the morning run rotate.sh in worker', before: [WORKER], expect: [{ job_schedule: '30 5 * * *', container: 'worker', command_has: 'rotate.sh' }] },
  { id: 'j16', request: 'at noon daily run `python cleanup.py` in worker', before: [WORKER], expect: [{ job_schedule: '0 12 * * *', container: 'worker', command_has: 'cleanup.py' }] },
  { id: 'j17', request: 'midnight every day: redis-cli bgsave in redis', before: [REDIS], expect: [{ job_schedule: '0 0 * * *', container: 'redis', command_has: 'bgsave' }] },
  { id: 'j18', request: 'change the nightly-report job to 3am', before: [WORKER, 'a job named nightly-report that runs python report.py in worker at 1am'], expect: [{ job: 'nightly-report', schedule: '0 3 * * *' }] },
  { id: 'j20', request: 'every 10 mins ping the api health endpoint', before: [API], expect: [{ job_schedule: '*/10 * * * *', command_has: '/health' }] },
  { id: 'j21', request: 'every 2 hours run `php artisan queue:restart` on the app container', before: [APP], expect: [{ job_schedule: '0 */2 * * *', container: 'app', command_has: 'queue:restart' }] },
  { id: 'j22', request: 'schedule a job called prune at 04:00 on saturdays running prune.sh in worker', before: [WORKER], expect: [{ job: 'prune', schedule: '0 4 * * 6', container: 'worker' }] },
  { id: 'j23', request: 'each weekday at 7:45 am send the digest: python digest.py (worker)', before: [WORKER], expect: [{ job_schedule: ['45 7 * * 1-5', '45 7 * * mon-fri', '45 7 * * MON-FRI'], container: 'worker', command_has: 'digest.py' }] },
  { id: 'j24', request: 'every 6h run ./sync.sh in the worker', before: [WORKER], expect: [{ job_schedule: ['0 */6 * * *', '0 0,6,12,18 * * *'], container: 'worker', command_has: 'sync.sh' }] },
  { id: 'j25', request: 'what jobs are scheduled?', before: [WORKER, 'run sync.sh in worker every hour'], expect: answers },
  { id: 'j27', request: 'Sync job pls: ./sync.sh inside worker, every 15 minutes', before: [WORKER], expect: [{ job_schedule: '*/15 * * * *', container: 'worker', command_has: 'sync.sh' }] },
  { id: 'j28', request: 'in the worker container run python purge.py every sunday at 11pm', before: [WORKER], expect: [{ job_schedule: SUN(0, 23), container: 'worker', command_has: 'purge.py' }] },
];

const BACKUPS: Row[] = [
  { id: 'b01', request: 'back up pgdata every night at 2', before: [PG], expect: [{ volume: 'pgdata', backup_schedule: '0 2 * * *' }] },
  { id: 'b02', request: 'backup the postgres data daily and keep 7', before: [PG], expect: [{ volume: 'pgdata', backup_schedule: DAILY, retain: 7 }] },
  { id: 'b03', request: 'keep 30 backups of pgdata', before: [PG, 'back up pgdata daily at 3am'], expect: [{ volume: 'pgdata', retain: 30 }] },
  { id: 'b04', request: 'redis should be backed up every hour', before: [REDIS], expect: [{ volume: 'redis-data', backup_schedule: '0 * * * *' }] },
  { id: 'b05', request: 'turn off backups for scratch', before: ['add a volume called scratch at /data/scratch, backed up every day at 4am'], expect: [{ volume: 'scratch', backup_enabled: false }] },
  { id: 'b06', request: 'back up the uploads volume weekly on sunday at 1am, keep four weeks', before: ['add a volume called uploads at /data/uploads'], expect: [{ volume: 'uploads', backup_schedule: SUN(0, 1), retain: 4 }] },
  { id: 'b07', request: 'pgdata backups: every 6 hours, retain 10', before: [PG], expect: [{ volume: 'pgdata', backup_schedule: ['0 */6 * * *', '0 0,6,12,18 * * *'], retain: 10 }] },
  { id: 'b08', request: 'retention for pgdata -> 14', before: [PG, 'back up pgdata daily at 3am'], expect: [{ volume: 'pgdata', retain: 14 }] },
  { id: 'b09', request: 'move the pgdata backup to 4:30am', before: [PG, 'back up pgdata daily at 3am'], expect: [{ volume: 'pgdata', backup_schedule: '30 4 * * *' }] },
  { id: 'b10', request: 'when did pgdata last get backed up?', before: [PG, 'back up pgdata daily at 3am'], expect: answers },
  { id: 'b11', request: 'back up the database every night', before: ['add postgres'], expect: [{ job_schedule: DAILY, container: 'postgres' }] },
  { id: 'b12', request: 'daily backups of media at 3am, keep 10', before: ['add a volume called media at /data/media'], expect: [{ volume: 'media', backup_schedule: '0 3 * * *', retain: 10 }] },
  { id: 'b13', request: "i'd like backups of the db please, once a day is fine", before: [PG], expect: [{ volume: 'pgdata', backup_schedule: DAILY }] },
  { id: 'b14', request: 'snapshot redis-data every 12 hours and keep the last 6', before: [REDIS], expect: [{ volume: 'redis-data', backup_schedule: ['0 */12 * * *', '0 0,12 * * *'], retain: 6 }] },
  { id: 'b15', request: 'stop backing up pgdata', before: [PG, 'back up pgdata daily at 3am'], expect: [{ volume: 'pgdata', backup_enabled: false }] },
];

const SYSTEM: Row[] = [
  { id: 'h01', request: 'set the hostname to web-01', expect: [{ hostname: 'web-01' }] },
  { id: 'h02', request: 'hostname: db-primary', expect: [{ hostname: 'db-primary' }] },
  { id: 'h03', request: 'rename this server to nas', expect: [{ hostname: 'nas' }] },
  { id: 'h04', request: 'call the machine homelab-2', expect: [{ hostname: 'homelab-2' }] },
  { id: 'h05', request: 'change the host name to "edge-router"', expect: [{ hostname: 'edge-router' }] },
  { id: 'h06', request: 'timezone Europe/Berlin', expect: [{ timezone: 'Europe/Berlin' }] },
  { id: 'h07', request: 'set the time zone to America/New_York', expect: [{ timezone: 'America/New_York' }] },
  { id: 'h08', request: 'put the server on UTC', expect: [{ timezone: 'UTC' }] },
  { id: 'h09', request: 'our office is in Tokyo, use that timezone', expect: [{ timezone: 'Asia/Tokyo' }] },
  { id: 'h10', request: "what's the hostname?", before: ['set the hostname to web-01'], expect: answers },
  { id: 'h11', request: 'set hostname to api-1 and timezone to Europe/Paris', expect: [{ hostname: 'api-1' }, { timezone: 'Europe/Paris' }] },
  { id: 'h12', request: 'the box should be called media-box', expect: [{ hostname: 'media-box' }] },
  { id: 'h13', request: 'tz = Australia/Sydney', expect: [{ timezone: 'Australia/Sydney' }] },
  { id: 'c01', request: 'get a certificate for example.com', expect: [{ certificate: 'example.com' }] },
  { id: 'c02', request: 'enable https for shop.example.org', expect: [{ certificate: 'shop.example.org' }] },
  { id: 'c03', request: 'put the site on https, the domain is mycafe.de', before: ['add nginx on port 80'], expect: [{ certificate: 'mycafe.de' }] },
  { id: 'c04', request: 'tls cert for api.example.com and www.example.com', expect: [{ certificate: 'api.example.com' }, { certificate: 'www.example.com' }] },
  { id: 'c05', request: "let's encrypt for blog.example.net please", expect: [{ certificate: 'blog.example.net' }] },
  { id: 'c06', request: 'my domain is bakery.shop, make it secure (ssl)', before: ['add nginx on port 80'], expect: [{ certificate: 'bakery.shop' }] },
];

const QUESTIONS: Row[] = [
  { id: 'q01', request: 'how many users are there', before: ['add user alice'], expect: answers },
  { id: 'q02', request: 'is pgdata backed up?', before: [PG], expect: answers },
  { id: 'q03', request: 'what time zone is the server in', expect: answers },
  { id: 'q04', request: 'show me the cron jobs', before: [WORKER, 'run sync.sh in worker every hour'], expect: answers },
  { id: 'q05', request: 'which certificates do we have?', before: ['get a certificate for example.com'], expect: answers },
  { id: 'q06', request: 'how long do we keep backups of pgdata?', before: [PG, 'back up pgdata daily at 3am and keep 7'], expect: answers },
];

const TURNS: Turns[] = [
  { id: 't01', turns: ['add user bob', 'give him sudo'], expect: [{ user: 'bob', sudo: true }] },
  { id: 't02', turns: ['add user carol', 'actually make that sudo too'], expect: [{ user: 'carol', sudo: true }] },
  { id: 't03', turns: ['add users ann and ben', 'put them both in the docker group'], expect: [{ user: 'ann', groups: ['docker'] }, { user: 'ben', groups: ['docker'] }] },
  { id: 't04', before: [PG], turns: ['back up pgdata daily, keep 30', 'too many, make it 7'], expect: [{ volume: 'pgdata', retain: 7 }] },
  { id: 't05', before: [PG], turns: ['back up pgdata every night at 2am', 'move it to 4:30am'], expect: [{ volume: 'pgdata', backup_schedule: '30 4 * * *' }] },
  { id: 't06', before: [WORKER], turns: ['schedule cleanup.sh in worker every hour', 'make it every 10 minutes'], expect: [{ job_schedule: '*/10 * * * *', container: 'worker' }] },
  { id: 't07', before: [WORKER, 'run a.sh in worker every hour', 'run b.sh in worker every day at 3am'], turns: ['change the job to every 10 minutes'], expect: asks },
  { id: 't08', before: [WORKER, 'run a.sh in worker every hour'], turns: ['change the job to every 10 minutes'], expect: [{ job_schedule: '*/10 * * * *', container: 'worker', command_has: 'a.sh' }] },
  { id: 't09', turns: ['set hostname to web1', 'no, web-01'], expect: [{ hostname: 'web-01' }] },
  { id: 't10', before: [WORKER], turns: ['run report.py in worker daily at 6am', 'make that 7am'], expect: [{ job_schedule: '0 7 * * *', container: 'worker' }] },
  { id: 't12', turns: ['add user eve', `and add her ssh key: ${ED} eve@home`], expect: [{ user: 'eve', ssh_key: true }] },
  { id: 't13', before: ['add a volume called uploads at /data/uploads'], turns: ['back up uploads weekly', 'keep 4'], expect: [{ volume: 'uploads', retain: 4 }] },
  { id: 't14', turns: ['add user fred with sudo', 'wait, no sudo'], expect: [{ user: 'fred', sudo: false }] },
  { id: 't15', before: [PG], turns: ['back up pgdata at 2am every day', 'and keep two weeks of them'], expect: [{ volume: 'pgdata', retain: 14 }] },
  { id: 't16', turns: ['set the timezone to Europe/London', 'sorry, I meant Europe/Dublin'], expect: [{ timezone: 'Europe/Dublin' }] },
  { id: 't17', before: [REDIS], turns: ['does redis have backups?', 'ok add them, every hour is fine'], expect: [{ volume: 'redis-data', backup_schedule: '0 * * * *' }] },
];

/** Ids of the grid that still fail (each asserted to fail: mending one means taking it off). */
const STILL_FAILING = new Set<string>([
  'u24', 'u25', 'b08', 't17',
]);

const turnFailures = (t: Turns): string[] =>
  runConversation({ id: t.id, request: '', before: t.before, turns: t.turns.map((request, i) => ({ request, expect: i === t.turns.length - 1 ? t.expect : [] })) }).flatMap((r) => r.failures);

function grid(name: string, rows: Row[]) {
  describe(name, () => {
    for (const r of rows) {
      const run = () => caseFailures(r.request, r.expect, r.before ?? []);
      if (STILL_FAILING.has(r.id)) it(`${r.id} still fails: "${r.request}"`, () => expect(run()).not.toEqual([]));
      else it(`${r.id}: "${r.request}"`, () => expect(run()).toEqual([]));
    }
  });
}

grid('users, groups, keys, sudo', USERS);
grid('scheduled jobs', JOBS);
grid('backups and retention', BACKUPS);
grid('hostname, timezone, certificates', SYSTEM);
grid('questions change nothing', QUESTIONS);

describe('conversation turns', () => {
  for (const t of TURNS) {
    if (STILL_FAILING.has(t.id)) it(`${t.id} still fails: ${JSON.stringify(t.turns)}`, () => expect(turnFailures(t)).not.toEqual([]));
    else it(`${t.id}: ${JSON.stringify(t.turns)}`, () => expect(turnFailures(t)).toEqual([]));
  }
});

// What the eval's checks cannot say: a group, a job or a sudo taken away.
describe('taken away', () => {
  const stillFails = (id: string) => STILL_FAILING.has(id);
  const cases: [string, () => boolean][] = [
    ['u16', () => !(users(talk(['add user oscar in the docker group', 'remove oscar from the docker group']).files).find((u) => u.name === 'oscar')?.groups ?? []).includes('docker')],
    ['j19', () => !jobs(talk([WORKER, 'a job named nightly-report that runs python report.py in worker at 1am', 'remove the nightly-report job']).files).some((j) => j.name === 'nightly-report')],
    ['j26', () => (jobs(talk([WORKER, 'a job named nightly-report that runs python report.py in worker at 1am', 'pause the nightly-report job']).files).find((j) => j.name === 'nightly-report') as { enabled?: boolean } | undefined)?.enabled === false],
    ['u28', () => users(talk(['add users amy and bea', 'delete bea']).files).map((u) => u.name).join() === 'amy'],
  ];
  for (const [id, ok] of cases) it(`${id}${stillFails(id) ? ' still fails' : ''}`, () => expect(ok()).toBe(!stillFails(id)));
});
