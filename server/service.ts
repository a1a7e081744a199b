/**
 * What the API does, apart from HTTP (server/server.ts does the transport): each method
 * takes a checked request body and returns the response body, or throws ApiError with a
 * status code, the error and a hint.
 *
 *   conversation  message → intent flow (or the troubleshooting flow) → signed plan, saved; never applies
 *   applyPlan     a saved plan + {approve: true[, confirmSecurity: true]} → runtime (applyPlanned)
 *   rollback      commit → that commit's files → signed plan, saved; never applies
 *   status / history / events / plan / plans: read-only
 *
 * The rules of the CLI hold here too: the intent engine only proposes files; every change
 * is a plan made by the one planning path (agent/flow.ts planFiles), signed by the host key;
 * nothing is applied without `approve: true`, and security or destructive steps also need
 * `confirmSecurity: true` (the runtime's V9 gets that confirmation, and nothing else); the
 * runtime's own checks (signatures and policy P2, expiry, stale base, replay) still decide.
 * The apply is recorded with the actor `api` (audit log, git author).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Paths } from '../common/paths.js';
import { MAX_REQUEST_CHARS, ProviderError, type ConversationTurn, type StateFiles } from '../compiler/intent/provider.js';
import type { ApplyEvent, ApplyResult } from '../runtime/apply.js';
import type { AgentContext } from '../agent/context.js';
import { appendTurn, listConversations, newConversationId, readTurns, toHistory } from '../agent/conversations.js';
import { acquireRequestLock, applyPlanned, openFlowHost, planFiles, stateHeadOf, type FlowHost, type Planned } from '../agent/flow.js';
import type { IntentSession } from '../agent/intent.js';
import { baseFilesAt } from '../agent/review.js';
import { renderResult } from '../agent/render/apply.js';
import { banner, serviceRows } from '../agent/render/observe.js';
import { listPlans, payloadOf, planRisks, planView, readMeta, readPlanText, savePlan, updateMeta, type PlanMeta, type PlanView } from './plans.js';

/** A refusal or a bad request: the HTTP status, what is wrong, how to fix it, and details. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly hint: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The audit actor and git author of everything applied through the API. */
export const API_ACTOR = 'api';
const CONVERSATION_ID = /^[A-Za-z0-9-]{1,80}$/;
/** Conversations whose pending proposal is kept in memory; older ones are refined from scratch. */
const MAX_PENDING = 200;

export interface ApiServiceOptions {
  paths: Paths;
  env: Record<string, string | undefined>;
  now: () => Date;
  /** How long an apply waits for another request or apply to finish (ms). Default 60 s. */
  lockWaitMs?: number;
  /**
   * Run the observer's loop inside the server (metrics rings, events saved to the data dir)
   * when no observer daemon is running. 'auto' (claude serve): unless observe/latest.json is
   * younger than 30 s and the process that wrote it is alive; true/false: always/never.
   * Default false.
   */
  observe?: boolean | 'auto';
  /** The embedded observer's interval. Default 10 s. */
  observeIntervalMs?: number;
  /** Whether a CLI command runs through `claude serve`'s CLI socket now: the embedded observer's periodic tick waits meanwhile (runtime/observe/daemon.ts `busy`). */
  commandRunning?: () => boolean;
}

/** What the dashboard charts: [unix seconds, value] points per series. */
export interface MetricsReply {
  range: '1h' | '24h';
  /** Seconds between points (10 for 1 h, 60 for 24 h). */
  step: number;
  /** Where the points come from: this server's own observer loop, or the observer daemon's saved rings. */
  source: 'serve' | 'observer' | 'none';
  host: { cpu: [number, number][]; memory: [number, number][]; memoryTotalBytes: number | null };
  /** Per service: CPU %, memory bytes, and network bytes/s received (rx) and sent (tx). */
  services: Record<string, { cpu: [number, number][]; memory: [number, number][]; rx: [number, number][]; tx: [number, number][] }>;
}

/** A conversation's proposal waiting for approval or refinement (as in the REPL). */
interface Pending {
  /** The messages that built it. */
  chain: string[];
  /** The state files with the proposal applied (the base of a refinement). */
  merged: StateFiles;
  /** The state commit the files were read from. */
  head: string | null;
  planId: string;
}

export interface ConversationReply {
  conversationId: string;
  status: 'proposed' | 'answer' | 'refused' | 'invalid' | 'ask' | 'unplannable' | 'diagnosis';
  explanation: string;
  questions?: string[];
  warnings?: string[];
  problems?: string[];
  refused?: { reason: string };
  /** The state files the proposal changes. */
  files?: string[];
  diagnosis?: { healthy: boolean; findings: { code: string; severity: string; title: string }[] };
  plan?: PlanView;
}

