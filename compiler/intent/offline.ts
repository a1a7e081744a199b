/**
 * The offline provider: the built-in rule-based engine (`offline/engine.ts`). It is the
 * default when manifest.yaml names no LLM provider, needs no network and no key, and edits
 * the current state files directly.
 */
import type { IntentContext, IntentProvider, Proposal } from './provider.js';
import { runOfflineEngine } from './offline/engine.js';

export class OfflineProvider implements IntentProvider {
  readonly name = 'offline';

  async propose(ctx: IntentContext): Promise<Proposal> {
    // A repair request means a previous proposal failed the compiler: the engine is
    // deterministic, so asking again would give the same files. Say so instead.
    if (ctx.repair) {
      return {
        provider: this.name,
        files: {},
        explanation: `The offline engine's proposal did not pass the compiler:\n${ctx.repair.problems.map((p) => '  ' + p).join('\n')}\nThis is a bug in the offline engine or a problem in the current state files; fix the files (\`claude validate\`) or rephrase the request.`,
        refused: { reason: 'the proposal did not compile' },
      };
    }
    return runOfflineEngine({
      message: ctx.message,
      files: ctx.files,
      history: ctx.history,
      ...(ctx.summary ? { summary: ctx.summary } : {}),
      secretNames: ctx.secretNames,
      imageCatalog: ctx.imageCatalog,
      now: ctx.now,
    });
  }
}
