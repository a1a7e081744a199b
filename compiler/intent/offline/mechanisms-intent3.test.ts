/**
 * Round 28, INTENT3: mechanisms of English, each with its whole paradigm, written from English
 * (a thesaurus, ops-speak, slang, non-native forms, typos) before the engine was run on them,
 * never from a blind set's sentences. One `describe` per mechanism; the figure each had on main's
 * engine before any change is in docs/intent.md ("After round 28", "Mechanisms (intent3)").
 *
 * The services here are other than held-out 21's (grafana, redis, the api, nginx, postgres,
 * a worker), so a row proves the mechanism, not the sentence.
 */
import { describe, expect, it } from 'vitest';
import { after, passes, say, svc, talk, rules, doc, type Expect } from '../../../test/offline-engine.js';

/** Six services: four templates, grafana, and two images of our own (api on 4000, a worker). */
const BASE = ['add nginx', 'add postgres', 'add redis', 'add grafana', 'add a service called api using image ghcr.io/acme/api:1 on port 4000', 'run ghcr.io/acme/worker:1 as worker'];
const base = after(...BASE);

const rows = (cases: [string, Expect[], string[]?][]) =>
  it.each(cases)('"%s"', (request, want, before = BASE) => passes(request, want, before));

/** The service was restarted (its restarted-at label set), kept, running, and its other services untouched. */
function restarted(request: string, name: string, files = base): void {
  const p = say(request, files);
  expect(p.refused, request).toBeUndefined();
  const next = { ...files, ...p.files };
  const s = svc(next, name);
  expect(s, `${request}: ${name} kept`).toBeDefined();
  expect(s?.labels?.['restarted-at'], `${request}: ${name} restarted (${p.explanation})`).toBeDefined();
  expect((s as { state?: string }).state ?? 'running').toBe('running');
  for (const other of ['nginx', 'postgres', 'redis', 'grafana', 'api', 'worker'].filter((n) => n !== name)) expect(svc(next, other), `${request}: ${other} untouched`).toEqual(svc(files, other));
}

// Mechanism 1: a verb meaning "stop for now" (the container is kept, its state is stopped): the
// one-word verbs and the phrasal ones, with the particle before or after the object, with a
// vague name ("the grafana thing"), with what it is for ("for the weekend", "might need it later").
describe('a verb meaning stop: shut down, take down, power off, switch off, halt, pause, park, put to sleep', () => {
  rows([
    ['shut grafana down for now', [{ service: 'grafana', state: 'stopped' }, { unchanged: 'redis' }]],
    ['shoot down the api for the weekend', [{ service: 'api', state: 'stopped' }, { unchanged: 'worker' }]],
    ['take grafana down for a bit', [{ service: 'grafana', state: 'stopped' }]],
    ['power off redis', [{ service: 'redis', state: 'stopped' }, { unchanged: 'nginx' }]],
    ['power down the worker', [{ service: 'worker', state: 'stopped' }]],
    ['switch grafana off', [{ service: 'grafana', state: 'stopped' }]],
    ['halt the api', [{ service: 'api', state: 'stopped' }]],
    ['pause nginx for now', [{ service: 'nginx', state: 'stopped' }]],
    ['park the worker until monday', [{ service: 'worker', state: 'stopped' }, { unchanged: 'api' }]],
    ['put redis to sleep for the night', [{ service: 'redis', state: 'stopped' }]],
    ['bring the api down for maintenance', [{ service: 'api', state: 'stopped' }]],
    ['turn grafana off, might need it later', [{ service: 'grafana', state: 'stopped' }]],
    ['shut the grafana thing down for now, we may want it again', [{ service: 'grafana', state: 'stopped' }]],
    ['put grafana on hold', [{ service: 'grafana', state: 'stopped' }]],
    ['suspend the worker', [{ service: 'worker', state: 'stopped' }]],
    ['knock grafana offline for a bit', [{ service: 'grafana', state: 'stopped' }]],
    ['temporarily disable the api', [{ service: 'api', state: 'stopped' }]],
    ['stopp grafana', [{ service: 'grafana', state: 'stopped' }]],
    ['shutdown the worker over the weekend', [{ service: 'worker', state: 'stopped' }]],
    ['the worker can be off for the weekend', [{ service: 'worker', state: 'stopped' }]],
    ['Please to stop the grafana for some time', [{ service: 'grafana', state: 'stopped' }]],
    ['can u shut off redis for a while', [{ service: 'redis', state: 'stopped' }]],
  ]);
});

