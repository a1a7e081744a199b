/**
 * Issue 14, items 6 and 10: hostile and malformed provider replies, through the real
 * clients (the Anthropic SDK and our OpenAI-compatible fetch client) talking HTTP to a
 * local replay server. A malformed reply is refused with one line naming the field; a huge
 * reply is refused unread; a bad tool input or an over-size file goes back for a repair;
 * the vetting applies the compiler's parse limits before it parses anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AnthropicProvider } from './anthropic.js';
import { OpenAiCompatibleProvider } from './openai-compatible.js';
import { startReplayServer, type RecordedReply, type ReplayServer } from './replay.js';
import { ProviderError, type IntentContext, type IntentProvider } from './provider.js';
import { proposeValidated } from './validate-proposal.js';
import { MAX_EXPLANATION_CHARS, MAX_REPLY_BYTES } from './reply-schema.js';

const GOOD_SERVICES = 'apiVersion: claude.os/v1\nkind: ServiceManifest\nmetadata:\n  name: services\nspec:\n  services:\n    - name: nginx\n      image: nginx:alpine\n      ports:\n        - host: 8080\n          container: 80\n';

function context(): IntentContext {
  return { message: 'add nginx on port 8080', files: {}, history: [], secretNames: [], imageCatalog: {}, now: new Date('2026-05-01T10:00:00Z') };
}

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function openai(replies: RecordedReply[]): Promise<IntentProvider> {
  server = await startReplayServer(replies);
  return new OpenAiCompatibleProvider({ baseURL: `${server.origin}/v1`, model: 'local' });
}

async function anthropic(replies: RecordedReply[]): Promise<IntentProvider> {
  server = await startReplayServer(replies);
  return new AnthropicProvider({ apiKey: 'test-key', baseURL: server.origin, maxRetries: 0 });
}

const oaMessage = (message: unknown) => ({ body: { id: 'c1', object: 'chat.completion', choices: [{ index: 0, message, finish_reason: 'tool_calls' }] } });
const oaCall = (args: unknown) => oaMessage({ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'propose_changes', arguments: typeof args === 'string' ? args : JSON.stringify(args) } }] });
const anMessage = (content: unknown) => ({ body: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content, stop_reason: 'tool_use', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } } });
const anCall = (input: unknown) => anMessage([{ type: 'tool_use', id: 'toolu_1', name: 'propose_changes', input }]);

async function refusal(p: Promise<unknown>): Promise<ProviderError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ProviderError);
  const pe = e as ProviderError;
  // One line, and a hint: no stack trace, no dump of the reply.
  expect(pe.message).not.toContain('\n');
  expect(pe.hint.length).toBeGreaterThan(10);
  return pe;
}

describe('malformed replies are refused with one line naming the field (item 10)', () => {
  it.each([
    ['function.arguments as an object', oaMessage({ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'propose_changes', arguments: { files: {} } } }] }), '/choices/0/message/tool_calls/0/function/arguments: must be string'],
    ['tool_calls as an object', oaMessage({ role: 'assistant', content: null, tool_calls: { id: 'c' } }), '/choices/0/message/tool_calls: must be array,null'],
    ['tool_calls as [null]', oaMessage({ role: 'assistant', content: null, tool_calls: [null] }), '/choices/0/message/tool_calls/0: must be object'],
    ['content as a number', oaMessage({ role: 'assistant', content: 42 }), '/choices/0/message/content: must be string,null'],
    ['no choices', { body: { id: 'x', object: 'chat.completion' } }, "/: must have required property 'choices'"],
    ['choices empty', { body: { choices: [] } }, '/choices: must NOT have fewer than 1 items'],
  ] as [string, RecordedReply, string][])('openai: %s', async (_name, reply, field) => {
    const provider = await openai([reply]);
    const e = await refusal(proposeValidated(provider, context()));
    expect(e.message).toMatch(/^the model's reply is malformed \(not an OpenAI chat completion\): /);
    expect(e.message).toContain(field);
    expect(e.message).toMatch(/nothing of it was used$/);
    expect(server!.requests).toHaveLength(1);
  });

  it.each([
    ['content as a number', anMessage(7), '/content: must be array'],
    ['content as [null]', anMessage([null]), '/content/0: must be object'],
    ['a text block whose text is an object', anMessage([{ type: 'text', text: { a: 1 } }]), '/content/0/text: must be string'],
    ['tool_use input as a string', anMessage([{ type: 'tool_use', id: 't', name: 'propose_changes', input: '{"files":{}}' }]), '/content/0/input: must be object'],
  ] as [string, RecordedReply, string][])('anthropic: %s', async (_name, reply, field) => {
    const provider = await anthropic([reply]);
    const e = await refusal(proposeValidated(provider, context()));
    expect(e.message).toMatch(/^the model's reply is malformed \(not an Anthropic message\): /);
    expect(e.message).toContain(field);
  });
});

describe('a bad propose_changes input goes back for a repair, nothing of it kept (item 10)', () => {
  for (const kind of ['openai', 'anthropic'] as const) {
    it(`${kind}: a file that is not a string, then a good reply`, async () => {
      const bad = { files: { 'services.yaml': { spec: { services: [] } } }, explanation: 'x' };
      const good = { files: { 'services.yaml': GOOD_SERVICES }, explanation: '+ nginx' };
      const provider = kind === 'openai' ? await openai([oaCall(bad), oaCall(good)]) : await anthropic([anCall(bad), anCall(good)]);
      const r = await proposeValidated(provider, context());
      expect(r.status).toBe('proposed');
      expect(r.attempts).toBe(2);
      expect(server!.requests).toHaveLength(2);
      expect(server!.requests[1]!.raw).toContain('the propose_changes input does not match its schema: /files/services.yaml: must be string,null');
    });
  }

  it('explanation as a number and warnings as a string are problems too', async () => {
    const provider = await openai([oaCall({ files: {}, explanation: 5, warnings: 'w' }), oaCall({ files: {}, explanation: 5, warnings: 'w' }), oaCall({ files: {}, explanation: 5, warnings: 'w' }), oaCall({ files: {}, explanation: 5, warnings: 'w' })]);
    const r = await proposeValidated(provider, context());
    expect(r.status).toBe('invalid');
    expect(r.problems).toContain('the propose_changes input does not match its schema: /explanation: must be string');
    expect(r.problems).toContain('the propose_changes input does not match its schema: /warnings: must be array');
  });
});

describe('size caps before parsing (item 6)', () => {
  it('openai: a reply over the cap is refused unread (declared length or not)', async () => {
    const huge = oaMessage({ role: 'assistant', content: 'y'.repeat(MAX_REPLY_BYTES + 10) });
    const provider = await openai([huge]);
    const e = await refusal(proposeValidated(provider, context()));
    expect(e.message).toBe(`the model's reply is larger than ${MAX_REPLY_BYTES} bytes, so it was refused unread`);
    // A smaller cap, with the same client: the body is cut while streaming.
    await server!.close();
    server = await startReplayServer([oaMessage({ role: 'assistant', content: 'z'.repeat(5000) })]);
    const small = new OpenAiCompatibleProvider({ baseURL: `${server.origin}/v1`, model: 'local', maxReplyBytes: 1000 });
    expect((await refusal(small.propose(context()))).message).toBe("the model's reply is larger than 1000 bytes, so it was refused unread");
  });

  it('anthropic: a reply over the cap is refused unread through the SDK', async () => {
    const provider = await anthropic([anMessage([{ type: 'text', text: 'y'.repeat(MAX_REPLY_BYTES + 10) }])]);
    const e = await refusal(proposeValidated(provider, context()));
    expect(e.message).toBe(`the model's reply is larger than ${MAX_REPLY_BYTES} bytes, so it was refused unread`);
  });

  it('a proposed file over 1 MiB goes back as a problem, not to the vetting', async () => {
    const big = { files: { 'services.yaml': GOOD_SERVICES + `# ${'p'.repeat(1100 * 1024)}\n` }, explanation: 'x' };
    const provider = await openai([oaCall(big), oaCall({ files: { 'services.yaml': GOOD_SERVICES }, explanation: '+ nginx' })]);
    const r = await proposeValidated(provider, context());
    expect(r.status).toBe('proposed');
    expect(server!.requests[1]!.raw).toMatch(/files\.services\.yaml is \d+ bytes, over the limit of 1048576 bytes for a state file/);
  });

  it('more than six files is a problem', async () => {
    const files = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`f${i}.yaml`, 'a: 1\n']));
    const provider = await openai(Array(4).fill(oaCall({ files, explanation: 'x' })));
    const r = await proposeValidated(provider, context());
    expect(r.status).toBe('invalid');
    expect(r.problems).toContain('the propose_changes input does not match its schema: /files: must NOT have more than 6 properties');
  });

  it('deeply nested brackets meet the compiler\'s parse limits before the vetting parses them', async () => {
    const bomb = 'a: ' + '['.repeat(300_000) + ']'.repeat(300_000) + '\n';
    const provider = await openai([oaCall({ files: { 'services.yaml': bomb }, explanation: 'x' }), oaCall({ files: { 'services.yaml': GOOD_SERVICES }, explanation: '+ nginx' })]);
    const r = await proposeValidated(provider, context());
    expect(r.status).toBe('proposed');
    const repair = server!.requests[1]!.raw;
    expect(repair).toContain('services.yaml:1:');
    expect(repair).toContain('CLA1022: nesting is deeper than 64 levels');
  });

  it('a long explanation is cut, with the count of what was left out', async () => {
    const provider = await openai([oaCall({ files: { 'services.yaml': GOOD_SERVICES }, explanation: 'e'.repeat(MAX_EXPLANATION_CHARS + 5000) })]);
    const r = await proposeValidated(provider, context());
    expect(r.status).toBe('proposed');
    expect(r.proposal.explanation.length).toBeLessThan(MAX_EXPLANATION_CHARS + 200);
    expect(r.proposal.explanation).toMatch(/… \(5000 more characters of the model's explanation not shown\)$/);
  });
});