export class ApiService {
  private host: FlowHost | null = null;
  private observer: import('../runtime/observe/daemon.js').ObserveDaemon | null = null;
  private readonly pending = new Map<string, Pending>();
  /** Live progress of applies in this process (plan id → lines). */
  private readonly progress = new Map<string, string[]>();
  /** Applies run one at a time in this process (and queue on the request lock with the CLI). */
  private applying: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ApiServiceOptions) {}

  /** This host (host id made on first use; agent/flow.ts). */
  async flowHost(): Promise<FlowHost> {
    return (this.host ??= await openFlowHost(this.o.paths));
  }

  /** What the agent gets for this host: its environment (with the paths), working dir and clock. */
  private ctx(): AgentContext {
    return { env: { ...this.o.env, CLAUDE_STATE_DIR: this.o.paths.stateDir, CLAUDE_DATA_DIR: this.o.paths.dataDir, CLAUDE_ROOT: this.o.paths.root }, cwd: this.o.paths.stateDir, now: this.o.now };
  }

  /** The embedded observer's start under way (stopObserver waits for it, so a stop right after start leaves no loop running). */
  private observerStarting: Promise<boolean> | null = null;

  /** Starts the embedded observer loop when asked (see ApiServiceOptions.observe). */
  startObserver(): Promise<boolean> {
    this.observerStarting ??= this.doStartObserver();
    return this.observerStarting;
  }

  private async doStartObserver(): Promise<boolean> {
    const want = this.o.observe ?? false;
    if (want === false || this.observer) return this.observer !== null;
    if (want === 'auto') {
      const { LATEST_FILE } = await import('../runtime/observe/metrics.js');
      try {
        const { readFileSync } = await import('node:fs');
        const latest = JSON.parse(readFileSync(join(this.o.paths.dataDir, LATEST_FILE), 'utf8')) as { at?: number; pid?: number };
        // The observer daemon runs: its file is fresh and its writer alive. A fresh file left by a
        // claude serve that just stopped (a restart) does not count, or nothing would record.
        if (this.o.now().getTime() / 1000 - (latest.at ?? 0) < 30 && (latest.pid === undefined || (latest.pid !== process.pid && processAlive(latest.pid)))) return false;
      } catch {
        /* no observer has run */
      }
    }
    const { ObserveDaemon } = await import('../runtime/observe/daemon.js');
    const { dockerFor } = await import('../runtime/observe/index.js');
    const host = await this.flowHost();
    this.observer = new ObserveDaemon({ docker: await dockerFor(this.o.env), dataDir: this.o.paths.dataDir, root: this.o.paths.root, now: this.o.now, hostId: host.hostId, intervalMs: this.o.observeIntervalMs ?? 10_000, probePorts: false, ...(this.o.commandRunning ? { busy: this.o.commandRunning } : {}) });
    await this.observer.startLoop();
    return true;
  }

  async stopObserver(): Promise<void> {
    await this.observerStarting?.catch(() => false);
    const o = this.observer;
    this.observer = null;
    await o?.stop();
  }

  // ── read-only ─────────────────────────────────────────────────────────────────────

  async metrics(q: URLSearchParams): Promise<MetricsReply> {
    const range = q.get('range') ?? '1h';
    if (range !== '1h' && range !== '24h') throw new ApiError(400, `range must be 1h or 24h, not '${range}'`, 'e.g. /api/v1/metrics?range=24h');
    const { MetricsStore, FINE_STEP_S, COARSE_STEP_S, counterRate } = await import('../runtime/observe/metrics.js');
    const store = this.observer?.metrics() ?? MetricsStore.load(this.o.paths.dataDir).store;
    const nowS = Math.floor(this.o.now().getTime() / 1000);
    const since = nowS - (range === '1h' ? 3600 : 86400);
    const names = store.names();
    const services: MetricsReply['services'] = {};
    for (const n of names) {
      const m = /^service\.(cpu_percent|memory_bytes|net_rx_bytes|net_tx_bytes):(.+)$/.exec(n);
      if (!m) continue;
      const entry = (services[m[2]!] ??= { cpu: [], memory: [], rx: [], tx: [] });
      const points = store.query(n, since);
      if (m[1] === 'cpu_percent') entry.cpu = points;
      else if (m[1] === 'memory_bytes') entry.memory = points;
      else if (m[1] === 'net_rx_bytes') entry.rx = counterRate(points);
      else entry.tx = counterRate(points);
    }
    const { totalmem } = await import('node:os');
    return {
      range,
      step: range === '1h' ? FINE_STEP_S : COARSE_STEP_S,
      source: this.observer ? 'serve' : names.length ? 'observer' : 'none',
      host: { cpu: store.query('host.cpu_percent', since), memory: store.query('host.memory_used_bytes', since), memoryTotalBytes: totalmem() },
      services,
    };
  }

  /** The newest log lines of a service (redacted like `claude logs`); `since` (unix s) for a live tail. */
  async logs(name: string, q: URLSearchParams): Promise<unknown> {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) throw new ApiError(400, `'${name}' is not a service name`, 'service names are lowercase letters, digits and -');
    const lines = q.has('lines') ? Number(q.get('lines')) : 200;
    if (!Number.isInteger(lines) || lines < 1 || lines > 1000) throw new ApiError(400, `lines must be 1-1000, not '${q.get('lines')}'`, 'e.g. ?lines=200');
    const { serviceLogs, dockerFor, UnknownServiceError } = await import('../runtime/observe/index.js');
    const host = await this.flowHost();
    try {
      const r = await serviceLogs({ docker: await dockerFor(this.o.env), dataDir: this.o.paths.dataDir, hostId: host.hostId, service: name, lines });
      const since = q.get('since');
      const out = since ? r.lines.filter((l) => l.time > since) : r.lines;
      return { service: name, container: r.container, lines: out };
    } catch (e) {
      if (e instanceof UnknownServiceError) throw new ApiError(404, e.message, 'GET /api/v1/status lists the services');
      throw e;
    }
  }

  conversations(): unknown {
    return { conversations: listConversations(this.o.paths.dataDir).slice(0, 50) };
  }

  /** restart / stop / start a service: a plan like any other change (services.yaml edited), never applied here. */
  async serviceAction(name: string, body: { action: string }): Promise<unknown> {
    const action = body.action;
    if (action !== 'restart' && action !== 'stop' && action !== 'start') throw new ApiError(400, `action must be restart, stop or start, not '${action}'`, 'e.g. {"action": "restart"}');
    const { readStateDirFiles } = await import('../agent/flow.js'); // a state file's limit (8 MiB): nothing goes to a provider here
    const { parseDocument, isMap, isSeq } = await import('yaml');
    const files = readStateDirFiles(this.o.paths.stateDir);
    const text = files['services.yaml'];
    if (text === undefined) throw new ApiError(404, `no services.yaml in ${this.o.paths.stateDir}`, 'ask for a service first');
    const doc = parseDocument(text);
    const list = doc.getIn(['spec', 'services']);
    const i = isSeq(list) ? list.items.findIndex((it) => isMap(it) && it.get('name') === name) : -1;
    if (i < 0) throw new ApiError(404, `no service '${name}' in services.yaml`, 'GET /api/v1/status lists the services');
    const at = ['spec', 'services', i];
    const state = doc.getIn([...at, 'state']);
    if (action === 'stop') {
      if (state === 'stopped') throw new ApiError(409, `${name} is already stopped`, 'start it instead');
      doc.setIn([...at, 'state'], 'stopped');
    } else if (action === 'start') {
      if (state !== 'stopped' && doc.getIn([...at, 'enabled']) !== false) throw new ApiError(409, `${name} is already meant to be running`, 'restart it instead');
      doc.deleteIn([...at, 'state']);
      doc.deleteIn([...at, 'enabled']);
    } else {
      // A restart is a change of the label restarted-at: the config hash changes, so the plan replaces its containers.
      doc.setIn([...at, 'labels', 'restarted-at'], this.o.now().toISOString());
      if (state === 'stopped') doc.deleteIn([...at, 'state']);
    }
    const head = await stateHeadOf(this.o.paths.stateDir);
    const request = `${action} ${name}`;
    const r = await planFiles(await this.flowHost(), { ...files, 'services.yaml': String(doc) }, { request, engine: 'user', base: head, now: this.o.now(), env: this.o.env });
    if (!r.ok) throw new ApiError(422, `${request} cannot be planned: ${r.problems.join('; ')}`, 'nothing was changed', { problems: r.problems });
    return { plan: await this.save(r.planned, { kind: 'action', conversationId: null, messages: [request] }) };
  }

  async status(): Promise<unknown> {
    const { observeEnv, desiredFromStateDir } = await import('../agent/observe-env.js');
    const { observeSystem } = await import('../runtime/observe/index.js');
    const ctx = this.ctx();
    const env = await observeEnv(ctx);
    const desired = await desiredFromStateDir(env.stateDir);
    const { facts, anomalies, summary } = await observeSystem({ docker: env.docker, dataDir: env.dataDir, root: env.root, now: this.o.now, hostId: env.hostId, ...(desired ? { desired } : {}) });
    const d = summary.data;
    return {
      banner: banner(d),
      hostname: d.system.hostname,
      running: d.services.filter((s) => s.state === 'running').length,
      // name: the service in services.yaml (the row's label names a replica's container).
      services: serviceRows(facts).map((r) => ({ ...r, name: facts.containers.find((c) => c.name === r.container)?.service ?? r.service })),
      alerts: d.alerts,
      anomalies,
      summary: d,
      pending: await this.pendingView(),
      // The failure the reconciler keeps meeting, counted per pass (agent/reconcile/failing.ts), or null.
      failing: (await import('../agent/reconcile/failing.js')).readFailing(this.o.paths.dataDir),
      // The reconciler's back-off after an apply that failed and rolled back (agent/reconcile/paused.ts), or null.
      paused: (await import('../agent/reconcile/paused.js')).currentPause(this.o.paths.dataDir),
    };
  }

  /** The reconciler's plan waiting for approval (agent/reconcile/pending.ts), or null; `claude apply` on the host approves it. */
  async pendingView(): Promise<unknown> {
    const { readPending } = await import('../agent/reconcile/pending.js');
    const p = readPending(this.o.paths.dataDir);
    if (!p) return null;
    const { envelopeText: _signed, key: _key, ...view } = p;
    return view;
  }

  async pendingPlan(): Promise<unknown> {
    return { pending: await this.pendingView() };
  }

  /** The notifications (runtime/notify): the reconciler's, the observer's anomalies, scheduled jobs'. */
  async notifications(q: URLSearchParams): Promise<unknown> {
    const { parseSince } = await import('../runtime/observe/events.js');
    const { listNotifications } = await import('../runtime/notify/index.js');
    const limit = q.has('limit') ? Number(q.get('limit')) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError(400, `limit must be a whole number from 1 to 1000, not '${q.get('limit')}'`, 'e.g. /api/v1/notifications?limit=20');
    const raw = q.get('since');
    let sinceMs: number | undefined;
    if (raw !== null) {
      const d = parseSince(raw, this.o.now());
      if (!d) throw new ApiError(400, `since '${raw}' is neither a duration (30s, 15m, 2h, 1d) nor a time (2025-01-11T10:00:00Z)`, 'e.g. /api/v1/notifications?since=1h');
      sinceMs = d.getTime();
    }
    return { notifications: listNotifications(this.o.paths.dataDir, { limit, ...(sinceMs !== undefined ? { sinceMs } : {}) }) };
  }

  async history(q: URLSearchParams): Promise<unknown> {
    const limit = q.has('limit') ? Number(q.get('limit')) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError(400, `limit must be a whole number from 1 to 1000, not '${q.get('limit')}'`, 'e.g. /api/v1/history?limit=20');
    const { stateDir } = this.o.paths;
    if (!existsSync(join(stateDir, '.git'))) return { stateDir, commits: [] };
    const { openStateRepo, StateRepoDamagedError } = await import('../runtime/state/repo.js');
    try {
      const repo = await openStateRepo(stateDir, { now: this.o.now, create: false });
      return { stateDir, commits: await repo.history({ limit }) };
    } catch (e) {
      if (e instanceof StateRepoDamagedError) throw new ApiError(500, e.message, 'run `claude recover --repair-state` on the host');
      throw e;
    }
  }

  async events(q: URLSearchParams): Promise<unknown> {
    const { parseSince } = await import('../runtime/observe/events.js');
    const { recentEvents } = await import('../runtime/observe/index.js');
    const { observeEnv } = await import('../agent/observe-env.js');
    let since: Date | undefined;
    const raw = q.get('since');
    if (raw !== null) {
      const d = parseSince(raw, this.o.now());
      if (!d) throw new ApiError(400, `since '${raw}' is neither a duration (30s, 15m, 2h, 1d) nor a time (2025-01-11T10:00:00Z)`, 'e.g. /api/v1/events?since=1h');
      since = d;
    }
    const env = await observeEnv(this.ctx());
    return recentEvents({ docker: env.docker, dataDir: env.dataDir, now: this.o.now, hostId: env.hostId, ...(since ? { since } : {}) });
  }

  async plan(id: string): Promise<unknown> {
    const text = readPlanText(this.o.paths.dataDir, id);
    const meta = readMeta(this.o.paths.dataDir, id);
    if (!text || !meta) throw new ApiError(404, `no API plan '${id}'`, 'list them with GET /api/v1/plans; plans come from POST /api/v1/conversation or /api/v1/rollback');
    const host = await this.flowHost();
    const baseFiles = await this.baseFiles(payloadOf(text).base.stateCommit);
    return { ...planView(this.o.paths.dataDir, text, meta, { now: this.o.now(), hostId: host.hostId, baseFiles }), progress: this.progress.get(id) ?? [] };
  }

  plans(): unknown {
    return { plans: listPlans(this.o.paths.dataDir) };
  }

  conversationTurns(id: string): unknown {
    if (!CONVERSATION_ID.test(id)) throw new ApiError(400, `'${id}' is not a conversation id`, 'conversation ids are the conversationId values POST /api/v1/conversation returns');
    const turns = readTurns(this.o.paths.dataDir, id);
    if (turns.length === 0) throw new ApiError(404, `no conversation '${id}'`, 'start one with POST /api/v1/conversation {"message": "…"}');
    return { conversationId: id, turns, pendingPlan: this.pending.get(id)?.planId ?? null };
  }

  // ── conversation: message → plan (never applied here) ───────────────────────────────

  async conversation(body: { message: string; conversationId?: string }): Promise<ConversationReply> {
    const message = body.message.trim();
    if (!message) throw new ApiError(400, 'message is empty', 'say what you want, e.g. {"message": "set up a web server with nginx"}');
    if (message.length > MAX_REQUEST_CHARS) throw new ApiError(400, `message is ${message.length} characters; at most ${MAX_REQUEST_CHARS}`, 'say it in fewer words, or change the state files directly and plan them with `claude plan`');
    const { dataDir } = this.o.paths;
    let id = body.conversationId;
    if (id !== undefined) {
      if (!CONVERSATION_ID.test(id)) throw new ApiError(400, `conversationId '${id}' is not a conversation id`, 'send back the conversationId a previous reply gave, or leave it out to start a new conversation');
      if (!this.pending.has(id) && readTurns(dataDir, id).length === 0) throw new ApiError(404, `no conversation '${id}'`, 'leave conversationId out to start a new conversation');
    } else id = newConversationId(this.o.now());
    const history: ConversationTurn[] = toHistory(readTurns(dataDir, id));
    const pending = this.pending.get(id) ?? this.pendingFromDisk(id);
    appendTurn(dataDir, id, { at: this.o.now().toISOString(), role: 'user', text: message });
    const reply = (await this.operation(id, message, pending)) ?? ((!pending && (await this.troubleshoot(id, message))) || (await this.intent(id, message, history, pending)));
    appendTurn(dataDir, id, {
      at: this.o.now().toISOString(),
      role: 'assistant',
      // The whole reply's text, its questions included: what a reload shows, and what the provider reads as the last turn.
      text: [reply.explanation, ...(reply.questions ?? []).filter((q) => !reply.explanation.split('\n').includes(q))].filter(Boolean).join('\n'),
      status: reply.status,
      ...(reply.files ? { files: reply.files } : {}),
      ...(reply.plan ? { planId: reply.plan.id } : {}),
    });
    return reply;
  }

  /**
   * After a restart (or once evicted from memory): the conversation's newest proposed intent
   * plan, from its saved metadata. Its files are not kept, so the head is left unknown and
   * the messages are proposed again on the current state files.
   */
  private pendingFromDisk(id: string): Pending | undefined {
    const m = listPlans(this.o.paths.dataDir, 1000).find((p) => p.conversationId === id && p.kind === 'intent');
    if (!m || m.status !== 'proposed') return undefined;
    return { chain: m.messages, merged: {}, head: '(unknown: proposed again)', planId: m.id };
  }

  /**
   * "undo the last change", "what changed today?", "show me the logs of web", "restore the db
   * from the last backup" (compiler/diagnose/operations.ts): answered, or planned, as the
   * endpoints do (history, logs, rollback); never applied here. null when the message is a
   * request for the intent engine or the troubleshooting flow.
   */
  private async operation(id: string, message: string, pending: Pending | undefined): Promise<ConversationReply | null> {
    const { operationRequest, sinceTime } = await import('../compiler/diagnose/operations.js');
    let op = operationRequest(message, []);
    if (pending && op?.kind === 'rollback' && op.that) {
      // "undo that" while a proposal waits: none of it was applied, so the proposal is dropped.
      if (readMeta(this.o.paths.dataDir, pending.planId)?.status === 'proposed') this.cancelPlan(pending.planId);
      this.pending.delete(id);
      return { conversationId: id, status: 'answer', explanation: 'Dropped the proposal: none of it was applied, so there is nothing to undo. Nothing changed.' };
    }
    if (op === null || op.kind === 'logs') {
      const { operationRequestFor } = await import('../agent/troubleshoot.js');
      const found = await operationRequestFor(this.ctx(), message);
      if (found === null) return null;
      op = found.op;
      const { services } = found;
      if (op.kind === 'logs' && !op.service) return { conversationId: id, status: 'answer', explanation: services.length ? `Which service? ${services.join(', ')} (e.g. "show me the logs of ${services[0]}").` : 'There is no service yet, so there are no logs to show.' };
    }
    const answer = (explanation: string): ConversationReply => ({ conversationId: id, status: 'answer', explanation });
    switch (op.kind) {
      case 'logs': {
        const r = (await this.logs(op.service!, new URLSearchParams({ lines: String(op.lines ?? 50) }))) as { lines: { time: string; stream: string; text: string }[] };
        return answer([`The last ${r.lines.length} log lines of ${op.service}:`, ...r.lines.map((l) => `${l.stream === 'stderr' ? '!' : ' '} ${l.text}`)].join('\n'));
      }
      case 'history': {
        const { commits } = (await this.history(new URLSearchParams({ limit: op.since ? '1000' : '10' }))) as { commits: { commit: string; time: string; author: { name: string }; request: string }[] };
        const since = op.since ? sinceTime(op.since, this.o.now()) : undefined;
        const shown = since ? commits.filter((c) => Date.parse(c.time) >= since.getTime()) : commits;
        if (shown.length === 0) return answer(since ? `No changes since ${since.toISOString().replace('.000Z', 'Z')}.` : 'No changes are recorded yet (the first apply records one).');
        return answer([since ? `Changes since ${since.toISOString().replace('.000Z', 'Z')}, newest first:` : 'The latest changes, newest first:', ...shown.map((c) => `  ${c.commit.slice(0, 12)}  ${c.time.replace('.000Z', 'Z')}  ${c.author.name}  ${c.request.replace(/\s+/g, ' ').slice(0, 100)}`)].join('\n'));
      }
      case 'restore':
        // A restore replaces data and is no plan the API can hold for approval: it runs on the host.
        return answer(`Restoring replaces the current data of ${op.name} with a backup, so it runs on the host, where it shows its steps and asks: claude restore ${op.name}${op.backup ? ` ${op.backup}` : ''} (the backups: claude backups).`);
      case 'rollback': {
        if (!op.rev) {
          const { commits } = (await this.history(new URLSearchParams({ limit: '10' }))) as { commits: { commit: string; time: string; request: string }[] };
          if (commits.length === 0) return answer('There is no recorded change to roll back to yet.');
          return answer(['Which change should the state go back to? Rolling back to one restores the state right after it:', ...commits.map((c, i) => `  ${c.commit.slice(0, 12)}  ${c.time.replace('.000Z', 'Z')}  ${c.request.replace(/\s+/g, ' ').slice(0, 80)}${i === 0 ? '   (current)' : ''}`), 'Say "roll back to <id>".'].join('\n'));
        }
        try {
          const { to, plan } = await this.planRollback(op.rev, id);
          return { conversationId: id, status: 'proposed', explanation: `The plan that brings back the state of ${to.slice(0, 12)}${op.undo ? ' (the state before the newest change)' : ''}. Nothing is applied until you approve it.`, plan };
        } catch (e) {
          if (e instanceof ApiError) return answer(`${e.message}${e.hint ? `\n${e.hint}` : ''}`);
          throw e;
        }
      }
    }
  }

  /** "the website is down": the diagnosis and a plan of the recommended fix; null when the message is not a troubleshooting question. */
  private async troubleshoot(id: string, message: string): Promise<ConversationReply | null> {
    const { troubleshoot, troubleshootingRequestFor } = await import('../agent/troubleshoot.js');
    const req = await troubleshootingRequestFor(this.ctx(), message);
    if (!req) return null;
    const head = await stateHeadOf(this.o.paths.stateDir);
    // The flow says the diagnosis and the fix options; with noFix it never applies.
    const lines: string[] = [];
    const io = { out: (l = '') => void lines.push(l), err: (l: string) => void lines.push(l) };
    const { result } = await troubleshoot(this.ctx(), io, { message, kind: req.kind, noFix: true, ...(req.service ? { service: req.service } : {}) });
    const reply: ConversationReply = {
      conversationId: id,
      status: 'diagnosis',
      explanation: lines.join('\n').trim(),
      diagnosis: { healthy: result.diagnosis.healthy, findings: result.diagnosis.findings.map((f) => ({ code: f.code, severity: f.severity, title: f.title })) },
    };
    const fix = result.proposal?.options[0];
    if (!fix) return reply;
    const host = await this.flowHost();
    const r = await planFiles(host, fix.files, { request: message, engine: 'diagnose', base: head, now: this.o.now(), env: this.o.env });
    if (!r.ok) return { ...reply, problems: r.problems };
    reply.plan = await this.save(r.planned, { kind: 'diagnose', conversationId: id, messages: [message] });
    reply.files = fix.changed;
    return reply;
  }

  private async intent(id: string, message: string, history: ConversationTurn[], pending: Pending | undefined): Promise<ConversationReply> {
    // The intent engine (the offline language, the SDKs: most of the files the API could
    // load) is read on the first conversation, not at the server's start.
    const { explanationBesideQuestions, proposeTurn } = await import('../agent/request.js');
    const { openIntentSession } = await import('../agent/intent.js');
    let s: IntentSession;
    try {
      s = await openIntentSession(this.ctx());
    } catch (e) {
      if (e instanceof ProviderError) throw new ApiError(503, e.message, e.hint);
      throw e;
    }
    s.host = await this.flowHost();
    try {
      // A refinement builds on the pending proposal. When another apply has committed since
      // it was read, the messages are proposed again on the current files (no lost update).
      let files = s.files;
      let chain: string[] = [];
      if (pending) {
        chain = pending.chain;
        if (pending.head === s.head) files = pending.merged;
        else {
          const replay: ConversationTurn[] = [];
          for (const m of chain) {
            const t = await proposeTurn(s, m, [...replay], files);
            if (t.result.status !== 'proposed') break;
            replay.push({ role: 'user', text: m }, { role: 'assistant', text: t.result.proposal.explanation });
            files = t.result.merged;
          }
        }
      }
      const request = [...chain, message].join('; ');
      const t = await proposeTurn(s, message, history, files, request);
      const p = t.result.proposal;
      const reply: ConversationReply = {
        conversationId: id,
        status: t.planProblems ? 'unplannable' : t.result.status,
        // A question is said once, as a question (the engine's asks put it in the explanation too).
        explanation: p.refused ? p.explanation || p.refused.reason : explanationBesideQuestions(p.explanation, t.result.questions),
        ...(t.result.questions.length ? { questions: t.result.questions } : {}),
        ...(t.result.warnings.length ? { warnings: t.result.warnings } : {}),
        ...(p.refused ? { refused: p.refused } : {}),
      };
      const problems = t.planProblems ?? (t.result.status === 'refused' || t.result.status === 'invalid' ? t.result.problems : []);
      if (problems.length) reply.problems = problems;
      if (Object.keys(t.result.files).length) reply.files = Object.keys(t.result.files).sort();
      if (t.planned) {
        if (pending) updateMeta(this.o.paths.dataDir, pending.planId, { status: 'superseded' });
        reply.plan = await this.save(t.planned, { kind: 'intent', conversationId: id, messages: [...chain, message] });
        if (t.planned.problems.length) reply.warnings = [...(reply.warnings ?? []), ...t.planned.problems];
        this.pending.delete(id);
        this.pending.set(id, { chain: [...chain, message], merged: t.result.merged, head: s.head, planId: t.planned.payload.id });
        // Keep the newest MAX_PENDING conversations' proposals (a Map iterates oldest first).
        for (const k of this.pending.keys()) {
          if (this.pending.size <= MAX_PENDING) break;
          this.pending.delete(k);
        }
      }
      return reply;
    } catch (e) {
      if (e instanceof ProviderError) throw new ApiError(502, e.message, e.hint);
      throw e;
    } finally {
      await s.close();
    }
  }

  private async save(planned: Planned, m: Pick<PlanMeta, 'kind' | 'conversationId' | 'messages' | 'rollbackTo'>): Promise<PlanView> {
    const meta: PlanMeta = { id: planned.payload.id, createdAt: planned.payload.createdAt, status: 'proposed', ...m };
    savePlan(this.o.paths.dataDir, planned.envelopeText, meta);
    const baseFiles = await this.baseFiles(planned.payload.base.stateCommit);
    return planView(this.o.paths.dataDir, planned.envelopeText, meta, { now: this.o.now(), hostId: planned.payload.hostId, baseFiles });
  }

  /** The state files at a plan's base commit (what was last applied): the "old" side of its review. */
  private async baseFiles(commit: string | null): Promise<Record<string, string>> {
    return baseFilesAt(this.o.paths.stateDir, commit, this.o.now);
  }


  // ── rollback: plan only ──────────────────────────────────────────────────────────

  async rollback(body: { commit: string }): Promise<unknown> {
    return this.planRollback(body.commit, null);
  }

  /** The plan of the state of commit `rev`, saved (in conversation `conversationId` when said in one). */
  private async planRollback(rev: string, conversationId: string | null): Promise<{ to: string; plan: PlanView }> {
    const { stateDir } = this.o.paths;
    if (!existsSync(join(stateDir, '.git'))) throw new ApiError(409, `${stateDir} has no history yet; there is nothing to roll back to`, 'the first apply records the first commit');
    const { openStateRepo, UnknownRevisionError } = await import('../runtime/state/repo.js');
    const repo = await openStateRepo(stateDir, { now: this.o.now, create: false });
    let target: string;
    try {
      target = await repo.resolveRev(rev);
    } catch (e) {
      if (e instanceof UnknownRevisionError) throw new ApiError(404, e.message, 'GET /api/v1/history lists the commits; give one of their ids (12 characters are enough)');
      throw e;
    }
    const history = await repo.history();
    const entry = history.find((h) => h.commit === target);
    const short = target.slice(0, 12);
    const oneLine = (entry?.request ?? '').replace(/\s+/g, ' ').trim().slice(0, 120);
    const base = await stateHeadOf(stateDir);
    const r = await planFiles(await this.flowHost(), await repo.filesAt(target), { request: `rollback to ${short} ("${oneLine}")`, engine: 'rollback', base, now: this.o.now(), env: this.o.env });
    if (!r.ok) throw new ApiError(422, `the state of ${short} cannot be planned on this system: ${r.problems.join('; ')}`, 'nothing was changed; fix the problem named, or roll back to another commit', { problems: r.problems });
    const plan = await this.save(r.planned, { kind: 'rollback', conversationId, messages: [`rollback to ${short}`], rollbackTo: target });
    return { to: target, plan };
  }

  // ── cancel: the plan can never be applied through the API ─────────────────────────

  cancelPlan(id: string): unknown {
    const { dataDir } = this.o.paths;
    const meta = readMeta(dataDir, id);
    if (!meta) throw new ApiError(404, `no API plan '${id}'`, 'list them with GET /api/v1/plans');
    if (meta.status === 'cancelled') return { id, status: 'cancelled' };
    if (meta.status !== 'proposed' && meta.status !== 'refused') throw new ApiError(409, `plan ${id} is ${meta.status}; only a proposed plan can be cancelled`, meta.status === 'applied' ? 'to undo an applied change, roll back (POST /api/v1/rollback)' : 'nothing to cancel');
    updateMeta(dataDir, id, { status: 'cancelled' });
    if (meta.conversationId && this.pending.get(meta.conversationId)?.planId === id) this.pending.delete(meta.conversationId);
    if (meta.conversationId) appendTurn(dataDir, meta.conversationId, { at: this.o.now().toISOString(), role: 'assistant', text: 'cancelled', status: 'cancelled', planId: id });
    return { id, status: 'cancelled' };
  }

  // ── apply: the only way the API changes the system ────────────────────────────────

  async applyPlan(id: string, body: { approve?: unknown; confirmSecurity?: unknown }): Promise<{ status: number; body: unknown }> {
    const { dataDir } = this.o.paths;
    const text = readPlanText(dataDir, id);
    const meta = readMeta(dataDir, id);
    if (!text || !meta) throw new ApiError(404, `no API plan '${id}'`, 'plans come from POST /api/v1/conversation or /api/v1/rollback');
    if (meta.status === 'cancelled') throw new ApiError(409, `plan ${id} was cancelled; it can no longer be applied`, 'ask again for a new plan (POST /api/v1/conversation)', { code: 'cancelled' });
    if (body.approve !== true) throw new ApiError(400, 'not approved: nothing was changed', 'review the plan (GET /api/v1/plans/' + id + '), then send {"approve": true}');
    const payload = payloadOf(text);
    const risky = planRisks(payload);
    if (risky.length && body.confirmSecurity !== true) {
      throw new ApiError(400, `the plan has ${risky.length} security or destructive change(s) that need a second confirmation; nothing was changed`, 'read the warnings in the plan, then send {"approve": true, "confirmSecurity": true}', {
        code: 'confirmation-required',
        risks: risky,
      });
    }
    if (meta.status === 'applying') throw new ApiError(409, `plan ${id} is being applied`, `follow it with GET /api/v1/plans/${id}`);
    if (meta.status === 'applied') throw new ApiError(409, `plan ${id} was already applied (state commit ${meta.stateCommit?.slice(0, 12) ?? 'none'}); a plan is applied at most once`, 'make a new plan for the change you want');
    if (meta.status === 'superseded') throw new ApiError(409, `plan ${id} was replaced by a refinement in its conversation`, 'apply the newest plan of the conversation (GET /api/v1/conversations/' + (meta.conversationId ?? '') + ')');
    const run = this.applying.then(() => this.applyNow(id, text, meta, risky.length > 0));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(id: string, text: string, meta: PlanMeta, confirmed: boolean): Promise<{ status: number; body: unknown }> {
    const { dataDir } = this.o.paths;
    const { PlanRefusedError, StalePlanError } = await import('../runtime/verify.js');
    const { LockHeldError } = await import('../runtime/lock.js');
    const { LockTimeoutError } = await import('../runtime/pidlock.js');
    const host = await this.flowHost();
    const lines: string[] = [];
    this.progress.set(id, lines);
    let release: (() => void) | undefined;
    updateMeta(dataDir, id, { status: 'applying' });
    try {
      try {
        // Queue with the CLI's requests (claude "<msg>", claude rollback) on this host.
        release = await acquireRequestLock({ dataDir, waitMs: this.o.lockWaitMs ?? 60_000 });
      } catch (e) {
        updateMeta(dataDir, id, { status: meta.status });
        if (e instanceof LockTimeoutError) throw new ApiError(503, 'another request is being planned or applied on this host', 'try again in a minute', { retryAfter: 30 });
        throw new ApiError(503, `cannot take the request lock: ${(e as Error).message}`, 'try again in a minute');
      }
      let result: ApplyResult;
      try {
        result = await applyPlanned(host, text, {
          now: this.o.now,
          actor: { name: API_ACTOR, email: `${API_ACTOR}@${host.hostId}` },
          // The V9 confirmation: only when the client sent confirmSecurity for a plan that needs it.
          yes: confirmed,
          lockWaitMs: this.o.lockWaitMs ?? 60_000,
          onEvent: (e) => progressLine(e, lines),
        });
      } catch (e) {
        if (e instanceof PlanRefusedError || e instanceof LockHeldError) {
          const clause = e instanceof PlanRefusedError ? e.clause : 'lock';
          updateMeta(dataDir, id, { status: 'refused', error: { clause, message: e.message, hint: e.hint } });
          const extra: Record<string, unknown> = { clause, refusedBy: 'runtime' };
          if (e instanceof StalePlanError) extra.changes = e.changes;
          let hint = e.hint;
          if (e instanceof StalePlanError) hint = meta.kind === 'rollback' ? 'plan the rollback again: POST /api/v1/rollback' : 'plan it again against the current state: POST /api/v1/conversation with the same request';
          if (clause === 'V3 signature') hint = `${e.hint}. For users, SSH keys, sudo or sshd (policy P2) an admin must co-sign the saved plan on the host: claude sign ${planFileHint(dataDir, id)} --key ADMIN.key, then apply it again`;
          throw new ApiError(refusalStatus(clause), `the runtime refused the plan (${clause}): ${e.message}`, `${hint}. Nothing was changed.`, extra);
        }
        updateMeta(dataDir, id, { status: meta.status });
        throw e;
      }
      updateMeta(dataDir, id, { status: result.status, stateCommit: result.stateCommit, ...(result.error ? { error: { message: result.error.message, ...(result.error.hint ? { hint: result.error.hint } : {}) } } : {}) });
      if (meta.conversationId) {
        const p = this.pending.get(meta.conversationId);
        if (p?.planId === id) this.pending.delete(meta.conversationId);
        appendTurn(dataDir, meta.conversationId, { at: this.o.now().toISOString(), role: 'assistant', text: result.status === 'applied' ? 'applied' : 'apply failed', status: result.status === 'applied' ? 'applied' : 'failed', planId: id });
      }
      if (meta.kind === 'rollback' && result.status === 'applied') {
        const { appendAudit } = await import('../runtime/audit.js');
        await appendAudit(dataDir, { actor: API_ACTOR, event: 'rollback', planId: result.planId, details: { to: meta.rollbackTo ?? null, stateCommit: result.stateCommit } }, this.o.now);
      }
      const out = {
        planId: result.planId,
        status: result.status,
        durationMs: result.durationMs,
        steps: result.steps.map((s) => ({ id: s.id, op: s.op, target: s.target, description: s.description, status: s.status, message: s.message, ...(s.error ? { error: s.error } : {}), ...(s.hint ? { hint: s.hint } : {}) })),
        reachable: result.reachable,
        stateCommit: result.stateCommit,
        warnings: result.warnings,
        ...(result.error ? { error: result.error } : {}),
        ...(result.rollback ? { rollback: result.rollback } : {}),
        lines: renderResult(result).filter((l) => l !== ''),
      };
      if (result.status === 'applied') return { status: 200, body: out };
      return {
        status: 500,
        body: {
          ...out,
          error: result.error?.message ?? 'the apply failed',
          hint: result.status === 'rolled-back' ? 'the apply failed and was rolled back: the system is as it was; see steps for the failing one' : result.status === 'incomplete' ? 'the changes are live but the apply could not be completed (clean-up or state commit): fix the cause, then run `claude recover` on the host' : 'the rollback did not restore everything: run `claude recover` on the host',
          applyError: result.error ?? null,
        },
      };
    } finally {
      release?.();
    }
  }
}

