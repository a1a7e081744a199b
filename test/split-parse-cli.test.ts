/**
 * The split parse in the built command (bin/claude → the cold-start bundle → a worker thread,
 * compiler/parse-split.ts): a services.yaml above 1 MiB with errors in the half the worker
 * reads gives `claude validate` the same diagnostics, at the same file:line:col, as one parse on
 * one thread (the TypeScript sources never split: compiler/parse-split.ts builtWorker).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';
import { benchStateFiles } from '../bench/plan.bench.js';
import { compileSources } from '../compiler/compile.js';
import { renderDiagnostic } from '../compiler/diagnostics.js';
import { SPLIT_ABOVE } from '../compiler/parse-split.js';

describe('claude validate of a services.yaml above SPLIT_ABOVE', () => {
  it('reports the errors in the second half at the same file:line:col as one parse', () => {
    const files = benchStateFiles(2000);
    const services = files['services.yaml']!.replace('    - name: svc-1900\n', '    - name: svc-1900\n      bogus: 1\n').replace('    - name: svc-1950\n      image: registry.local:5000/app-1950\n', '    - name: svc-1950\n      image: [a, b]\n');
    expect(services.length).toBeGreaterThan(SPLIT_ABOVE);
    const state = { ...files, 'services.yaml': services };
    const expected = compileSources(Object.entries(state).map(([name, text]) => ({ name, text }))).diagnostics.filter((d) => d.severity === 'error').map(renderDiagnostic);
    expect(expected.length).toBeGreaterThanOrEqual(1);
    expect(expected.join('\n')).toMatch(/services\.yaml:\d{5,}:\d+/);
    const dir = mkdtempSync(join(tmpdir(), 'claude-split-parse-'));
    try {
      for (const [name, text] of Object.entries(state)) writeFileSync(join(dir, name), text);
      const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'claude'), 'validate', '--state-dir', dir], {
        encoding: 'utf8',
        env: { ...process.env, CLAUDE_DAEMON: '0', CLAUDE_COMPILE_CACHE: '0', CLAUDE_DATA_DIR: join(dir, 'no-data'), CLAUDE_TRACE: '1' },
        timeout: 120_000,
      });
      expect(r.status).not.toBe(0);
      // the second half was read on the worker (compiler/parse-split.ts traces it)
      expect(r.stderr).toMatch(/compile: \d+ items read on the parse worker taken/);
      for (const line of expected) expect(r.stdout + r.stderr).toContain(line);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