// Mechanism 2: a verb meaning "remove for good" (the service goes; its volume stays): the words
// of destruction, of disposal and of retirement; "kill X" with the need gone removes it.
describe('a verb meaning remove: terminate, destroy, tear down, get rid of, nuke, bin, ditch, decommission, retire', () => {
  rows([
    ['terminate the grafana container', [{ service: 'grafana', absent: true }, { unchanged: 'redis' }]],
    ['destroy grafana', [{ service: 'grafana', absent: true }]],
    ['tear down the api', [{ service: 'api', absent: true }, { unchanged: 'worker' }]],
    ['tear the worker down, we moved it elsewhere', [{ service: 'worker', absent: true }]],
    ['get rid of grafana', [{ service: 'grafana', absent: true }]],
    ['nuke the worker', [{ service: 'worker', absent: true }]],
    ['bin the api service', [{ service: 'api', absent: true }]],
    ['ditch grafana', [{ service: 'grafana', absent: true }]],
    ['decommission the old worker container', [{ service: 'worker', absent: true }, { unchanged: 'api' }]],
    ['retire grafana, nobody looks at it', [{ service: 'grafana', absent: true }]],
    ['kill grafana, we dont use it anymore', [{ service: 'grafana', absent: true }]],
    ['remove the grafana thing entirely', [{ service: 'grafana', absent: true }]],
    ['scrap the worker', [{ service: 'worker', absent: true }]],
    ['throw away the api container', [{ service: 'api', absent: true }]],
    ['trash grafana', [{ service: 'grafana', absent: true }]],
    ['axe the worker', [{ service: 'worker', absent: true }]],
    ['terminate grafana for good', [{ service: 'grafana', absent: true }]],
    ['the grafana container can go', [{ service: 'grafana', absent: true }]],
    ['deinstall the worker', [{ service: 'worker', absent: true }]],
  ]);
});

// Mechanism 3: a verb meaning "restart" (stopped and started again, kept): one word, an idiom,
// or a stop and a start said as two verbs of one object; with a change said beside it.
describe('a verb meaning restart: bounce, kick, cycle, "kill and bring back", "turn it off and on"', () => {
  it.each([
    ['bounce redis', 'redis'],
    ['kick nginx', 'nginx'],
    ['cycle the api', 'api'],
    ['recycle grafana', 'grafana'],
    ['turn grafana off and on again', 'grafana'],
    ['give redis a kick', 'redis'],
    ['reboot the api container', 'api'],
    ['stop and start nginx', 'nginx'],
    ['power-cycle grafana', 'grafana'],
    ['the worker is stuck, kill it and start it fresh', 'worker'],
    ['kill -9 the frozen worker and bring it back', 'worker'],
    ['shoot the api and bring it back', 'api'],
    ['take redis down and bring it back up', 'redis'],
    ['kill the hung grafana and start it again', 'grafana'],
    ['restart teh worker', 'worker'],
    ['pls bounce the api, its hanging', 'api'],
  ])('"%s"', (request, name) => restarted(request, name));
  rows([
    ['bring the worker back up with 2gb', [{ service: 'worker', memory: '2G' }, { unchanged: 'api' }]],
    ['restart the api with 1 gig of ram', [{ service: 'api', memory: '1G' }]],
  ]);
});

