import { describe, expect, it } from 'vitest';
import { caseFailures } from '../../fixtures/intent-eval/run.js';

// Round 29 (intent3), docs/intent.md "After round 29" → "Mechanisms (intent3)": a sentence that
// asks what is wrong, why, or what is using something is a question — diagnose, change nothing —
// even with a service's name and a state verb ("keeps restarting", "crashed", "won't start") in it.
// An order said beside the complaint ("api keeps crashing, give it 1g") is still an order.
// Written from English before the engine was run on it; none of held-out 22's words.
// First run on main (a30697b): 26/36 (the four orders beside a complaint: 3/4; the cpu row was
// written with cpu: 2, a number, and fixed to "2", the schema's string, after that run).
type Want = Record<string, unknown>;
const BEFORE = ['run node:20 as a service called web on port 3000', 'add a service called jobs from image ghcr.io/acme/jobs', 'set up postgres', 'add redis'];
const ASKED: Want[] = [{ understood: true, no_change: true }];

describe('a troubleshooting question changes nothing (questions)', () => {
  it.each<string>([
    "web keeps crashing, what's going on with it",
    'why does the jobs service keep restarting?',
    'why is postgres so slow',
    "what's using all the memory",
    'whats eating my disk space',
    'jobs restarted 5 times today, why',
    'what is wrong with redis, it wont start',
    'the web is down, whats up with that',
    'can you figure out why redis stopped',
    'any idea why web is restarting all the time?',
    'what is using port 8080',
    'which service is using the most cpu',
    'postgres crashed last night, what happened',
    'is something wrong with jobs? it keeps dying',
    'jobs keeps getting killed, why is that',
    'why did web stop',
    "what's hogging the cpu",
    'tell me why web restarts',
    'web is restarting in a loop - what is wrong',
    'how come jobs keeps exiting',
    'what is causing web to crash',
    "postgres won't start, what's the problem",
    'whats wrong w/ web',
    'diagnose jobs, it keeps restarting',
    "figure out what's wrong with redis",
    "what's taking up all the ram on this server",
    'who is using port 5432',
    'jobs has been restarting since yesterday, any clue why?',
    "why won't web come up",
    'web restarts every few minutes. whats the cause?',
    'redis is stuck restarting - why??',
    'what happened to postgres, it keeps going down',
  ])('"%s" answers and changes nothing', (request) => expect(caseFailures(request, ASKED, BEFORE)).toEqual([]));

  it.each<[string, Want[]]>([
    ['web keeps crashing, give it 1g', [{ service: 'web', memory: '1G' }]],
    ['jobs keeps restarting, stop it', [{ service: 'jobs', state: 'stopped' }]],
    ['postgres is slow, give it 2 cpus', [{ service: 'postgres', cpu: '2' }]],
    ['redis keeps dying, remove it', [{ service: 'redis', absent: true }]],
  ])('an order beside the complaint is still done: "%s"', (request, want) => expect(caseFailures(request, want, BEFORE)).toEqual([]));
});
