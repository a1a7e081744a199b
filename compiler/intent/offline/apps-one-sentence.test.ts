import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOfflineEngine } from './engine.js';
import type { StateFiles } from '../provider.js';

// Round 22, my own wording (issue 22, held-out 15's class "apps in one sentence"): several
// services said in one sentence, each in the grammar "NAME (IMAGE[, port N]) [on PORT] [x N]",
// "N NAMEs from IMAGE [named NAME]", with what they talk to; a database "with a random password"
// (a generated secret, never shown: not a request to show one); a catalogue app with two ports
// said by their words ("a minio server, api on 9000 and the console on 9001").
const NOW = new Date('2026-05-01T10:00:00Z');
const say = (message: string, files: StateFiles = {}) => runOfflineEngine({ message, files, history: [], secretNames: [], imageCatalog: {}, now: NOW });
interface Svc { name: string; image: string; replicas?: number; ports?: { host?: number; container: number }[]; depends_on?: string[]; environment?: Record<string, string> }
const svcs = (files: StateFiles): Svc[] => (parse(files['services.yaml'] ?? 'spec: {services: []}') as { spec: { services: Svc[] } }).spec.services;

interface Want { image?: string; port?: number; replicas?: number; depends?: string; secret?: boolean }
describe('several services said in one sentence', () => {
  it.each<[string, Record<string, Want>]>([
    ['api (ghcr.io/acme/api:2.0) on 8080 plus a worker (ghcr.io/acme/worker:2.0) x3, both talk to redis', { api: { image: 'ghcr.io/acme/api:2.0', port: 8080, depends: 'redis' }, worker: { image: 'ghcr.io/acme/worker:2.0', replicas: 3, depends: 'redis' }, redis: {} }],
    ['run our api (ghcr.io/acme/api:1.9.0, port 8080) and a worker (ghcr.io/acme/worker:1.9.0)', { api: { image: 'ghcr.io/acme/api:1.9.0', port: 8080 }, worker: { image: 'ghcr.io/acme/worker:1.9.0' } }],
    ['Worker (ghcr.io/acme/worker:2.0) X 4', { worker: { image: 'ghcr.io/acme/worker:2.0', replicas: 4 } }],
    ['frontend (ghcr.io/acme/web:3) on 80 and backend (ghcr.io/acme/api:3) on 3000 which uses postgres', { frontend: { image: 'ghcr.io/acme/web:3', port: 80 }, backend: { image: 'ghcr.io/acme/api:3', port: 3000, depends: 'postgres' }, postgres: {} }],
    ['api: ghcr.io/acme/api:2 on 8080, worker: ghcr.io/acme/worker:2 x2', { api: { image: 'ghcr.io/acme/api:2', port: 8080 }, worker: { image: 'ghcr.io/acme/worker:2', replicas: 2 } }],
    ['an api (ghcr.io/acme/api:2.0, port 8080) that talks to postgres', { api: { port: 8080, depends: 'postgres' }, postgres: { secret: true } }],
    ['set up rabbitmq and two consumers from ghcr.io/acme/consumer:1.2 named consumer', { rabbitmq: {}, consumer: { image: 'ghcr.io/acme/consumer:1.2', replicas: 2 } }],
    ['rabbitmq plus 3 workers from ghcr.io/acme/worker:1 called worker', { rabbitmq: {}, worker: { image: 'ghcr.io/acme/worker:1', replicas: 3 } }],
    ['i need redis and four job runners from ghcr.io/acme/runner:5 called runner, they use redis', { redis: {}, runner: { image: 'ghcr.io/acme/runner:5', replicas: 4, depends: 'redis' } }],
    ['give me a postgres with a random password and an app ghcr.io/acme/app:1 called app on 8080 that uses it', { postgres: { secret: true }, app: { port: 8080, depends: 'postgres' } }],
    ['mariadb with a strong generated password, and ghcr.io/acme/shop:2 as shop on 8081 that uses it', { mariadb: { secret: true }, shop: { port: 8081, depends: 'mariadb' } }],
    ['start a minio server, api on 9000 and the console on 9001', { minio: { port: 9001 } }],
    ['minio please: the api on 9100, the console on 9101', { minio: { port: 9101 } }],
    // From the review of round 22: the count word was the name ("replica", "copie", "instance").
    ['run 3 replicas of ghcr.io/acme/api:2', { api: { image: 'ghcr.io/acme/api:2', replicas: 3 } }],
    ['3 copies of ghcr.io/acme/shop:1.4 please', { shop: { image: 'ghcr.io/acme/shop:1.4', replicas: 3 } }],
    ['2 instances of registry.local:5000/team/billing:7', { billing: { image: 'registry.local:5000/team/billing:7', replicas: 2 } }],
  ])('%s', (message, want) => {
    const r = say(message);
    expect(r.refused, r.explanation).toBeUndefined();
    const got = svcs(r.files);
    for (const [name, w] of Object.entries(want)) {
      const s = got.find((x) => x.name === name);
      expect(s, `${name}: ${r.explanation}`).toBeDefined();
      if (w.image) expect(s!.image).toBe(w.image);
      if (w.port) expect(s!.ports?.map((p) => p.host), r.explanation).toContain(w.port);
      if (w.replicas) expect(s!.replicas, r.explanation).toBe(w.replicas);
      if (w.depends) expect(s!.depends_on, r.explanation).toContain(w.depends);
      if (w.secret) expect(Object.values(s!.environment ?? {}).some((v) => /^\$\{secrets\.\w+\}$/.test(v))).toBe(true);
    }
  });

  it('a count word is never a service name', () => {
    for (const m of ['run 3 replicas of ghcr.io/acme/api:2', '3 copies of ghcr.io/acme/shop:1.4 please', '2 instances of registry.local:5000/team/billing:7']) {
      expect(svcs(say(m).files).map((x) => x.name), m).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(?:replica|copie|copy|instance)s?$/)]));
    }
  });

  it('the minio api and console get both their ports', () => {
    const r = say('start a minio server, api on 9000 and the console on 9001');
    const minio = svcs(r.files).find((s) => s.name === 'minio');
    expect(minio?.ports?.map((p) => [p.host, p.container]).sort()).toEqual([[9000, 9000], [9001, 9001]]);
  });

  it('asking for the password made is still refused', () => {
    const files = say('give me a postgres with a random password').files;
    expect(say('give me the postgres password', files).refused).toBeDefined();
    expect(say('what is the random password you generated for postgres?', files).refused).toBeDefined();
  });
});
