/**
 * DiagnosticSink.fileState and adopt (compiler/diagnostics.ts), which the compiled-state
 * cache uses to hand one file's diagnostics from its own sink (or its entry) to the state's:
 * the result, the per-file cap and its CLA9006 count included, is that of one sink.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticSink } from './diagnostics.js';

describe('DiagnosticSink.adopt', () => {
  it("takes a file's diagnostics with their count: later reports are capped as in one sink", () => {
    const report = (s: DiagnosticSink, from: number, to: number) => {
      for (let i = from; i < to; i++) s.report('CLA2016', { file: 'services.yaml', line: i + 1, column: 1 }, { where: `line ${i}`, detail: 'x' });
    };
    const one = new DiagnosticSink(3);
    report(one, 0, 5);
    one.report('CLA9004', { file: 'x.yaml', line: 0, column: 0 }, { name: 'x.yaml' });
    report(one, 5, 7);

    const own = new DiagnosticSink(3);
    report(own, 0, 5);
    const state = own.fileState('services.yaml');
    expect(state.count).toBe(5);
    expect(state.diagnostics.map((d) => d.code)).toStrictEqual(['CLA2016', 'CLA2016', 'CLA2016', 'CLA9006']);
    const merged = new DiagnosticSink(3);
    merged.report('CLA9004', { file: 'x.yaml', line: 0, column: 0 }, { name: 'x.yaml' });
    merged.adopt('services.yaml', JSON.parse(JSON.stringify(state)) as typeof state);
    report(merged, 5, 7);
    expect(merged.sorted()).toStrictEqual(one.sorted());
    expect(merged.sorted().find((d) => d.code === 'CLA9006')!.message).toContain('4');
    // the adopted entries are copies: the other sink's are not changed by later reports
    expect(own.sorted().find((d) => d.code === 'CLA9006')!.message).toContain('2');
    expect(() => merged.adopt('services.yaml', state)).toThrow(/has diagnostics here already/);
  });
});
