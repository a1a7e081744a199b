/**
 * Round 30 (issue 22), INTENT2: the paradigm of **a reference in a conversation**. "that", "it"
 * is the port or service under discussion (its published port for a firewall rule); "her",
 * "him", "them" is the user or users just added or changed. With nothing under discussion the
 * engine asks and changes nothing. "his account" in "X left, remove his account" is X's, never
 * another user's (an admin is never what a pronoun names by default).
 *
 * Written from English before the engine was run on it (other people, services and ports than
 * held-out 23's h23-conv-03/04 and h23-usr-21). docs/intent.md "After round 30", "Mechanisms
 * (intent2)". First run on main (5325d0a, 19:56 UTC): 18/32; after the build: 32/32.
 */
import { describe, expect, it } from 'vitest';
import { lastTurnFailures, type Expect } from '../../../test/offline-engine.js';

type Row = [turns: string[], want: Expect[], before?: string[]];
const BOARD = 'run ghcr.io/acme/board:1 as board on port 8200';
const ASK = [{ asks: true, no_change: true }];
export const REFERENCES: Row[] = [
  // A user just added: her, him, them.
  [['add user maya', 'give her sudo'], [{ user: 'maya', sudo: true }]],
  [['add user maya', 'put her in docker'], [{ user: 'maya', groups: ['docker'] }]],
  [['create user ravi', 'add him to the docker group'], [{ user: 'ravi', groups: ['docker'] }]],
  [['create user ravi', 'he needs sudo too'], [{ user: 'ravi', sudo: true }]],
  [['add users ravi and maya', 'put them both in docker'], [{ user: 'ravi', groups: ['docker'] }, { user: 'maya', groups: ['docker'] }]],
  [['create user ravi', 'and add him to www-data'], [{ user: 'ravi', groups: ['www-data'] }]],
  [['create user noor', 'noor needs sudo', 'also put her in the docker group'], [{ user: 'noor', sudo: true, groups: ['docker'] }]],
  [['add user jonas', 'give him access to docker'], [{ user: 'jonas', groups: ['docker'] }]],
  [['add user jonas', 'make him an admin'], [{ user: 'jonas', sudo: true }]],
  [['add user maya with sudo', 'take her sudo away'], [{ user: 'maya', sudo: false }]],
  [['create user ravi', 'delete him again'], [{ user: 'ravi', absent: true }]],
  [['create user ravi', 'oh and he should be in docker as well'], [{ user: 'ravi', groups: ['docker'] }]],
  // "his/her account" is the person named, never the admin.
  [['nils quit, delete his account'], [{ user: 'nils', absent: true }, { user: 'admin', sudo: true }], ['add user nils with sudo', 'add user admin with sudo']],
  [['delete user guest'], [{ user: 'guest', absent: true }, { user: 'admin', sudo: true }], ['add user guest', 'add user admin with sudo']],
  [['pia moved on, please remove her login'], [{ user: 'pia', absent: true }, { user: 'root2', sudo: true }], ['add user pia', 'add user root2 with sudo']],
  // The port or service under discussion: that, it.
  [['open port 7443', 'only allow 10.0.0.0/8 to it'], [{ rule_for: 7443, source: '10.0.0.0/8' }]],
  [['open port 7443', 'restrict that to 192.168.1.0/24'], [{ rule_for: 7443, source: '192.168.1.0/24' }]],
  [[BOARD, 'only let 172.16.0.0/12 reach it'], [{ rule_for: 8200, source: '172.16.0.0/12' }, { unchanged: 'board' }]],
  [['add grafana', 'put it on 3300', 'restrict it to 10.0.0.0/8'], [{ rule_for: 3300, source: '10.0.0.0/8' }]],
  [['add grafana', 'move it to 3300', 'and allow only 10.8.0.0/16 to reach that'], [{ rule_for: 3300, source: '10.8.0.0/16' }]],
  [['allow 6443 from anywhere', 'make that 10.0.0.0/8 only'], [{ rule_for: 6443, source: '10.0.0.0/8' }]],
  [['allow udp 1194', 'limit it to 203.0.113.0/24'], [{ rule_for: 1194, source: '203.0.113.0/24' }]],
  [[BOARD, 'open it to everyone'], [{ rule_for: 8200, action: 'accept' }]],
  [[BOARD, 'firewall it so only 10.1.0.0/16 gets in'], [{ rule_for: 8200, source: '10.1.0.0/16' }]],
  [['allow 5672 from anywhere', 'actually only 10.0.0.0/8 should reach it'], [{ rule_for: 5672, source: '10.0.0.0/8' }]],
  [['add prometheus', 'and let just 10.50.0.0/16 get at that'], [{ rule_for: 9090, source: '10.50.0.0/16' }]],
  // Nothing under discussion: ask, change nothing.
  [['give her sudo'], ASK],
  [['restrict that to 10.0.0.0/8'], ASK],
  [['add him to docker'], ASK],
  [['only let 10.0.0.0/8 reach it'], ASK],
  [['put her in docker'], ASK, ['add user maya', 'add user ravi']],
  [['put them in the docker group'], ASK],
];

describe('a reference in a conversation: that/it is the port or service, her/him/them the user(s); nothing under discussion asks', () => {
  it.each(REFERENCES)('%j', (turns, want, before = []) => expect(lastTurnFailures(before, turns, want)).toEqual([]));
});
