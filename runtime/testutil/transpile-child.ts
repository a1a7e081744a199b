/**
 * Test helper: makes project modules runnable by a child `node` process (which cannot load
 * `.ts`). Each module and every relative import it reaches is transpiled with TypeScript's
 * `transpileModule` into `<package root>/node_modules/.cache/claude-child-<random>/`, keeping
 * the folder layout, so bare imports (`isomorphic-git`, `canonicalize`) still resolve from
 * the project's `node_modules`. Returns the path of the child script and a cleanup function.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import ts from 'typescript';
import { packageRoot } from '../../common/paths.js';

export interface ChildBuild {
  /** The child script (ESM, `.mjs`); run it with `process.execPath`. */
  script: string;
  /** The build folder; pass it to `cleanup`. */
  dir: string;
  cleanup(): void;
}

/**
 * @param entries project-relative `.ts` paths, e.g. `runtime/audit.ts`
 * @param script  the child's source; it imports the entries as `./<path>.js`
 */
export function transpileForChild(entries: string[], script: string): ChildBuild {
  const root = packageRoot();
  const dir = join(root, 'node_modules', '.cache', `claude-child-${randomBytes(4).toString('hex')}`);
  const done = new Set<string>();
  const queue = entries.map((e) => resolve(root, e));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)) {
      queue.push(resolve(dirname(file), (m[1] as string) + '.ts'));
    }
    const js = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true, verbatimModuleSyntax: false },
    }).outputText;
    const dest = join(dir, relative(root, file).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, js);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const scriptPath = join(dir, 'child.mjs');
  writeFileSync(scriptPath, script);
  return { script: scriptPath, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A child process of a ChildBuild's script, its output collected. */
export interface RunningChild {
  proc: ChildProcess;
  out(): string;
  err(): string;
  /** Its exit code, once its streams are closed (`close`, not `exit`: the last bytes are read). */
  exited: Promise<number | null>;
}

/**
 * Runs `script` with `args` (stdin ignored); the process is added to `children`, for the
 * caller's afterEach to kill. `started(word)` resolves once it printed `word` on stdout.
 */
export function runChild(script: string, args: string[], children: ChildProcess[]): RunningChild & { started(word: string): Promise<void> } {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
  return {
    proc,
    out: () => out,
    err: () => err,
    exited,
    async started(word) {
      const t0 = Date.now();
      while (!out.includes(word)) {
        if (proc.exitCode !== null || Date.now() - t0 > 30_000) throw new Error(`the child did not say '${word}': ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/**
 * The child of a kill test on Docker: applies the signed plan file named in CRASH_ARGS (JSON:
 * plan, dataDir, root, hostId) with the host's trusted keys, and kills itself with SIGKILL at
 * the crash point `p` where `killWhen` (a JavaScript expression of `p`, after `prelude`) is
 * true; prints the apply's status otherwise. `yes`: the apply's --yes.
 */
export function dockerApplyChild(killWhen: string, o: { prelude?: string; yes?: boolean } = {}): ChildBuild {
  const script = `
import { readFileSync } from 'node:fs';
import { applyPlan } from './runtime/apply.js';
import { DockerEngine } from './runtime/drivers/docker.js';
import { loadTrustedKeys } from './plan/keys.js';
const a = JSON.parse(process.env.CRASH_ARGS);
${o.prelude ?? ''}
const engine = new DockerEngine({ root: a.root, dataDir: a.dataDir, hostId: a.hostId });
const r = await applyPlan(readFileSync(a.plan, 'utf8'), {
  engine, dataDir: a.dataDir, trustedKeys: loadTrustedKeys(a.dataDir), hostId: a.hostId, now: () => new Date(), ${o.yes ? 'yes: true,' : ''}
  crashAt: (p) => { if (${killWhen}) process.kill(process.pid, 'SIGKILL'); },
});
process.stdout.write(r.status);
`;
  return transpileForChild(['runtime/apply.ts', 'runtime/drivers/docker.ts', 'plan/keys.ts'], script);
}
