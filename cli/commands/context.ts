/**
 * `claude context --show "<msg>" [--json] [--state-dir DIR]`: the egress preview. Prints
 * exactly what the configured LLM provider would be sent for this request (system message
 * and user message, or with --json the whole request body), without sending anything.
 * With the offline engine nothing leaves the machine; it shows what a provider would get.
 */
import { parse } from '../args.js';
import { EXIT, UsageError, println, type Command } from '../context.js';
import { assembleContext } from '../../compiler/intent/context.js';
import { AnthropicProvider } from '../../compiler/intent/anthropic.js';
import { OpenAiCompatibleProvider } from '../../compiler/intent/openai-compatible.js';
import { ProviderError } from '../../compiler/intent/provider.js';
import { buildIntentContext, openIntentSession } from '../../agent/intent.js';

const usage = `usage: claude context --show "<message>" [--json] [--state-dir DIR]

Prints exactly what would be sent to the LLM provider for this message: the system
prompt, the schemas, the state summary, the state files (secret values removed), the
conversation window and the message. Nothing is sent.

  --show MESSAGE   the request to preview
  --json           print the request body the provider's client would send (no API key)
  --state-dir DIR  the state dir (default: $CLAUDE_STATE_DIR or /etc/claude.d)`;

const command: Command = {
  summary: 'egress preview: print exactly what an LLM provider would be sent for a message',
  usage,
  async run(ctx) {
    const { values, positionals } = parse(ctx.argv, { show: { type: 'string' }, json: { type: 'boolean' }, 'state-dir': { type: 'string' } });
    const message = (values.show ?? positionals.join(' ')).trim();
    if (!message) throw new UsageError('give the message to preview: claude context --show "<message>"');
    let s;
    let note: string | undefined;
    try {
      s = await openIntentSession(ctx, values['state-dir']);
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      // No key yet: the preview is still useful (it is what you check before adding one).
      try {
        s = await openIntentSession({ ...ctx, env: { ...ctx.env, ANTHROPIC_API_KEY: 'not-sent', OPENAI_API_KEY: 'not-sent' } }, values['state-dir']);
        note = `${e.message}; nothing could be sent yet (${e.hint})`;
      } catch {
        println(ctx.stderr, `claude context: ${e.message}\n  hint: ${e.hint}`);
        return EXIT.FAILURE;
      }
    }
    try {
      const ictx = await buildIntentContext(s, message, []);
      const p = s.provider;
      if (values.json) {
        const body = p instanceof AnthropicProvider || p instanceof OpenAiCompatibleProvider ? p.request(ictx) : new AnthropicProvider({ apiKey: 'unused' }).request(ictx);
        println(ctx.stdout, JSON.stringify(body, null, 2));
        return EXIT.OK;
      }
      const a = assembleContext(ictx);
      const who = s.kind === 'offline' ? 'offline engine: nothing is sent anywhere; an LLM provider would receive this' : `${s.kind}${s.llm?.model ? ` (model ${s.llm.model})` : ''}${s.llm?.base_url ? ` at ${s.llm.base_url}` : ''}`;
      println(ctx.stdout, `── egress preview: ${who}`);
      if (note) println(ctx.stdout, `── note: ${note}`);
      println(ctx.stdout, `── about ${a.tokens} tokens of a ${a.budget}-token budget; sections: ${a.sections.map((x) => `${x.id} ${x.tokens}`).join(', ')}`);
      if (a.trimmed.length) println(ctx.stdout, `── left out to fit: ${a.trimmed.join(', ')}`);
      println(ctx.stdout, '════════ system message ════════');
      println(ctx.stdout, a.system);
      println(ctx.stdout, '════════ user message ════════');
      println(ctx.stdout, a.user);
      println(ctx.stdout, '════════ end ════════');
      return EXIT.OK;
    } finally {
      await s.close();
    }
  },
};

export default command;
