/**
 * Round 33 (issue 22), INTENT2: the paradigm of **what the round-32 readers must never read**,
 * the four classes of the rows that got round 32 reverted (docs/intent.md "After round 33",
 * "Mechanisms (intent2)"):
 * - a question that only asks never edits ("which accounts have admin rights?");
 * - a name is never a word of the sentence's frame ("name", "username", "called", "have");
 * - a deploy verb with an image is not a firewall verb ("drop IMAGE onto port N");
 * - a grant said before is not undone by a later word ("username ines, give her sudo").
 *
 * Written from English before the fixes were run on them (other names, ports and images than
 * engine.test's four rows). First run on main 27c4096 with round 32 re-applied (05:30 UTC): see
 * the report; after the build: every row.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lastTurnFailures, after, say, type Expect } from '../../test/offline-engine.js';

type Row = [request: string, want: Expect[], before?: string[]];
const HOST = ['add user lena with sudo', 'add user omar', 'add omar to the docker group', 'set up nginx', 'allow port 5432 from 10.0.0.0/8'];

/** Questions: answered, nothing changed. */
const QUESTIONS: string[] = [
  'which accounts have admin rights?',
  'who has sudo on this box?',
  'what users are on the server?',
  'which users are in the docker group?',
  'who can log in over ssh?',
  'how many accounts are there?',
  'what ports are open to the world?',
  'which rule allows 5432?',
  'what does the firewall block?',
  'who is allowed to use docker here?',
  'which users have no sudo?',
  'what is the username of the admin?',
];

const NAMES: Row[] = [
  ['new user for the designer, name pia, no sudo', [{ user: 'pia', sudo: false }, { user: 'name', absent: true }]],
  ['an account for the contractor, username: ola', [{ user: 'ola' }, { user: 'username', absent: true }]],
  ['a login for our new tester; her name is kaja', [{ user: 'kaja' }, { user: 'name', absent: true }]],
  ['create a user, name tomas, with sudo', [{ user: 'tomas', sudo: true }, { user: 'name', absent: true }]],
  ['user account please, login name gita', [{ user: 'gita' }, { user: 'name', absent: true }]],
  ['make an account, the name should be ravi', [{ user: 'ravi' }, { user: 'name', absent: true }]],
  ['the intern needs a login. name: yuki', [{ user: 'yuki' }, { user: 'name', absent: true }]],
  ['new login for the student, username is bram, he does not need sudo', [{ user: 'bram', sudo: false }, { user: 'username', absent: true }]],
  ['add a user called nell', [{ user: 'nell' }, { user: 'called', absent: true }]],
  ['we hired a consultant, username elif', [{ user: 'elif' }, { user: 'username', absent: true }]],
];

const IMAGES: Row[] = [
  ['drop ghcr.io/acme/shop:3 onto port 8300 and call it shop', [{ service: 'shop', image: 'ghcr.io/acme/shop:3' }, { service: 'nginx' }], ['set up nginx']],
  ['drop quay.io/acme/ledger:1.2 on port 8310, name it ledger', [{ service: 'ledger', image: 'quay.io/acme/ledger:1.2' }]],
  ['drop acme/worker:4 onto 8320 and call it worker', [{ service: 'worker', image: 'acme/worker:4' }]],
  ['drop registry.example.com/tools/wiki:2 on 8330, call it wiki', [{ service: 'wiki', image: 'registry.example.com/tools/wiki:2' }]],
  // Near-misses: a drop without an image is still a firewall drop.
  ['drop all traffic to port 8340', [{ rule_for: 8340, action: 'drop' }]],
  ['drop connections to 8350 from 203.0.113.0/24', [{ rule_for: 8350, action: 'drop', source: '203.0.113.0/24' }]],
];

const GRANTS: Row[] = [
  ['we have a new contractor, username bea, give her sudo', [{ user: 'bea', sudo: true }, { user: 'username', absent: true }]],
  ['new hire, login: bo, make him an admin', [{ user: 'bo', sudo: true }]],
  ['username lu, sudo yes, she does not need docker', [{ user: 'lu', sudo: true }]],
  ['add user mo with sudo; no ssh key yet', [{ user: 'mo', sudo: true }]],
  ['account for our new sysadmin, username cyd, with sudo please', [{ user: 'cyd', sudo: true }, { user: 'username', absent: true }]],
  // After the land (06:45 UTC): practice-20 t20-a06's and para-24 usr-10-d's classes, rows of my own.
  ['make a login for my cousin, username rui. he should not be allowed to do any admin things', [{ user: 'rui', sudo: false }, { user: 'do', absent: true }]],
  ['nuke lars his acct entirely', [{ user: 'lars', absent: true }, { user: 'entirely', absent: true }], ['add user lars', 'add user amy with sudo']],
  // "purge" is not read as a removal yet (nothing changes): never a user "completely".
  ['purge the acct of lars completely', [{ user: 'completely', absent: true }, { user: 'amy', sudo: true }], ['add user lars', 'add user amy with sudo']],
];

/** "only from A, the others no": the narrowing said again is no negation of the rule (para-25 fw-30-c's class; rows of my own). */
const NARROWING: Row[] = [
  ['port 6380 must accept only from 10.2.0.0/16, the others no', [{ rule_for: 6380, source: '10.2.0.0/16', action: 'accept' }]],
  ['allow 5433 only from 10.3.0.0/16 and 172.16.0.0/12, nobody else', [{ rule_for: 5433, source: ['10.3.0.0/16', '172.16.0.0/12'], action: 'accept' }]],
  ['only 192.168.5.0/24 may reach 9200, everyone else blocked', [{ rule_for: 9200, source: '192.168.5.0/24', action: 'accept' }]],
  ['open 8086 just for 10.9.0.0/16; the rest not', [{ rule_for: 8086, source: '10.9.0.0/16', action: 'accept' }]],
  ['restrict 27017 to 10.4.0.0/16, no one else', [{ rule_for: 27017, source: '10.4.0.0/16', action: 'accept' }]],
];

/** The rules of a host after the request, by port. */
function rulePorts(files: Record<string, string | undefined>): unknown[] {
  const rules = (parse(files['network.yaml'] ?? '{}') ?? {}).spec?.firewall?.rules ?? [];
  return rules.flatMap((r: { port: unknown }) => (Array.isArray(r.port) ? r.port : [r.port]));
}

describe('frame words (round 33): a question never edits', () => {
  const files = after(...HOST);
  it.each(QUESTIONS)('"%s"', (q) => {
    const p = say(q, files);
    expect(p.refused).toBeUndefined();
    expect(Object.keys(p.files)).toEqual([]);
  });
});

describe('frame words (round 33): a name is never a word of the frame', () => {
  it.each(NAMES)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});

describe('frame words (round 33): a deploy verb with an image is not a firewall verb', () => {
  it.each(IMAGES)('"%s"', (request, want, before = []) => {
    expect(lastTurnFailures(before, [request], want)).toEqual([]);
    if (want.some((w) => w.image)) {
      const files = after(...before);
      expect(rulePorts({ ...files, ...say(request, files).files })).toEqual(rulePorts(files));
    }
  });
});

describe('frame words (round 33): the narrowing said again ("the others no") is no negation', () => {
  it.each(NARROWING)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});

describe('frame words (round 33): a grant said before is kept', () => {
  it.each(GRANTS)('"%s"', (request, want, before = []) => expect(lastTurnFailures(before, [request], want)).toEqual([]));
});
