/**
 * Architecture rules that the compiler of TypeScript cannot enforce (docs/architecture.md):
 *  1. Each product folder imports only the folders LAYERS allows (statically, dynamically or
 *     by require). Among them: runtime/ never imports compiler/, cli/, server/ or agent/, so
 *     the runtime ships without the compiler (DESIGN.md, "Layout"); compiler/ never imports
 *     runtime/, cli/, server/ or agent/; agent/ never imports cli/ or server/; cli/ and
 *     server/ never import each other. The runtime's rule holds for its tests too; tests
 *     that drive several layers end to end live in test/, cli/, server/ or agent/.
 *  2. No product or dev-tool code imports fixtures/ (only tests and test helpers do).
 *  3. No cycles between folders.
 *  4. Only agent/ plans and applies: the planner (compiler/planner.ts), the host's engine
 *     (runtime/host-engine.ts) and the runtime's apply/recover (runtime/apply.ts, except
 *     its types) are imported by agent/ alone among the layers above the compiler and the
 *     runtime, so the CLI, the API and the daemons run one planning and apply path.
 *  5. Only the entries, cli/main.ts (and its CLI-socket worker, cli/remote.ts) and server/main.ts, touch process.argv, process.exit
 *     and process.stdout; all other product code gets its arguments and streams injected.
 *     Tests and the dev tools in bench/, scripts/, fixtures/ and test/ are entries of their own.
 *  6. The readiness wait is one loop for both engines (runtime/health.ts `readinessLoop`): no
 *     other product file waits for a probe, backs off between probes or reads the health
 *     command itself (the loop gives each engine the wait's shape).
 *  7. Approve-then-apply is one function in cli/ (cli/approve.ts): no command gives
 *     planAndApply its own approve, apply or onReplan, and no other cli/ file applies a plan
 *     as approved (a call given `yes: true`, whatever its name: cli/approve.ts `applyApproved`).
 *  8. cron-parser is loaded in one place, common/cron.ts, which both the compiler's schedule
 *     reader and the runtime's job scheduler import (type imports aside).
 *  9. Strings are ordered by code point (common/order.ts, STYLE rule 7): no product file calls
 *     `localeCompare` or makes an `Intl.Collator`, whose order follows the locale (LANG).
 * Files are read with the TypeScript parser, so comments and strings never count.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';

const root = packageRoot();

/** What each product folder may import (besides itself and node/npm packages). */
export const LAYERS: Record<string, readonly string[]> = {
  common: [],
  generated: ['common'],
  plan: ['common', 'generated'],
  'stdlib-templates': ['common', 'generated'],
  compiler: ['common', 'generated', 'plan', 'stdlib-templates'],
  runtime: ['common', 'generated', 'plan'],
  agent: ['common', 'generated', 'plan', 'stdlib-templates', 'compiler', 'runtime'],
  cli: ['common', 'generated', 'plan', 'stdlib-templates', 'compiler', 'runtime', 'agent'],
  server: ['common', 'generated', 'plan', 'stdlib-templates', 'compiler', 'runtime', 'agent'],
};
/** Dev tools: entries of their own, which may use any product folder but never fixtures/. */
const DEV_TOOLS = ['bench', 'scripts'];

const isTestFile = (rel: string) => /\.test\.ts$/.test(rel) || rel.split(sep).includes('testutil') || rel.split(sep).includes('__fixtures__');

/** The top-level folder a relative specifier in `file` points into, or null (a package, or outside the repo). */
function targetFolder(file: string, spec: string): { folder: string; path: string } | null {
  if (!spec.startsWith('.')) return null;
  const rel = relative(root, resolve(dirname(file), spec));
  if (rel.startsWith('..')) return null;
  return { folder: rel.split(sep)[0]!, path: rel };
}

