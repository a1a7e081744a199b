/**
 * The lead's walkthrough (round 23): on a stack with redis, "add another redis called sessions"
 * then, at "What should change?", "give it 96mb of memory" asked "Which service: nginx, postgres,
 * redis or sessions?". The reply's line "+ sessions: redis:7-alpine → …" named the image redis,
 * which is also a service, so the reply seemed to name two and put none under discussion. A
 * reply's change lines name the service they make or change; the image is not a second one.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { ConversationTurn, StateFiles } from '../provider.js';

const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles, history: ConversationTurn[] = []) => runOfflineEngine({ message, files, history, secretNames: [], imageCatalog: {}, now: NOW });
const after = (...requests: string[]): StateFiles => requests.reduce<StateFiles>((files, r) => ({ ...files, ...say(r, files).files }), {});
type Svc = { name: string; image: string; resources?: { memory?: string }; ports?: unknown[] };
const svc = (files: StateFiles, name: string) => (parse(files['services.yaml']!) as { spec: { services: Svc[] } }).spec.services.find((s) => s.name === name);

/** One conversation on top of `files`: each turn sees the earlier ones. */
function talk(files: StateFiles, ...turns: string[]) {
  const history: ConversationTurn[] = [];
  let r: ReturnType<typeof say> | undefined;
  for (const t of turns) {
    r = say(t, files, history);
    files = { ...files, ...r.files };
    history.push({ role: 'user', text: t }, { role: 'assistant', text: r.explanation });
  }
  return { r: r!, files };
}

describe('"it" after adding a service whose image is also a service here', () => {
  const stack = after('set up nginx, postgres and redis');
  it.each([
    ['add another redis called sessions', 'give it 96mb of memory', 'sessions'],
    ['add a second redis named queue', 'limit it to 128MB', 'queue'],
    ['add a cache called sessions using image redis:7-alpine', 'give it 96 megs of ram', 'sessions'],
    ['spin up one more postgres called reports', 'cap it at 1g memory', 'reports'],
    ['add another nginx called docs on port 8081', 'give it 64mb', 'docs'],
    ['Add Another Redis Called Sessions', 'and give it 96mb of memory please', 'sessions'],
  ])('%s, then "%s": changes %s only', (first, second, name) => {
    const { r, files } = talk(stack, first, second);
    expect(r.questions ?? []).toEqual([]);
    expect(svc(files, name)?.resources?.memory).toMatch(/^\d+(?:Mi|M|Gi|G)$/);
    for (const other of ['nginx', 'postgres', 'redis']) expect(svc(files, other)).toEqual(svc(stack, other));
  });

  it('a reply that made several services still puts none of them under discussion', () => {
    const { r } = talk(after('add nginx'), 'add postgres and redis', 'give it 96mb of memory');
    expect((r.questions ?? []).join(' ')).toMatch(/Which service/);
  });
});
