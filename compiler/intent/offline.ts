/**
 * The offline provider: the built-in rule-based engine (`offline/engine.ts`). It is the
 * default when manifest.yaml names no LLM provider, needs no network and no key, and edits
 * the current state files directly.
 */
import type { IntentContext, IntentProvider, Proposal } from './provider.js';
import { runOfflineEngine } from './offline/engine.js';

/** Diagnostics about a value a request names itself (CLA3059: memory under 6Mi), not about the engine's editing. */
const ASKED_VALUE_CODES = ['CLA3059'];

export class OfflineProvider implements IntentProvider {
  readonly name = 'offline';

  async propose(ctx: IntentContext): Promise<Proposal> {
    // A repair request means a previous proposal failed the compiler: the engine is
    // deterministic, so asking again would give the same files. Say so instead.
    if (ctx.repair) {
      // a value the request itself asked for that the compiler refuses ("only 5mb of memory",
      // under Docker's 6Mi floor): not the engine's bug; the person is told to ask for another
      const asked = ctx.repair.problems.length > 0 && ctx.repair.problems.every((p) => ASKED_VALUE_CODES.some((c) => p.includes(`error ${c}:`)));
      if (asked) {
        return {
          provider: this.name,
          files: {},
          explanation: `That cannot be done as asked:\n${ctx.repair.problems.map((p) => '  ' + p).join('\n')}\nNothing was changed; ask again with a value the hint allows.`,
          refused: { reason: 'the value asked for is refused by the compiler' },
        };
      }
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
