/**
 * Issue 14, item 11: a diagnostic flood. A small file with aliases under both the alias
 * count and the value count made `claude validate` print ~500,000 errors. Now the alias
 * expansion counts against the 1 MiB size limit (CLA1024), and at most 100 diagnostics are
 * listed per file, then one CLA9006 saying how many more there were. Driven through the real CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/testutil/cli.js';
import { DiagnosticSink, MAX_DIAGNOSTICS_PER_FILE, renderDiagnostic } from '../compiler/diagnostics.js';
import { compileFiles } from '../compiler/compile.js';

let dir: string;
const MANIFEST = 'apiVersion: claude.os/v1\nkind: SystemManifest\nmetadata:\n  name: m\nspec:\n  hostname: h\n';

/** services.yaml: service a's `ports` is a list of `items` bad entries, anchored, then `copies` services alias it. */
function flood(items: number, copies: number): string {
  let s = 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: s\nspec:\n  services:\n    - name: a\n      image: nginx\n      ports: &j\n';
  s += '        - x\n'.repeat(items);
  for (let i = 0; i < copies; i++) s += `    - name: b${i}\n      image: nginx\n      ports: *j\n`;
  return s;
}

function state(name: string, services: string): string {
  const s = join(dir, name);
  mkdirSync(s, { recursive: true });
  writeFileSync(join(s, 'manifest.yaml'), MANIFEST);
  writeFileSync(join(s, 'services.yaml'), services);
  return s;
}

function validate(s: string, json = false) {
  return runCli(['validate', ...(json ? ['--json'] : [])], { env: { CLAUDE_STATE_DIR: s, CLAUDE_DATA_DIR: join(dir, 'data'), CLAUDE_ROOT: join(dir, 'root') }, cwd: dir });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claude-flood-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('claude validate on a diagnostic flood', () => {
  it('the issue\'s file (5,000 items aliased 99 times): one CLA1024, nothing else', async () => {
    const s = state('big', flood(5000, 99));
    const r = await validate(s);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n').filter((l) => /: (error|warning) CLA/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^services\.yaml:\d+:14: error CLA1024: the aliases add more than 1048576 bytes to the file/);
  });

  it('an expansion under 1 MiB that still yields ~80,000 errors: the first 100, then one line with the count', async () => {
    const s = state('many', flood(2000, 40)); // 20 KB anchored × 40 copies = ~800 KB written out
    const r = await validate(s, true);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.out) as { ok: boolean; diagnostics: { code: string; file: string; severity: string; message: string }[] };
    expect(out.ok).toBe(false);
    const services = out.diagnostics.filter((d) => d.file === 'services.yaml');
    expect(services).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    const last = services[services.length - 1]!;
    expect(last).toMatchObject({ code: 'CLA9006', severity: 'error' });
    // 41 copies of 2,000 bad ports: 82,000 problems, 100 listed.
    expect(last.message).toBe('81900 more problems in services.yaml are not listed (only the first 100 are)');
    const text = await validate(s);
    expect(text.out.split('\n').filter((l) => /: error CLA/.test(l))).toHaveLength(101);
    expect(text.out).toMatch(/services\.yaml: error CLA9006: 81900 more problems/);
    expect(text.out).toMatch(/invalid \(101 errors, 0 warnings\)/);
  }, 120_000);
});

describe('the per-file cap of the diagnostic sink', () => {
  it('keeps 100 per file, counts the rest in one CLA9006 sorted last, and each file has its own count', () => {
    const sink = new DiagnosticSink();
    for (let i = 1; i <= 150; i++) sink.report('CLA2001', { file: 'services.yaml', line: i, column: 1 }, { prop: `k${i}`, where: 'x', suggestion: 'remove it' });
    for (let i = 1; i <= 3; i++) sink.report('CLA2001', { file: 'network.yaml', line: i, column: 1 }, { prop: `k${i}`, where: 'x', suggestion: 'remove it' });
    const sorted = sink.sorted();
    expect(sorted.filter((d) => d.file === 'services.yaml')).toHaveLength(101);
    expect(sorted.filter((d) => d.file === 'network.yaml')).toHaveLength(3);
    const over = sorted.filter((d) => d.code === 'CLA9006');
    expect(over).toHaveLength(1);
    expect(renderDiagnostic(over[0]!)).toMatch(/^services\.yaml: error CLA9006: 50 more problems in services\.yaml are not listed \(only the first 100 are\)\n  hint: fix the problems listed first/);
    // last among services.yaml's, although it has no line
    const idx = sorted.indexOf(over[0]!);
    expect(sorted[idx - 1]!.line).toBe(100);
    expect(sorted[idx + 1]?.file).not.toBe('services.yaml');
  });

  it('an error past the cap keeps the result invalid even when the listed ones are warnings', () => {
    const sink = new DiagnosticSink(2);
    sink.report('CLA3012', { file: 'services.yaml', line: 1, column: 1 }, { hostname: 'a', other: 'b' });
    sink.report('CLA3012', { file: 'services.yaml', line: 2, column: 1 }, { hostname: 'a', other: 'b' });
    expect(sink.hasErrors()).toBe(false);
    sink.report('CLA3012', { file: 'services.yaml', line: 3, column: 1 }, { hostname: 'a', other: 'b' });
    expect(sink.diagnostics.at(-1)).toMatchObject({ code: 'CLA9006', severity: 'warning' });
    sink.report('CLA2001', { file: 'services.yaml', line: 4, column: 1 }, { prop: 'k', where: 'x', suggestion: 'remove it' });
    expect(sink.diagnostics).toHaveLength(3);
    expect(sink.diagnostics.at(-1)).toMatchObject({ code: 'CLA9006', severity: 'error', message: '2 more problems in services.yaml are not listed (only the first 2 are)' });
    expect(sink.hasErrors()).toBe(true);
  });

  it('a valid file with aliases still compiles', () => {
    const services = 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: s\nspec:\n  services:\n    - name: a\n      image: nginx\n      environment: &env\n        LOG_LEVEL: info\n        TZ: UTC\n    - name: b\n      image: nginx\n      environment: *env\n';
    const r = compileFiles({ 'manifest.yaml': MANIFEST, 'services.yaml': services });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map(renderDiagnostic)).toEqual([]);
    expect(r.model!.services.find((s) => s.name === 'b')!.environment).toMatchObject({ LOG_LEVEL: 'info', TZ: 'UTC' });
  });
});
