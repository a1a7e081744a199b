/**
 * The cluster node agent (`claude cluster agent`, docs/cluster.md): one per node, next to the
 * node's runtime. It
 *
 *  - holds the node's liveness key `alive/<hostId>` on a lease (TTL from the cluster config);
 *  - publishes the node's observed snapshot (`observed/<hostId>`, with the state repo's HEAD)
 *    so the leader can plan against it;
 *  - applies the signed plan the leader wrote for it (`plans/<hostId>`) with the existing
 *    runtime (verify, lock, journal, health, rollback, state commit, audit), trusting only the
 *    cluster members' keys and its own trusted keys, and reports the outcome (`results/<hostId>`);
 *  - campaigns for leadership (election.ts); while it leads, each pass reads the cluster's
 *    desired state files, places the replicas (compiler/placement.ts), plans each node's view
 *    (compiler/node-view.ts) through the one planning path (flow.ts planFiles), signs it with
 *    this node's key, and writes the placement and the changed plans in one fenced txn.
 *
 * A pass runs every `passMs` and when etcd reports a change the pass cares about; passes of
 * one kind never overlap.
 */
import { createHash } from 'node:crypto';
import type { Etcd3, Lease, Watcher } from 'etcd3';
import type { Paths } from '../../common/paths.js';
import { canonicalJson } from '../../common/canonical.js';
import { compileFiles } from '../../compiler/compile.js';
import { nodeView } from '../../compiler/node-view.js';
import { place, type Placement } from '../../compiler/placement.js';
import { parseEnvelope } from '../../plan/envelope.js';
import type { ObservedState } from '../../plan/types.js';
import { PlanRefusedError } from '../../runtime/verify.js';
import { applyPlanned, openFlowHost, planFiles, stateHeadOf, type FlowHost } from '../flow.js';
import { FencedWriteError, Leadership, type FencedOp } from './election.js';
import { memberTrust, readRegistry, type AliveRecord, type MemberRecord } from './registry.js';
import { ClusterUnavailableError, KEY, openEtcd, prefixOf, requireClusterConfig, retryDelayMs, storeCall, type ClusterConfig } from './store.js';

export interface PlacementRecord extends Placement {
  /**
   * Per node: the hash of the view last planned, the id of that plan, and how many applies
   * of this same view failed in a row before it was written (the back-off: retryDelayMs).
   */
  nodes: Record<string, { viewHash: string; planId: string; at: string; failures?: number }>;
  /** The leader that wrote it, and its fencing token. */
  leader: { hostId: string; token: string };
  /** Compile errors of the cluster's state files (nothing was planned). */
  problems?: string[];
}

export interface NodeResult {
  planId: string;
  status: string;
  problems: string[];
  at: string;
}

