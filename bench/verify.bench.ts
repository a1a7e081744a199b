/**
 * Plan schema validation benchmark (on demand, not a test): V2 of `claude apply`, the
 * runtime's validator options (runtime/verify.ts PLAN_VALIDATOR_OPTIONS, with ajv's
 * `discriminator`) side by side with the same validator without the discriminator, which
 * tries every step kind's branch of the `oneOf` for every step.
 *
 *   npm run build && node dist/bench/verify.bench.js [--steps 10000] [--runs 5]
 *
 * A plan of N steps (container.create + container.start pairs, full ContainerSpecs). For
 * each variant: the first validation by a freshly compiled validator (what one CLI process
 * pays) and the median of the warm ones after it. Compile time is left out: the runtime
 * caches the compiled validator in `$CLAUDE_DATA_DIR/cache/`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { PLAN_VALIDATOR_OPTIONS } from '../runtime/verify.js';
import { containerSpec, makePlan, S } from '../runtime/testutil/plans.js';
import type { PlanStep } from '../plan/types.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};
const steps = Number(arg('--steps', '10000'));
const runs = Number(arg('--runs', '5'));

const require = createRequire(join(packageRoot(), 'package.json'));
const Ajv2020 = require('ajv/dist/2020').default as typeof import('ajv/dist/2020.js').default;
const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
const schema = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'plan.schema.json'), 'utf8')) as object;

const list: PlanStep[] = [];
for (let i = 0; list.length < steps; i++) {
  const spec = containerSpec({ name: `svc-${i}`, image: `registry.local:5000/app-${i % 7}:1.${i % 13}` });
  list.push(S.create(spec), S.start(spec));
}
const plan = makePlan(list.slice(0, steps), { hostId: 'host-bench', base: {} });

function measure(options: object): { first: number; warm: number } {
  const firsts: number[] = [];
  const warms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const ajv = new Ajv2020(options as never);
    addFormats(ajv);
    const v = ajv.compile(schema);
    let t = performance.now();
    if (!v(plan)) throw new Error(`the bench plan is invalid: ${JSON.stringify(v.errors?.slice(0, 3))}`);
    firsts.push(performance.now() - t);
    t = performance.now();
    v(plan);
    warms.push(performance.now() - t);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { first: median(firsts), warm: median(warms) };
}

const claude = measure({ ...PLAN_VALIDATOR_OPTIONS, code: { source: false } });
const peer = measure({ ...PLAN_VALIDATOR_OPTIONS, discriminator: false, code: { source: false } });
const ms = (x: number) => `${x.toFixed(0)} ms`;
console.log(`plan validation, ${steps} steps, median of ${runs}`);
console.log(`| | discriminator (runtime) | without | ratio |`);
console.log(`|---|---|---|---|`);
console.log(`| first validation | ${ms(claude.first)} | ${ms(peer.first)} | ${(claude.first / peer.first).toFixed(2)}× |`);
console.log(`| warm | ${ms(claude.warm)} | ${ms(peer.warm)} | ${(claude.warm / peer.warm).toFixed(2)}× |`);
console.log(JSON.stringify({ steps, runs, claude, peer }));
