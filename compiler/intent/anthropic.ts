/**
 * The Anthropic provider: the Messages API through the official @anthropic-ai/sdk, with the
 * `propose_changes` tool. Model, max_tokens and temperature come from manifest.yaml
 * `spec.llm`; the key from ANTHROPIC_API_KEY or the decrypted `llm_api_key` secret (the
 * caller decrypts and passes it in). `baseURL` points the same client at a recorded-reply
 * server in tests (replay.ts).
 *
 * A repair continues the same conversation: the previous reply, then a tool_result marked
 * is_error that carries the compiler's diagnostics (fenced as data).
 */
import Anthropic from '@anthropic-ai/sdk';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { assembleContext, fenceUntrusted } from './context.js';
import { ProviderError, type IntentContext, type IntentProvider, type Proposal } from './provider.js';
import { TOOL_DESCRIPTION, TOOL_INPUT_SCHEMA, TOOL_NAME, proposalFromReply } from './reply.js';
import { MAX_REPLY_BYTES, checkAnthropicReply, limitedFetch, replyTooLarge } from './reply-schema.js';

/**
 * The default model: from the SDK's own model list (`Anthropic.Messages.Model`) and never
 * one of its `DEPRECATED_MODELS` (anthropic.test.ts reads both from the installed SDK and
 * fails when this stops being true, e.g. after an SDK upgrade).
 */
export const DEFAULT_ANTHROPIC_MODEL: Anthropic.Messages.Model = 'claude-sonnet-5-5';

const require = createRequire(import.meta.url);

/** The SDK's list of deprecated models, model → end-of-life date (not an exported path, so read from its file). */
export function deprecatedModels(): Readonly<Record<string, string>> {
  try {
    const root = dirname(require.resolve('@anthropic-ai/sdk'));
    return (require(join(root, 'internal', 'data', 'deprecated-models.js')) as { DEPRECATED_MODELS: Record<string, string> }).DEPRECATED_MODELS;
  } catch {
    return {};
  }
}

/** One clear line when the configured model is deprecated, naming the model to move to. */
export function modelDeprecation(model: string): string | undefined {
  const eol = deprecatedModels()[model];
  if (!eol) return undefined;
  return `The model ${model} (manifest.yaml spec.llm.model) is deprecated and reaches its end of life on ${eol}: set spec.llm.model to ${DEFAULT_ANTHROPIC_MODEL}.`;
}
export const DEFAULT_MAX_TOKENS = 8192;

export interface AnthropicOptions {
  apiKey: string;
  model?: string;
  maxTokens?: number;
  temperature?: number;
  baseURL?: string;
  /** Request timeout (default 120 s). */
  timeoutMs?: number;
  /** SDK retries on 429/5xx/connection errors (default 2). */
  maxRetries?: number;
  /** Context budget in tokens (default from context.ts). */
  budget?: number;
  /** The most bytes read from a reply (default MAX_REPLY_BYTES). */
  maxReplyBytes?: number;
}

type Params = Anthropic.MessageCreateParamsNonStreaming;

export class AnthropicProvider implements IntentProvider {
  readonly name = 'anthropic';
  private readonly client: Anthropic;
  /** The last request and reply, for a repair turn. */
  private last?: { params: Params; reply: Anthropic.Message };

  constructor(private readonly opts: AnthropicOptions) {
    this.client = new Anthropic({
      apiKey: opts.apiKey,
      ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
      timeout: opts.timeoutMs ?? 120_000,
      maxRetries: opts.maxRetries ?? 2,
      // Reply bodies stop at maxReplyBytes: a huge reply is refused before the SDK parses it.
      fetch: limitedFetch(opts.maxReplyBytes ?? MAX_REPLY_BYTES),
    });
  }

