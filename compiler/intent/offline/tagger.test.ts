import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusHash, corpusStats, labelRequest, loadCorpus, productNames } from './tagger-corpus.js';
import { LABELS, TAGGER_EPOCHS, TAGGER_MODEL_PATH, TAGGER_PRUNE, serializeModel, tagSlots, tokenize, train, type TaggerModel } from './tagger.js';

const labelled = (message: string, checks: Record<string, unknown>[]) => {
  const tokens = tokenize(message);
  const { labels } = labelRequest(message, checks, tokens);
  return tokens.flatMap((t, i) => (labels[i] ? [`${t.text}/${labels[i]! < 0 ? '?' : LABELS[labels[i]!]}`] : []));
};

describe('tagger tokens', () => {
  it('keeps an image reference, an address, a port, a size and a back-quoted command whole', () => {
    const t = tokenize('run ghcr.io/acme/report:1.2 on :8080 with 1.5g, allow 10.0.0.0/8 and run `sleep 3600`.').map((x) => x.text);
    expect(t).toEqual(['run', 'ghcr.io/acme/report:1.2', 'on', ':8080', 'with', '1.5g', ',', 'allow', '10.0.0.0/8', 'and', 'run', '`', 'sleep 3600', '`', '.']);
  });
  it("splits a port's protocol and a possessive off", () => {
    expect(tokenize("open 53/udp for redis's").map((x) => x.text)).toEqual(['open', '53', '/', 'udp', 'for', 'redis', "'s"]);
  });
  it('gives offsets into the message', () => {
    const m = 'add redis, port 6380';
    for (const t of tokenize(m)) expect(m.slice(t.start, t.end)).toBe(t.text);
  });
});

describe('tagger corpus labels', () => {
  it('labels each checked value where the request says it', () => {
    expect(labelled('mariadb on the db network with 1g ram, port 3306', [{ service: 'mariadb', network: 'db', memory: '1G', host_port: 3306 }])).toEqual(['mariadb/B-svc', 'db/B-net', '1g/B-mem', '3306/B-port']);
    expect(labelled('spin up 3 nginx replicas behind port 8080', [{ service: 'nginx', replicas: 3, host_port: 8080 }])).toEqual(['3/B-replicas', 'nginx/B-svc', '8080/B-port']);
  });
  it('matches a memory size by its bytes, and a size said in words', () => {
    expect(labelled('give redis 1.5 gigs', [{ service: 'redis', memory: '1536M' }])).toEqual(['redis/B-svc', '1.5/B-mem', 'gigs/I-mem']);
    expect(labelled('bump mysql to two gigs of memory', [{ service: 'mysql', memory: '2G' }])).toEqual(['mysql/B-svc', 'two/B-mem', 'gigs/I-mem']);
  });
  it('labels a depended-on service dep, not svc, and "stopped"', () => {
    expect(labelled('add adminer for the postgres', [{ service: 'adminer', depends_on: 'postgres' }, { service: 'postgres' }])).toEqual(['adminer/B-svc', 'postgres/B-dep']);
    expect(labelled('run ghcr.io/acme/report:1.2 as reports but keep it stopped for now', [{ service: 'reports', image: 'ghcr.io/acme/report:1.2', state: 'stopped' }])).toEqual(['ghcr.io/acme/report:1.2/B-image', 'reports/B-svc', 'stopped/B-stopped']);
  });
  it('leaves a value said twice, and a product no check is about, unknown (?) and keeps the rest', () => {
    expect(labelled('move nginx from 8080 to 8080', [{ service: 'nginx', host_port: 8080 }])).toEqual(['nginx/B-svc', '8080/?', '8080/?']);
    expect(labelled('run busybox as sleeper', [{ service: 'sleeper' }])).toEqual(['busybox/?', 'sleeper/B-svc']);
  });
  it('labels a firewall rule and a user', () => {
    expect(labelled('allow 5432/tcp from 10.1.0.0/16', [{ rule_for: 5432, source: '10.1.0.0/16', protocol: 'tcp' }])).toEqual(['5432/B-rport', 'tcp/B-proto', '10.1.0.0/16/B-source']);
    expect(labelled('add ana to the docker group', [{ user: 'ana', groups: ['docker'] }])).toEqual(['ana/B-user', 'docker/B-group']);
  });
});

