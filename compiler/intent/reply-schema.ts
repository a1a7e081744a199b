/**
 * The provider's reply is untrusted input (issue 14, items 6 and 10). Before any of it is
 * used it is:
 *
 * - read up to `MAX_REPLY_BYTES` and no further (`readReplyText`, and `limitedFetch` for the
 *   Anthropic SDK): a 50 MB reply is refused, not parsed, stored or printed;
 * - checked against a JSON Schema of the API's reply shape (`checkOpenAiReply`,
 *   `checkAnthropicReply`, with ajv): `tool_calls` that is an object or `[null]`, `arguments`
 *   that is an object, `content` that is a number are refused with one line naming the field;
 * - for the `propose_changes` input, checked against the tool's own schema (`checkToolInput`):
 *   a file that is not a string, or more than 1 MiB, goes back to the model as a problem to
 *   repair, like arguments that are not JSON.
 *
 * A refused reply is a ProviderError: the CLI prints its message and hint, never a stack trace.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { formatAjvErrors } from '../../plan/schema.js';
import { REQUEST_FILE_MAX_BYTES } from '../../common/state-read.js';
import { ProviderError } from './provider.js';

/** The most bytes read from a provider's reply (a whole proposal of six files is far less). */
export const MAX_REPLY_BYTES = 2 * 1024 * 1024;

/** The most characters of explanation kept (and printed, and stored in the conversation). */
export const MAX_EXPLANATION_CHARS = 20_000;

export class ReplyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the model's reply is larger than ${limit} bytes; it was not read`);
  }
}

function tooLarge(limit: number): ProviderError {
  return new ProviderError(
    `the model's reply is larger than ${limit} bytes, so it was refused unread`,
    'ask for a smaller change, or lower spec.llm.max_tokens in manifest.yaml; a proposal of the six state files is far smaller',
  );
}

/** A ProviderError for an over-size reply, or null (the SDK may wrap the error in `cause`). */
export function replyTooLarge(e: unknown): ProviderError | null {
  for (let x: unknown = e, i = 0; x && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    if (x instanceof ReplyTooLargeError) return tooLarge(x.limit);
  }
  return null;
}

/** A body stream that errors once more than `limit` bytes have come through. */
function limitStream(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let seen = 0;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > limit) {
        await reader.cancel().catch(() => undefined);
        return controller.error(new ReplyTooLargeError(limit));
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The reply's text, reading at most `limit` bytes; over it, a ProviderError (nothing kept). */
export async function readReplyText(res: Response, limit: number = MAX_REPLY_BYTES): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(limit);
  }
  if (!res.body) return '';
  try {
    return await new Response(limitStream(res.body, limit)).text();
  } catch (e) {
    throw replyTooLarge(e) ?? e;
  }
}

/**
 * A fetch for the Anthropic SDK whose response bodies stop at `limit` bytes (the SDK reads
 * the body itself). An over-size reply makes the SDK's read fail with ReplyTooLargeError.
 */
export function limitedFetch(limit: number = MAX_REPLY_BYTES, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (!res.body) return res;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await res.body.cancel().catch(() => undefined);
      throw new ReplyTooLargeError(limit);
    }
    return new Response(limitStream(res.body, limit), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

// ── the shapes ────────────────────────────────────────────────────────────────────────

/** OpenAI chat completions: what this client reads of a reply (other fields may be anything). */
const OPENAI_REPLY = {
  type: 'object',
  required: ['choices'],
  properties: {
    choices: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['message'],
        properties: {
          finish_reason: { type: ['string', 'null'] },
          message: {
            type: 'object',
            properties: {
              content: { type: ['string', 'null'] },
              tool_calls: {
                type: ['array', 'null'],
                items: {
                  type: 'object',
                  required: ['function'],
                  properties: {
                    id: { type: 'string' },
                    type: { type: 'string' },
                    function: {
                      type: 'object',
                      required: ['name', 'arguments'],
                      properties: { name: { type: 'string' }, arguments: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** Anthropic Messages: the content blocks this client reads (text and tool_use). */
const ANTHROPIC_REPLY = {
  type: 'object',
  required: ['content'],
  properties: {
    stop_reason: { type: ['string', 'null'] },
    content: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string' } },
        allOf: [
          { if: { properties: { type: { const: 'text' } } }, then: { required: ['text'], properties: { text: { type: 'string' } } } },
          {
            if: { properties: { type: { const: 'tool_use' } } },
            then: { required: ['id', 'name', 'input'], properties: { id: { type: 'string' }, name: { type: 'string' }, input: { type: 'object' } } },
          },
        ],
      },
    },
  },
} as const;

/** The propose_changes input as this client uses it (unknown top-level keys are reported elsewhere). */
const TOOL_INPUT = {
  type: 'object',
  properties: {
    files: { type: 'object', maxProperties: 6, additionalProperties: { type: ['string', 'null'] } },
    explanation: { type: 'string' },
    warnings: { type: 'array', items: { type: 'string' } },
  },
} as const;

let compiled: { openai: ValidateFunction; anthropic: ValidateFunction; tool: ValidateFunction } | undefined;

function validators(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv').default as typeof import('ajv').default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  compiled = { openai: ajv.compile(OPENAI_REPLY), anthropic: ajv.compile(ANTHROPIC_REPLY), tool: ajv.compile(TOOL_INPUT) };
  return compiled;
}

function refuse(what: string, v: ValidateFunction, hint: string): ProviderError {
  const problems = formatAjvErrors(v.errors, 3);
  return new ProviderError(`the model's reply is malformed (${what}): ${problems.join('; ')}; nothing of it was used`, hint);
}

/** Throws a ProviderError unless `json` has the shape of a chat completions reply. */
export function checkOpenAiReply(json: unknown): void {
  const v = validators().openai;
  if (!v(json)) throw refuse('not an OpenAI chat completion', v, 'check that spec.llm.base_url points at an OpenAI-compatible /v1 endpoint and that the model supports tool calls; then try again');
}

/** Throws a ProviderError unless `msg` has the shape of a Messages API reply. */
export function checkAnthropicReply(msg: unknown): void {
  const v = validators().anthropic;
  if (!v(msg)) throw refuse('not an Anthropic message', v, 'check spec.llm.base_url (it should reach the Anthropic Messages API), then try again');
}

/**
 * Problems with a propose_changes input ([] when usable): its shape, and files over the
 * 1 MiB size of a state file. Sent back to the model for a repair.
 */
export function checkToolInput(input: unknown): string[] {
  const v = validators().tool;
  if (!v(input)) return formatAjvErrors(v.errors, 5).map((p) => `the propose_changes input does not match its schema: ${p}`);
  const files = (input as { files?: Record<string, unknown> }).files ?? {};
  const out: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    if (typeof text !== 'string') continue;
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > REQUEST_FILE_MAX_BYTES) out.push(`files.${name} is ${bytes} bytes, over the limit of ${REQUEST_FILE_MAX_BYTES} bytes for a state file: propose a smaller file`);
  }
  return out;
}
