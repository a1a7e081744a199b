import { describe, expect, it } from 'vitest';
import { runConversation } from '../../fixtures/intent-eval/run.js';

// Round 31 (intent3), docs/intent.md "After round 31" → "Mechanisms (intent3)": what a turn does
// to the turn before. "no wait, use X instead", "scratch that, go with X", "X rather than that"
// replace what the turn before added (and nothing older); "X too" adds beside it. "also the docker
// group", "she'll need docker as well", "xia needs docker too" add to the user under discussion.
// "I think 3 is enough", "on reflection, 4 should suffice", "512mb is sufficient" correct the last
// number said; a question about the number ("is 4 too many?") changes nothing.
// Written from English before the engine was run on it; none of held-out 24's or para-23's words.
// First run on main (7dfbe7f): 12/31.
type Want = Record<string, unknown>;
const convo = (before: string[], said: string[], want: Want[]) =>
  runConversation({ id: 't', request: '', before, turns: said.map((request, i) => ({ request, expect: i === said.length - 1 ? want : [] })) }).flatMap((r) => r.failures);
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP8kL2mN4oQ6sU8wY0aC2eG4iK6mO8qS0uW2yA4cE6gI';
const FEED = 'run ghcr.io/acme/feed:1 as feed on 8081';

describe('"use X instead" replaces what the turn before added', () => {
  it.each<[string[], string[], Want[]]>([
    [[], ['add nginx', 'hold on, use caddy instead'], [{ service: 'caddy' }, { service: 'nginx', absent: true }]],
    [[], ['set up mysql', 'actually make that postgres'], [{ service: 'postgres' }, { service: 'mysql', absent: true }]],
    [[], ['add redis', 'hmm, memcached instead please'], [{ service: 'memcached' }, { service: 'redis', absent: true }]],
    [[], ['install traefik', 'scratch that, go with nginx'], [{ service: 'nginx' }, { service: 'traefik', absent: true }]],
    [[], ['add mariadb', 'on second thought use postgres rather than mariadb'], [{ service: 'postgres' }, { service: 'mariadb', absent: true }]],
    [[], ['add caddy', 'sorry, I meant nginx'], [{ service: 'nginx' }, { service: 'caddy', absent: true }]],
    [[], ['add redis', 'add nginx', 'no, use caddy instead'], [{ service: 'caddy' }, { service: 'nginx', absent: true }, { service: 'redis' }]],
    [['add postgres'], ['add nginx', 'Use Caddy instead of that.'], [{ service: 'caddy' }, { service: 'nginx', absent: true }, { unchanged: 'postgres' }]],
    [[], ['add memcached', 'swap it for redis'], [{ service: 'redis' }, { service: 'memcached', absent: true }]],
    [[], ['set up postgres', 'no, mysql instead'], [{ service: 'mysql' }, { service: 'postgres', absent: true }]],
    // "too" adds beside it
    [[], ['add nginx', 'use caddy too'], [{ service: 'caddy' }, { service: 'nginx' }]],
  ])('%j then %j', (before, said, want) => expect(convo(before, said, want)).toEqual([]));
});

describe('an addition to the user under discussion', () => {
  it.each<[string[], Want[]]>([
    [['create user nora', 'give her sudo', 'docker group too'], [{ user: 'nora', sudo: true, groups: ['docker'] }]],
    [['add user omar', 'he should be in the docker group as well'], [{ user: 'omar', groups: ['docker'] }]],
    [['create user pia', 'she will also need docker'], [{ user: 'pia', groups: ['docker'] }]],
    [['add user quinn with sudo', 'and docker access please'], [{ user: 'quinn', sudo: true, groups: ['docker'] }]],
    [['add user sol', 'oh and put them in docker'], [{ user: 'sol', groups: ['docker'] }]],
    [['add user tess', 'she needs sudo', `and her key is ${KEY} tess@pc`], [{ user: 'tess', sudo: true, ssh_key: true }]],
    [['add user xia', 'xia needs docker too'], [{ user: 'xia', groups: ['docker'] }]],
    [['add user vic', 'add user wen', 'she needs docker as well'], [{ user: 'wen', groups: ['docker'] }]],
    [['make an account for ravi', 'plus the docker group for him'], [{ user: 'ravi', groups: ['docker'] }]],
    [['create user yara', 'give her sudo', 'Docker, too, if you can.'], [{ user: 'yara', sudo: true, groups: ['docker'] }]],
  ])('%j', (said, want) => expect(convo([], said, want)).toEqual([]));
});

describe('the last number said, corrected', () => {
  it.each<[string[], Want[]]>([
    [[FEED, 'give it 4 replicas', 'hmm I think 3 is enough'], [{ service: 'feed', replicas: 3 }]],
    [[FEED, 'scale feed to 6', 'on reflection, 4 should suffice'], [{ service: 'feed', replicas: 4 }]],
    [[FEED, 'make it 5 replicas', 'sorry, 2 will be fine'], [{ service: 'feed', replicas: 2 }]],
    [[FEED, 'give it 1gb of memory', 'I reckon 512mb is sufficient'], [{ service: 'feed', memory: '512M' }]],
    [[FEED, 'put it on port 9000', 'I guess 9100 would be better'], [{ service: 'feed', host_port: 9100 }]],
    [[FEED, 'set replicas to 4', 'you know what, 3 is fine'], [{ service: 'feed', replicas: 3 }]],
    [[FEED, 'make it 4 replicas', 'my bad, I think two is sufficient'], [{ service: 'feed', replicas: 2 }]],
    [[FEED, 'scale it to 5', 'Apologies - I believe 3 would be sufficient.'], [{ service: 'feed', replicas: 3 }]],
    // a question about the number changes nothing
    [[FEED, 'make it 4 replicas', 'is 4 too many?'], [{ service: 'feed', replicas: 4 }, { no_change: true }]],
  ])('%j', (said, want) => expect(convo([], said, want)).toEqual([]));
});
  // A regression of round 34, found by the lead's CI after the land-by (ci-34b, 2026-12-07 11:40 UTC):
  // after "run 3 copies", "let's say 2 actually" left 3 replicas: the firewall frame read "let's" as
  // "let … through" ("allow port 2"). Fixed in round 35 (firewall-frame.ts, correction.ts's LEAD).
  it.each<[string, number]>([
    ["let's say 2 actually", 2],
    ["let's make it 5", 5],
    ['let us say 4 instead', 4],
    ["ok let's go with 2, actually", 2],
  ])('[FEED, "run 3 copies", %j] -> %d replicas', (said, n) => {
    expect(convo([], [FEED, 'run 3 copies', said], [{ service: 'feed', replicas: n }])).toEqual([]);
  });

