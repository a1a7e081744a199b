import { describe, expect, it } from 'vitest';
import { runConversation } from '../../fixtures/intent-eval/run.js';

// Round 30 (intent3), docs/intent.md "After round 30" → "Mechanisms (intent3)": corrections and
// references in a conversation. "actually 2", "no, 9001", "make it/them N", "x4", "four of
// those", "each", "move that to …", "X not Y" edit the last service, job, certificate or number
// under discussion; with nothing under discussion the engine asks and changes nothing.
// Written from English before the engine was run on it; none of held-out 23's or para-22's words.
// First run on main (5325d0a): 15/33.
type Want = Record<string, unknown>;
const convo = (before: string[], said: string[], want: Want[]) =>
  runConversation({ id: 't', request: '', before, turns: said.map((request, i) => ({ request, expect: i === said.length - 1 ? want : [] })) }).flatMap((r) => r.failures);

const FEED = 'run ghcr.io/acme/feed:1 as feed on 8081';
const JOB = 'schedule bin/export in books every monday 9am';
const APP = ['run ghcr.io/acme/books:3 as books on port 8000'];
const on = (d: number, names: string[], h = 9, m = 0) => [`${m} ${h} * * ${d}`, ...names.map((n) => `${m} ${h} * * ${n}`)];
const ASKS: Want[] = [{ asks: true, no_change: true }];

describe('the last number under discussion, corrected', () => {
  it.each<[string[], Want[]]>([
    [[FEED, 'make it 4 replicas', 'no wait, 3 is plenty'], [{ service: 'feed', replicas: 3 }]],
    [[FEED, 'scale it to 5', 'actually 2'], [{ service: 'feed', replicas: 2 }]],
    [[FEED, 'make it 3 replicas', 'hmm, make that 6'], [{ service: 'feed', replicas: 6 }]],
    [[FEED, 'give it 512mb', 'actually 1g is better'], [{ service: 'feed', memory: '1G' }]],
    [[FEED, 'run 4 copies', 'oh 3 will do'], [{ service: 'feed', replicas: 3 }]],
    [[FEED, 'give it 2 cpus', 'actually 1 is enough'], [{ service: 'feed', cpu: '1' }]],
    [[FEED, 'put it on port 9000', 'no, 9001'], [{ service: 'feed', host_port: 9001 }]],
  ])('%j', (said, want) => expect(convo([], said, want)).toEqual([]));
});

describe('"x4", "four of those", "make them N", "each"', () => {
  it.each<[string[], Want[]]>([
    [[FEED, 'x3'], [{ service: 'feed', replicas: 3 }]],
    [[FEED, 'x2 please'], [{ service: 'feed', replicas: 2 }]],
    [[FEED, 'five of those please'], [{ service: 'feed', replicas: 5 }]],
    [[FEED, 'make them 3'], [{ service: 'feed', replicas: 3 }]],
    [[FEED, 'I need three of these running'], [{ service: 'feed', replicas: 3 }]],
    [[FEED, 'run 2 of them', 'cap them at 256mb each'], [{ service: 'feed', replicas: 2, memory: '256M' }]],
    [[FEED, 'four of those', 'limit em to 1gb each'], [{ service: 'feed', replicas: 4, memory: '1G' }]],
    [[FEED, 'x2', 'each with 768 megs of ram'], [{ service: 'feed', replicas: 2, memory: '768M' }]],
    [[FEED, 'could I get 6 of them?'], [{ service: 'feed', replicas: 6 }]],
  ])('%j', (said, want) => expect(convo([], said, want)).toEqual([]));
});

describe('the job under discussion moved', () => {
  it.each<[string[], Want[]]>([
    [[JOB, 'move that to thursdays'], [{ job_schedule: on(4, ['THU', 'thu']), container: 'books', command_has: 'bin/export' }]],
    [[JOB, 'make it tuesdays not mondays'], [{ job_schedule: on(2, ['TUE', 'tue']), container: 'books', command_has: 'bin/export' }]],
    [[JOB, 'switch that to wensdays'], [{ job_schedule: on(3, ['WED', 'wed']), container: 'books' }]],
    [[JOB, 'push it to 11am'], [{ job_schedule: on(1, ['MON', 'mon'], 11), container: 'books' }]],
    [[JOB, 'actually friday'], [{ job_schedule: on(5, ['FRI', 'fri']), container: 'books' }]],
    [[JOB, 'no, saturdays'], [{ job_schedule: on(6, ['SAT', 'sat']), container: 'books' }]],
    [[JOB, 'make it 8:30 instead'], [{ job_schedule: on(1, ['MON', 'mon'], 8, 30), container: 'books' }]],
    [[JOB, 'could you shift that to sundays?'], [{ job_schedule: on(0, ['7', 'SUN', 'sun']), container: 'books' }]],
  ])('%j', (said, want) => expect(convo(APP, said, want)).toEqual([]));
});

describe('the certificate and the backup under discussion', () => {
  it.each<[string[], Want[]]>([
    [['add a service called blog from image ghost:5 on port 2368', 'https on it, blog.example.net'], [{ certificate: 'blog.example.net' }]],
    [['add a service called blog from image ghost:5 on port 2368', 'tls for it: blog.example.net'], [{ certificate: 'blog.example.net' }]],
    [['set up postgres', 'back it up every night at 2', 'actually keep 5'], [{ volume: 'postgres-data', retain: 5 }]],
  ])('%j', (said, want) => expect(convo([], said, want)).toEqual([]));
});

describe('nothing under discussion: ask, change nothing', () => {
  const TWO = ['run ghcr.io/acme/feed:1 as feed on 8081', 'add redis'];
  it.each<string>(['actually 2 is enough', 'make them 4', 'x4', 'move that to fridays', 'limit em to 512mb each', 'four of those please'])('"%s"', (said) =>
    expect(convo(TWO, [said], ASKS)).toEqual([]));
});
