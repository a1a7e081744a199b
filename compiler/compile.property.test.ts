/**
 * Property: any YAML document either compiles or yields diagnostics — never a crash, and
 * every diagnostic is well formed (a known file, a position inside the text, no unfilled
 * placeholders). Inputs: random JSON-like documents, random structural mutations of the
 * spec example, and random text edits of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify, parse as parseYaml } from 'yaml';
import { packageRoot } from '../common/paths.js';
import { compileFiles } from './compile.js';
import { MESSAGES } from './messages.js';
import { STATE_FILE_NAMES } from './model.js';

const dir = join(packageRoot(), 'fixtures', 'states', 'spec-example');
const example = Object.fromEntries(STATE_FILE_NAMES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

function assertWellFormed(files: Record<string, string>): void {
  const r = compileFiles(files);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(r.model === undefined).toBe(errors.length > 0);
  for (const d of r.diagnostics) {
    expect(Object.keys(MESSAGES)).toContain(d.code);
    expect(d.file === '' || d.file in files).toBe(true);
    if (d.file in files && d.line > 0) {
      expect(d.line).toBeLessThanOrEqual(files[d.file]!.split('\n').length + 1);
      expect(d.column).toBeGreaterThan(0);
    }
    // A `{word}` left in the text is an unfilled placeholder, unless the input itself holds it
    // (a diagnostic may quote what it read: `found a string ("{A}")`).
    const input = Object.values(files).join('\n');
    for (const text of [d.message, d.hint ?? '']) {
      for (const m of text.match(/\{[a-zA-Z]+\}/g) ?? []) expect(input, `unfilled placeholder ${m} in "${text}"`).toContain(m);
    }
  }
}

const keys = fc.constantFrom(
  'apiVersion', 'kind', 'metadata', 'name', 'spec', 'services', 'image', 'tag', 'ports', 'host', 'container',
  'volumes', 'source', 'environment', 'depends_on', 'networks', 'healthcheck', 'test', 'jobs', 'secrets', '__proto__', 'x',
);
const scalars = fc.oneof(
  fc.constantFrom('claude.os/v1', 'ServiceManifest', 'nginx', 'web', '80', '${secrets.x}', '0 2 * * *', '10.0.0.0/8', '128Mi', '30s', '', 'null', 'on'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 70000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalars, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(keys, tie('value'), { maxKeys: 5 }),
})).value;

// Property runs are CPU-bound: on a busy 2-core CI machine they take many times their quiet
// duration (measured up to 5x), so the budget is generous.
describe('compile never throws', { timeout: 300_000 }, () => {
  it('on random documents in any state file', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATE_FILE_NAMES), json, (file, value) => {
        assertWellFormed({ [file]: stringify(value) });
      }),
      { numRuns: 300 },
    );
  });

  it('on random structural mutations of the spec example', () => {
    const values = Object.fromEntries(STATE_FILE_NAMES.map((f) => [f, parseYaml(example[f]!) as unknown]));
    fc.assert(
      fc.property(fc.constantFrom(...STATE_FILE_NAMES), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), json, (file, steps, replacement) => {
        const copy = structuredClone(values[file]) as Record<string, unknown>;
        // Walk a random path, then replace what is there.
        let node: unknown = copy;
        let parent: Record<string, unknown> | unknown[] | undefined;
        let key: string | number | undefined;
        for (const s of steps) {
          if (Array.isArray(node) && node.length > 0) {
            parent = node;
            key = s % node.length;
            node = node[key];
          } else if (node && typeof node === 'object' && Object.keys(node).length > 0) {
            const ks = Object.keys(node);
            parent = node as Record<string, unknown>;
            key = ks[s % ks.length]!;
            node = (node as Record<string, unknown>)[key];
          } else break;
        }
        if (parent !== undefined && key !== undefined) (parent as Record<string | number, unknown>)[key] = replacement;
        assertWellFormed({ ...example, [file]: stringify(copy) });
      }),
      { numRuns: 150 },
    );
  });

  it('on random text edits of services.yaml', () => {
    const text = example['services.yaml']!;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ at: fc.nat({ max: text.length }), del: fc.nat({ max: 8 }), ins: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(':', '- ', '\n', '  ', '&a ', '*a', '!!str ', '"', "'", '[', '{', '#', '---\n', '\t', '${secrets.')) }),
          { minLength: 1, maxLength: 4 },
        ),
        (edits) => {
          let t = text;
          for (const e of edits) {
            const at = Math.min(e.at, t.length);
            t = t.slice(0, at) + e.ins + t.slice(at + e.del);
          }
          assertWellFormed({ ...example, 'services.yaml': t });
        },
      ),
      { numRuns: 150 },
    );
  });
});
