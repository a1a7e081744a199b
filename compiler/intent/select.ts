/**
 * Which provider to use, from manifest.yaml `spec.llm` and the environment:
 *
 *   (no spec.llm) or provider: offline   the built-in offline engine (the default)
 *   provider: anthropic                  key: ANTHROPIC_API_KEY, else the llm_api_key secret
 *   provider: openai                     base_url (default api.openai.com), key: OPENAI_API_KEY or the secret
 *   provider: local                      base_url (default http://127.0.0.1:8080/v1), key optional
 *
 * CLAUDE_LLM_PROVIDER overrides the provider (e.g. `offline` to stay on the machine for one
 * command). The secret's value is decrypted by the caller and passed as `secretKey`.
 */
import type { SystemManifest } from '../../generated/manifest.js';
import { AnthropicProvider } from './anthropic.js';
import { OfflineProvider } from './offline.js';
import { DEFAULT_LOCAL_BASE_URL, OpenAiCompatibleProvider } from './openai-compatible.js';
import { ProviderError, type IntentProvider } from './provider.js';

export type LlmConfig = NonNullable<SystemManifest['spec']['llm']>;

export interface SelectOptions {
  llm?: LlmConfig;
  env: Record<string, string | undefined>;
  /** The decrypted value of spec.llm.api_key_secret (default secret llm_api_key), when there is one. */
  secretKey?: string;
  /** Overrides base_url (the replay server in tests and demos). */
  baseURL?: string;
}

export function providerKind(opts: Pick<SelectOptions, 'llm' | 'env'>): 'offline' | 'anthropic' | 'openai' | 'local' {
  const kind = opts.env.CLAUDE_LLM_PROVIDER ?? opts.llm?.provider ?? 'offline';
  if (kind !== 'offline' && kind !== 'anthropic' && kind !== 'openai' && kind !== 'local') {
    throw new ProviderError(`unknown LLM provider '${kind}'`, 'use anthropic, openai, local or offline (spec.llm.provider in manifest.yaml, or CLAUDE_LLM_PROVIDER)');
  }
  return kind;
}

export function selectProvider(opts: SelectOptions): IntentProvider {
  const llm = opts.llm ?? {};
  const kind = providerKind(opts);
  const common = {
    ...(llm.model ? { model: llm.model } : {}),
    ...(llm.max_tokens !== undefined ? { maxTokens: llm.max_tokens } : {}),
    ...(llm.temperature !== undefined ? { temperature: llm.temperature } : {}),
  };
  switch (kind) {
    case 'offline':
      return new OfflineProvider();
    case 'anthropic': {
      const apiKey = opts.env.ANTHROPIC_API_KEY || opts.secretKey;
      if (!apiKey) {
        throw new ProviderError(
          'the anthropic provider is configured but there is no API key',
          `set ANTHROPIC_API_KEY, or run \`claude secret set ${llm.api_key_secret ?? 'llm_api_key'}\`; or remove spec.llm from manifest.yaml to use the offline engine`,
        );
      }
      const baseURL = opts.baseURL ?? llm.base_url ?? opts.env.ANTHROPIC_BASE_URL;
      return new AnthropicProvider({ apiKey, ...common, ...(baseURL ? { baseURL } : {}) });
    }
    case 'openai':
    case 'local': {
      const apiKey = opts.env.OPENAI_API_KEY || opts.secretKey;
      if (kind === 'openai' && !apiKey && !opts.baseURL) {
        throw new ProviderError('the openai provider is configured but there is no API key', `set OPENAI_API_KEY, or run \`claude secret set ${llm.api_key_secret ?? 'llm_api_key'}\``);
      }
      const baseURL = opts.baseURL ?? llm.base_url ?? (kind === 'openai' ? 'https://api.openai.com/v1' : DEFAULT_LOCAL_BASE_URL);
      return new OpenAiCompatibleProvider({ baseURL, ...(apiKey ? { apiKey } : {}), ...common });
    }
  }
}
