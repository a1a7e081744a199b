/**
 * The compiled-state cache (compiler/compile-cache.ts): a hit gives exactly what compiling
 * gives, for every fixture state dir, valid or not; a changed byte, a rebuild, a damaged or
 * foreign entry are compiled afresh; no data dir or CLAUDE_COMPILE_CACHE=0 means no cache.
 * In process, the cache is keyed by a temp file standing for the build (useBundleFiles, as the
 * cold-start bundles do); test/cli-entry.test.ts drives the real bin/claude through it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';
import { compileStateDir } from './compile.js';
import { DiagnosticSink } from './diagnostics.js';
import { parseFile } from './parse.js';
import { planReview } from '../plan/review.js';
import { MAX_ENTRIES, MAX_RAW_IN_ENTRY, compileStateDirCached, prunedTo, compilerBuildId, useBundleFiles } from './compile-cache.js';

const root = packageRoot();
let tmp: string;
let build: string;
let data: string;
const env = {} as NodeJS.ProcessEnv;
const entries = () => readdirSync(join(data, 'cache', 'compiled')).filter((n) => n.endsWith('.json'));

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'claude-compile-cache-'));
  build = join(tmp, 'build.cjs');
  writeFileSync(build, '// stands for the cold-start bundle\n');
  // built before this process loaded the compiler, as a real build is
  utimesSync(build, new Date(), new Date(Date.now() - 120_000));
  useBundleFiles([build]);
  data = join(tmp, 'data');
  mkdirSync(data);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
const filesDir = () => join(data, 'cache', 'compiled', 'files');
/** Pushes the values the parse keeps in memory (common/yaml.ts, the last six texts) out, so parsedOf must read the entries. */
const forgetParsed = () => {
  for (let i = 0; i < 6; i++) parseFile({ name: 'services.yaml', text: `forget: ${i}\n` }, new DiagnosticSink());
};

const fixtureDirs = (): string[] => {
  const dirs: string[] = [];
  for (const base of ['states', 'invalid']) {
    const b = join(root, 'fixtures', base);
    for (const n of readdirSync(b)) if (statSync(join(b, n)).isDirectory()) dirs.push(join(b, n));
  }
  return dirs;
};