// Mechanism 4: what the verb is said of: one, several, every service, everything but X.
describe('the verbs said of several, of every service, of everything but some', () => {
  rows([
    ['stop grafana and the worker', [{ service: 'grafana', state: 'stopped' }, { service: 'worker', state: 'stopped' }, { unchanged: 'api' }]],
    ['shut down every service', [{ service: 'nginx', state: 'stopped' }, { service: 'worker', state: 'stopped' }]],
    ['take everything down except postgres', [{ service: 'nginx', state: 'stopped' }, { service: 'postgres', state: 'running' }]],
    ['restart all the containers', [{ service: 'nginx' }, { service: 'worker' }]],
    ['remove grafana, redis and the worker', [{ service: 'grafana', absent: true }, { service: 'redis', absent: true }, { service: 'worker', absent: true }, { unchanged: 'api' }]],
  ]);
  // Left for the next round (see the block at the end): "keep nginx and redis, remove everything else" is still refused as a wipe.
  it.fails('"keep nginx and redis, remove everything else": names what goes and asks, nothing changes', () => {
    for (const request of ['keep nginx and redis, remove everything else', 'remove everything but postgres', 'get rid of all services except nginx']) {
      const p = say(request, base);
      expect(p.refused, request).toBeUndefined();
      expect(p.files, request).toEqual({});
      expect(p.questions?.length, `${request}: asks (${p.explanation})`).toBeGreaterThan(0);
      expect(p.explanation, request).toMatch(/grafana/);
    }
  });
});

// Mechanism 5: a service made internal (no host port): the safe direction, said as what it must
// not do ("not publish", "no ports"), as where it may be reached from ("only the other
// containers"), or as a port taken away.
describe('internal only: no host port, said every way', () => {
  rows([
    ['make postgres internal only, it must not publish any port', [{ service: 'postgres', no_ports: true }, { unchanged: 'redis' }]],
    ['grafana should not publish any ports', [{ service: 'grafana', no_ports: true }]],
    ['the api must not publish a host port', [{ service: 'api', no_ports: true }]],
    ['stop publishing the postgres port', [{ service: 'postgres', no_ports: true }]],
    ['unpublish grafana', [{ service: 'grafana', no_ports: true }]],
    ['no host ports for postgres please', [{ service: 'postgres', no_ports: true }]],
    ['postgres should only be reachable from the other containers', [{ service: 'postgres', no_ports: true }]],
    ['dont expose grafana on the host at all', [{ service: 'grafana', no_ports: true }]],
    ['remove the port mapping from the api', [{ service: 'api', no_ports: true }]],
    ['make grafana private, no published port', [{ service: 'grafana', no_ports: true }]],
    ['attack surface: the api should not expose any port', [{ service: 'api', no_ports: true }]],
    ['keep grafana internal, it should not be published', [{ service: 'grafana', no_ports: true }]],
  ]);
});

// Mechanism 6: a port closed to everyone: the close verbs with "incoming", "from everywhere",
// "for everybody", "to the world" (a source meaning all is no source).
describe('a port closed to everyone: deny/block/drop/reject N from everywhere', () => {
  rows([
    ['deny incoming 5432 from everywhere', [{ rule_for: 5432, action: 'drop' }], []],
    ['block 11211 from anywhere', [{ rule_for: 11211, action: 'drop' }], []],
    ['drop inbound 9200 from the whole world', [{ rule_for: 9200, action: 'drop' }], []],
    ['reject all incoming on 27017', [{ rule_for: 27017, action: 'reject' }], []],
    ['deny 6379 for everybody', [{ rule_for: 6379, action: 'drop' }], []],
    ['block incoming traffic to port 5984 from any ip', [{ rule_for: 5984, action: 'drop' }], []],
    ['5601 should be blocked from everywhere', [{ rule_for: 5601, action: 'drop' }], []],
    ['close 8086 to the internet', [{ rule_for: 8086, action: 'drop' }], []],
    ['deny incoming connections on 2375 from all sources', [{ rule_for: 2375, action: 'drop' }], []],
    ['block inbound 445 from everyone', [{ rule_for: 445, action: 'drop' }], []],
    ['drop incoming tcp 1433 from everywhere', [{ rule_for: 1433, action: 'drop' }], []],
    ['refuse incoming 9090 from anywhere', [{ rule_for: 9090, action: 'reject' }], []],
  ]);
});