describe('the committed model', () => {
  it('is what training on the eval sets gives now, byte for byte (else: npm run train:tagger)', () => {
    const corpus = loadCorpus();
    const stats = corpusStats(corpus);
    expect(stats.requests).toBeGreaterThan(7000);
    expect(stats.spans.svc).toBeGreaterThan(3000);
    const products = productNames();
    const committed = readFileSync(TAGGER_MODEL_PATH(), 'utf8');
    const hash = corpusHash(corpus, products);
    const was = (JSON.parse(committed) as TaggerModel).corpus;
    expect(was, 'the eval sets or their labelling changed since generated/intent-tagger.json was trained: run `npm run train:tagger` and commit it').toBe(hash);
    const model = serializeModel(train(corpus, { context: true, epochs: TAGGER_EPOCHS, prune: TAGGER_PRUNE, products, corpus: hash }));
    expect(model === committed, 'training on the corpus does not give generated/intent-tagger.json: run `npm run train:tagger` and commit it').toBe(true);
  }, 180_000);

  // Requests written for this test, in no eval set (checked below), with the slots they say.
  const UNSEEN: [string, [string, string][]][] = [
    ['put mariadb on the backend network with 2g of ram, port 3307', [['svc', 'mariadb'], ['net', 'backend'], ['mem', '2g'], ['port', '3307']]],
    ['spin up 4 caddy replicas behind port 9090', [['replicas', '4'], ['svc', 'caddy'], ['port', '9090']]],
    ['run ghcr.io/initech/tps:3.1 as tps but keep it stopped', [['image', 'ghcr.io/initech/tps:3.1'], ['svc', 'tps'], ['stopped', 'stopped']]],
    ['add grafana on port 3005 with 768 megs', [['svc', 'grafana'], ['port', '3005'], ['mem', '768 megs']]],
    ['give memcached three instances and half a cpu', [['svc', 'memcached'], ['replicas', 'three'], ['cpu', 'half a cpu']]],
    ['allow 8443/tcp from 172.16.0.0/12', [['rport', '8443'], ['proto', 'tcp'], ['source', '172.16.0.0/12']]],
    ['close port 9200', [['rport', '9200']]],
    ['create a user named olga and put her in the wheel group', [['user', 'olga'], ['group', 'wheel']]],
    ['set LOG_FORMAT=json on the api service', [['env', 'LOG_FORMAT=json'], ['svc', 'api']]],
    ['redis on 6390 please, 512mb max', [['svc', 'redis'], ['port', '6390'], ['mem', '512mb']]],
    ['open udp 4789 for vxlan', [['proto', 'udp'], ['rport', '4789']]],
    ['deploy nginx:1.27-alpine as edge on port 8088', [['image', 'nginx:1.27-alpine'], ['svc', 'edge'], ['port', '8088']]],
  ];
  const NONE = ['what changed today?', 'undo the last change', 'thanks, that is all for now', 'how much disk is left on this box?', 'who are you?', 'show me the history', 'is everything healthy?', 'roll back to yesterday'];

  // What it still misses among these (docs/intent.md "The slot tagger (round 37)", weak spots):
  // "keep it stopped" (the corpus says "stopped" for a state once), "4 caddy replicas" (a count
  // before the name), "as edge" (an English word as a name); so the bar is 85 % of the slots, and
  // the message lists every miss.
  it('finds the slots of requests it never saw (at least 85 %, and no slot it was not given)', () => {
    const corpus = new Set(loadCorpus().map((c) => c.message.toLowerCase()));
    let found = 0, wanted = 0, extra = 0, got = 0;
    const missed: string[] = [];
    for (const [message, slots] of UNSEEN) {
      expect(corpus.has(message.toLowerCase()), `${message} is in an eval set`).toBe(false);
      const spans = tagSlots(message).map((s) => `${s.kind}:${s.text}`);
      got += spans.length;
      for (const [kind, text] of slots) {
        wanted++;
        if (spans.includes(`${kind}:${text}`)) found++;
        else missed.push(`${message}: ${kind} "${text}" (got ${spans.join(', ')})`);
      }
      extra += spans.filter((s) => !slots.some(([k, t]) => s === `${k}:${t}`)).length;
    }
    expect(wanted).toBeGreaterThanOrEqual(30);
    expect(found / wanted, missed.join('\n')).toBeGreaterThanOrEqual(0.85);
    expect(extra / got, 'spans not among the slots given').toBeLessThanOrEqual(0.05);
  });

  it('tags nothing in requests that name no slot', () => {
    for (const m of NONE) expect(tagSlots(m), m).toEqual([]);
  });

  it("gives spans whose text is the message's own at their offsets", () => {
    const m = 'run ghcr.io/acme/report:1.2 as reports but keep it stopped for now';
    const spans = tagSlots(m);
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) expect(m.slice(s.start, s.end)).toBe(s.text);
  });
});