export interface ClusterAgentOptions {
  paths: Paths;
  now?: () => Date;
  log?: (line: string) => void;
  /** How often each loop runs without a trigger (ms). Default 1000. */
  passMs?: number;
  /** The node's flow host (tests: a netns); default openFlowHost(paths). */
  host?: FlowHost;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export class ClusterAgent {
  readonly config: ClusterConfig;
  private client!: Etcd3;
  private host!: FlowHost;
  private aliveLease: Lease | null = null;
  private leadership!: Leadership;
  private timer: NodeJS.Timeout | null = null;
  private watchers: Watcher[] = [];
  private stopped = false;
  private nodeBusy: Promise<void> | null = null;
  private leaderBusy: Promise<void> | null = null;
  private lastObservedHash = '';
  private lastHandledPlan = '';
  /** Views the leader could not plan (per node): planned again with the same back-off as a failed apply. */
  private readonly planFailures = new Map<string, { viewHash: string; failures: number; at: number }>();
  private readonly p: string;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  hostId = '';

  constructor(private readonly o: ClusterAgentOptions) {
    this.config = requireClusterConfig(o.paths.dataDir);
    this.p = prefixOf(this.config.name);
    this.now = o.now ?? (() => new Date());
    this.log = o.log ?? (() => undefined);
  }

  async start(): Promise<void> {
    this.host = this.o.host ?? (await openFlowHost(this.o.paths));
    this.hostId = this.host.hostId;
    this.client = await openEtcd(this.o.paths.dataDir, this.config);
    const member = await storeCall(this.config.endpoints, () => this.client.get(KEY.member(this.p, this.hostId)).string());
    if (!member) throw new Error(`this node (${this.hostId}) is not a member of cluster '${this.config.name}': run \`claude cluster join\` again`);
    await this.holdAlive();
    this.leadership = new Leadership({ client: this.client, prefix: this.p, endpoints: this.config.endpoints, hostId: this.hostId, ttlSeconds: this.config.leaseTtlSeconds, now: this.now, log: this.log });
    this.leadership.onLeaseLost(() => {
      this.log('leader lease lost; checking with a fenced write');
      this.kickLeader();
    });
    const w = await this.client.watch().prefix(this.p).create();
    w.on('put', (kv) => this.onChange(kv.key.toString()));
    w.on('delete', (kv) => this.onChange(kv.key.toString()));
    w.on('error', () => undefined);
    this.watchers.push(w);
    this.log(`node ${this.hostId} up in cluster '${this.config.name}' (lease TTL ${this.config.leaseTtlSeconds} s)`);
    const tick = () => {
      if (this.stopped) return;
      this.kickNode();
      this.kickLeader();
      this.timer = setTimeout(tick, this.o.passMs ?? 1000);
    };
    tick();
  }

  /** Stops the loops; resigns leadership and drops the liveness key (a clean leave of the agent). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([this.nodeBusy, this.leaderBusy]);
    for (const w of this.watchers) await w.cancel().catch(() => undefined);
    await this.leadership?.resign().catch(() => undefined);
    await this.aliveLease?.revoke().catch(() => undefined);
    this.client?.close();
  }

  private onChange(key: string): void {
    if (key === KEY.plan(this.p, this.hostId)) this.kickNode();
    if (key.startsWith(KEY.states(this.p)) || key.startsWith(KEY.alives(this.p)) || key.startsWith(KEY.results(this.p)) || key.startsWith(KEY.members(this.p)) || key === KEY.leader(this.p)) this.kickLeader();
  }

  private async holdAlive(): Promise<void> {
    const lease = this.client.lease(this.config.leaseTtlSeconds, { autoKeepAlive: true });
    const rec: AliveRecord = { hostId: this.hostId, pid: process.pid, since: this.now().toISOString() };
    await storeCall(this.config.endpoints, () => lease.put(KEY.alive(this.p, this.hostId)).value(JSON.stringify(rec)).exec());
    lease.on('lost', () => {
      if (this.stopped) return;
      this.log('liveness lease lost; registering again');
      this.aliveLease = null;
      this.holdAlive().catch((e) => this.log(`cannot register liveness: ${(e as Error).message}`));
    });
    this.aliveLease = lease;
  }

  private kickNode(): void {
    if (this.nodeBusy || this.stopped) return;
    this.nodeBusy = this.nodePass()
      .catch((e) => this.log(`node pass: ${describe(e)}`))
      .finally(() => (this.nodeBusy = null));
  }

  private kickLeader(): void {
    if (this.leaderBusy || this.stopped) return;
    this.leaderBusy = this.leaderPass()
      .catch((e) => this.log(`leader pass: ${describe(e)}`))
      .finally(() => (this.leaderBusy = null));
  }

  // ── the node's side ────────────────────────────────────────────────────────────────

  private async publishObserved(): Promise<void> {
    const snap: ObservedState = { ...(await this.host.snapshot()), stateCommit: await stateHeadOf(this.o.paths.stateDir) };
    const text = JSON.stringify(snap);
    const h = sha(text);
    if (h === this.lastObservedHash) return;
    await storeCall(this.config.endpoints, () => this.client.put(KEY.observed(this.p, this.hostId)).value(text).exec());
    this.lastObservedHash = h;
  }

  /** One node pass: publish what this node runs; apply the plan written for it, once. */
  async nodePass(): Promise<void> {
    await this.publishObserved();
    const text = await storeCall(this.config.endpoints, () => this.client.get(KEY.plan(this.p, this.hostId)).string());
    if (!text) return;
    const id = sha(text);
    if (id === this.lastHandledPlan) return;
    this.lastHandledPlan = id;
    let planId = '(unreadable)';
    try {
      const env = parseEnvelope(text);
      planId = (JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { id?: string }).id ?? planId;
    } catch {
      /* the runtime refuses it below, with the reason */
    }
    const members = await this.members();
    let result: NodeResult;
    try {
      const r = await applyPlanned(this.host, text, {
        now: this.now,
        actor: { name: `claude-cluster ${this.hostId}`, email: 'cluster@claude-os.local' },
        yes: true,
        trigger: 'cluster',
        extraTrustedKeys: memberTrust(members),
      });
      result = { planId: r.planId, status: r.status, problems: r.error ? [`${r.error.name}: ${r.error.message}`] : [], at: this.now().toISOString() };
      this.log(`applied plan ${r.planId.slice(0, 12)}: ${r.status} (${r.steps.length} steps, ${r.durationMs} ms)`);
    } catch (e) {
      const err = e as Error & { hint?: string; clause?: string };
      const status = e instanceof PlanRefusedError ? (err.name === 'StalePlanError' ? 'stale' : 'refused') : 'failed';
      result = { planId, status, problems: [`${err.clause ? err.clause + ': ' : ''}${err.message}${err.hint ? ` (hint: ${err.hint})` : ''}`], at: this.now().toISOString() };
      this.log(`plan ${planId.slice(0, 12)} ${status}: ${result.problems[0]}`);
    }
    await storeCall(this.config.endpoints, () => this.client.put(KEY.result(this.p, this.hostId)).value(JSON.stringify(result)).exec());
    this.lastObservedHash = '';
    await this.publishObserved();
  }

  private async members(): Promise<MemberRecord[]> {
    return (await readRegistry(this.client, this.config)).members;
  }

  // ── the leader's side ──────────────────────────────────────────────────────────────

  /** One leader pass (a no-op unless this node is, or becomes, the leader). */
  async leaderPass(): Promise<void> {
    if (!this.leadership.token && !(await this.leadership.tryAcquire())) return;
    try {
      await this.reconcileCluster();
    } catch (e) {
      if (!(e instanceof FencedWriteError)) throw e;
      this.log(`leader write refused (fenced): ${e.message}`);
    }
  }

  private async reconcileCluster(): Promise<void> {
    const ep = this.config.endpoints;
    const c = this.client;
    // The first act of every pass is a fenced write: a leader that lost its lease learns it here.
    await this.leadership.write([]);
    const stateKvs = await storeCall(ep, () => c.getAll().prefix(KEY.states(this.p)).strings());
    const files: Record<string, string> = {};
    for (const [k, v] of Object.entries(stateKvs)) files[k.slice(KEY.states(this.p).length)] = v;
    if (!Object.keys(files).length) return;
    const prevText = await storeCall(ep, () => c.get(KEY.placement(this.p)).string());
    const prev = prevText ? (JSON.parse(prevText) as PlacementRecord) : null;
    const compiled = compileFiles(files);
    const leader = { hostId: this.hostId, token: this.leadership.token! };
    if (!compiled.model) {
      const problems = compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column}: ${d.code}: ${d.message}`);
      if (JSON.stringify(prev?.problems) !== JSON.stringify(problems)) await this.leadership.write([{ put: KEY.placement(this.p), value: JSON.stringify({ ...(prev ?? { assignments: {}, stuck: [], unplaced: [], nodes: {} }), leader, problems }) }]);
      return;
    }
    const reg = await readRegistry(c, this.config);
    const placement = place(
      compiled.model,
      reg.members.map((m) => ({ hostId: m.hostId, alive: reg.alive.has(m.hostId), labels: m.labels, capacity: m.capacity })),
      prev?.assignments ?? {},
      prev?.jobs ?? {},
    );
    const results = await storeCall(ep, () => c.getAll().prefix(KEY.results(this.p)).strings());
    const record: PlacementRecord = { ...placement, nodes: { ...(prev?.nodes ?? {}) }, leader };
    const ops: FencedOp[] = [];
    for (const m of reg.members) {
      if (!reg.alive.has(m.hostId)) continue;
      const view = nodeView(files, placement, m.hostId);
      const viewHash = sha(canonicalJson(view));
      const last = record.nodes[m.hostId];
      const resText = results[KEY.result(this.p, m.hostId)];
      const res = resText ? (JSON.parse(resText) as NodeResult) : null;
      const failedLast = !!last && !!res && res.planId === last.planId && res.status !== 'applied';
      if (last && last.viewHash === viewHash && !failedLast) continue;
      // The same view failed: it is planned again after a back-off that doubles with each
      // failure in a row (2 s, 4 s, 8 s … 5 min); a stale plan (the node changed under it) at
      // once; a changed view at once, with the count reset.
      const sameView = !!last && last.viewHash === viewHash;
      const stale = failedLast && res!.status === 'stale';
      const failures = sameView && failedLast ? (last!.failures ?? 0) + (stale ? 0 : 1) : 0;
      if (sameView && failedLast && !stale && Date.parse(res!.at) + retryDelayMs(failures) > this.now().getTime()) continue;
      const pf = this.planFailures.get(m.hostId);
      if (pf && pf.viewHash === viewHash && pf.at + retryDelayMs(pf.failures) > this.now().getTime()) continue;
      const obsText = await storeCall(ep, () => c.get(KEY.observed(this.p, m.hostId)).string());
      if (!obsText) continue; // the node has not said what it runs yet
      const observed = JSON.parse(obsText) as ObservedState;
      const target: FlowHost = { paths: this.o.paths, hostId: m.hostId, snapshot: async () => observed, engine: async () => Promise.reject(new Error('the leader plans for other nodes; it does not apply their plans')) };
      const r = await planFiles(target, view, { request: `cluster '${this.config.name}': node ${m.hostId}`, engine: 'offline', base: observed.stateCommit ?? null, now: this.now(), env: {}, observed, allowDestructive: true });
      if (!r.ok) {
        const failuresNow = pf && pf.viewHash === viewHash ? pf.failures + 1 : 1;
        this.planFailures.set(m.hostId, { viewHash, failures: failuresNow, at: this.now().getTime() });
        this.log(`cannot plan node ${m.hostId} (${failuresNow}× in a row; again in ${retryDelayMs(failuresNow) / 1000} s): ${r.problems.join('; ')}`);
        continue;
      }
      this.planFailures.delete(m.hostId);
      ops.push({ put: KEY.plan(this.p, m.hostId), value: r.planned.envelopeText });
      record.nodes[m.hostId] = { viewHash, planId: r.planned.payload.id, at: this.now().toISOString(), ...(failures ? { failures } : {}) };
      if (failures) this.log(`node ${m.hostId}: its plan failed ${failures} time${failures > 1 ? 's' : ''} in a row; planned again (next back-off ${retryDelayMs(failures + 1) / 1000} s)`);
    }
    const same = prev && JSON.stringify({ ...prev, leader: null, nodes: null }) === JSON.stringify({ ...record, leader: null, nodes: null }) && !ops.length && prev.leader.token === leader.token;
    if (same) return;
    ops.unshift({ put: KEY.placement(this.p), value: JSON.stringify(record) });
    await this.leadership.write(ops);
    if (ops.length > 1) this.log(`placed ${Object.keys(placement.assignments).length} replicas; wrote ${ops.length - 1} node plan${ops.length > 2 ? 's' : ''}${placement.stuck.length ? `; stuck: ${placement.stuck.map((s) => s.replica).join(', ')}` : ''}${placement.unplaced.length ? `; unplaced: ${placement.unplaced.map((s) => s.replica).join(', ')}` : ''}`);
  }
}

function describe(e: unknown): string {
  if (e instanceof ClusterUnavailableError) return `${e.message} (${e.hint})`;
  return (e as Error)?.message ?? String(e);
}
