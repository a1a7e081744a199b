/**
 * The OpenAI-compatible provider: `POST {base_url}/chat/completions` with function calling,
 * which llama.cpp's server, Ollama, vLLM and OpenAI all speak. With a local server the
 * request never leaves the machine. ```yaml:FILE blocks in the reply text are accepted as a
 * fallback for models without tool support.
 *
 * Uses `fetch` (Node 20): no client library is needed for one endpoint.
 */
import { assembleContext, fenceUntrusted } from './context.js';
import { ProviderError, type IntentContext, type IntentProvider, type Proposal } from './provider.js';
import { TOOL_DESCRIPTION, TOOL_INPUT_SCHEMA, TOOL_NAME, proposalFromReply } from './reply.js';
import { MAX_REPLY_BYTES, checkOpenAiReply, readReplyText } from './reply-schema.js';

export const DEFAULT_LOCAL_BASE_URL = 'http://127.0.0.1:8080/v1';

export interface OpenAiCompatibleOptions {
  /** e.g. http://127.0.0.1:8080/v1 (llama.cpp), http://127.0.0.1:11434/v1 (Ollama). `/v1` is added when missing. */
  baseURL: string;
  apiKey?: string;
  model?: string;
  maxTokens?: number;
  temperature?: number;
  timeoutMs?: number;
  budget?: number;
  /** Injected for tests that need a transport other than the global fetch. */
  fetch?: typeof fetch;
  /** The most bytes read from a reply (default MAX_REPLY_BYTES). */
  maxReplyBytes?: number;
}

interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools: unknown[];
  tool_choice: 'auto';
  max_tokens: number;
  temperature?: number;
}

export function normaliseBaseURL(url: string): string {
  const u = url.replace(/\/+$/, '');
  return /\/v\d+$/.test(u) ? u : `${u}/v1`;
}

export class OpenAiCompatibleProvider implements IntentProvider {
  readonly name = 'openai-compatible';
  private last?: { body: ChatRequest; message: ChatMessage };

  constructor(private readonly opts: OpenAiCompatibleOptions) {}

  request(ctx: IntentContext): ChatRequest {
    const a = assembleContext({ ...ctx, repair: undefined }, this.opts.budget !== undefined ? { budget: this.opts.budget } : {});
    const body: ChatRequest = {
      model: this.opts.model ?? 'local',
      messages: [
        { role: 'system', content: a.system },
        { role: 'user', content: a.user },
      ],
      tools: [{ type: 'function', function: { name: TOOL_NAME, description: TOOL_DESCRIPTION, parameters: TOOL_INPUT_SCHEMA } }],
      tool_choice: 'auto',
      max_tokens: this.opts.maxTokens ?? 8192,
    };
    if (this.opts.temperature !== undefined) body.temperature = this.opts.temperature;
    return body;
  }

  async propose(ctx: IntentContext): Promise<Proposal> {
    let body: ChatRequest;
    if (ctx.repair && this.last) {
      const call = this.last.message.tool_calls?.find((c) => c.function.name === TOOL_NAME);
      const fix = 'The proposal was rejected. Fix these problems and call propose_changes again with the complete corrected files:\n' + fenceUntrusted('compiler-diagnostics', ctx.repair.problems.join('\n'));
      body = {
        ...this.last.body,
        messages: [...this.last.body.messages, this.last.message, call ? { role: 'tool', tool_call_id: call.id, content: fix } : { role: 'user', content: fix }],
      };
    } else {
      body = this.request(ctx);
    }
    const url = normaliseBaseURL(this.opts.baseURL) + '/chat/completions';
    const doFetch = this.opts.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 300_000),
      });
    } catch (e) {
      throw new ProviderError(`cannot reach the model server at ${url}: ${(e as Error).message}`, 'start the local model server (llama.cpp, Ollama, vLLM) or fix spec.llm.base_url; remove spec.llm to use the offline engine');
    }
    // At most maxReplyBytes are read: a huge reply is refused before anything parses it.
    const raw = await readReplyText(res, this.opts.maxReplyBytes ?? MAX_REPLY_BYTES);
    if (!res.ok) {
      const hint = res.status === 401 || res.status === 403 ? 'check the API key (OPENAI_API_KEY or the llm_api_key secret)' : res.status === 404 ? 'check spec.llm.base_url and spec.llm.model' : 'try again';
      throw new ProviderError(`the model server answered ${res.status}: ${raw.slice(0, 300)}`, hint);
    }
    let json: { choices?: { message?: ChatMessage; finish_reason?: string }[] };
    try {
      json = JSON.parse(raw);
    } catch {
      throw new ProviderError(`the model server answered with something that is not JSON: ${raw.slice(0, 200)}`, 'check that spec.llm.base_url points at an OpenAI-compatible /v1 endpoint');
    }
    // The shape first (tool_calls a list of {function: {name, arguments: string}}, content a string or null).
    checkOpenAiReply(json);
    const choice = json.choices?.[0];
    const message = choice?.message;
    if (!message) throw new ProviderError('the model server answered without a message', 'check that the server speaks the OpenAI chat completions API');
    if (choice?.finish_reason === 'length') throw new ProviderError('the model stopped at max_tokens before finishing its proposal', 'raise spec.llm.max_tokens in manifest.yaml');
    this.last = { body, message: { role: 'assistant', content: message.content ?? null, ...(message.tool_calls ? { tool_calls: message.tool_calls } : {}) } };
    const call = message.tool_calls?.find((c) => c.function.name === TOOL_NAME);
    let input: unknown;
    if (call) {
      try {
        input = JSON.parse(call.function.arguments);
      } catch {
        // Broken arguments: a proposal that needs a repair.
        return { provider: this.name, files: {}, explanation: '', problems: [`the propose_changes arguments are not valid JSON: ${call.function.arguments.slice(0, 200)}`] };
      }
    }
    return proposalFromReply(this.name, input, message.content ?? '');
  }
}
