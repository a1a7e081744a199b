import { describe, expect, it } from 'vitest';
import { runConversation } from '../../fixtures/intent-eval/run.js';

// Round 29 (intent3), docs/intent.md "After round 29" → "Mechanisms (intent3)": what is under
// discussion in a conversation includes the last job, the last certificate and the last service.
// "it", "them", "each", "N of them", "change it to …" in a turn edit that thing; a domain said
// with "https on it" is a certificate for the service under discussion, never exfiltration.
// Written from English before the engine was run on it; none of held-out 22's words.
// First run on main (a30697b): 12/33.
type Want = Record<string, unknown>;
const convo = (before: string[], said: string[], want: Want[]) =>
  runConversation({ id: 't', request: '', before, turns: said.map((request, i) => ({ request, expect: i === said.length - 1 ? want : [] })) }).flatMap((r) => r.failures);

const APP = ['run ghcr.io/acme/books:3 as books on port 8000'];
const MON = (h: number) => [`0 ${h} * * 1`, `0 ${h} * * MON`, `0 ${h} * * mon`];

describe('a certificate for the service under discussion', () => {
  it.each<[string[], string]>([
    [['set up caddy on 8443', 'and put https on it for shop.example.net'], 'shop.example.net'],
    [['set up caddy on 8443', 'give it a tls cert for shop.example.net'], 'shop.example.net'],
    [['set up caddy on 8443', 'add ssl to it for shop.example.net'], 'shop.example.net'],
    [['set up caddy on 8443', 'secure it with https, domain shop.example.net'], 'shop.example.net'],
    [['set up caddy on 8443', 'it needs https for shop.example.net'], 'shop.example.net'],
    [['add a service called blog from image ghost:5 on port 2368', 'now https on it for blog.example.net please'], 'blog.example.net'],
    [['add a service called blog from image ghost:5 on port 2368', 'put a certificate on it for blog.example.net'], 'blog.example.net'],
    [['add a service called blog from image ghost:5 on port 2368', 'and a lets encrypt cert for it: blog.example.net'], 'blog.example.net'],
  ])('%j', (said, domain) => expect(convo([], said, [{ certificate: domain }])).toEqual([]));
});

describe('"N of them", "each" after a service was added', () => {
  it.each<[string[], Want[]]>([
    [['add a service called crawler from image ghcr.io/acme/crawler', '3 of them'], [{ service: 'crawler', replicas: 3 }]],
    [['add a service called crawler from image ghcr.io/acme/crawler', 'make it 5 of those'], [{ service: 'crawler', replicas: 5 }]],
    [['add a service called crawler from image ghcr.io/acme/crawler', 'i want 6 of them'], [{ service: 'crawler', replicas: 6 }]],
    [['add a service called crawler from image ghcr.io/acme/crawler', 'three copies of it'], [{ service: 'crawler', replicas: 3 }]],
    [['add a service called crawler from image ghcr.io/acme/crawler', 'two of them please'], [{ service: 'crawler', replicas: 2 }]],
    [['add a service called crawler from image ghcr.io/acme/crawler', '3 of them', 'cap each at 256mb'], [{ service: 'crawler', replicas: 3, memory: '256M' }]],
    [['add a service called crawler from image ghcr.io/acme/crawler', '3 of them', 'give each one 1g'], [{ service: 'crawler', replicas: 3, memory: '1G' }]],
    [['add a service called crawler from image ghcr.io/acme/crawler', '4 of them', 'limit each to 512m of ram'], [{ service: 'crawler', replicas: 4, memory: '512M' }]],
    [['add a service called crawler from image ghcr.io/acme/crawler', 'run 4 of them', 'each gets 2 gigs'], [{ service: 'crawler', replicas: 4, memory: '2G' }]],
    [['add redis', 'add memcached', 'give them 256mb each'], [{ service: 'redis', memory: '256M' }, { service: 'memcached', memory: '256M' }]],
  ])('%j', (said, want) => expect(convo([], said, want)).toEqual([]));
});

describe('"it" is the job just scheduled', () => {
  it.each<[string[], Want[]]>([
    [['schedule bin/export in books every monday 9am', 'change it to fridays'], [{ job_schedule: ['0 9 * * 5', '0 9 * * FRI', '0 9 * * fri'], container: 'books', command_has: 'bin/export' }]],
    [['schedule bin/export in books every monday 9am', 'make it tuesdays instead'], [{ job_schedule: ['0 9 * * 2', '0 9 * * TUE', '0 9 * * tue'], container: 'books', command_has: 'bin/export' }]],
    [['schedule bin/export in books every monday 9am', 'move it to wednesday'], [{ job_schedule: ['0 9 * * 3', '0 9 * * WED', '0 9 * * wed'], container: 'books' }]],
    [['schedule bin/export in books every monday 9am', 'change it to 7pm'], [{ job_schedule: MON(19), container: 'books' }]],
    [['schedule bin/export in books every monday 9am', 'actually make it 10am'], [{ job_schedule: MON(10), container: 'books' }]],
    [['every monday at 6 run bin/export in books', 'can you change it to saturdays'], [{ job_schedule: ['0 6 * * 6', '0 6 * * SAT', '0 6 * * sat'], container: 'books' }]],
    [['every monday at 6 run bin/export in books', 'switch it to sundays'], [{ job_schedule: ['0 6 * * 0', '0 6 * * 7', '0 6 * * SUN', '0 6 * * sun'], container: 'books' }]],
    [['every day at 4 run bin/sweep in books', 'change it to 5'], [{ job_schedule: '0 5 * * *', container: 'books' }]],
    [['every day at 4 run bin/sweep in books', 'make it weekdays only'], [{ job_schedule: ['0 4 * * 1-5', '0 4 * * MON-FRI', '0 4 * * mon-fri'], container: 'books' }]],
  ])('%j', (said, want) => expect(convo(APP, said, want)).toEqual([]));
});

// A gap until round 32 (answered as a status question); a question that asks for a change with
// "instead" is a request now (engine.ts CHANGE_ASKED).
describe('"it" is the job just scheduled, said with instead', () => {
  it('"do it on thursdays instead" after a Monday job', () =>
    expect(convo(APP, ['schedule bin/export in books every monday 9am', 'do it on thursdays instead'], [{ job_schedule: ['0 9 * * 4', '0 9 * * THU', '0 9 * * thu'], container: 'books', command_has: 'bin/export' }])).toEqual([]));
});

describe('"it" is the service just added or changed', () => {
  it.each<[string[], Want[]]>([
    [['add a service called notes from image ghcr.io/acme/notes', 'put it on port 7000'], [{ service: 'notes', host_port: 7000 }]],
    [['add a service called notes from image ghcr.io/acme/notes', 'give it 768mb'], [{ service: 'notes', memory: '768M' }]],
    [['add a service called notes from image ghcr.io/acme/notes', 'actually stop it for now'], [{ service: 'notes', state: 'stopped' }]],
    [['add redis', 'add memcached', 'stop them both'], [{ service: 'redis', state: 'stopped' }, { service: 'memcached', state: 'stopped' }]],
    [['add a service called notes from image ghcr.io/acme/notes', 'and 2 of them'], [{ service: 'notes', replicas: 2 }]],
  ])('%j', (said, want) => expect(convo([], said, want)).toEqual([]));
});
