import { describe, expect, it } from 'vitest';
import { lastTurnFailures, type Expect } from '../../../test/offline-engine.js';

// Round 28: two frame operations every area uses, each tested by its paradigm written from
// English (not from the engine) before it was run. docs/intent.md "After round 28".
interface Case {
  before?: string[];
  turns: string[];
  want: Expect[];
}
const run = (name: string, cases: Case[]) =>
  describe(name, () => {
    for (const c of cases) it(c.turns.join(' / '), () => expect(lastTurnFailures(c.before ?? [], c.turns, c.want)).toEqual([]));
  });

// An elliptical turn: "and X too", "same for X", "X as well" repeats the last frame with one slot replaced.
const STACK = ['small dev stack: mailhog, adminer, postgres'];
const gone = (form: string): Case => ({ before: STACK, turns: ['remove adminer', form], want: [{ service: 'mailhog', absent: true }, { service: 'postgres' }] });
export const ELLIPSIS: Case[] = [
  gone('and mailhog too'),
  gone('mailhog as well'),
  gone('same for mailhog'),
  gone('same with mailhog'),
  gone('ditto for mailhog'),
  gone('also mailhog'),
  gone('mailhog too pls'),
  gone('do the same for mailhog'),
  gone('likewise for mailhog'),
  gone('same goes for mailhog'),
  gone('mailhog also'),
  gone('+ mailhog'),
  gone('and mailhog, too'),
  gone('same thing for mailhog please'),
  gone('repeat that for mailhog'),
  gone('and the mailhog one too'),
  gone('mailhog aswell'),
  gone('same fr mailhog'),
  gone('and for mailhog'),
  gone('now mailhog too'),
  // Another slot of the frame: a size to another service, a stop, a firewall port and source.
  { before: ['run ghcr.io/acme/api:2 as api', 'run ghcr.io/acme/worker:2 as worker'], turns: ['give the api 512m of memory', 'same for the worker'], want: [{ service: 'worker', memory: '512M' }, { service: 'api', memory: '512M' }] },
  { before: ['run ghcr.io/acme/api:2 as api', 'run ghcr.io/acme/worker:2 as worker'], turns: ['stop the api', 'the worker too'], want: [{ service: 'worker', state: 'stopped' }] },
  { turns: ['block everything incoming by default', 'but let ssh in from 192.168.0.0/16', 'and https from anywhere'], want: [{ rule_for: 443, action: 'accept' }, { rule_for: 22, source: '192.168.0.0/16' }] },
];

// A relative amount on the slot changed last: half that, double it, 50% more, another 2 gigs.
const RENDER = ['run ghcr.io/acme/render:2 as render'];
const SET = 'give render 4 cores and 6GB';
const amount = (form: string, cpu: string, memory: string): Case => ({ before: RENDER, turns: [SET, form], want: [{ service: 'render', cpu, memory }] });
const vague = (form: string): Case => ({ before: RENDER, turns: [SET, form], want: [{ asks: true }, { service: 'render', cpu: '4', memory: '6G' }] });
export const RELATIVE: Case[] = [
  amount('half that', '2', '3G'),
  amount('hmm, too much. half that', '2', '3G'),
  amount('halve it', '2', '3G'),
  amount('cut that in half', '2', '3G'),
  amount('too much, half of that', '2', '3G'),
  amount('make it half as much', '2', '3G'),
  amount('double it', '8', '12G'),
  amount('twice that', '8', '12G'),
  amount('double that pls', '8', '12G'),
  amount('2x that', '8', '12G'),
  amount('x2', '8', '12G'),
  amount('times two', '8', '12G'),
  amount('50% more', '6', '9G'),
  amount('go 50% higher', '6', '9G'),
  amount('1.5x', '6', '9G'),
  amount('triple it', '12', '18G'),
  amount('25% less', '3', '4.5G'),
  amount('halv it', '2', '3G'),
  vague('a bit more'),
  vague('a little less'),
  vague('make it bigger'),
  // With no service under discussion, "make it bigger" asks too (h21-168).
  { before: ['run ghcr.io/acme/api:2.1 as api on port 8080', 'run ghcr.io/acme/worker:1.0 as worker'], turns: ['make it bigger'], want: [{ asks: true }] },
];

// Ten fresh requests of the two mechanisms in other settings (replicas, cpu, firewall, state,
// retention), written after the mechanisms were built and before they were run on them.
const TWO = ['run ghcr.io/acme/api:2 as api', 'run ghcr.io/acme/worker:2 as worker'];
export const FRESH: Case[] = [
  { before: TWO, turns: ['set the worker replicas to 3', 'and the api too'], want: [{ service: 'api', replicas: 3 }] },
  { turns: ['allow 8080 from 10.0.0.0/8', 'and 9090 as well'], want: [{ rule_for: 9090, source: '10.0.0.0/8', action: 'accept' }, { rule_for: 8080, source: '10.0.0.0/8' }] },
  { before: ['add grafana and prometheus'], turns: ['stop grafana', 'prometheus too'], want: [{ service: 'prometheus', state: 'stopped' }] },
  { before: TWO, turns: ['limit the worker to 1 cpu', 'the api as well'], want: [{ service: 'api', cpu: '1' }, { service: 'worker', cpu: '1' }] },
  { before: ['add redis', 'add memcached', 'add nginx'], turns: ['remove redis', 'plus memcached'], want: [{ service: 'memcached', absent: true }, { service: 'nginx' }] },
  { before: TWO, turns: ['scale the worker to 3', 'double that'], want: [{ service: 'worker', replicas: 6 }] },
  { before: ['add redis'], turns: ['give redis 256mb', 'halve it'], want: [{ service: 'redis', memory: '128M' }] },
  { before: TWO, turns: ['give the api 2 cpus', '50% more'], want: [{ service: 'api', cpu: '3' }] },
  { before: TWO, turns: ['set the worker replicas to 4', 'hmm, too many. half that'], want: [{ service: 'worker', replicas: 2 }] },
  { before: ['add postgres'], turns: ['back up the postgres volume every night at 2, keep 7', 'double that'], want: [{ volume: 'postgres-data', retain: 14 }] },
];

run('an elliptical turn repeats the last frame with one slot replaced', ELLIPSIS);
run('a relative amount changes the slot changed last', RELATIVE);
run('fresh requests of both, in other settings', FRESH);