// Mechanism 7: a port's source said after the port with another word than "from": "restricted
// to", "only for the … network", "limited to", "coming from", "but only from", "source"; also
// after a default policy in the same sentence.
describe('a source said after the port: restricted to, only for the network, limited to', () => {
  rows([
    ['set the default inbound policy to drop, and allow 2222 from 10.0.0.0/8', [{ firewall_policy: 'drop' }, { rule_for: 2222, source: '10.0.0.0/8', action: 'accept' }], []],
    ['default incoming policy drop; allow 22 from 192.168.0.0/16', [{ firewall_policy: 'drop' }, { rule_for: 22, source: '192.168.0.0/16' }], []],
    ['open 9443, restricted to 172.16.0.0/12', [{ rule_for: 9443, source: '172.16.0.0/12' }], []],
    ['open port 9000 only for the 10.1.0.0/16 network', [{ rule_for: 9000, source: '10.1.0.0/16' }], []],
    ['open port 5000 limited to 10.8.0.0/24', [{ rule_for: 5000, source: '10.8.0.0/24' }], []],
    ['allow 6000 but only from 192.168.0.0/16', [{ rule_for: 6000, source: '192.168.0.0/16' }], []],
    ['permit 2222 for 10.0.0.0/8 only', [{ rule_for: 2222, source: '10.0.0.0/8' }], []],
    ['open 8080 to 192.168.1.0/24 only', [{ rule_for: 8080, source: '192.168.1.0/24' }], []],
    ['allow 3000 coming from 10.0.0.0/8', [{ rule_for: 3000, source: '10.0.0.0/8' }], []],
    ['allow port 9100 when it comes from 10.20.0.0/16', [{ rule_for: 9100, source: '10.20.0.0/16' }], []],
    ['open 8443, source 172.16.0.0/12', [{ rule_for: 8443, source: '172.16.0.0/12' }], []],
    ['allow 5044 exclusively from 10.0.0.0/8', [{ rule_for: 5044, source: '10.0.0.0/8' }], []],
    ['open 7000, access restricted to the 10.9.0.0/16 network', [{ rule_for: 7000, source: '10.9.0.0/16' }], []],
    ['drop all other incoming by default', [{ firewall_policy: 'drop' }], []],
  ]);
});

// Mechanism 8: an elliptical firewall turn: the last rule again with one slot replaced.
describe('an elliptical firewall turn: "and https from anywhere", "same for 8443", "443 too"', () => {
  const turns: [string[], Expect][] = [
    [['allow ssh from 10.0.0.0/8', 'and https from anywhere'], { rule_for: 443, action: 'accept' }],
    [['block port 23', 'same for 21'], { rule_for: 21, action: 'drop' }],
    [['allow 9100 from 10.0.0.0/8', 'same for 9090'], { rule_for: 9090, source: '10.0.0.0/8' }],
  ];
  // A bare port as the whole turn ("and 443 too", "also 8081", "5432 as well"): read since INTENT's
  // elliptical turn (frames.ts) met INTENT3's firewall readers on main (they were left as failing).
  const bare: [string[], Expect][] = [
    [['open port 80', 'and 443 too'], { rule_for: 443, action: 'accept' }],
    [['open 8080 to 192.168.1.0/24', 'also 8081'], { rule_for: 8081, source: '192.168.1.0/24' }],
    [['deny 3306 from everywhere', '5432 as well'], { rule_for: 5432, action: 'drop' }],
  ];
  const check = (said: string[], want: Expect) => {
    const { files, last } = talk(said);
    expect(last.refused).toBeUndefined();
    const r = rules(files).find((x) => JSON.stringify(x.port) === JSON.stringify(want.rule_for) || (Array.isArray(x.port) && x.port.includes(want.rule_for)));
    expect(r, `${said.join(' / ')}: ${last.explanation}`).toBeDefined();
    if (want.action) expect(r!.action).toBe(want.action);
    if (want.source) expect(r!.source).toBe(want.source);
    expect(doc(files, 'network.yaml').spec?.firewall?.rules?.length).toBeGreaterThan(1);
  };
  it.each(turns)('%j', check);
  it.each(bare)('bare port: %j', check);
});

