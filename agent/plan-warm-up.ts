/**
 * The `plan` cold-start bundle's warm-up (scripts/cold-bundle.mjs; cli/cold.ts says what the
 * bundles are for), here beside the one planning path (agent/flow.ts) it mirrors. Called by the build only, before it saves V8's code cache: it runs the
 * pure part of `claude plan` once (the firewall gate, the planner against an empty host,
 * signing with a throw-away key, the check as apply would, the review and its rendering), so
 * that those functions are compiled into the cache and into the plan validator's part. It
 * touches no file, engine or key store.
 */
import { generateKeyPairSync } from 'node:crypto';
import { compileFiles } from '../compiler/compile.js';
import { DiagnosticSink } from '../compiler/diagnostics.js';
import { lockoutGate } from '../compiler/firewall.js';
import { firewallSpecOf, plan } from '../compiler/planner.js';
import { signPlan } from '../compiler/sign.js';
import { keyIdOf } from '../plan/envelope.js';
import { inspectPlan } from '../plan/inspect.js';
import { planReview } from '../plan/review.js';
import { renderPlan } from '../plan/show.js';

export function warmUpPlan(files: Record<string, string>): void {
  const compiled = compileFiles(files);
  if (!compiled.model) throw new Error(`the cold-start warm-up state does not compile: ${compiled.diagnostics[0]?.message ?? 'no model'}`);
  const sink = new DiagnosticSink();
  lockoutGate(firewallSpecOf(compiled.model.firewall), {}, { sink, force: true });
  const now = new Date();
  const hostId = 'host-warm-up';
  const observed = { hostId, stateCommit: null, networks: [], volumes: [], images: [], containers: [], firewall: { present: false, hash: null }, hostFilesHash: null, scheduleHash: null };
  const payload = plan(compiled.model, observed, {
    request: 'warm-up',
    now,
    nonce: '0'.repeat(64),
    hostId,
    provenance: { engine: 'user', model: null, promptHash: null },
    compilerVersion: '0.0.0',
    sink,
  });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const envelope = signPlan(payload, privateKey);
  const report = inspectPlan(envelope, { trusted: [{ keyid: keyIdOf(publicKey), role: 'host', publicKey }], now, hostId });
  if (!report.checks.some((c) => c.check === 'schema' && c.ok)) throw new Error(`the cold-start warm-up plan does not match the plan schema: ${JSON.stringify(report.checks)}`);
  renderPlan(payload, report, planReview(payload, {}));
}
