/**
 * The signed plan's bytes for a fixed input, pinned (docs/plans.md, "Session 15"): the 10,000-service
 * work on `claude plan` (parsed mappings in fast mode, what is let go when, the policy evaluated
 * once) changes how the plan is made, never what it is. Each case compiles state files, plans
 * against a fixed observation with a fixed clock, nonce and key (ed25519 signs deterministically),
 * writes plan.json as `claude plan --out` does and renders the review `claude plan` prints; the
 * SHA-256 of the file and of the text are the ones main made before the change (2026-12-05, f3f3150).
 * The file's changed once since, on purpose: 8264d2f (limits changed in place) gives each container
 * the label claude.os/base-hash (its config hash without the limits). The review text changed once,
 * on purpose: 5d301d2 numbers the step groups a person sees 1, 2, 3, 4 (they carried the phase number).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFiles } from './compile.js';
import { plan } from './planner.js';
import { signPlan } from './sign.js';
import { emptyObserved } from './__fixtures__/models.js';
import { keyIdOf, writeEnvelope } from '../plan/envelope.js';
import { inspectPlan } from '../plan/inspect.js';
import { planReview } from '../plan/review.js';
import { renderPlan } from '../plan/show.js';
import { packageRoot } from '../common/paths.js';

const KEY = createPrivateKey('-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIPKusshLH7iNlu/GwkJJLVAC5qap/ZcSVmuNxJbVxLBE\n-----END PRIVATE KEY-----\n');
const TRUSTED = [{ keyid: keyIdOf(createPublicKey(KEY)), role: 'host' as const, name: 'h1', publicKey: createPublicKey(KEY) }];
const NOW = new Date('2026-12-05T12:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'claude-plan-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** n services of the plan bench's shape (bench/plan.bench.ts benchStateFiles: chains of 10, a port, a volume, a secret, a healthcheck). */
function benchShaped(n: number): Record<string, string> {
  const svc = ['apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: bench\nspec:\n  networks:\n'];
  for (let g = 0; g < 10; g++) svc.push(`    - name: net-${g}\n      driver: bridge\n`);
  svc.push('  services:\n');
  for (let i = 0; i < n; i++) {
    svc.push(
      `    - name: svc-${i}\n      image: registry.local:5000/app-${i % 7}\n      tag: "1.${i % 13}"\n      ports:\n        - host: ${10000 + i}\n          container: 8080\n` +
        `      volumes:\n        - source: /srv/data/${i}\n          target: /data\n      environment:\n        MODE: production\n        DB_PASSWORD: \${secrets.db_password}\n` +
        `      resources:\n        cpu: "0.25"\n        memory: 64Mi\n      healthcheck:\n        test: "wget -q -O- http://127.0.0.1:8080/ || exit 1"\n        interval: 5s\n        timeout: 30s\n        retries: 3\n` +
        `      restart: unless-stopped\n      networks:\n        - net-${i % 10}\n      depends_on: [${i % 10 === 0 ? '' : `svc-${i - 1}`}]\n`,
    );
  }
  const vol = ['apiVersion: claude.os/v1\nkind: StorageConfig\nmetadata:\n  name: storage\nspec:\n  volumes:\n'];
  for (let i = 0; i < n; i++) vol.push(`    - name: data-${i}\n      path: /srv/data/${i}\n`);
  return {
    'manifest.yaml': 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: bench\nspec:\n  images:\n    pull: false\n',
    'security.yaml': 'apiVersion: claude.os/v1\nkind: SecurityConfig\nmetadata:\n  name: security\nspec:\n  secrets:\n    - name: db_password\n      value: encrypted:v1:YWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n',
    'services.yaml': svc.join(''),
    'storage.yaml': vol.join(''),
  };
}

function fixtureFiles(name: string): Record<string, string> {
  const d = join(packageRoot(), 'fixtures', 'states', name);
  return Object.fromEntries(readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => [f, readFileSync(join(d, f), 'utf8')]));
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function planBytes(name: string, files: Record<string, string>): { file: string; text: string; steps: number } {
  const compiled = compileFiles(files);
  expect(compiled.model, compiled.diagnostics.map((d) => d.message).join('\n')).toBeDefined();
  const payload = plan(compiled.model!, emptyObserved({ hostId: 'h1' }), { request: `bytes ${name}`, now: NOW, nonce: 'ab'.repeat(32), hostId: 'h1', provenance: { engine: 'user' }, compilerVersion: 'test' });
  const out = join(dir, `${name}.json`);
  writeEnvelope(out, signPlan(payload, KEY), 0o644);
  const report = inspectPlan(readFileSync(out, 'utf8'), { trusted: TRUSTED, now: NOW, hostId: 'h1' });
  // the spec's example needs an admin's signature too (P2): its policy line says so; every other check passes
  expect(report.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(name === 'spec-example' ? ['policy'] : []);
  const text = renderPlan(payload, report, planReview(payload, {}));
  return { file: sha(readFileSync(out)), text: sha(text), steps: payload.steps.length };
}

describe('the signed plan for a fixed input', () => {
  it.each([
    ['spec-example', () => fixtureFiles('spec-example'), { file: '11b80e1c45f0779100786e64c5df7ca2805b9c7030c6c909281a0dbf056f9653', text: '8d7e9e5d256a8ae3544d6e8f47532104bdb12e5a944f702762af223d3b483db5', steps: 18 }],
    ['web-stack', () => fixtureFiles('web-stack'), { file: '9b5cba15e1d98084cfbca232ce8147506fbaa2fdb51b6f4779ee76edcbc4a69a', text: 'd8786eb5b2ec1ca57de1c4fe703cbbef322386819fc31069c15250b4572da598', steps: 13 }],
    ['bench-300', () => benchShaped(300), { file: '0b02b5ad644a9ea89cf64917ea68f85ccf740cc01ea0159dc8fb89c4d6e620fa', text: '7dd5f638826e0b4ab90a931b22eef81d98d7ec861780bbc23dc55e947f7f76ac', steps: 1001 }],
  ] as const)('%s: the same file and review text as before', (name, files, want) => {
    expect(planBytes(name, files())).toEqual(want);
  });
});
