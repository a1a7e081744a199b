/**
 * Architecture rules that the compiler of TypeScript cannot enforce:
 *  1. runtime/ never imports compiler/ (statically, dynamically or by require), so the
 *     runtime can ship without the compiler (DESIGN.md, "Layout"); nor cli/, which wires
 *     the compiler in. This holds for the runtime's tests too; tests that drive both halves
 *     or the CLI end to end live in test/ or cli/.
 *  2. Only cli/main.ts touches process.argv, process.exit and process.stdout; all other
 *     product code (the folders that ship: cli, common, compiler, runtime, plan,
 *     generated, stdlib-templates) gets its arguments and streams injected. Tests and the
 *     dev tools in bench/, scripts/, fixtures/ and test/ are entry points of their own.
 * Files are read with the TypeScript parser, so comments and strings never count.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../common/paths.js';

const root = packageRoot();
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
  it('runtime/ never imports compiler/ or cli/ (which imports the compiler)', () => {
    const forbidden = ['compiler', 'cli'].map((d) => join(root, d));
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

  it('the import scan sees every form of import', () => {
    const sf = ts.createSourceFile('x.ts', `import a from '../compiler/a.js';\nexport * from "../compiler/b.js";\nconst c = await import('../compiler/c.js');\nconst d = require('../compiler/d.js');\nimport e = require('../compiler/e.js');\n// import z from '../compiler/z.js'\nconst s = "import y from '../compiler/y.js'";`, ts.ScriptTarget.ES2022, true);
    expect(moduleSpecifiers(sf)).toEqual(['../compiler/a.js', '../compiler/b.js', '../compiler/c.js', '../compiler/d.js', '../compiler/e.js']);
  });

  it('only cli/main.ts uses process.argv, process.exit and process.stdout', () => {
    const exempt = (rel: string) => rel === join('cli', 'main.ts') || /\.test\.ts$/.test(rel);
    const product = ['agent', 'cli', 'common', 'compiler', 'runtime', 'plan', 'generated', 'stdlib-templates'].filter((d) => existsSync(join(root, d)));
    const uses: string[] = [];
    for (const f of product.flatMap((d) => tsFiles(join(root, d)))) {
      const rel = relative(root, f);
      if (exempt(rel)) continue;
      uses.push(...processUses(source(f)));
    }
    expect(uses).toEqual([]);
    expect(processUses(source(join(root, 'cli', 'main.ts'))).length).toBeGreaterThan(0);
  });
});
