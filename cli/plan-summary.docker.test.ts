/**
 * What `claude plan` prints (a real dockerd to observe, temp dirs): a plan over
 * SUMMARY_OVER_STEPS steps gets a summary by kind and risk on the terminal and its whole review
 * in a file beside the plan (plan.json → plan.review.txt), the same text `--full` prints; a
 * small plan prints its whole review as before (cli/commands/plan.docker.test.ts and the
 * goldens pin that text) and leaves no review file, removing one an earlier large plan left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runCli } from './testutil/cli.js';
import { SUMMARY_OVER_STEPS } from '../plan/show.js';

const NOW = new Date('2026-12-07T10:00:00Z');
const N = 110; // 110 services of one image: 221 steps
let dir: string;
const tag = randomBytes(4).toString('hex');

function claude(argv: string[], state: string) {
  return runCli(argv, { env: { CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root'), CLAUDE_STATE_DIR: join(dir, state), NO_COLOR: '1' }, cwd: dir, now: () => NOW });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-plan-summary-'));
  mkdirSync(join(dir, 'large'));
  const svc = ['apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: big}\nspec:\n  services:\n'];
  for (let i = 0; i < N; i++) {
    svc.push(`    - name: s${i}-${tag}\n      image: claude-os-local/web:latest\n`);
  }
  writeFileSync(join(dir, 'large', 'services.yaml'), svc.join(''));
  mkdirSync(join(dir, 'small'));
  writeFileSync(join(dir, 'small', 'services.yaml'), `apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata: {name: small}\nspec:\n  services:\n    - name: web-${tag}\n      image: claude-os-local/web:latest\n`);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The text with the plan's id and nonce-derived parts made equal (two plans of the same files differ only there). */
const sameId = (t: string) => t.replace(/plan-[0-9a-f]{16,64}/g, 'plan-ID');

describe('what claude plan prints', () => {
  it('a large plan: a summary by kind and risk, the whole review in plan.review.txt, the same text as --full', async () => {
    const r = await claude(['plan', '--out', 'big.json'], 'large');
    expect(r.code, r.err).toBe(0);
    const review = join(dir, 'big.review.txt');
    const text = readFileSync(review, 'utf8');
    // the terminal: the box with the counts, no step list, where the rest is
    expect(r.out).toMatch(new RegExp(`│ Proposed Changes: ${N} resources, 221 steps +│`));
    expect(r.out).toMatch(/│\s+create\s+change\s+delete\s+risk\s+│/);
    expect(r.out).toMatch(new RegExp(`│ service\\s+${N}\\s+0\\s+0\\s+safe\\s+│`));
    expect(r.out).not.toContain('Steps (');
    expect(r.out).toMatch(/^Plan: \d+ to create, 0 to change, 0 to delete \(steps: 221 safe\)\.$/m);
    expect(r.out).toMatch(/^Signatures \(1\):\n.*✓ valid, trusted\nPolicy:\n/m);
    const lines = text.split('\n').length - 1;
    expect(r.out).toContain(`The full review (${lines} lines, every resource with its fields and every step): ${review}`);
    expect(r.out).toContain('`claude show big.json` prints it too; `claude plan --full` prints it instead of this summary');
    expect(r.out).toMatch(/Saved the plan to .*big\.json\. Review: claude show big\.json\n$/);
    expect(r.out.split('\n').length).toBeLessThan(40);
    // the file: the whole review, every service and every step
    expect(text).toContain('Steps (221, in order;');
    for (let i = 0; i < N; i++) expect(text).toContain(`Create container 's${i}-${tag}'`);
    // --full prints that same text (another plan of the same files: its id differs) and writes no file of its own
    rmSync(review);
    const full = await claude(['plan', '--out', 'big.json', '--full'], 'large');
    expect(full.code, full.err).toBe(0);
    expect(sameId(full.out)).toBe(sameId(text) + '\n' + `Saved the plan to ${join(dir, 'big.json')}. Review: claude show big.json\n`);
    expect(existsSync(review)).toBe(false);
    expect(SUMMARY_OVER_STEPS).toBeLessThan(221);
  }, 120_000);

  it('a small plan prints its whole review and leaves no review file (one left by an earlier large plan is removed)', async () => {
    writeFileSync(join(dir, 'p.review.txt'), 'the review of an earlier plan\n');
    const r = await claude(['plan', '--out', 'p.json'], 'small');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^┌─+┐\n│ Proposed Changes +│\n/);
    expect(r.out).toContain('Steps (3, in order;');
    expect(r.out).not.toContain('The full review');
    expect(existsSync(join(dir, 'p.review.txt'))).toBe(false);
  }, 60_000);
});
