/**
 * Round 29, mechanism 3 (INTENT): a service's command said after "to:", a colon, "with:", in
 * quotes or in backticks (kept as said, never normalised); and stop/start said with a time
 * phrase ("for a bit", "until monday", "for a couple of hours", "we'll bring it back later"): a
 * stop with a promise of coming back is a stop, never a restart and never a scheduled job.
 *
 * Written from English before the engine was run on it (other services and words than held-out
 * 22's). First run on main (a30697b, 16:40 UTC): 15/33.
 */
import { paradigm, type ParadigmRow } from './offline/testutil/paradigm.js';

const STACK = ['add a service called api using image ghcr.io/acme/api:1.4 on port 8080', 'add a service called worker using image ghcr.io/acme/worker:2', 'add postgres', 'add redis'];
const STOPPED = [...STACK, 'stop the worker'];
const cmd = (request: string, service: string, has: string, before = STACK): ParadigmRow => ({ before, request, expect: [{ service, command_has: has }, { unchanged: service === 'api' ? 'worker' : 'api' }] });
const stop = (request: string, service = 'worker'): ParadigmRow => ({ before: STACK, request, noJobs: true, expect: [{ service, state: 'stopped', label_absent: 'restarted-at' }, { unchanged: service === 'api' ? 'worker' : 'api' }, { service: service === 'api' ? 'worker' : 'api', state: 'running' }] });
const start = (request: string): ParadigmRow => ({ before: STOPPED, request, noJobs: true, expect: [{ service: 'worker', state: 'running' }, { unchanged: 'api' }] });

/** Rows still failing (each asserted to fail; a fix takes its id off). */
const GAPS: string[] = [];

const rows: Record<string, ParadigmRow> = {
  // The command: after "to:", a colon, "with:", "->", in quotes or backticks; byte-exact.
  'to-colon': cmd('change the worker command to: celery -A app worker -l info', 'worker', '"celery -A app worker -l info"'),
  'backticks': cmd('set api command to `node server.js --port 4000`', 'api', 'node server.js --port 4000'),
  'should-run-quoted': cmd('the worker should run "python -m jobs.run --fast"', 'worker', 'python -m jobs.run --fast'),
  'possessive-colon': cmd("worker's command: bundle exec sidekiq -q default", 'worker', 'bundle exec sidekiq -q default'),
  'start-with-colon': cmd('make the worker start with: ./bin/start --mode=batch', 'worker', './bin/start --mode=batch'),
  'arrow': cmd('command for worker -> php artisan queue:work --tries=3', 'worker', 'php artisan queue:work --tries=3'),
  'replace-with-backticks': cmd('replace the worker command with `rake jobs:work`', 'worker', 'rake jobs:work'),
  'cmd-abbrev': cmd('worker cmd: npm run consume', 'worker', 'npm run consume'),
  'with-the-command-quoted': cmd('run the worker with the command "java -jar worker.jar --threads 4"', 'worker', 'java -jar worker.jar --threads 4'),
  'override-start': cmd("override api's start command to: gunicorn app:app -w 4", 'api', 'gunicorn app:app -w 4'),
  'use-as-command': cmd('use `sidekiq -C config/sidekiq.yml` as the worker command', 'worker', 'sidekiq -C config/sidekiq.yml'),
  'to-no-colon': cmd("change worker's command to python3 worker.py --queue=bulk", 'worker', 'python3 worker.py --queue=bulk'),
  'should-be-colon': cmd("the worker's command should be: /app/run.sh --once", 'worker', '/app/run.sh --once'),
  'single-quotes': cmd("worker command 'celery -A tasks worker'", 'worker', 'celery -A tasks worker'),
  'new-with-command-colon': { request: 'new service jobs from ghcr.io/acme/jobs:1 with command: python run.py --all', expect: [{ service: 'jobs', image: 'ghcr.io/acme/jobs:1', command_has: 'python run.py --all' }] },
  'keeps-size-flag': cmd('set the worker command to: node worker.js --max-old-space-size=2g', 'worker', 'node worker.js --max-old-space-size=2g'),
  // A stop said with a time phrase or a promise of coming back.
  'for-a-bit': stop('shut the api down for a bit', 'api'),
  'until-restart-then': stop("stop the worker until monday, we'll restart it then"),
  'bring-back-next-week': stop("turn off the worker for now, we'll bring it back next week"),
  'till-tomorrow': stop('pause the worker till tomorrow'),
  'take-a-break': stop("the worker can take a break, we'll start it again later"),
  'couple-of-hours': stop('stop the api for a couple of hours', 'api'),
  'offline-further-notice': stop('take the worker offline until further notice'),
  'weekend-bring-back': stop('disable the worker for the weekend, we will bring it back after'),
  'hour-or-so': stop('stop the api for an hour or so, i need to migrate', 'api'),
  'temporarily-restart-after': stop('shut down the worker temporarily — we will restart it after the deploy'),
  'on-ice': stop('put the worker on ice for a few days'),
  'back-later-first': stop("we'll bring it back later, but for now shut the worker down"),
  // A start after such a stop.
  'bring-back': start('bring the worker back'),
  'start-again': start("start the worker again, we're back"),
  'can-come-back': start('ok the worker can come back now'),
  'turn-back-on': start("we're done with maintenance, turn the worker back on"),
  'resume': start('resume the worker'),
};

paradigm('command and state phrases: a command after "to:", in quotes or backticks; stop/start with time phrases', rows, GAPS);
