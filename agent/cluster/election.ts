/**
 * Leader election on an etcd lease, and fenced writes (docs/cluster.md, "Leader").
 *
 *   campaign:  grant a lease (TTL = the cluster's lease TTL, kept alive by the etcd client)
 *              → txn: if the leader key does not exist (create revision 0), put it with
 *                this node's host id on that lease → elected; its create revision is the
 *                fencing token (it is unique and grows: a later leader always has a larger one)
 *              otherwise wait (poll at a third of the TTL) and try again.
 *   write:     every write the leader makes is a txn whose first compare is
 *              `leader key create revision == token`. A leader that lost its lease (paused
 *              with SIGSTOP past the TTL, partitioned) has lost its key: etcd deleted it when
 *              the lease expired, and a new leader's key has another create revision, so the
 *              txn fails and nothing is written (FencedWriteError).
 *
 * Leadership is what a fenced write proves, not what the local process believes: a lost
 * lease (the client's `lost` event) only makes the leader check at once with a fenced write
 * (`confirm`), and the rejection of that write is what makes it step down.
 */
import type { Etcd3, Lease } from 'etcd3';
import { KEY, storeCall } from './store.js';

/** A leader's write was refused by etcd: the leader key is gone or belongs to a newer leader. */
export class FencedWriteError extends Error {
  override name = 'FencedWriteError';
  constructor(
    readonly token: string,
    readonly current: { hostId: string | null; createRevision: string | null },
  ) {
    super(`write refused by etcd (fenced): this node's leadership (leader key revision ${token}) has ended; the leader is now ${current.hostId ?? 'nobody'}${current.createRevision ? ` (revision ${current.createRevision})` : ''}`);
  }
}

export interface LeaderRecord {
  hostId: string;
  since: string;
}

export interface ElectionOptions {
  client: Etcd3;
  prefix: string;
  endpoints: string[];
  hostId: string;
  ttlSeconds: number;
  now?: () => Date;
  log?: (line: string) => void;
}

/** A write op for a fenced txn: a put or a delete of one key. */
export type FencedOp = { put: string; value: string } | { delete: string };

export class Leadership {
  private lease: Lease | null = null;
  /** The fencing token: the create revision of our leader key, while we believe we lead. */
  token: string | null = null;
  private onLost: (() => void) | null = null;

  constructor(private readonly o: ElectionOptions) {}

  get leaderKey(): string {
    return KEY.leader(this.o.prefix);
  }

  /** Who leads now (null: nobody), with the key's create revision. */
  async current(): Promise<{ hostId: string | null; createRevision: string | null }> {
    const res = await storeCall(this.o.endpoints, () => this.o.client.get(this.leaderKey).exec());
    const kv = res.kvs[0];
    if (!kv) return { hostId: null, createRevision: null };
    let hostId: string | null = null;
    try {
      hostId = (JSON.parse(kv.value.toString()) as LeaderRecord).hostId;
    } catch {
      /* not ours */
    }
    return { hostId, createRevision: String(kv.create_revision) };
  }

  /** One attempt to become leader. True when elected (then `token` is set). */
  async tryAcquire(): Promise<boolean> {
    if (this.token) return true;
    const c = this.o.client;
    if (!this.lease || this.lease.revoked()) {
      this.lease = c.lease(this.o.ttlSeconds, { autoKeepAlive: true });
      this.lease.on('lost', () => this.onLost?.());
    }
    const leaseId = await storeCall(this.o.endpoints, () => this.lease!.grant());
    const rec: LeaderRecord = { hostId: this.o.hostId, since: (this.o.now?.() ?? new Date()).toISOString() };
    const res = await storeCall(this.o.endpoints, () =>
      c.if(this.leaderKey, 'Create', '==', 0).then(c.put(this.leaderKey).value(JSON.stringify(rec)).lease(leaseId)).commit(),
    );
    if (!res.succeeded) return false;
    this.token = String(res.header.revision);
    this.o.log?.(`elected leader (leader key revision ${this.token}, lease ${leaseId}, TTL ${this.o.ttlSeconds} s)`);
    return true;
  }

  /** Called (once per loss) when the etcd client reports our lease lost. */
  onLeaseLost(f: () => void): void {
    this.onLost = f;
  }

  /**
   * A fenced transaction: the ops happen only if our leader key still exists with our
   * create revision. Throws FencedWriteError (and forgets the token) when it does not.
   */
  async write(ops: readonly FencedOp[]): Promise<void> {
    const token = this.token;
    if (!token) throw new FencedWriteError('none', await this.current());
    const c = this.o.client;
    const res = await storeCall(this.o.endpoints, () =>
      c
        .if(this.leaderKey, 'Create', '==', token)
        .then(...ops.map((op) => ('put' in op ? c.put(op.put).value(op.value) : c.delete().key(op.delete))))
        .commit(),
    );
    if (!res.succeeded) {
      this.token = null;
      this.lease?.release();
      this.lease = null;
      const cur = await this.current().catch(() => ({ hostId: null, createRevision: null }));
      throw new FencedWriteError(token, cur);
    }
  }

  /** A fenced write of nothing but the check itself: proves (or disproves) leadership. */
  async confirm(): Promise<boolean> {
    try {
      await this.write([]);
      return true;
    } catch (e) {
      if (e instanceof FencedWriteError) return false;
      throw e;
    }
  }

  /** Steps down: deletes the leader key (fenced) and revokes the lease. */
  async resign(): Promise<void> {
    if (this.token) await this.write([{ delete: this.leaderKey }]).catch(() => undefined);
    this.token = null;
    await this.lease?.revoke().catch(() => undefined);
    this.lease = null;
  }
}
