import { saidTable, type SaidTableRow } from './offline/testutil/paradigm.js';

// Round 34 (intent2), docs/intent.md "After round 34" → "Mechanisms (intent2)": jobs and backups,
// every part said anywhere. A job's image said before the command, after it, in brackets, after
// "in", as the sentence's first word with a colon, or as "the image X"; a URL fetched with a tool
// on an image of its own; a backup's schedule and its retention in one sentence, in any order,
// in words or digits; a volume's backup turned off with "does not need a backup".
// Written from English before the engine was run on it; none of held-out 27's or para-26's words.
// First run on main (459a50e, 09:58 UTC): see the header's figure below.
type Want = Record<string, unknown>;
const job = (schedule: string | string[], command_has: string, image?: string): Want[] => [{ job_schedule: schedule, command_has, ...(image ? { image } : {}) }];
const bak = (volume: string, schedule: string | string[] | undefined, retain?: number): Want[] => [{ volume, ...(schedule ? { backup_schedule: schedule } : {}), ...(retain !== undefined ? { retain } : {}) }];
const PG = ['add postgres'];
const PG_REDIS = ['add postgres', 'add redis'];
const MYSQL = ['add mysql'];

const rows: SaidTableRow[] = [
  // a job's image said anywhere
  ['hourly: node /srv/tick.js in node:22-alpine', job('0 * * * *', 'node /srv/tick.js', 'node:22-alpine')],
  ['at 6:30 every morning run sh /opt/rotate.sh in busybox:1.36', job('30 6 * * *', 'sh /opt/rotate.sh', 'busybox:1.36')],
  ['alpine:3.19: du -sh /srv every 3 hours', job(['0 */3 * * *', '0 0,3,6,9,12,15,18,21 * * *'], 'du -sh /srv', 'alpine:3.19')],
  ['weekly on monday at 08:00, python:3.11-slim: python /jobs/digest.py', job(['0 8 * * 1', '0 8 * * MON'], 'python /jobs/digest.py', 'python:3.11-slim')],
  ['python /jobs/export.py every friday 18:00 (python:3.12-alpine)', job(['0 18 * * 5', '0 18 * * FRI'], 'python /jobs/export.py', 'python:3.12-alpine')],
  ['each night at 1am `ruby /work/sweep.rb`, image ruby:3.3', job('0 1 * * *', 'ruby /work/sweep.rb', 'ruby:3.3')],
  ['run `php /app/cron.php` every 10 minutes, the image is php:8.3-cli', job('*/10 * * * *', 'php /app/cron.php', 'php:8.3-cli')],
  ['every 30 min: sh /scripts/check.sh (image: alpine:3.20)', job('*/30 * * * *', 'sh /scripts/check.sh', 'alpine:3.20')],
  ['Could you set up a job that runs `bash /opt/report.sh` on debian:12-slim every weekday at 9?', job(['0 9 * * 1-5', '0 9 * * MON-FRI'], 'bash /opt/report.sh', 'debian:12-slim')],
  ['in alpine:3.20 every sunday at 2am: find /srv/cache -type f -delete', job(['0 2 * * 0', '0 2 * * 7', '0 2 * * SUN'], 'find /srv/cache', 'alpine:3.20')],
  // a URL fetched on an image of its own
  ['ping https://status.example.org/beat every 5 minutes with curl, image curlimages/curl:8.7.1', job('*/5 * * * *', 'status.example.org/beat', 'curlimages/curl:8.7.1')],
  ['every hour fetch https://example.net/cron.php using curlimages/curl:8.8.0', job('0 * * * *', 'example.net/cron.php', 'curlimages/curl:8.8.0')],
  ['call https://hooks.example.com/nightly at 23:00 every day (curlimages/curl:8.8.0)', job('0 23 * * *', 'hooks.example.com/nightly', 'curlimages/curl:8.8.0')],
  ['with curlimages/curl:8.8.0, curl https://example.org/keepalive every 20 minutes', job('*/20 * * * *', 'example.org/keepalive', 'curlimages/curl:8.8.0')],
  // a backup's schedule and retention in one sentence
  ['back up postgres every night at 2, keep 10', bak('postgres-data', '0 2 * * *', 10), PG],
  ['postgres backups: daily at 01:30, retain 7', bak('postgres-data', '30 1 * * *', 7), PG],
  ['keep 5 backups of postgres, taken every sunday at 4am', bak('postgres-data', ['0 4 * * 0', '0 4 * * 7', '0 4 * * SUN'], 5), PG_REDIS],
  ['i want the postgres volume backed up every 6 hours and kept for 20 copies', bak('postgres-data', ['0 */6 * * *', '0 0,6,12,18 * * *'], 20), PG],
  ['backup mysql three times a day (at 0, 8 and 16), keep 21', bak('mysql-data', '0 0,8,16 * * *', 21), MYSQL],
  ['Please back up the postgres data every Saturday at 5 in the morning and keep six of them.', bak('postgres-data', ['0 5 * * 6', '0 5 * * SAT'], 6), PG],
  ['postgres: backups twice daily (06:00 and 18:00), retention 30', bak('postgres-data', '0 6,18 * * *', 30), PG],
  ['the postgres volume should get a backup at midnight every day; keep the last 14', bak('postgres-data', '0 0 * * *', 14), PG],
  ['keep twelve postgres backups, one every 2 hours', bak('postgres-data', ['0 */2 * * *', '0 0,2,4,6,8,10,12,14,16,18,20,22 * * *'], 12), PG],
  ['daily backups of mysql at 3:15 am, we keep four', bak('mysql-data', '15 3 * * *', 4), MYSQL],
  // a backup turned off, said as not needed
  ['the redis data does not need backups, switch them off', [{ volume: 'redis-data', backup_enabled: false }], PG_REDIS],
  ["Redis's volume doesn't need a backup. Please turn it off.", [{ volume: 'redis-data', backup_enabled: false }], PG_REDIS],
  ['no backups needed for redis anymore, disable them', [{ volume: 'redis-data', backup_enabled: false }], PG_REDIS],
  ['we do not need to back up the redis data. disable that please', [{ volume: 'redis-data', backup_enabled: false }], PG_REDIS],
  // a job said by its name, run now
  ['fire off the sync job now pls', [{ understood: true }, { no_change: true }, { says: 'claude jobs run worker-sync' }], ['deploy python:3.12-slim as worker', 'every hour run python sync.py in worker']],
  ['run the sync job asap', [{ understood: true }, { no_change: true }, { says: 'claude jobs run worker-sync' }], ['deploy python:3.12-slim as worker', 'every hour run python sync.py in worker']],
  ['start the sync job rn', [{ understood: true }, { no_change: true }, { says: 'claude jobs run worker-sync' }], ['deploy python:3.12-slim as worker', 'every hour run python sync.py in worker']],
];

const GAPS = new Set<string>([]);

saidTable('jobs and backups: every part said anywhere', rows, GAPS);
