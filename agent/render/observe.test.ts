/** `claude logs` rendering: a huge line is shortened, saying how much was cut (issue 13). */
import { describe, expect, it } from 'vitest';
import { logLine, MAX_LOG_LINE } from './observe.js';

describe('logLine', () => {
  it('shortens a 1 MB line to MAX_LOG_LINE characters and says how much was cut', () => {
    const text = 'x'.repeat(1024 * 1024);
    const out = logLine({ time: '2026-12-04T00:00:00Z', stream: 'stdout', text } as never, false);
    expect(out.length).toBeLessThan(MAX_LOG_LINE + 100);
    expect(out).toBe(`  ${'x'.repeat(MAX_LOG_LINE)} … (${1024 * 1024 - MAX_LOG_LINE} more characters cut; --json has the whole line)`);
  });

  it('keeps a normal line whole', () => {
    expect(logLine({ time: 't', stream: 'stderr', text: 'ready' } as never, true)).toBe('t ! ready');
  });
});
