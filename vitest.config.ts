import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files, slowest first, with their seconds in CI (per-file times of `.ci/vitest-report.json`,
 * CI ci-35b, 2026-12-07; the eval files are estimated: the corpus's ~300 s shared by six).
 * vitest runs the files over two workers in its own order: on a fresh CI machine with no
 * cache of earlier runs, the largest files first, which put the 291 s eval file in the last
 * quarter of the run with its other worker idle at the end. Run longest first, a
 * worker that finishes early always finds work, and the run ends when the last short file does.
 * A file not listed runs after these, in vitest's order. Docs: docs/testing.md.
 */
export const SLOW_FIRST: readonly (readonly [string, number])[] = [
  ['test/firewall.nft.test.ts', 82],
  ['test/health.docker.test.ts', 68],
  ['runtime/drivers/containerd/supervisor.containerd.test.ts', 58],
  ['fixtures/intent-eval/eval-1.test.ts', 50],
  ['fixtures/intent-eval/eval-2.test.ts', 50],
  ['fixtures/intent-eval/eval-3.test.ts', 50],
  ['fixtures/intent-eval/eval-4.test.ts', 50],
  ['fixtures/intent-eval/eval-5.test.ts', 50],
  ['fixtures/intent-eval/eval-6.test.ts', 50],
  ['test/acceptance/web.docker.test.ts', 45],
  ['agent/cluster/cluster.docker.test.ts', 41],
  ['compiler/intent/offline/harm.test.ts', 41],
  ['test/crash.docker.test.ts', 40],
  ['cli/approval-prompt.docker.test.ts', 40],
  ['server/ui.browser.docker.test.ts', 34],
  ['test/acceptance/web.containerd.test.ts', 29],
  ['fixtures/images/images.docker.test.ts', 28],
  ['compiler/intent/offline/services-grid.test.ts', 27],
  ['runtime/held-start.docker.test.ts', 26],
  ['test/cli-entry.test.ts', 25],
  ['agent/reconcile/reconcile.docker.test.ts', 23],
  ['agent/flow.docker.test.ts', 22],
  ['test/acceptance/stack.docker.test.ts', 22],
  ['cli/limits-in-place.docker.test.ts', 21],
  ['cli/commands/learn.docker.test.ts', 21],
  ['compiler/intent/offline/mechanisms-intent3.test.ts', 20],
  ['cli/backup-now.docker.test.ts', 20],
  ['test/cli-daemon.test.ts', 19],
  ['test/cli-socket.docker.test.ts', 18],
  ['runtime/apply.docker.test.ts', 18],
  ['cli/cancel-prompts.docker.test.ts', 18],
  ['compiler/intent/offline/harm35.test.ts', 17],
  ['runtime/drivers/containerd/logs.test.ts', 17],
  ['compiler/intent/offline/engine.test.ts', 15],
  ['runtime/health-host.containerd.test.ts', 15],
];

/** vitest's order, then the files of SLOW_FIRST moved to the front, slowest first. */
class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const seconds = new Map(SLOW_FIRST);
    const slow = (f: TestSpecification) => seconds.get(relative(f.project.config.root, f.moduleId).split('\\').join('/')) ?? 0;
    return ordered.map((f, i) => ({ f, i, s: slow(f) })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.f);
  }
}

// Tests sit next to the code (`*.test.ts`). Tests that need a real Docker Engine,
// nftables or network namespaces are marked by their file name (`*.docker.test.ts`,
// `*.nft.test.ts`).
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'image/build/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: SlowFirst },
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/vitest-report.json' },
  },
});
