/** netnsPerRun: a namespace named per run, there during its describe's tests, gone after. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { netnsPerRun } from './netns.js';

const names = () => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]);
let made = '';

describe('a namespace of its own', () => {
  const ns = netnsPerRun('claude-nstest', { lo: true });
  made = ns;
  it('exists during the tests, named per run, with lo up', () => {
    expect(ns).toMatch(/^claude-nstest-[0-9a-f]{6}$/);
    expect(names()).toContain(ns);
    expect(execFileSync('ip', ['-n', ns, '-o', 'link', 'show', 'lo'], { encoding: 'utf8' })).toMatch(/state UNKNOWN|[<,]UP[,>]/);
  });
});

it('is removed once its describe is done', () => {
  expect(made).not.toBe('');
  expect(names()).not.toContain(made);
});