describe('the compiled-state cache', () => {
  it('gives what compiling gives, for every fixture state dir (stored, then read back)', () => {
    const dirs = fixtureDirs();
    expect(dirs.length).toBeGreaterThan(40);
    let hits = 0;
    for (const dir of dirs) {
      const fresh = compileStateDir(dir);
      const want = { ...(fresh.model ? { model: fresh.model } : {}), diagnostics: fresh.diagnostics };
      const first = compileStateDirCached(dir, data, env);
      const second = compileStateDirCached(dir, data, env);
      for (const got of [first, second]) {
        expect({ ...(got.model ? { model: got.model } : {}), diagnostics: got.diagnostics }, dir).toStrictEqual(JSON.parse(JSON.stringify(want)));
        expect(JSON.stringify(got.model), dir).toBe(JSON.stringify(fresh.model));
      }
      // reading problems (a missing dir, an unknown YAML file) are found again each time, not cached
      if (first.cache === 'miss') {
        expect(second.cache, dir).toBe('hit');
        hits++;
      } else expect([first.cache, second.cache], dir).toStrictEqual(['off', 'off']);
    }
    expect(hits).toBeGreaterThan(30);
  });

  it('a changed byte in a state file, or another build, is compiled again', () => {
    const dir = join(tmp, 'state');
    cpSync(join(root, 'fixtures', 'states', 'spec-example'), dir, { recursive: true });
    // the same files as the fixture's, compiled in the test above: the dir's path is not part of the result
    compileStateDirCached(dir, data, env);
    const ok = compileStateDirCached(dir, data, env);
    expect(ok.cache).toBe('hit');
    expect(ok.model).toBeDefined();
    const f = join(dir, 'services.yaml');
    const text = readFileSync(f, 'utf8');
    // the same length, one byte changed: protocol "tcp" becomes "tcq", an error
    writeFileSync(f, text.replace('protocol: tcp', 'protocol: tcq'));
    const changed = compileStateDirCached(dir, data, env);
    expect(changed.cache).toBe('miss');
    expect(changed.model).toBeUndefined();
    expect(changed.diagnostics.some((d) => d.severity === 'error' && d.file === 'services.yaml')).toBe(true);
    expect(changed.diagnostics).toStrictEqual(compileStateDir(dir).diagnostics);
    // back: the key samples the text (Hash64 is fed no more than ~1,000 steps), so that same-length edit had replaced the entry:
    // compiled again, then a hit; never the edited file's result
    writeFileSync(f, text);
    const back = compileStateDirCached(dir, data, env);
    expect(back.cache).toBe('miss');
    expect(back.model).toStrictEqual(asJson(ok.model));
    expect(compileStateDirCached(dir, data, env).cache).toBe('hit');
    // an edit that changes the length is another entry: both are kept
    writeFileSync(f, text + '# a comment\n');
    expect(compileStateDirCached(dir, data, env).cache).toBe('miss');
    writeFileSync(f, text);
    expect(compileStateDirCached(dir, data, env).cache).toBe('hit');
    // a rebuild (the bundle's mtime changes): another key
    const before = compilerBuildId();
    utimesSync(build, new Date(), new Date(Date.now() - 60_000));
    useBundleFiles([build]);
    expect(compilerBuildId()).not.toBe(before);
    expect(compileStateDirCached(dir, data, env).cache).toBe('miss');
    expect(compileStateDirCached(dir, data, env).cache).toBe('hit');
    // a build newer than this process (rebuilt under a long-lived worker): not this code's results, no cache
    utimesSync(build, new Date(), new Date(Date.now() + 60_000));
    useBundleFiles([build]);
    expect(compilerBuildId()).toBeNull();
    const r = compileStateDirCached(dir, data, env);
    expect(r.cache).toBe('off');
    expect(r.model).toBeDefined();
    utimesSync(build, new Date(), new Date(Date.now() - 60_000));
    useBundleFiles([build]);
  });

  it('from dist/, the build is keyed on every file the compile imports: a rebuild that changes only common/state-read.js or common/terminal.js is another key', () => {
    // the built code (npm run build; run after the build, as the tests of bin/claude are)
    const entry = join(root, 'dist', 'compiler', 'compile-cache.js');
    expect(existsSync(entry), 'run npm run build').toBe(true);
    // dist/compiler/compile-cache.js's import closure, from the import statements of the built files
    const closure = new Set<string>();
    const stack = [entry];
    while (stack.length) {
      const f = stack.pop()!;
      if (closure.has(f)) continue;
      closure.add(f);
      for (const m of readFileSync(f, 'utf8').matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) stack.push(join(f, '..', m[1]!));
    }
    expect(closure.size).toBeGreaterThan(15);
    expect([...closure].map((f) => f.slice(root.length + 1))).toEqual(expect.arrayContaining(['dist/common/state-read.js', 'dist/common/terminal.js']));
    // a copy of the built compiler (the folders it may import), so this checkout's dist/ is not touched
    const tmp = mkdtempSync(join(tmpdir(), 'claude-cache-key-'));
    try {
      for (const d of ['compiler', 'common', 'plan']) cpSync(join(root, 'dist', d), join(tmp, 'dist', d), { recursive: true, preserveTimestamps: true });
      for (const f of ['generated', 'schemas', 'node_modules', 'package.json']) symlinkSync(join(root, f), join(tmp, f));
      const key = () => {
        const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import(${JSON.stringify(pathToFileURL(join(tmp, 'dist', 'compiler', 'compile-cache.js')).href)}).then((m) => console.log(JSON.stringify({ files: m.compilerBuildFiles(), id: m.compilerBuildId() })))`], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as { files: string[]; id: string };
      };
      const first = key();
      // every file of the closure is in the key
      for (const f of closure) expect(first.files, f).toContain(join(tmp, f.slice(root.length + 1)));
      expect(first.id).toMatch(/^[0-9a-f]{16}$/);
      expect(key().id).toBe(first.id);
      // a rebuild that changes only one of them (its bytes; its mtime moves back to the old one)
      let last = first.id;
      for (const rel of ['common/state-read.js', 'common/terminal.js', 'compiler/resolve.js']) {
        const f = join(tmp, 'dist', rel);
        const st = statSync(f);
        writeFileSync(f, `${readFileSync(f, 'utf8')}\n// rebuilt\n`);
        utimesSync(f, st.atime, st.mtime);
        const now = key().id;
        expect(now, rel).not.toBe(last);
        last = now;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a damaged or foreign entry is compiled afresh and written again', () => {
    const dir = join(root, 'fixtures', 'states', 'web-stack');
    const cacheDir = join(data, 'cache', 'compiled');
    rmSync(cacheDir, { recursive: true, force: true });
    expect(compileStateDirCached(dir, data, env).cache).toBe('miss');
    const want = compileStateDir(dir);
    expect(entries().length).toBe(1);
    const file = join(cacheDir, entries()[0]!);
    const format = (JSON.parse(readFileSync(file, 'utf8')) as { format: number }).format;
    const damages = [
      '{"format":F,"key":',
      '{"format":F,"key":"another","diagnostics":[]}',
      'null',
      '{"format":F,"key":"K","model":7,"diagnostics":[]}',
      // no model, and no error to say why
      '{"format":F,"key":"K","diagnostics":[]}',
      // format 2, which kept the parse's values in the state dir's entry
      '{"format":2,"key":"K","diagnostics":[{"severity":"error"}],"values":{}}',
      // its key's hash collides (Hash64 only names an entry): made from other texts, or with no sources
      JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), model: { services: [] }, sources: [['services.yaml', 'apiVersion: another\n']] }),
      JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), sources: (JSON.parse(readFileSync(file, 'utf8')) as { sources: [string, string][] }).sources.map(([n, t]) => [n, t + ' ']) }),
      JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), sources: undefined }),
      JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), sources: { sha256: 'x' } }),
    ];
    for (const damage of damages) {
      writeFileSync(file, damage.replace('"K"', JSON.stringify(basename(file, '.json'))).replace('F', String(format)));
      const r = compileStateDirCached(dir, data, env);
      expect(r.cache, damage).toBe('miss');
      expect(r.model).toStrictEqual(JSON.parse(JSON.stringify(want.model)));
      expect(compileStateDirCached(dir, data, env).cache, damage).toBe('hit');
    }
  });

  it("keeps the parse's data of each file for the plan review: the same review as parsing, and only for that exact text", () => {
    const dir = join(tmp, 'review');
    cpSync(join(root, 'fixtures', 'states', 'spec-example'), dir, { recursive: true });
    rmSync(join(data, 'cache', 'compiled'), { recursive: true, force: true });
    const files = (): Record<string, string> => Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
    const review = (parsedOf?: (text: string) => unknown) => planReview({ desired: { files: files() }, steps: [], summary: { add: 0, change: 0, destroy: 0 } as never }, {}, parsedOf);
    const miss = compileStateDirCached(dir, data, env);
    const hit = compileStateDirCached(dir, data, env);
    expect([miss.cache, hit.cache]).toStrictEqual(['miss', 'hit']);
    // the entry holds a value for every file, equal to what the parse phase makes of it
    for (const [name, text] of Object.entries(files())) {
      const parsed = parseFile({ name, text }, new DiagnosticSink());
      expect(hit.parsedOf(text), name).toBeDefined();
      expect(asJson(hit.parsedOf(text)), name).toStrictEqual(asJson(parsed!.value));
      expect(miss.parsedOf(text), name).toStrictEqual(parsed!.value);
      // not in this process's memory any more: read from the file's entry
      forgetParsed();
      expect(compileStateDirCached(dir, data, env).parsedOf(text), name).toStrictEqual(asJson(parsed!.value));
      expect(hit.parsedOf(`${text}\n`), name).toBeUndefined();
    }
    // the review from the cached data is the review from a parse of the text
    const parsedReview = review(() => undefined);
    expect(parsedReview.resources.length).toBeGreaterThan(10);
    expect(review(hit.parsedOf)).toStrictEqual(parsedReview);
    // an edit is another entry: its data is the edited text's, never the old one's
    const f = join(dir, 'services.yaml');
    writeFileSync(f, readFileSync(f, 'utf8').replace('tag: "7-alpine"', 'tag: "7.2-alpine"'));
    compileStateDirCached(dir, data, env);
    const edited = compileStateDirCached(dir, data, env);
    expect(edited.cache).toBe('hit');
    expect(JSON.stringify(edited.parsedOf(files()['services.yaml']!))).toContain('7.2-alpine');
    expect(review(edited.parsedOf)).toStrictEqual(review(() => undefined));
    expect(JSON.stringify(review(edited.parsedOf))).toContain('7.2-alpine');
  });

  it("on a hit the parse's data comes from the state dir's own entry: the per-file entries are not opened (plan's review on a hit)", () => {
    const dir = join(tmp, 'review-raw');
    cpSync(join(root, 'fixtures', 'states', 'spec-example'), dir, { recursive: true });
    rmSync(join(data, 'cache', 'compiled'), { recursive: true, force: true });
    const texts = Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
    expect(compileStateDirCached(dir, data, env).cache).toBe('miss');
    // the per-file entries gone, and nothing parsed left in memory: only the state-dir entry can answer
    rmSync(filesDir(), { recursive: true, force: true });
    forgetParsed();
    const hit = compileStateDirCached(dir, data, env);
    expect(hit.cache).toBe('hit');
    for (const [name, text] of Object.entries(texts)) {
      const parsed = parseFile({ name, text }, new DiagnosticSink());
      expect(hit.parsedOf(text), name).toStrictEqual(asJson(parsed!.value));
      expect(hit.parsedOf(`${text}\n`), name).toBeUndefined();
    }
    expect(existsSync(filesDir()) ? readdirSync(filesDir()) : []).toStrictEqual([]);
    // above MAX_RAW_IN_ENTRY of text the entry holds no parse data: the per-file entries answer
    const big = join(tmp, 'review-big');
    cpSync(dir, big, { recursive: true });
    writeFileSync(join(big, 'services.yaml'), `${texts['services.yaml']}# ${'x'.repeat(MAX_RAW_IN_ENTRY)}\n`);
    compileStateDirCached(big, data, env);
    const stateEntries = entries().map((n) => JSON.parse(readFileSync(join(data, 'cache', 'compiled', n), 'utf8')) as { sources: [string, string][]; raw?: unknown });
    const entry = stateEntries.find((e) => e.sources.some(([, t]) => t.length > MAX_RAW_IN_ENTRY))!;
    expect(entry.raw).toBeUndefined();
    forgetParsed();
    const bigHit = compileStateDirCached(big, data, env);
    expect(bigHit.cache).toBe('hit');
    expect(bigHit.parsedOf(texts['manifest.yaml']!)).toStrictEqual(asJson(parseFile({ name: 'manifest.yaml', text: texts['manifest.yaml']! }, new DiagnosticSink())!.value));
  });

  it('after an edit only the edited file is parsed and checked: every file of every fixture edited in turn gives what compiling gives', () => {
    rmSync(join(data, 'cache', 'compiled'), { recursive: true, force: true });
    const dir = join(tmp, 'edit');
    let edits = 0;
    for (const src of fixtureDirs()) {
      rmSync(dir, { recursive: true, force: true });
      cpSync(src, dir, { recursive: true });
      if (compileStateDirCached(dir, data, env).cache === 'off') continue; // reading problems are never cached
      const names = readdirSync(dir).filter((n) => n.endsWith('.yaml'));
      for (const n of names) {
        const f = join(dir, n);
        const text = readFileSync(f, 'utf8');
        // a comment no earlier edit wrote (identical files in two fixtures would share an entry)
        writeFileSync(f, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}# edit ${edits}\n`);
        const got = compileStateDirCached(dir, data, env);
        const want = compileStateDir(dir);
        expect([got.cache, got.reused], `${src} ${n}`).toStrictEqual(['miss', names.length - 1]);
        expect({ ...(got.model ? { model: got.model } : {}), diagnostics: got.diagnostics }, `${src} ${n}`).toStrictEqual(asJson({ ...(want.model ? { model: want.model } : {}), diagnostics: want.diagnostics }));
        expect(JSON.stringify(got.model)).toBe(JSON.stringify(want.model));
        writeFileSync(f, text);
        edits++;
      }
    }
    expect(edits).toBeGreaterThan(50);
  });

  it('an edit that breaks a reference from an unchanged file is found, at the unchanged file\'s line and column', () => {
    const dir = join(tmp, 'refs');
    for (const [file, from, to, where] of [
      ['security.yaml', '- name: postgres_password', '- name: pg_password', 'services.yaml'],
      ['security.yaml', '- name: llm_api_key', '- name: llm_key', 'manifest.yaml'],
    ] as const) {
      rmSync(dir, { recursive: true, force: true });
      cpSync(join(root, 'fixtures', 'states', 'spec-example'), dir, { recursive: true });
      expect(compileStateDirCached(dir, data, env).model).toBeDefined();
      const f = join(dir, file);
      const text = readFileSync(f, 'utf8');
      expect(text).toContain(from);
      writeFileSync(f, text.replace(from, to));
      const got = compileStateDirCached(dir, data, env);
      expect([got.cache, got.reused, got.model]).toStrictEqual(['miss', 5, undefined]);
      const broken = got.diagnostics.filter((d) => d.severity === 'error');
      expect(broken.map((d) => d.file), from).toStrictEqual([where]);
      expect(broken[0]!.line).toBeGreaterThan(0);
      expect(got.diagnostics).toStrictEqual(compileStateDir(dir).diagnostics);
    }
  });

  it('a damaged, foreign or stale per-file entry is never used: that file is parsed again', () => {
    const dir = join(tmp, 'damaged');
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(root, 'fixtures', 'states', 'spec-example'), dir, { recursive: true });
    rmSync(join(data, 'cache', 'compiled'), { recursive: true, force: true });
    const want = compileStateDir(dir);
    expect(compileStateDirCached(dir, data, env).cache).toBe('miss');
    const dropStateEntries = () => {
      for (const n of entries()) rmSync(join(data, 'cache', 'compiled', n));
    };
    const perFile = () => readdirSync(filesDir()).map((n) => ({ n, e: JSON.parse(readFileSync(join(filesDir(), n), 'utf8')) as Record<string, unknown> }));
    const services = () => perFile().find((x) => x.e.name === 'services.yaml')!;
    const manifest = () => perFile().find((x) => x.e.name === 'manifest.yaml')!;
    expect(perFile().length).toBe(6);
    const damages: [string, (e: Record<string, unknown>) => string][] = [
      ['cut short', (e) => JSON.stringify(e).slice(0, 100)],
      ['another file\'s entry under its key', () => JSON.stringify(manifest().e)],
      ['another name', (e) => JSON.stringify({ ...e, name: 'manifest.yaml' })],
      ['another format', (e) => JSON.stringify({ ...e, format: 2 })],
      // its key's hash collides (Hash64 only names an entry): the entry of another text
      ['another text under its key', (e) => JSON.stringify({ ...e, text: `${e.text as string}# another\n` })],
      ['no text', (e) => JSON.stringify({ ...e, text: undefined })],
      ['positions of another value', (e) => JSON.stringify({ ...e, positions: (e.positions as number[]).slice(4) })],
      ['a diagnostic of another file', (e) => JSON.stringify({ ...e, diagnostics: [{ ...want.diagnostics[0], file: 'manifest.yaml' }] })],
      ['a value for a file that did not parse', (e) => JSON.stringify({ ...e, sourced: false })],
    ];
    for (const [what, damage] of damages) {
      const { n, e } = services();
      writeFileSync(join(filesDir(), n), damage(e));
      dropStateEntries();
      const r = compileStateDirCached(dir, data, env);
      expect([r.cache, r.reused], what).toStrictEqual(['miss', 5]);
      expect(r.model, what).toStrictEqual(asJson(want.model));
      expect(r.diagnostics, what).toStrictEqual(want.diagnostics);
      // written again whole
      dropStateEntries();
      expect(compileStateDirCached(dir, data, env).reused, what).toBe(6);
    }
    // a missing one: parsed again; a hit's parse data is the state-dir entry's own (it holds
    // every file's, made from the same texts), so plan's parsedOf still gives it
    const { n } = services();
    const text = readFileSync(join(dir, 'services.yaml'), 'utf8');
    rmSync(join(filesDir(), n));
    forgetParsed();
    const hit = compileStateDirCached(dir, data, env);
    expect(hit.cache).toBe('hit');
    expect(hit.parsedOf(text)).toStrictEqual(asJson(parseFile({ name: 'services.yaml', text }, new DiagnosticSink())!.value));
    expect(hit.parsedOf(readFileSync(join(dir, 'manifest.yaml'), 'utf8'))).toBeDefined();
    dropStateEntries();
    expect(compileStateDirCached(dir, data, env).reused).toBe(5);
  });

  it('without a data dir, or with CLAUDE_COMPILE_CACHE=0, nothing is cached and nothing is created', () => {
    const dir = join(root, 'fixtures', 'states', 'minimal');
    const none = join(tmp, 'no-such-data-dir');
    expect(compileStateDirCached(dir, none, env).cache).toBe('off');
    expect(compileStateDirCached(dir, undefined, env).cache).toBe('off');
    expect(existsSync(none)).toBe(false);
    const other = join(tmp, 'data-off');
    mkdirSync(other);
    const r = compileStateDirCached(dir, other, { CLAUDE_COMPILE_CACHE: '0' });
    expect(r.cache).toBe('off');
    expect(r.model).toBeDefined();
    expect(readdirSync(other)).toStrictEqual([]);
  });

  it(`keeps at most ${MAX_ENTRIES} entries`, () => {
    const dir = join(tmp, 'many');
    cpSync(join(root, 'fixtures', 'states', 'minimal'), dir, { recursive: true });
    const f = readdirSync(dir).find((n) => n.endsWith('.yaml'))!;
    const text = readFileSync(join(dir, f), 'utf8');
    const counts: number[] = [];
    for (let i = 0; i < MAX_ENTRIES + 5; i++) {
      writeFileSync(join(dir, f), `${text}# ${i}\n`);
      expect(compileStateDirCached(dir, data, env).cache).toBe('miss');
      counts.push(entries().length);
    }
    // one prune, past MAX_ENTRIES, down to prunedTo(MAX_ENTRIES); never more than MAX_ENTRIES
    expect(Math.max(...counts)).toBe(MAX_ENTRIES);
    const drop = counts.findIndex((c, i) => i > 0 && c < counts[i - 1]!);
    expect(counts[drop - 1]).toBe(MAX_ENTRIES);
    expect(counts[drop]).toBe(prunedTo(MAX_ENTRIES));
    // the newest entry is kept: the last text is a hit
    expect(compileStateDirCached(dir, data, env).cache).toBe('hit');
  });
});
