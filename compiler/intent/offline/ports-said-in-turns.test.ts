import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Round 22, my own wording (issue 22, held-out 15's class "ports in conversation"): after a
// service is added or named, "expose it on 3307", "actually expose it on the host on 6380",
// "publish it on 8081 instead" move that service's host port. It is the service's port, not a
// firewall rule, and no other service changes.
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
interface Svc { name: string; ports?: { host?: number; container: number }[] }
const svcs = (files: StateFiles): Svc[] => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;
const rules = (files: StateFiles): unknown[] => (parse(files['network.yaml'] ?? 'spec: {}') as { spec: { firewall?: { rules?: unknown[] } } }).spec.firewall?.rules ?? [];

function conversation(turns: string[]): { files: StateFiles; history: ConversationTurn[] } {
  let files: StateFiles = say('add nginx').files;
  const history: ConversationTurn[] = [];
  for (const t of turns) {
    const r = say(t, files, history);
    files = { ...files, ...r.files };
    history.push({ role: 'user', text: t }, { role: 'assistant', text: r.explanation });
  }
  return { files, history };
}

describe('a host port said in a later turn', () => {
  it.each([
    [['set up redis'], 'actually expose it on the host on 6380', 'redis', 6380],
    [['add mysql', 'what port is it on?'], 'expose it on 3307', 'mysql', 3307],
    [['add a service called api using image ghcr.io/acme/api:2 on port 3000'], 'publish it on 8081 instead', 'api', 8081],
    [['add postgres'], 'expose it on the host on port 5433 please', 'postgres', 5433],
    [['set up redis'], 'Expose That On 6390', 'redis', 6390],
    [['add grafana'], 'ok, expose it on host port 3300', 'grafana', 3300],
    [['add mysql'], 'expose mysql on 3310', 'mysql', 3310],
    [['set up redis'], 'actually, put it on the host on 6385', 'redis', 6385],
    [['add grafana'], 'expose it on 3301 on the host', 'grafana', 3301],
    [['add a service called api using image ghcr.io/acme/api:2 on port 3000'], 'hmm, expose it at port 8090 instead', 'api', 8090],
    [['set up redis'], 'bind it to 6381', 'redis', 6381],
    [['add grafana'], 'make it available on the host at 3303', 'grafana', 3303],
    [['add postgres', 'what port does it use?'], 'map it to host port 5434', 'postgres', 5434],
  ])('%j then %s', (before, message, name, port) => {
    const { files, history } = conversation(before);
    const r = say(message, files, history);
    expect(r.refused, r.explanation).toBeUndefined();
    const next = { ...files, ...r.files };
    expect(svcs(next).find((s) => s.name === name)?.ports?.map((p) => p.host), r.explanation).toContain(port);
    expect(rules(next), 'no firewall rule').toEqual(rules(files));
    for (const other of svcs(files).filter((s) => s.name !== name)) expect(svcs(next).find((s) => s.name === other.name)).toEqual(other);
  });
});
