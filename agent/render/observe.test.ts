/**
 * `claude logs` rendering: a huge line is shortened, saying how much was cut (issue 13). The
 * service table is in code-point order under every locale (a child process per LANG).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { compareCodePoints } from '../../common/order.js';
import { transpileForChild } from '../../runtime/testutil/transpile-child.js';
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

describe('serviceRows order', () => {
  it('lists services by code point under every locale (LANG=tr_TR.UTF-8 too), not by the locale\'s collation', () => {
    // upper case before lower case by code point; a collator puts them side by side, ignores '-' and '_',
    // and in Turkish orders I and i apart from other locales
    const names = ['i', 'I', 'b', 'B', 'a_b', 'a-b', 'ab', 'ı', 'İ'];
    const build = transpileForChild(
      ['agent/render/observe.ts'],
      `import { serviceRows } from './agent/render/observe.js';
const names = JSON.parse(process.argv[2]);
const containers = names.map((n) => ({ managed: true, service: n, name: n, image: 'busybox', status: 'running', health: 'none', stats: null, ports: [] }));
process.stdout.write(JSON.stringify(serviceRows({ containers }).map((r) => r.service)));
`,
    );
    try {
      const order = (lang: string) => JSON.parse(execFileSync(process.execPath, [build.script, JSON.stringify(names)], { encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: lang } })) as string[];
      const byCodePoint = [...names].sort(compareCodePoints);
      expect(byCodePoint).toEqual(['B', 'I', 'a-b', 'a_b', 'ab', 'b', 'i', 'İ', 'ı']);
      expect(order('tr_TR.UTF-8')).toEqual(byCodePoint);
      expect(order('C')).toEqual(byCodePoint);
    } finally {
      build.cleanup();
    }
  });
});