function planFileHint(dataDir: string, id: string): string {
  return join(dataDir, 'api', 'plans', `${id}.json`);
}

/** The HTTP status of a runtime refusal, by its clause (runtime/verify.ts). */
export function refusalStatus(clause: string): number {
  if (clause.startsWith('V8') || clause.startsWith('V6')) return 409; // stale base, replay: conflict with the current state
  if (clause.startsWith('V3')) return 403; // missing signature (policy P2: admin)
  if (clause.startsWith('V5')) return 410; // expired
  if (clause === 'lock') return 503;
  return 400;
}

function progressLine(e: ApplyEvent, lines: string[]): void {
  if (e.type === 'reconcile.started') lines.push(`Applying ${e.planId} (${e.steps} step${e.steps === 1 ? '' : 's'})…`);
  else if (e.type === 'lock.waiting') lines.push(`… waiting for another apply (${e.holder})`);
  else if (e.type === 'reconcile.step' && e.status === 'done') lines.push(`✓ ${e.message}`);
  else if (e.type === 'reconcile.step' && e.status === 'failed') lines.push(`✗ ${e.message}${e.error ? `: ${e.error}` : ''}`);
  else if (e.type === 'rollback.started') lines.push(`Rolling back: ${e.reason}`);
  else if (e.type === 'reconcile.completed') lines.push(`Done: ${e.changes} change${e.changes === 1 ? '' : 's'}.`);
  else if (e.type === 'reconcile.failed') lines.push(`✗ Failed: ${e.error}${e.rolledBack ? ' (rolled back)' : ''}`);
}

/** Whether a process with this pid exists (EPERM: it does, as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
