import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Round 30 (intent3), docs/intent.md "After round 30" → "Mechanisms (intent3)": a question said
// with typos and slang ("y does", "whats up w", "how come", "wth", "u know why") is a question:
// diagnose, change nothing, even with a state verb misspelt in it ("restartin", "crashin").
// An order beside the complaint is still an order.
// Written from English before the engine was run on it; none of held-out 23's or para-22's words.
// First run on main (5325d0a): 24/36.
type Want = Record<string, unknown>;
const BEFORE = ['run node:20 as a service called web on port 3000', 'add a service called jobs from image ghcr.io/acme/jobs', 'set up postgres', 'add redis'];
const ASKED: Want[] = [{ understood: true, no_change: true }];

describe('a question with typos and slang changes nothing', () => {
  it.each<string>([
    'y does web keep crashin??',
    'whats up w postgres',
    'how come redis keeps dyin',
    'wats wrong with web lol',
    'y is postgres so sloooow',
    'web keeps restartin, y?',
    'how come the web container died',
    'wtf is up with redis',
    'whys jobs down',
    'wth happened to postgres',
    'any clue y web keeps rebooting',
    'redis is acting weird, whats goin on',
    'u know why jobs wont start?',
    'why tf does web eat so much ram',
    'what gives with postgres, it keeps restarting',
    'hey whats the deal w/ redis',
    'y r my containers restarting',
    'how come web is using 100% cpu??',
    'is web ok? it seems off',
    'whats happening to jobs, keeps exiting',
    'dunno why postgres crashed, can u check',
    'web died again... y',
    'wats eating all the disk',
    'whos using port 5432',
    "why's redis restartin all the time",
    'hmm postgres keeps falling over, any idea?',
    "what's the matter with web",
    'y cant web reach postgres',
    'whats going on w the jobs service??',
    'web is flapping, why',
    'how come redis got OOM killed',
    'yo why is web so slow rn',
  ])('"%s" answers and changes nothing', (request) => expect(caseFailures(request, ASKED, BEFORE)).toEqual([]));

  it.each<[string, Want[]]>([
    ['web keeps crashin, give it 1g', [{ service: 'web', memory: '1G' }]],
    ['jobs keeps gettin oom killed, bump it to 2g', [{ service: 'jobs', memory: '2G' }]],
    ['web is sooo slow, make it 3 replicas', [{ service: 'web', replicas: 3 }]],
    ['redis keeps dyin, stop it', [{ service: 'redis', state: 'stopped' }]],
  ])('an order beside the complaint is still done: "%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));

  // Review 23 HIGH-3: slang is never read into a name or a value ("y" was "why", "goin" "going").
  it.each<[string, Want[]]>([
    ['on web set DEBUG to y', [{ service: 'web', env: { DEBUG: 'y' } }]],
    ['set the env var VERBOSE on jobs to y', [{ service: 'jobs', env: { VERBOSE: 'y' } }]],
    ['add a service called goin from image busybox', [{ service: 'goin', image: 'busybox' }, { service: 'going', absent: true }]],
    ['add user frida with sudo', [{ user: 'frida', sudo: true }]],
  ])('a name or a value stays as typed: "%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});
