/**
 * agent/flow.ts planFiles lets the compiled model go before it signs (docs/plans.md, "Collected
 * where the plan lets go"): by the time `letGo` is called nothing of planFiles' holds it, so once
 * the caller drops its own reference a collection frees it, before the signing buffer is made.
 * An empty observation is handed in (with the image present), so no Docker Engine is asked.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/paths.js';
import { collectIfLarge } from '../common/collect.js';
import { tempDirs } from '../runtime/testutil/tempdirs.js';
import { emptyObserved } from '../compiler/__fixtures__/models.js';
import { compileFiles, type CompileResult } from '../compiler/compile.js';
import { openFlowHost, planFiles, readStateDirFiles } from './flow.js';

const tmp = tempDirs('claude-let-go-');
afterAll(() => tmp.cleanup());

describe('planFiles lets the model go before signing', () => {
  it('the model is collected when the caller lets go of the compile result (letGo), and the plan is signed after it', async () => {
    const dir = tmp.make();
    const paths = { stateDir: join(dir, 'state'), dataDir: join(dir, 'data'), root: join(dir, 'root') };
    cpSync(join(packageRoot(), 'fixtures/states/minimal'), paths.stateDir, { recursive: true });
    mkdirSync(paths.dataDir);
    const host = await openFlowHost(paths);
    let compiled: CompileResult | undefined = compileFiles(readStateDirFiles(paths.stateDir));
    expect(compiled.model).toBeDefined();
    const model = new WeakRef(compiled.model!);
    const image = compiled.model!.services[0]!.resolvedImage;
    let collected: boolean | undefined;
    const r = await planFiles(host, compiled, {
      request: 'let go',
      engine: 'user',
      base: null,
      now: new Date(),
      env: {},
      observed: emptyObserved({ hostId: host.hostId, images: [image] }),
      letGo: () => {
        compiled = undefined;
        collectIfLarge('test', 0);
        collected = model.deref() === undefined;
      },
    });
    expect(r.ok).toBe(true);
    expect(collected).toBe(true);
    if (r.ok) expect(r.planned.payload.steps.some((s) => s.op === 'container.create')).toBe(true);
  });
});