  /** The request body this provider would send for `ctx` (the egress preview uses it). */
  request(ctx: IntentContext): Params {
    const assembled = assembleContext({ ...ctx, repair: undefined }, this.opts.budget !== undefined ? { budget: this.opts.budget } : {});
    const params: Params = {
      model: this.opts.model ?? DEFAULT_ANTHROPIC_MODEL,
      max_tokens: this.opts.maxTokens ?? DEFAULT_MAX_TOKENS,
      system: assembled.system,
      messages: [{ role: 'user', content: assembled.user }],
      tools: [{ name: TOOL_NAME, description: TOOL_DESCRIPTION, input_schema: TOOL_INPUT_SCHEMA as unknown as Anthropic.Tool.InputSchema }],
      tool_choice: { type: 'auto' },
    };
    // Not in this SDK's types (newer models fix sampling themselves); sent as a body field
    // only when manifest.yaml sets spec.llm.temperature.
    if (this.opts.temperature !== undefined) (params as Params & { temperature?: number }).temperature = this.opts.temperature;
    return params;
  }

  async propose(ctx: IntentContext): Promise<Proposal> {
    let params: Params;
    if (ctx.repair && this.last) {
      const prev = this.last.reply;
      const tool = prev.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === TOOL_NAME);
      const problems = fenceUntrusted('compiler-diagnostics', ctx.repair.problems.join('\n'));
      const fix = 'The proposal was rejected. Fix these problems and call propose_changes again with the complete corrected files:\n' + problems;
      params = {
        ...this.last.params,
        messages: [
          ...this.last.params.messages,
          { role: 'assistant', content: prev.content as Anthropic.ContentBlockParam[] },
          tool ? { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool.id, is_error: true, content: fix }] } : { role: 'user', content: fix },
        ],
      };
    } else {
      params = this.request(ctx);
    }
    let reply: Anthropic.Message;
    try {
      reply = await this.client.messages.create(params);
    } catch (e) {
      throw replyTooLarge(e) ?? toProviderError(e);
    }
    // The shape first (content a list of blocks; text blocks with text, tool_use with an object input).
    checkAnthropicReply(reply);
    this.last = { params, reply };
    if (reply.stop_reason === 'max_tokens') {
      throw new ProviderError('the model stopped at max_tokens before finishing its proposal', 'raise spec.llm.max_tokens in manifest.yaml, or ask for a smaller change');
    }
    const tool = reply.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === TOOL_NAME);
    const text = reply.content
      .filter((b): b is Anthropic.TextBlock => b.type === 'text')
      .map((b) => b.text)
      .join('\n');
    const proposal = proposalFromReply(this.name, tool?.input, text);
    const deprecated = modelDeprecation(params.model);
    if (deprecated && !ctx.repair) proposal.warnings = [deprecated, ...(proposal.warnings ?? [])];
    return proposal;
  }
}

function toProviderError(e: unknown): ProviderError {
  if (e instanceof Anthropic.AuthenticationError) return new ProviderError('the Anthropic API refused the key (401)', 'check ANTHROPIC_API_KEY or the llm_api_key secret (`claude secret set llm_api_key`)');
  if (e instanceof Anthropic.PermissionDeniedError) return new ProviderError('the Anthropic API denied access (403)', 'check that the key may use this model (spec.llm.model)');
  if (e instanceof Anthropic.NotFoundError) return new ProviderError(`the Anthropic API does not know the model or endpoint (404): ${(e as Error).message}`, 'check spec.llm.model and spec.llm.base_url in manifest.yaml');
  if (e instanceof Anthropic.RateLimitError) return new ProviderError('the Anthropic API is rate limiting this key (429)', 'wait a minute and try again');
  if (e instanceof Anthropic.APIConnectionTimeoutError) return new ProviderError('the Anthropic API did not answer in time', 'check the network, or try again');
  if (e instanceof Anthropic.APIConnectionError) return new ProviderError(`cannot reach the Anthropic API: ${(e as Error).message}`, 'check the network (and spec.llm.base_url); without a network, remove spec.llm to use the offline engine');
  if (e instanceof Anthropic.APIError) return new ProviderError(`the Anthropic API failed: ${(e as Error).message}`, 'try again; if it persists, use the offline engine (remove spec.llm)');
  return new ProviderError(`the Anthropic provider failed: ${(e as Error)?.message ?? String(e)}`, 'try again');
}
