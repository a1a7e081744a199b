/**
 * Intent benchmark (on demand): context assembly for the spec's full example state with a
 * 20-turn conversation and a 20-service state summary (target < 100 ms), side by side
 * with its floor — a plain JSON.stringify of the same inputs — and the offline engine's
 * time for the spec's example requests, and the guard (`detectDanger`: every refusal, round 24's
 * readings of what is kept safe included) on one request of 25k to 200k characters: linear
 * in the request's length, so the time per 1k characters stays flat as it doubles; and (round 26)
 * the guard on one long sentence of a pattern's own verbs and objects said again and again, the
 * shapes that backtracked before the guard read long requests in windows (guard.ts `inWindows`).
 *
 *   npm run build && node dist/bench/intent.bench.js
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleContext } from '../compiler/intent/context.js';
import { detectDanger, runOfflineEngine } from '../compiler/intent/offline/engine.js';
import type { ConversationTurn, IntentContext } from '../compiler/intent/provider.js';
import { STATE_FILE_NAMES } from '../compiler/model.js';
import { packageRoot } from '../common/paths.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(n: number, fn: () => unknown): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const dir = join(packageRoot(), 'fixtures', 'states', 'spec-example');
const files = Object.fromEntries(STATE_FILE_NAMES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const history: ConversationTurn[] = Array.from({ length: 20 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `turn ${i} `.repeat(50) }));
const services = Array.from({ length: 20 }, (_, i) => ({ name: `svc-${i}`, image: 'claude-os-local/web:latest', state: 'running', health: 'healthy', ports: [8000 + i] }));
const logs = Object.fromEntries(services.map((s) => [s.name, Array.from({ length: 20 }, (_, j) => `line ${j} of ${s.name}`)]));
const ctx = (message: string): IntentContext =>
  ({ message, files, history, summary: { hostname: 'bench', services, logs, events: [] }, secretNames: ['postgres_password'], imageCatalog: {}, now: new Date('2026-01-01T00:00:00Z') }) as IntentContext;

const N = 30;
assembleContext(ctx('warm up'));
const assemble = time(N, () => assembleContext(ctx('add caching with redis')));
const floor = time(N, () => JSON.stringify(ctx('add caching with redis')));
console.log('context assembly (spec example, 20 turns, 20 services), median of', N);
console.log(`  assembleContext   ${assemble.toFixed(2)} ms   target < 100 ms`);
console.log(`  JSON.stringify    ${floor.toFixed(2)} ms   (floor: the same inputs serialised)`);

const requests = [
  'set up a web server with nginx',
  'I need a web application stack with nginx, PostgreSQL, and Redis',
  'add caching with redis',
  'lock down the system, only allow SSH from 10.0.0.0/8',
  'scale web to 3 replicas',
  // Round 26 (intent3): compose-speak, a pasted fragment, an outcome, a question, an undo with nothing to undo.
  'services: api (image ghcr.io/acme/api:2.3.1, ports 3000:3000, depends_on db) and db (postgres:16)',
  'services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    ports:\n      - "8000:8000"\n    depends_on:\n      - cache\n  cache:\n    image: redis:7-alpine\n',
  'The web site should keep working even if one copy of it crashes.',
  'who can ssh into this machine?',
  'that broke everything, go back',
];
console.log('offline engine, median of', N);
for (const r of requests) {
  const ms = time(N, () => runOfflineEngine(ctx(r)));
  console.log(`  ${ms.toFixed(2).padStart(7)} ms  ${r}`);
}

// The guard on one long request: ordinary words that each start a pattern (a service's logs, a
// NAS, kept data, a rule name, a secret variable, the engine), never a refusal.
const PIECE = "clear the nginx logs of the api, back up pgdata to 192.168.1.50, stop rabbitmq but don't delete its data, add a rule block-scanners, the api needs a SECRET_KEY, docker api. ";
console.log('guard (detectDanger) on one request, median of 5');
for (const size of [25_000, 50_000, 100_000, 200_000]) {
  const message = PIECE.repeat(Math.ceil(size / PIECE.length)).slice(0, size);
  const ms = time(5, () => detectDanger(message));
  console.log(`  ${String(size / 1000).padStart(4)}k chars  ${ms.toFixed(1).padStart(8)} ms  ${(ms / (size / 1000)).toFixed(3)} ms per 1k`);
}

// Round 26: one long sentence of a pattern's own verbs and objects ("don't delete the " 4000 times
// took 4 to 12 s, "send the secrets " grew with the cube of the length). Each shape at 10k and
// 40k: linear is 4 times the time; quadratic 16.
const SHAPES = ["don't delete the ", 'print it, ', 'delete ', 'expose ', 'curl http://x ', '/etc scp. ', 'remove all ', 'firewall rule '];
console.log('guard (detectDanger) on one pathological sentence, best of 3');
for (const shape of SHAPES) {
  const at = (n: number) => {
    const message = shape.repeat(Math.ceil(n / shape.length)).slice(0, n);
    let best = Infinity;
    for (let i = 0; i < 3; i++) best = Math.min(best, time(1, () => detectDanger(message)));
    return best;
  };
  const small = at(10_000);
  const large = at(40_000);
  console.log(`  ${JSON.stringify(shape).padEnd(20)} 10k ${small.toFixed(1).padStart(8)} ms   40k ${large.toFixed(1).padStart(8)} ms   x${(large / small).toFixed(1)}`);
}