/** Folder → folders it imports (product code only, tests and test helpers left out), with one example each. */
function folderGraph(folders: readonly string[]): Map<string, Map<string, string>> {
  const g = new Map<string, Map<string, string>>();
  for (const d of folders) {
    const edges = new Map<string, string>();
    g.set(d, edges);
    if (!existsSync(join(root, d))) continue;
    for (const f of tsFiles(join(root, d))) {
      const rel = relative(root, f);
      if (isTestFile(rel)) continue;
      for (const spec of moduleSpecifiers(source(f))) {
        const t = targetFolder(f, spec);
        if (t && t.folder !== d && !edges.has(t.folder)) edges.set(t.folder, `${rel} imports ${spec}`);
      }
    }
  }
  return g;
}

/** A cycle in a folder graph, as a path a → b → … → a, or null. */
export function findCycle(g: ReadonlyMap<string, Iterable<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of g.get(n) ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of g.keys()) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'build']);

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...tsFiles(p));
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

function source(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** The product's source files (tests and test helpers aside), parsed, with their paths from the root. */
function productSources(): { rel: string; sf: ts.SourceFile }[] {
  const product = Object.keys(LAYERS).filter((d) => existsSync(join(root, d)));
  return product
    .flatMap((d) => tsFiles(join(root, d)))
    .map((f) => relative(root, f))
    .filter((rel) => !isTestFile(rel))
    .map((rel) => ({ rel, sf: source(join(root, rel)) }));
}

/** Every module specifier: import/export … from 'x', import('x'), require('x'), import x = require('x'). */
export function moduleSpecifiers(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    if (ts.isCallExpression(n) && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0])) {
      if (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require')) out.push(n.arguments[0].text);
    }
    if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) out.push(n.moduleReference.expression.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** `process.argv` / `process.exit` / `process.stdout` property accesses, as `file:line`. */
function processUses(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'process' && ['argv', 'exit', 'stdout'].includes(n.name.text)) {
      out.push(`${relative(root, sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1} process.${n.name.text}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('architecture', () => {
  it('each product folder imports only the folders its layer allows (docs/architecture.md)', () => {
    const g = folderGraph(Object.keys(LAYERS));
    expect([...g.keys()].filter((d) => existsSync(join(root, d)))).toEqual(Object.keys(LAYERS));
    const offenders: string[] = [];
    for (const [d, edges] of g) for (const [to, example] of edges) if (!LAYERS[d]!.includes(to)) offenders.push(`${d}/ may not import ${to}/: ${example}`);
    expect(offenders).toEqual([]);
  });

  it('the layers: runtime/ and compiler/ never import each other, the agent, the CLI or the server; agent/ never imports the interfaces; cli/ and server/ never import each other', () => {
    const never: [string, string[]][] = [
      ['runtime', ['compiler', 'cli', 'server', 'agent']],
      ['compiler', ['runtime', 'cli', 'server', 'agent']],
      ['agent', ['cli', 'server']],
      ['cli', ['server']],
      ['server', ['cli']],
    ];
    for (const [d, forbidden] of never) for (const f of forbidden) expect(LAYERS[d], `${d} → ${f}`).not.toContain(f);
  });

  it('runtime/ never imports compiler/, cli/, server/ or agent/, in its tests either', () => {
    const forbidden = ['compiler', 'cli', 'server', 'agent'].map((d) => join(root, d));
    const files = tsFiles(join(root, 'runtime'));
    expect(files.length).toBeGreaterThan(0);
    const offenders: string[] = [];
    for (const f of files) {
      for (const spec of moduleSpecifiers(source(f))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(f), spec);
        if (forbidden.some((d) => (target + sep).startsWith(d + sep) || target === d)) offenders.push(`${relative(root, f)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('no product or dev-tool code imports fixtures/ (only tests and test helpers do)', () => {
    const offenders: string[] = [];
    for (const d of [...Object.keys(LAYERS), ...DEV_TOOLS, 'fixtures']) {
      if (!existsSync(join(root, d))) continue;
      for (const f of tsFiles(join(root, d))) {
        const rel = relative(root, f);
        if (isTestFile(rel) || d === 'fixtures') continue;
        for (const spec of moduleSpecifiers(source(f))) if (targetFolder(f, spec)?.folder === 'fixtures') offenders.push(`${rel} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('there are no cycles between folders', () => {
    const g = folderGraph([...Object.keys(LAYERS), ...DEV_TOOLS]);
    const graph = new Map([...g].map(([d, e]) => [d, [...e.keys()]]));
    expect(findCycle(graph)).toBeNull();
    expect(findCycle(new Map(Object.entries(LAYERS)))).toBeNull();
  });

  it('the cycle check finds a cycle', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', []], ['c', ['a', 'b']]]))).toBeNull();
  });

  it('only agent/ plans and applies: the planner, the host engine and the runtime apply/recover are imported by agent/ alone above the compiler and the runtime', () => {
    const owned = ['compiler/planner.ts', 'runtime/host-engine.ts', 'runtime/apply.ts'].map((p) => join(root, p));
    const offenders: string[] = [];
    for (const d of ['cli', 'server', ...DEV_TOOLS.filter((x) => x !== 'bench')]) {
      if (!existsSync(join(root, d))) continue;
      for (const f of tsFiles(join(root, d))) {
        const rel = relative(root, f);
        if (isTestFile(rel)) continue;
        const sf = source(f);
        for (const st of sf.statements) {
          const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : null;
          if (!spec || !spec.startsWith('.')) continue;
          const typeOnly = ts.isImportDeclaration(st)
            ? st.importClause?.isTypeOnly === true || Boolean(st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings) && !st.importClause.name && st.importClause.namedBindings.elements.every((e) => e.isTypeOnly))
            : (st as ts.ExportDeclaration).isTypeOnly;
          if (typeOnly) continue;
          if (owned.includes(resolve(dirname(f), spec).replace(/\.js$/, '.ts'))) offenders.push(`${rel} imports ${spec}`);
        }
        for (const spec of moduleSpecifiers(sf).filter((x) => x.startsWith('.'))) {
          // dynamic imports and requires are never type-only
          if (sf.statements.some((st) => (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) && st.moduleSpecifier.text === spec)) continue;
          if (owned.includes(resolve(dirname(f), spec).replace(/\.js$/, '.ts'))) offenders.push(`${rel} imports ${spec} dynamically`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the import scan sees every form of import', () => {
    const sf = ts.createSourceFile('x.ts', `import a from '../compiler/a.js';\nexport * from "../compiler/b.js";\nconst c = await import('../compiler/c.js');\nconst d = require('../compiler/d.js');\nimport e = require('../compiler/e.js');\n// import z from '../compiler/z.js'\nconst s = "import y from '../compiler/y.js'";`, ts.ScriptTarget.ES2022, true);
    expect(moduleSpecifiers(sf)).toEqual(['../compiler/a.js', '../compiler/b.js', '../compiler/c.js', '../compiler/d.js', '../compiler/e.js']);
  });

  it('only the entries (cli/main.ts, server/main.ts) use process.argv, process.exit and process.stdout', () => {
    const entries = [join('cli', 'main.ts'), join('cli', 'remote.ts'), join('server', 'main.ts')];
    const exempt = (rel: string) => entries.includes(rel) || isTestFile(rel); // tests and their testutil are entries of their own (a signal handler that sweeps and exits)
    const product = Object.keys(LAYERS).filter((d) => existsSync(join(root, d)));
    const uses: string[] = [];
    for (const f of product.flatMap((d) => tsFiles(join(root, d)))) {
      const rel = relative(root, f);
      if (exempt(rel)) continue;
      uses.push(...processUses(source(f)));
    }
    expect(uses).toEqual([]);
    for (const e of entries) expect(processUses(source(join(root, e))).length).toBeGreaterThan(0);
  });

  it('the readiness wait is one loop: only runtime/health.ts waits for probes, backs off between them and reads the health command', () => {
    // healthArgv: the loop works out the wait's shape (argv, probe timeout, TCP ports, no signal) and gives it to each engine's set-up
    const loopParts = new Set(['waitProbe', 'PROBE_BACKOFF', 'PROBE_MAX_INTERVAL_MS', 'healthArgv']);
    const users: string[] = [];
    for (const f of tsFiles(join(root, 'runtime'))) {
      const rel = relative(root, f);
      if (isTestFile(rel)) continue;
      let uses = false;
      const visit = (n: ts.Node): void => {
        if (ts.isIdentifier(n) && loopParts.has(n.text)) uses = true;
        ts.forEachChild(n, visit);
      };
      visit(source(f));
      if (uses) users.push(rel);
    }
    expect(users).toEqual([join('runtime', 'health.ts')]);
  });

  it('approve, then apply is one function in cli/: planAndApply gets its approve and apply from cli/approve.ts, and no other file applies a plan as approved', () => {
    const own: string[] = [];
    const callers: string[] = [];
    for (const f of tsFiles(join(root, 'cli'))) {
      const rel = relative(root, f);
      if (isTestFile(rel)) continue;
      const visit = (n: ts.Node): void => {
        // An apply of a plan the person approved: only cli/approve.ts makes it. Any call given
        // `yes: true` counts, whatever the function is named or imported as (ask.ts applied
        // through `applyPlanned as applyOnHost`, which a rule on the name did not see).
        if (ts.isCallExpression(n) && rel !== join('cli', 'approve.ts')) {
          for (const a of n.arguments) {
            if (!ts.isObjectLiteralExpression(a)) continue;
            for (const p of a.properties) {
              if (ts.isPropertyAssignment(p) && p.name.getText() === 'yes' && p.initializer.kind === ts.SyntaxKind.TrueKeyword) own.push(`${rel}: ${n.expression.getText()} with yes: true`);
            }
          }
        }
        if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'planAndApply') {
          callers.push(rel);
          const arg = n.arguments[0];
          if (arg && ts.isObjectLiteralExpression(arg)) {
            for (const p of arg.properties) {
              const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
              if (name === 'approve' || name === 'apply' || name === 'onReplan') own.push(`${rel}: ${name}`);
            }
          } else own.push(`${rel}: not an object literal`);
        }
        ts.forEachChild(n, visit);
      };
      visit(source(f));
    }
    expect(callers.length).toBeGreaterThan(0);
    expect(own).toEqual([]);
  });

  it('cron-parser is loaded in one place, common/cron.ts, shared by the compiler and the runtime', () => {
    const loaders: string[] = [];
    for (const { rel, sf } of productSources()) {
      const visit = (n: ts.Node): void => {
        if (ts.isStringLiteral(n) && n.text === 'cron-parser') {
          const p = n.parent;
          const loads = ts.isCallExpression(p) || (ts.isImportDeclaration(p) && !p.importClause?.isTypeOnly) || ts.isExportDeclaration(p);
          if (loads) loaders.push(rel);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(loaders).toEqual([join('common', 'cron.ts')]);
  });

  it('strings are ordered by code point: no product file calls localeCompare or makes an Intl.Collator', () => {
    const found: string[] = [];
    for (const { rel, sf } of productSources()) {
      const visit = (n: ts.Node): void => {
        const at = () => `${rel}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
        if (ts.isPropertyAccessExpression(n) && n.name.text === 'localeCompare') found.push(`${at()} localeCompare`);
        if (ts.isPropertyAccessExpression(n) && n.name.text === 'Collator' && ts.isIdentifier(n.expression) && n.expression.text === 'Intl') found.push(`${at()} Intl.Collator`);
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(found).toEqual([]);
  });
});
