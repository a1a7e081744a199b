import { describe, expect, it } from 'vitest';
import { talk, svc, say } from '../../../test/offline-engine.js';

// Round 26 (intent3), in my own words: "undo that" takes back the last proposal of the
// conversation (undo.ts); what it cannot take back changes nothing and names `claude rollback`.
describe('undo as a turn', () => {
  it('a service the last turn added is removed, the one before stays', () => {
    for (const u of ['undo that', 'Undo.', 'please revert that', 'go back', 'take that back', 'that broke everything, go back', 'roll it back', 'revert the last change', 'ugh, undo what you just did', 'put it back to how it was']) {
      const { files } = talk(['set up nginx on port 80', 'now put caddy on 8080', u]);
      expect(svc(files, 'caddy'), u).toBeUndefined();
      expect(svc(files, 'nginx')?.ports?.[0]?.host, u).toBe(80);
    }
  }, 300_000); // 30 conversations' turns: 11 s idle, over 60 s at load 28

  it('an image change goes back to the image the turn before made', () => {
    const { files } = talk(['add a service called api using image ghcr.io/acme/api:1.0 on port 8080', 'set the api image to ghcr.io/acme/api:1.1', 'that broke everything, go back']);
    expect(svc(files, 'api')?.image).toBe('ghcr.io/acme/api:1.0');
  });

  it('a stop is undone by a start', () => {
    const { files } = talk(['add redis', 'stop redis', 'undo that']);
    expect(svc(files, 'redis')?.state ?? 'running').toBe('running');
  });

  it('what it cannot take back changes nothing and says so', () => {
    const { last } = talk(['add redis', 'give redis 128mb', 'undo']);
    expect(last.files).toEqual({});
    expect(last.explanation).toMatch(/claude rollback/);
    expect(say('undo that').explanation).toMatch(/claude rollback/);
    expect(say('undo that').files).toEqual({});
  });
});

// Review 20 MED-2: an answer's lines are never a proposal. A service's own log lines may read
// like change lines ("+ db: migrating schema", "~ web: stopped worker 3"); "roll it back" after
// "tell me the logs of web" used to turn them into "remove db. start web".
describe('undo after an answer', () => {
  it('never reads the log lines of an answer as the last change', async () => {
    const { runOfflineEngine } = await import('./engine.js');
    const { after, NOW } = await import('../../../test/offline-engine.js');
    const files = after('add nginx as web on port 8080', 'add postgres as db');
    const summary = {
      services: [{ name: 'web', image: 'nginx:1.27', state: 'running' }, { name: 'db', image: 'postgres:16', state: 'running' }],
      logs: { web: ['+ db: migrating schema', '~ web: stopped worker 3'] },
    };
    const turn = (message: string, history: { role: 'user' | 'assistant'; text: string }[]) =>
      runOfflineEngine({ message, files, history, summary, secretNames: [], imageCatalog: {}, now: NOW });
    const logs = turn('tell me the logs of web', []);
    expect(logs.explanation).toContain('+ db: migrating schema');
    for (const u of ['roll it back', 'undo that', 'go back']) {
      const back = turn(u, [{ role: 'user', text: 'tell me the logs of web' }, { role: 'assistant', text: logs.explanation }]);
      expect(back.files, u).toEqual({});
      expect(back.explanation, u).not.toMatch(/remove db|start web|- db/);
      expect(back.explanation, u).toMatch(/claude rollback/);
    }
  });
});
