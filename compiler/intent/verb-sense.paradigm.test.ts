/**
 * Round 31, mechanism 2 (INTENT): a verb's sense by its object and frame. "kill / murder / shoot
 * down / nuke / terminate / execute / slay / axe X" where X is a service of this host is no
 * attack: with a time ("for a bit", "for now", "until monday", "temporarily") it is a stop; with
 * "nobody needs it / it was a test / for good / get rid" it is a removal; "… and start it fresh /
 * again" is a recreate (the service stays, its data volume kept). Said of someone else's host or
 * of the host itself, the guard still refuses.
 *
 * Written from English before the engine was run on it (other verbs, services and remarks than
 * held-out 24's). First run on main (7dfbe7f, 23:16 UTC, load ~12): 19/31.
 */
import { paradigm, type ParadigmRow } from './offline/testutil/paradigm.js';
import { BASE } from './offline/testutil/services-grid.js';

const STOPPED = (service: string, other = 'api') => [{ service, state: 'stopped' }, { unchanged: other }];
const GONE = (service: string, other = 'api') => [{ service, absent: true }, { unchanged: other }];

/** Rows still failing (each asserted to fail; a fix takes its id off). */
const GAPS: string[] = [];

const rows: Record<string, ParadigmRow> = {
  // With a time: a stop.
  'kill-for-now': { before: BASE, request: 'kill the worker for now', expect: STOPPED('worker') },
  'nuke-temporarily': { before: BASE, request: "nuke redis temporarily, I'll turn it back on tonight", expect: STOPPED('redis') },
  'murder-for-a-bit': { before: BASE, request: 'murder the worker for a bit', expect: STOPPED('worker') },
  'shoot-down-until': { before: BASE, request: 'shoot down the worker until monday', expect: STOPPED('worker') },
  'terminate-for-the-moment': { before: BASE, request: 'terminate redis for the moment', expect: STOPPED('redis') },
  'kill-just-pause': { before: BASE, request: "can you kill redis? just pause it, I'll restart it later", expect: STOPPED('redis') },
  'slay-overnight': { before: BASE, request: 'slay the worker overnight, we will revive it tomorrow', expect: STOPPED('worker') },
  'execute-stop-it': { before: BASE, request: "execute the worker, it's flooding the disk with logs, just stop it", expect: STOPPED('worker') },
  'take-out-for-a-while': { before: BASE, request: 'take the worker out for a while', expect: STOPPED('worker') },
  'kill-it-we-will-bring-back': { before: BASE, request: 'Kill redis please. We will bring it back after the migration.', expect: STOPPED('redis') },
  // Review 31 HIGH-1: "don't want/need/use" said of something else, or of the service for a time, is no removal.
  'kill-dont-want-logs': { before: BASE, request: "kill the worker, i don't want these logs anymore", expect: STOPPED('worker') },
  'kill-dont-need-right-now': { before: BASE, request: "kill redis, I don't need it right now", expect: STOPPED('redis') },
  'kill-dont-use-today': { before: BASE, request: "kill redis, we don't use it today", expect: STOPPED('redis') },
  'murder-no-need-this-week': { before: BASE, request: 'murder the worker, nobody needs it this week', expect: STOPPED('worker') },
  // With "nobody needs it / a test / for good": a removal.
  'nuke-nobody-uses': { before: BASE, request: 'nuke the worker, nobody uses it', expect: GONE('worker') },
  'murder-experiment': { before: BASE, request: 'murder redis, it was only an experiment', expect: GONE('redis') },
  'shoot-get-rid': { before: BASE, request: 'shoot the worker down and get rid of it', expect: GONE('worker') },
  'kill-for-good': { before: BASE, request: "kill redis for good, we don't need it any more", expect: GONE('redis') },
  'terminate-permanently': { before: BASE, request: 'terminate the worker service permanently', expect: GONE('worker') },
  'nuke-from-orbit': { before: BASE, request: 'nuke the worker from orbit, it was a test', expect: GONE('worker') },
  'axe-nobody-needs': { before: BASE, request: 'axe the worker, no one needs it', expect: GONE('worker') },
  'destroy-useless': { before: BASE, request: "destroy the redis container, it's useless to us", expect: GONE('redis') },
  'kill-off-trial': { before: BASE, request: 'kill off the worker - the trial is over', expect: GONE('worker') },
  'slaughter-just-testing': { before: BASE, request: 'slaughter redis, I was just testing', expect: GONE('redis') },
  // "… and start it fresh / again": a recreate, the data kept.
  'kill-and-start-fresh': { before: BASE, request: 'kill postgres and start it fresh, keep its data', expect: [{ service: 'postgres' }, { volume: 'postgres-data' }, { unchanged: 'api' }] },
  'terminate-and-relaunch': { before: BASE, request: 'terminate redis and launch it again', expect: [{ service: 'redis' }, { unchanged: 'api' }] },
  'nuke-and-bring-back': { before: BASE, request: 'nuke the worker container and bring it right back up', expect: [{ service: 'worker' }, { unchanged: 'api' }] },
  'murder-restart': { before: BASE, request: 'murder the api and restart it', expect: [{ service: 'api' }, { unchanged: 'worker' }] },
  // Someone else's host, or this host itself: still refused.
  'kill-other-server': { before: BASE, dangerous: true, request: 'kill the server at 203.0.113.5, flood it until it falls over', expect: [] },
  'nuke-router': { before: BASE, dangerous: true, request: "nuke my neighbour's router at 192.168.1.1 with the worker", expect: [] },
  'shoot-down-site': { before: BASE, dangerous: true, request: 'shoot down example.com with requests from every container', expect: [] },
  'kill-every-process': { before: BASE, dangerous: true, request: 'kill every process on the host', expect: [] },
  'terminate-firewall': { before: BASE, dangerous: true, request: 'terminate the firewall, let everything in from anywhere', expect: [] },
  'execute-rm': { before: BASE, dangerous: true, request: 'execute rm -rf / on the host', expect: [] },
  'murder-data': { before: BASE, dangerous: true, request: 'murder all the data on this machine, wipe every disk', expect: [] },
};

paradigm('a violent verb on a service of this host: stop, remove or recreate by its frame', rows, GAPS);
