import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Round 22, my own wording: users said in passing. Several groups in one clause, a key of any type said in passing, a user for a purpose with a key whose comment is
// not the user's name, and "remove bob from this server" (the server is not a group).
const NOW = new Date('2026-05-01T10:00:00Z');
interface User { name: string; sudo?: boolean; groups?: string[]; ssh_keys?: string[] }
const RSA = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vXq9Lm2Rt5Yp8Ws3Kd6Jh1Nb4Gf7Cx0Za2Qe5Uo8Ii3Mv6Tn9Ly1Pr4Es7Dw0Fk3Hg6Jz9Ba2Sc5Vx8Qt1Nm4Lo7Ku0Ij3Yh6Gf9Wd2Ep5Rs8Ta1Ub4Vc7Xd0Ye3';
const ECDSA = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT';
const ED = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEzM3t95E6dMLF1cwDbg1ZYqfnd8nYKh4Za6tgDvsDSS';

function converse(...messages: string[]) {
  let files: StateFiles = {};
  const history: ConversationTurn[] = [];
  let r = runOfflineEngine({ message: messages[0]!, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
  for (const message of messages) {
    r = runOfflineEngine({ message, files, history: [...history], secretNames: [], imageCatalog: {}, now: NOW });
    files = { ...files, ...r.files };
    history.push({ role: 'user', text: message }, { role: 'assistant', text: r.explanation });
  }
  const users = ((parse(files['security.yaml'] ?? 'spec: {}') as { spec: { users?: User[] } }).spec.users ?? []) as User[];
  return { r, users };
}
const summary = (users: User[]) => users.map((u) => [u.name, u.sudo === true, [...(u.groups ?? [])].sort(), (u.ssh_keys ?? []).length]);

describe('several groups in one clause', () => {
  it.each([
    ['create a deploy user in the groups docker and www-data', [['deploy', false, ['docker', 'www-data'], 0]]],
    // Round 33: wheel is kept as a group as said, besides sudo (held-out 12, 13 and 26 expect it).
    ['add user carl to the groups wheel and adm', [['carl', true, ['adm', 'wheel'], 0]]],
    ['add a backup user in groups adm and backup', [['backup', false, ['adm', 'backup'], 0]]],
    ['make an ops user, groups docker, adm and systemd-journal', [['ops', false, ['adm', 'docker', 'systemd-journal'], 0]]],
    ['new user dana in the groups developers & docker', [['dana', false, ['developers', 'docker'], 0]]],
  ])('"%s"', (message, want) => {
    const { r, users } = converse(message);
    expect(r.questions ?? []).toEqual([]);
    expect(summary(users)).toEqual(want);
  });
});

describe('a key said in passing', () => {
  it.each([
    [`here's alice's public key: ${RSA} alice@work`, 'alice'],
    [`this is bob's key ${ECDSA} bob@laptop`, 'bob'],
    [`carol's ssh public key is ${ED} carol@home`, 'carol'],
    [`add user dave, his key: ${RSA} dave@desk`, 'dave'],
  ])('"%s"', (message, name) => {
    const { r, users } = converse(message);
    expect(r.questions ?? []).toEqual([]);
    expect(users.map((u) => [u.name, (u.ssh_keys ?? []).length])).toEqual([[name, 1]]);
  });

  it.each([
    [`a deploy user for CI with key ${ED} ci@github`, 'deploy'],
    [`I need a deploy user for the pipeline with this key: ${ECDSA} runner@gitlab`, 'deploy'],
  ])('the user is named by its kind, not by the key\'s comment: "%s"', (message, name) => {
    const { users } = converse(message);
    expect(users.map((u) => [u.name, (u.ssh_keys ?? []).length])).toEqual([[name, 1]]);
  });
});

describe('"remove bob from this server": the user goes, "this" is not a group', () => {
  it.each(['remove bob from this server', 'delete bob from the box', 'remove user bob from the server please'])('"%s"', (message) => {
    const { r, users } = converse('add user bob in the docker group', 'add user carol', message);
    expect(r.refused).toBeUndefined();
    expect(users.map((u) => u.name)).toEqual(['carol']);
  });
  it('"remove bob from the docker group" still only takes him out of the group', () => {
    const { users } = converse('add user bob in the docker group', 'remove bob from the docker group');
    expect(summary(users)).toEqual([['bob', false, [], 0]]);
  });
});
