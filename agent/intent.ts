/**
 * What `claude "<msg>"`, `claude plan "<msg>"`, the REPL and `claude context --show` share:
 * reading the current state files, choosing the provider, building the intent context
 * (with the observed state summary when Docker answers), vetting the proposal, and turning
 * vetted files into a signed plan. Applying stays in runtime/apply.ts.
 */
import { parse as parseYaml } from 'yaml';
import { resolvePaths, type Paths } from '../common/paths.js';
import { sha256Hex } from '../common/canonical.js';
import { assembleContext } from '../compiler/intent/context.js';
import { loadImageCatalog } from '../stdlib-templates/images/catalog.js';
import type { ConversationTurn, IntentContext, IntentProvider, StateFiles, StateSummary, StateSummarySource } from '../compiler/intent/provider.js';
import { providerKind, selectProvider, type LlmConfig } from '../compiler/intent/select.js';
import { loadReplayFixture, startReplayServer, type ReplayServer } from '../compiler/intent/replay.js';
import type { IntentResult } from '../compiler/intent/validate-proposal.js';
import { strongSecretValue } from '../compiler/intent/generated-secrets.js';
import type { PlanPayload } from '../plan/types.js';
import { openFlowHost, planFiles, readStateDirFiles, stateHeadOf, type FlowHost } from './flow.js';
import { REQUEST_FILE_MAX_BYTES } from '../common/state-read.js';
import type { AgentContext } from './context.js';

export interface IntentSession {
  paths: Paths;
  env: Record<string, string | undefined>;
  now: () => Date;
  /** The state files as they are in the state dir now. */
  files: StateFiles;
  /**
   * The state commit `files` were read from (read just before them): the base of this
   * session's plans, so a plan whose files predate another apply's commit is refused as
   * stale by the runtime instead of undoing that apply (agent/flow.ts, rule 1).
   */
  head: string | null;
  llm?: LlmConfig;
  kind: 'offline' | 'anthropic' | 'openai' | 'local';
  provider: IntentProvider;
  summarySource: StateSummarySource;
  /** A replay server started for CLAUDE_LLM_REPLAY; closed by `close()`. */
  replay?: ReplayServer;
  /** This host (agent/flow.ts), opened on the first plan. */
  host?: FlowHost;
  /** `--i-know-what-i-am-doing`: plans pass the firewall lock-out gate with a warning. */
  force?: boolean;
  /**
   * Secrets this session generated since the state was last read (a random value nobody has
   * seen): the planner does not count giving one to its single service as a grant.
   * Cleared by reloadState, so after an apply they count as existing secrets.
   */
  generatedSecrets?: Set<string>;
  close(): Promise<void>;
}

/** The six files as text, exactly as on disk (no validation: the engine and the compiler judge them). */
export function readStateFiles(stateDir: string): StateFiles {
  return readStateDirFiles(stateDir, REQUEST_FILE_MAX_BYTES);
}

export function secretNamesOf(files: StateFiles): string[] {
  try {
    const v = parseYaml(files['security.yaml'] ?? '') as { spec?: { secrets?: { name?: unknown }[] } } | null;
    return (v?.spec?.secrets ?? []).map((s) => s?.name).filter((n): n is string => typeof n === 'string').sort();
  } catch {
    return [];
  }
}

function llmOf(files: StateFiles): LlmConfig | undefined {
  try {
    const v = parseYaml(files['manifest.yaml'] ?? '') as { spec?: { llm?: LlmConfig } } | null;
    return v?.spec?.llm ?? undefined;
  } catch {
    return undefined;
  }
}

let catalogMap: Record<string, string> | undefined;
/** Upstream ref → local image, from stdlib-templates/images/catalog.json (empty when absent). */
export function imageCatalogMap(): Record<string, string> {
  if (catalogMap) return catalogMap;
  try {
    const c = loadImageCatalog();
    catalogMap = Object.fromEntries(Object.entries(c.aliases).map(([k, v]) => [k, v.image]));
  } catch {
    catalogMap = {};
  }
  return catalogMap;
}

/** A summary from the state files alone, when the system cannot be observed. */
export function summaryFromFiles(files: StateFiles): StateSummary {
  try {
    const v = parseYaml(files['services.yaml'] ?? '') as { spec?: { services?: { name: string; image: string; state?: string }[] } } | null;
    return { services: (v?.spec?.services ?? []).map((s) => ({ name: s.name, image: s.image, state: `${s.state ?? 'running'} (declared; not observed)` })) };
  } catch {
    return { services: [] };
  }
}

async function decryptLlmKey(paths: Paths, files: StateFiles, llm: LlmConfig | undefined): Promise<string | undefined> {
  const name = llm?.api_key_secret ?? 'llm_api_key';
  try {
    const secrets = await import('../runtime/secrets.js');
    const value = (await secrets.secretsOfSecurityYaml(files['security.yaml'])).get(name);
    const identity = secrets.readAgeIdentity(paths.dataDir);
    if (!value || !identity) return undefined;
    return await secrets.decryptSecret(value, identity, name);
  } catch {
    return undefined;
  }
}

