/**
 * The docs say how many apps the catalogue holds: every "N apps" / "N well-known … apps" in the
 * project's Markdown (docs/, README.md, each folder's README.md) is the number of runnable
 * entries of catalog.yaml (no template, not unsupported), said exactly (no "about N" or "~N"),
 * and docs/intent.md's "N entries in all" and "N entries said but not run" are the file's totals.
 * Adding an app to catalog.yaml without updating the docs fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../common/paths.js';
import { loadAppCatalog } from './catalog.js';

const root = packageRoot();
const SKIP = new Set(['node_modules', 'dist', '.git', 'build', '.ci']);

function markdown(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    if (SKIP.has(f)) continue;
    const p = join(dir, f);
    if (statSync(p).isDirectory()) markdown(p, out);
    else if (f.endsWith('.md')) out.push(p);
  }
  return out;
}

/** Each "N apps"-style count in `text`, with its line, as written. */
function appCounts(text: string): { line: number; said: string; n: number }[] {
  const out: { line: number; said: string; n: number }[] = [];
  text.split('\n').forEach((l, i, lines) => {
    // joined with the next line: a count may wrap ("91 well-known self-hosted\napps")
    const both = `${l} ${lines[i + 1] ?? ''}`;
    for (const m of both.matchAll(/(about |around |roughly |~|over |more than )?(\d+) (?:well-known )?(?:self-hosted )?apps\b/g)) {
      if (m.index! >= l.length) continue; // it starts on the next line: counted there
      out.push({ line: i + 1, said: m[0], n: m[1] ? NaN : Number(m[2]) });
    }
  });
  return out;
}

describe('the docs say the catalogue\'s true size', () => {
  const apps = loadAppCatalog().apps;
  const runnable = apps.filter((a) => !a.template && !a.unsupported).length;

  it('every "N apps" in the Markdown is the number of runnable apps, said exactly', () => {
    const found: string[] = [];
    const wrong: string[] = [];
    for (const f of markdown(root)) {
      for (const c of appCounts(readFileSync(f, 'utf8'))) {
        const where = `${relative(root, f)}:${c.line}: "${c.said}"`;
        found.push(where);
        if (c.n !== runnable) wrong.push(`${where} (catalog.yaml has ${runnable} runnable apps: say "${runnable} apps")`);
      }
    }
    expect(wrong).toEqual([]);
    // the two places that count them are still found (a reworded sentence is not skipped)
    expect(found.filter((w) => w.startsWith(`docs${'/'}intent.md:`) || w.startsWith('stdlib-templates/README.md:')).length).toBeGreaterThanOrEqual(2);
  });

  it('docs/intent.md\'s totals are the file\'s', () => {
    const text = readFileSync(join(root, 'docs', 'intent.md'), 'utf8').replace(/\s+/g, ' ');
    expect(Number(text.match(/(\d+) entries in all/)?.[1])).toBe(apps.length);
    expect(Number(text.match(/(\d+) entries said but not run/)?.[1])).toBe(apps.filter((a) => a.unsupported).length);
  });

  it('a loose or stale count is caught', () => {
    expect(appCounts('holds about 85 apps with').map((c) => c.n)).toEqual([NaN]);
    expect(appCounts('holds ~85 apps').map((c) => c.n)).toEqual([NaN]);
    expect(appCounts('holds 85 well-known\nself-hosted apps').map((c) => [c.line, c.n])).toEqual([[1, 85]]);
  });
});
