/**
 * A proposal cannot widen its own permissions: through the real Anthropic client (the SDK
 * against recorded replies served by replay.ts), a reply that turns off approval, adds
 * auto-approved categories, clears the restricted files or repoints the LLM settings gets
 * them restored from the current manifest, whatever YAML spelling it uses (quoted keys,
 * flow style, tags, aliases).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { AnthropicProvider } from './anthropic.js';
import { startReplayServer, type RecordedReply, type ReplayServer } from './replay.js';
import { proposeValidated, vetProposal } from './validate-proposal.js';
import type { IntentContext } from './provider.js';

const MANIFEST = `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: host
spec:
  llm:
    provider: anthropic
    model: claude-sonnet-4-5
  safety:
    require_approval: true
    restricted_files: [security.yaml, network.yaml]
`;
const CURRENT_SAFETY = { require_approval: true, restricted_files: ['security.yaml', 'network.yaml'] };
const CURRENT_LLM = { provider: 'anthropic', model: 'claude-sonnet-4-5' };

const WIDENED_SAFETY = 'require_approval: false\n    auto_approve_categories: [security.users, network.firewall]\n    restricted_files: []\n    max_changes_per_hour: 10000';
const SPELLINGS: Record<string, string> = {
  plain: `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: host
spec:
  llm:
    provider: openai
    base_url: http://attacker.example/v1
  safety:
    ${WIDENED_SAFETY}
`,
  'quoted keys': `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: host
spec:
  "llm": {"provider": "local", "base_url": "http://attacker.example/v1"}
  'safety':
    ${WIDENED_SAFETY}
`,
  'flow style': `{apiVersion: claude.os/v1, kind: SystemManifest, metadata: {name: host}, spec: {llm: {provider: offline}, safety: {require_approval: false, auto_approve_categories: [security.users]}}}\n`,
  tags: `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: host
spec: !!map
  ? !!str safety
  : require_approval: false
    auto_approve_categories: [security.users]
  !!str llm: {provider: offline}
`,
  'safety removed': `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: host
spec:
  llm:
    provider: anthropic
    model: claude-sonnet-4-5
`,
};

function toolReply(files: Record<string, string>, n: number): RecordedReply {
  return {
    status: 200,
    body: {
      id: `msg_${n}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'tool_use', id: `toolu_${n}`, name: 'propose_changes', input: { files, explanation: 'Tidied the manifest. You can trust me: approval is no longer needed.' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 50 },
    },
  };
}

function context(): IntentContext {
  return {
    message: 'tidy up the manifest',
    files: { 'manifest.yaml': MANIFEST },
    history: [],
    summary: { services: [], logs: {} },
    secretNames: [],
    imageCatalog: {},
    now: new Date('2026-05-01T10:00:00Z'),
  };
}

let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a proposal cannot widen its own permissions (anthropic client, recorded replies)', () => {
  for (const [name, text] of Object.entries(SPELLINGS)) {
    it(`spec.safety and spec.llm are restored from the current manifest (${name})`, async () => {
      // three replies: the proposal, and the same again for up to two repairs
      server = await startReplayServer([1, 2, 3].map((n) => toolReply({ 'manifest.yaml': text }, n)));
      const provider = new AnthropicProvider({ apiKey: 'test-key', baseURL: server.origin, maxRetries: 0, model: 'claude-sonnet-4-5', maxTokens: 4096 });
      const r = await proposeValidated(provider, context());
      expect(server.requests.length).toBeGreaterThan(0);
      expect(['proposed', 'answer']).toContain(r.status);
      const merged = parseYaml(r.merged['manifest.yaml'] ?? MANIFEST) as { spec: { safety?: unknown; llm?: unknown } };
      expect(merged.spec.safety).toEqual(CURRENT_SAFETY);
      expect(merged.spec.llm).toEqual(CURRENT_LLM);
      if (r.status === 'proposed' || r.status === 'ask' || r.status === 'answer') {
        expect(r.warnings.join('\n')).toMatch(/spec\.safety/);
        const compiled = r.model as unknown as { manifest?: { safety?: { require_approval?: boolean; auto_approve_categories?: string[] } } } | undefined;
        if (compiled?.manifest?.safety) {
          expect(compiled.manifest.safety.require_approval).not.toBe(false);
          expect(compiled.manifest.safety.auto_approve_categories ?? []).toEqual([]);
        }
      }
    });
  }
});

describe('vetProposal with YAML aliases', () => {
  it('an aliased spec neither crashes the vetting nor smuggles a safety change in', () => {
    const text = `apiVersion: claude.os/v1
kind: SystemManifest
metadata: &m
  name: host
spec: *m
`;
    const r = vetProposal({ 'manifest.yaml': MANIFEST }, { 'manifest.yaml': text }, 'tidy up');
    const merged = parseYaml(r.merged['manifest.yaml']!) as { spec: { safety?: unknown } };
    expect(merged.spec.safety).toEqual(CURRENT_SAFETY);
  });

  it('an aliased safety block is restored like a literal one', () => {
    const text = `apiVersion: claude.os/v1
kind: SystemManifest
metadata:
  name: host
spec:
  llm: &open {provider: anthropic, model: claude-sonnet-4-5}
  safety: {require_approval: false, auto_approve_categories: [security.users]}
`;
    const r = vetProposal({ 'manifest.yaml': MANIFEST }, { 'manifest.yaml': text }, 'tidy up');
    const merged = parseYaml(r.merged['manifest.yaml']!) as { spec: { safety?: unknown; llm?: unknown } };
    expect(merged.spec.safety).toEqual(CURRENT_SAFETY);
    expect(merged.spec.llm).toEqual(CURRENT_LLM);
  });

  it('an alias bomb is refused, not expanded', () => {
    const lines = ['apiVersion: claude.os/v1', 'kind: SystemManifest', 'metadata:', '  name: host', 'spec:', '  images:', '    aliases:', '      a0: &a0 "x"'];
    let prev = 'a0';
    for (let i = 1; i < 12; i++) {
      lines.push(`      l${i}: &l${i} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
      prev = `l${i}`;
    }
    const r = vetProposal({ 'manifest.yaml': MANIFEST }, { 'manifest.yaml': lines.join('\n') + '\n' }, 'tidy up');
    expect(r.ok).toBe(false);
  });
});
