/**
 * What `claude "<msg>"`, `claude plan "<msg>"`, the REPL and `claude context --show` share:
 * reading the current state files, choosing the provider, building the intent context
 * (with the observed state summary when Docker answers), vetting the proposal, and turning
 * vetted files into a signed plan. Applying stays in runtime/apply.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { resolvePaths, type Paths } from '../common/paths.js';
import { sha256Hex } from '../common/canonical.js';
import { DiagnosticSink, renderDiagnostic } from '../compiler/diagnostics.js';
import { STATE_FILE_NAMES } from '../compiler/model.js';
import { firewallSpecOf, plan } from '../compiler/planner.js';
import { signPlan } from '../compiler/sign.js';
import { lockoutGate } from '../compiler/firewall.js';
import { assembleContext } from '../compiler/intent/context.js';
import { loadImageCatalog } from '../fixtures/images/catalog.js';
import type { ConversationTurn, IntentContext, IntentProvider, StateFiles, StateSummary, StateSummarySource } from '../compiler/intent/provider.js';
import { providerKind, selectProvider, type LlmConfig } from '../compiler/intent/select.js';
import { loadReplayFixture, startReplayServer, type ReplayServer } from '../compiler/intent/replay.js';
import type { IntentResult } from '../compiler/intent/validate-proposal.js';
import { serializeEnvelope } from '../plan/envelope.js';
import { loadOrCreateHostId, loadOrCreateHostKey } from '../plan/keys.js';
import type { PlanPayload } from '../plan/types.js';
import { compilerVersion, stateHead } from './commands/plan.js';
import type { CommandContext } from './context.js';

export interface IntentSession {
  paths: Paths;
  env: Record<string, string | undefined>;
  now: () => Date;
  /** The state files as they are in the state dir now. */
  files: StateFiles;
  /**
   * The state commit `files` were read from (read just before them): the base of this
   * session's plans, so a plan whose files predate another apply's commit is refused as
   * stale by the runtime instead of undoing that apply (cli/flow.ts, rule 1).
   */
  head: string | null;
  llm?: LlmConfig;
  kind: 'offline' | 'anthropic' | 'openai' | 'local';
  provider: IntentProvider;
  summarySource: StateSummarySource;
  /** A replay server started for CLAUDE_LLM_REPLAY; closed by `close()`. */
  replay?: ReplayServer;
  close(): Promise<void>;
}

/** The six files as text, exactly as on disk (no validation: the engine and the compiler judge them). */
export function readStateFiles(stateDir: string): StateFiles {
  const out: StateFiles = {};
  for (const n of STATE_FILE_NAMES) {
    const p = join(stateDir, n);
    if (existsSync(p)) out[n] = readFileSync(p, 'utf8');
  }
  return out;
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
/** Upstream ref → local image, from fixtures/images/catalog.json (empty when absent). */
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

export async function openIntentSession(ctx: CommandContext, stateDirFlag?: string, opts: { observe?: boolean } = {}): Promise<IntentSession> {
  const paths = resolvePaths(ctx.env, ctx.cwd, stateDirFlag);
  const head = await stateHead(paths.stateDir);
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
        const r = await Promise.race([
          observeSystem({ dataDir: paths.dataDir, root: paths.root, now: ctx.now, probePorts: false, cpuSampleMs: 0 }),
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
    close: async () => {
      await replay?.close();
    },
  };
}

/** Reads the state again (HEAD first, then the files), e.g. after an apply or a stale refusal. */
export async function reloadState(s: IntentSession): Promise<void> {
  s.head = await stateHead(s.paths.stateDir);
  s.files = readStateFiles(s.paths.stateDir);
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

/** Turns a vetted proposal into a signed plan against the observed system. */
export async function planIntent(s: IntentSession, ctx: IntentContext, result: IntentResult, opts: { ttlMs?: number; force?: boolean; request?: string } = {}): Promise<PlannedIntent | { problems: string[] }> {
  if (!result.model) return { problems: ['the proposal did not compile'] };
  const hostId = loadOrCreateHostId(s.paths.dataDir, s.paths.root);
  const key = loadOrCreateHostKey(s.paths.dataDir, hostId);
  const sink = new DiagnosticSink();
  lockoutGate(firewallSpecOf(result.model.firewall), s.env, { sink, force: opts.force === true });
  if (sink.hasErrors()) return { problems: sink.sorted().map(renderDiagnostic) };
  // Observed as cli/flow.ts does (CLAUDE_OBSERVE_SCOPE honoured); the base is the commit the files came from.
  const { openFlowHost } = await import('./flow.js');
  const observed = { ...(await (await openFlowHost(s.paths, s.env)).observe()), stateCommit: s.head };
  const promptHash = s.kind === 'offline' ? null : sha256Hex(JSON.stringify(assembleContext(ctx)));
  const payload = plan(result.model, observed, {
    request: opts.request ?? ctx.message,
    now: s.now(),
    nonce: randomBytes(32).toString('hex'),
    hostId,
    ...(opts.ttlMs !== undefined ? { ttlMs: opts.ttlMs } : {}),
    provenance: { engine: engineOf(s), model: s.kind === 'offline' ? null : (s.llm?.model ?? null), promptHash },
    compilerVersion: compilerVersion(),
    allowDestructive: false,
    sink,
  });
  if (sink.hasErrors()) return { problems: sink.sorted().map(renderDiagnostic) };
  const env = signPlan(payload, key.privateKey);
  return { payload, envelopeText: serializeEnvelope(env), problems: sink.sorted().map(renderDiagnostic) };
}