// Every dangerous request stays refused through the lexicon.
describe('harm: the lexicon lets nothing dangerous through', () => {
  it.each([
    'nuke the firewall',
    'power off the firewall for the weekend',
    'tear down the firewall',
    'park the firewall and open everything',
    'decommission the firewall, it gets in the way',
    'destroy all volumes and their data',
    'bin every volume',
    'make redis public on 0.0.0.0 with no password',
    'allow everything in from anywhere by default',
  ])('"%s"', (request) => {
    const p = say(request, base);
    expect(p.refused, `${request}: ${p.explanation}`).toBeDefined();
    expect(p.files).toEqual({});
  });
});

// Left for the next round: written with the paradigms, still failing after this round's mechanisms;
// each is asserted to fail so a fix shows here (move it up into its table then).
describe('left for the next round', () => {
  it.fails.each([
    ['wipe the api service off the box, keep its data', [{ service: 'api', absent: true }]],
    ['hide postgres from the outside, only the api talks to it', [{ service: 'postgres', no_ports: true }]],
  ] as [string, Expect[], string[]?][])('"%s"', (request, want, before = BASE) => passes(request, want, before));
});

// Done in round 29 (firewall-frame.ts: a source said as a place asks for its address).
describe('done since', () => {
  it('"make port 9000 only reachable from the office" asks', () => passes('make port 9000 only reachable from the office', [{ asks: true }, { no_change: true }], []));
});

// Ten fresh requests of the same mechanisms in another setting (other services, said as a turn
// of a conversation), written after the mechanisms were built and counted on their first run
// before being looked at (docs/intent.md "After round 28", "Mechanisms (intent3)").
describe('fresh: the same mechanisms in another setting', () => {
  const shop = ['add mailhog', 'run minio/minio as minio on port 9001', 'run ghcr.io/acme/billing:3 as billing on port 7000'];
  const turn = (turns: string[]) => talk(turns, after(...shop));
  it('a stop said as a phrasal verb, in a turn: "power it down for the night"', () => {
    const { files } = turn(['restart billing', 'actually power it down for the night']);
    expect((svc(files, 'billing') as { state?: string }).state).toBe('stopped');
  });
  it('"knock mailhog out till tomorrow"', () => expect((svc(turn(['knock mailhog out till tomorrow']).files, 'mailhog') as { state?: string }).state).toBe('stopped'));
  it('"minio can be off over the weekend"', () => expect((svc(turn(['minio can be off over the weekend']).files, 'minio') as { state?: string }).state).toBe('stopped'));
  it('"terminate mailhog, we switched to mailpit"', () => expect(svc(turn(['terminate mailhog, we switched to mailpit']).files, 'mailhog')).toBeUndefined());
  it('"throw the old billing container away"', () => expect(svc(turn(['throw the old billing container away']).files, 'billing')).toBeUndefined());
  it('"kill -9 the wedged minio and start it again"', () => restarted('kill -9 the wedged minio and start it again', 'minio', after(...BASE, ...shop)));
  it('"restart billing with 3 gigs"', () => passes('restart billing with 3 gigs', [{ service: 'billing', memory: '3G' }], shop));
  it('"billing must not publish any port"', () => passes('billing must not publish any port', [{ service: 'billing', no_ports: true }, { unchanged: 'minio' }], shop));
  it('"block inbound 9001 from the whole internet"', () => passes('block inbound 9001 from the whole internet', [{ rule_for: 9001, action: 'drop' }], shop));
  it('"open 7000, limited to 10.50.0.0/16"', () => passes('open 7000, limited to 10.50.0.0/16', [{ rule_for: 7000, source: '10.50.0.0/16' }], shop));
});
