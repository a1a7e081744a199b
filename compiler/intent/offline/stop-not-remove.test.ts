import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

// Round 21, my own wording (issue 22, held-out 14's class "stopping without removing, and all
// but"): a stopped service is `state: stopped` in services.yaml (schemas/services.schema.json):
// its definition and data stay. "…, don't delete it" says what not to do: it is never read as
// a removal, and a negated verb is never the clause's verb. "shut down everything except
// nginx" stops every other service; the firewall is not touched unless what is kept is traffic.
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
interface Svc { name: string; state?: string }
const svcs = (files: StateFiles): Svc[] => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;
const stateOf = (files: StateFiles, name: string) => { const s = svcs(files).find((x) => x.name === name); return s && (s.state ?? 'running'); };

describe('stopped for a while, not removed', () => {
  const base = after('add rabbitmq', 'add a service called api using image ghcr.io/acme/api:1 on port 3000', 'add nginx');
  it.each([
    ["take rabbitmq offline for a bit, don't delete it", 'rabbitmq'],
    ['turn off the api temporarily, dont delete it', 'api'],
    ["don't remove rabbitmq, just stop it for now", 'rabbitmq'],
    ['pause rabbitmq but do not remove it', 'rabbitmq'],
    ['TAKE THE API DOWN FOR NOW, DO NOT DELETE IT', 'api'],
    ['dont delete the rabbitmq service, only turn it off', 'rabbitmq'],
    ["switch rabbitmq off for a while - don't get rid of it though", 'rabbitmq'],
  ])('%s', (message, name) => {
    const r = say(message, base);
    expect(r.refused).toBeUndefined();
    const files = { ...base, ...r.files };
    expect(stateOf(files, name), r.explanation).toBe('stopped');
    expect(svcs(files).map((s) => s.name)).toEqual(['rabbitmq', 'api', 'nginx']);
    for (const other of ['rabbitmq', 'api', 'nginx'].filter((x) => x !== name)) expect(stateOf(files, other)).toBe('running');
  });

  it('in a conversation, "it" is the service under discussion', () => {
    const history: ConversationTurn[] = [{ role: 'user', text: 'restart rabbitmq' }, { role: 'assistant', text: '~ rabbitmq: restart' }];
    const files = { ...base, ...say("switch it off for a while but don't get rid of it", base, history).files };
    expect(stateOf(files, 'rabbitmq')).toBe('stopped');
    expect(svcs(files)).toHaveLength(3);
  });

  it('removing is still removing', () => {
    expect(svcs({ ...base, ...say('remove rabbitmq', base).files }).map((s) => s.name)).toEqual(['api', 'nginx']);
  });
});

describe('everything but some', () => {
  const base = after('add rabbitmq', 'add nginx', 'add redis');
  it.each([
    ['shut down everything except nginx', ['nginx']],
    ['stop everything but nginx', ['nginx']],
    ['turn off all services other than nginx and redis', ['nginx', 'redis']],
    ['Stop All Containers Except The Web Server', ['nginx']],
    ['pls shut everything down apart from redis', ['redis']],
  ])('%s', (message, running) => {
    const r = say(message, base);
    expect(r.refused).toBeUndefined();
    const files = { ...base, ...r.files };
    for (const s of ['rabbitmq', 'nginx', 'redis']) expect(stateOf(files, s), `${s}: ${r.explanation}`).toBe(running.includes(s) ? 'running' : 'stopped');
    expect(r.files['network.yaml']).toBeUndefined();
  });

  it('"shut off everything except ssh" is still the firewall', () => {
    const r = say('shut off everything except ssh', base);
    expect(r.files['network.yaml']).toBeDefined();
    expect(r.files['services.yaml']).toBeUndefined();
  });
});

// From the review of round 21: "bring the memory down for postgres" read as "bring … down" and
// stopped postgres. A size or a limit brought down is never a stop.
describe('a size brought down is not a stop', () => {
  it.each(['bring the memory down for postgres', 'bring the cpu down on postgres to 0.5', 'take the ram down a bit on postgres', 'bring the replicas down for postgres'])('%s', (message) => {
    const base = runOfflineEngine({ message: 'add postgres', files: {}, history: [], secretNames: [], imageCatalog: {}, now: new Date('2026-05-01T10:00:00Z') }).files;
    const p = runOfflineEngine({ message, files: base, history: [], secretNames: [], imageCatalog: {}, now: new Date('2026-05-01T10:00:00Z') });
    expect(p.explanation).not.toMatch(/postgres: stopped/);
    expect(p.files['services.yaml'] ?? '').not.toMatch(/state: stopped/);
  });
});
