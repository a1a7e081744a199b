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
  });

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