export async function openIntentSession(ctx: AgentContext, stateDirFlag?: string, opts: { observe?: boolean; force?: boolean } = {}): Promise<IntentSession> {
  const paths = resolvePaths(ctx.env, ctx.cwd, stateDirFlag);
  const head = await stateHeadOf(paths.stateDir);
  const files = readStateFiles(paths.stateDir);
  const llm = llmOf(files);
  let replay: ReplayServer | undefined;
  let baseURL: string | undefined;
  const env = { ...ctx.env };
  // CLAUDE_LLM_REPLAY=fixture: the configured client talks to recorded replies (demos, tests).
  if (ctx.env.CLAUDE_LLM_REPLAY) {
    const fx = loadReplayFixture(ctx.env.CLAUDE_LLM_REPLAY);
    replay = await startReplayServer(fx.replies);
    baseURL = fx.provider === 'anthropic' ? replay.origin : `${replay.origin}/v1`;
    env.CLAUDE_LLM_PROVIDER = fx.provider === 'anthropic' ? 'anthropic' : 'local';
    if (fx.provider === 'anthropic' && !env.ANTHROPIC_API_KEY) env.ANTHROPIC_API_KEY = 'replay';
  }
  const kind = providerKind({ env, ...(llm ? { llm } : {}) });
  const secretKey = kind === 'offline' ? undefined : await decryptLlmKey(paths, files, llm);
  const provider = selectProvider({ env, ...(llm ? { llm } : {}), ...(secretKey ? { secretKey } : {}), ...(baseURL ? { baseURL } : {}) });
  const summarySource: StateSummarySource = {
    async summary() {
      if (opts.observe === false) return summaryFromFiles(files);
      try {
        const { observeSystem } = await import('../runtime/observe/index.js');
        const { dockerFor } = await import('../runtime/observe/engine-client.js');
        // the engine DOCKER_HOST names (rootless Docker, a remote engine), as `claude status` uses
        const docker = await dockerFor(ctx.env);
        const r = await Promise.race([
          observeSystem({ docker, dataDir: paths.dataDir, root: paths.root, now: ctx.now, probePorts: false, cpuSampleMs: 0 }),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 3000).unref()),
        ]);
        return r.summary.context as StateSummary;
      } catch {
        return summaryFromFiles(files);
      }
    },
  };
  return {
    paths,
    env,
    now: ctx.now,
    files,
    head,
    ...(llm ? { llm } : {}),
    kind,
    provider,
    summarySource,
    ...(replay ? { replay } : {}),
    ...(opts.force ? { force: true } : {}),
    close: async () => {
      await replay?.close();
    },
  };
}

/** Reads the state again (HEAD first, then the files), e.g. after an apply or a stale refusal. */
export async function reloadState(s: IntentSession): Promise<void> {
  s.head = await stateHeadOf(s.paths.stateDir);
  s.files = readStateFiles(s.paths.stateDir);
  s.generatedSecrets?.clear();
}

export async function buildIntentContext(s: IntentSession, message: string, history: ConversationTurn[], files: StateFiles = s.files): Promise<IntentContext> {
  return {
    message,
    files,
    history,
    summary: await s.summarySource.summary(),
    secretNames: secretNamesOf(files),
    imageCatalog: imageCatalogMap(),
    now: s.now(),
    // A password a template needs and nobody set: a strong random value, encrypted to this
    // host's key here; the plain value never leaves this function (not to a provider, the
    // plan, the logs or git).
    generateSecret: async (name: string) => {
      (s.generatedSecrets ??= new Set()).add(name);
      const secrets = await import('../runtime/secrets.js');
      const { recipient } = await secrets.ensureAgeIdentity(s.paths.dataDir);
      return secrets.encryptSecret(strongSecretValue(), recipient);
    },
  };
}

/** Plan engine name recorded in the plan's provenance. */
export function engineOf(s: IntentSession): 'offline' | 'anthropic' | 'openai' | 'local' | 'replay' {
  if (s.replay) return 'replay';
  return s.kind;
}

export interface PlannedIntent {
  payload: PlanPayload;
  envelopeText: string;
  problems: string[];
}

/** Turns a vetted proposal into a signed plan against the observed system (agent/flow.ts planFiles: the one planning path). */
export async function planIntent(s: IntentSession, ctx: IntentContext, result: IntentResult, opts: { ttlMs?: number; force?: boolean; request?: string } = {}): Promise<PlannedIntent | { problems: string[] }> {
  if (!result.model) return { problems: ['the proposal did not compile'] };
  s.host ??= await openFlowHost(s.paths);
  const promptHash = s.kind === 'offline' ? null : sha256Hex(JSON.stringify(assembleContext(ctx)));
  // The base is the commit the files came from (agent/flow.ts, rule 1).
  const r = await planFiles(s.host, { model: result.model, diagnostics: [] }, {
    request: opts.request ?? ctx.message,
    engine: engineOf(s),
    model: s.kind === 'offline' ? null : (s.llm?.model ?? null),
    promptHash,
    base: s.head,
    now: s.now(),
    env: s.env,
    ...(opts.ttlMs !== undefined ? { ttlMs: opts.ttlMs } : {}),
    force: opts.force ?? s.force === true,
    ...(s.generatedSecrets?.size ? { freshSecrets: [...s.generatedSecrets] } : {}),
  });
  if (!r.ok) return { problems: r.problems };
  return { payload: r.planned.payload, envelopeText: r.planned.envelopeText, problems: r.warnings };
}
