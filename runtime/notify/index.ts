/**
 * The one notification sink. The reconciler (validation failures, drift, pending plans,
 * failed applies), the observer (anomalies: crash loop, OOM, disk, certificate expiry) and
 * the job scheduler (`on_failure` / `on_success`) all send through `Notifier.notify`, which
 *
 *   1. appends the notification to `<dataDir>/notifications.jsonl` (what `claude
 *      notifications` and the API's notifications list read),
 *   2. appends a `notification` record to the event log (`<dataDir>/events.jsonl`),
 *   3. queues a webhook delivery when a webhook is configured (webhook.ts): a JSON POST with
 *      a timeout and retries, in the background. `notify` never waits for the network, so a
 *      hanging or failing receiver never blocks the caller (a reconcile pass, an observer tick).
 *
 * The settings come from manifest.yaml `spec.notifications`, saved by whoever last validated
 * the state files (the reconciler, on every valid pass) to `<dataDir>/notify.json` as the
 * last good settings: a pass whose files do not validate still notifies with them. The saved
 * file holds the webhook's secret only as its encrypted `encrypted:v1:` value; it is
 * decrypted when a notification is signed, and never written into a body, a log or an event.
 *
 * Must not: block on delivery, throw for a delivery failure, or put secret values anywhere.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appendLineDurable, writeFileAtomic } from '../../common/fsutil.js';
import { deliverWebhook, type WebhookSettings, type DeliveryResult } from './webhook.js';

export const NOTIFICATIONS_FILE = 'notifications.jsonl';
export const NOTIFY_CONFIG_FILE = 'notify.json';
const EVENTS_FILE = 'events.jsonl';

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Who sent it. */
export type NotificationSource = 'reconciler' | 'observer' | 'scheduler';

export interface NotificationInput {
  source: NotificationSource;
  /**
   * What happened, a stable dotted name: `reconcile.failed`, `reconcile.pending`,
   * `reconcile.applied`, `drift.detected`, `drift.corrected`, `anomaly.crash-loop`,
   * `anomaly.oom-killed`, `job.failed`, `job.succeeded`, …
   */
  kind: string;
  severity: Severity;
  /** One line, for people. */
  title: string;
  /** More lines (diagnostics at file:line:col, the steps of a plan, …). */
  detail?: string[];
  service?: string;
  planId?: string;
}

export interface Notification extends NotificationInput {
  id: string;
  time: string;
  /** This instance's host id, when known. */
  host?: string;
}

/** The saved settings (`<dataDir>/notify.json`), as the resolver normalised them. */
export interface NotifyConfig {
  version: 1;
  /** Notifications below this severity are recorded but not sent to the webhook. Default `info`. */
  minSeverity: Severity;
  webhook?: {
    url: string;
    timeoutMs: number;
    retries: number;
    /** The `encrypted:v1:` value of the signing secret (never its plain text), and its name. */
    secret?: { name: string; value: string };
  };
}

export const DEFAULT_NOTIFY_CONFIG: NotifyConfig = { version: 1, minSeverity: 'info' };

/** Saves the last good settings (0600: the URL may hold a token). */
export function saveNotifyConfig(dataDir: string, config: NotifyConfig): void {
  const text = JSON.stringify(config);
  let old: string | null = null;
  try {
    old = readFileSync(join(dataDir, NOTIFY_CONFIG_FILE), 'utf8');
  } catch {
    /* none yet */
  }
  if (old !== text) writeFileAtomic(join(dataDir, NOTIFY_CONFIG_FILE), text, 0o600);
}

/** The saved settings, or the defaults (no webhook) when none were saved or the file is damaged. */
export function loadNotifyConfig(dataDir: string): NotifyConfig {
  try {
    const c = JSON.parse(readFileSync(join(dataDir, NOTIFY_CONFIG_FILE), 'utf8')) as NotifyConfig;
    if (c?.version === 1 && SEVERITIES.includes(c.minSeverity)) return c;
  } catch {
    /* none or damaged */
  }
  return DEFAULT_NOTIFY_CONFIG;
}

export interface NotifierOptions {
  dataDir: string;
  now?: () => Date;
  hostId?: string | null;
  /** One line per delivery problem (the daemon's log). */
  log?: (line: string) => void;
  /** Settings; default: `<dataDir>/notify.json`, read again when it changes. */
  config?: () => NotifyConfig;
  /** Decrypts the webhook secret; default: the host's age key (runtime/secrets.ts). */
  decrypt?: (value: string, name: string) => Promise<string>;
}

export class Notifier {
  private readonly now: () => Date;
  private readonly inflight = new Set<Promise<void>>();
  private cached: { mtimeMs: number; config: NotifyConfig } | null = null;

  constructor(private readonly o: NotifierOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /**
   * Records the notification and queues its webhook delivery; returns at once with the
   * record. Never throws for a delivery problem; a data dir that cannot be written is
   * logged and the delivery still goes out.
   */
  notify(input: NotificationInput): Notification {
    const time = this.now().toISOString();
    const n: Notification = { id: `ntf-${time.replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`, time, ...input, ...(this.o.hostId ? { host: this.o.hostId } : {}) };
    try {
      appendLineDurable(join(this.o.dataDir, NOTIFICATIONS_FILE), JSON.stringify(n));
      appendLineDurable(join(this.o.dataDir, EVENTS_FILE), JSON.stringify({ ts: time, type: 'notification', id: n.id, kind: n.kind, severity: n.severity, message: n.title }));
    } catch (e) {
      this.o.log?.(`notify: cannot record notification ${n.id} in ${this.o.dataDir}: ${(e as Error).message}`);
    }
    const config = this.config();
    if (config.webhook && rank(n.severity) >= rank(config.minSeverity)) {
      const p = this.deliver(n, config.webhook).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
    return n;
  }

  /** Waits for the deliveries in flight (each bounded by its timeout × attempts). */
  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.all([...this.inflight]);
  }

  private config(): NotifyConfig {
    if (this.o.config) return this.o.config();
    const path = join(this.o.dataDir, NOTIFY_CONFIG_FILE);
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      return DEFAULT_NOTIFY_CONFIG;
    }
    if (this.cached?.mtimeMs !== mtimeMs) this.cached = { mtimeMs, config: loadNotifyConfig(this.o.dataDir) };
    return this.cached.config;
  }

  private async deliver(n: Notification, w: NonNullable<NotifyConfig['webhook']>): Promise<void> {
    let settings: WebhookSettings = { url: w.url, timeoutMs: w.timeoutMs, retries: w.retries };
    if (w.secret) {
      try {
        settings = { ...settings, signingKey: await this.decrypt(w.secret.value, w.secret.name) };
      } catch (e) {
        this.o.log?.(`notify: webhook secret '${w.secret.name}' cannot be used (${(e as Error).message}); sending unsigned`);
      }
    }
    let result: DeliveryResult;
    try {
      result = await deliverWebhook(n, settings);
    } catch (e) {
      result = { ok: false, attempts: 0, error: (e as Error).message };
    }
    try {
      appendLineDurable(
        join(this.o.dataDir, EVENTS_FILE),
        JSON.stringify({ ts: this.now().toISOString(), type: result.ok ? 'notification.delivered' : 'notification.undelivered', id: n.id, attempts: result.attempts, ...(result.status !== undefined ? { status: result.status } : {}), ...(result.error ? { error: result.error } : {}) }),
      );
    } catch {
      /* the data dir is gone (a test cleaning up); nothing to record into */
    }
    if (!result.ok) this.o.log?.(`notify: webhook delivery of ${n.id} failed after ${result.attempts} attempt(s): ${result.error ?? `HTTP ${result.status}`}`);
  }

  private async decrypt(value: string, name: string): Promise<string> {
    if (this.o.decrypt) return this.o.decrypt(value, name);
    const { decryptSecret, readAgeIdentity, ageKeyPath } = await import('../secrets.js');
    const identity = readAgeIdentity(this.o.dataDir);
    if (!identity) throw new Error(`this host has no age key (${ageKeyPath(this.o.dataDir)})`);
    return decryptSecret(value, identity, name);
  }
}

function rank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export interface ListOptions {
  /** Only notifications at or after this time. */
  sinceMs?: number;
  /** The newest N (default 100). */
  limit?: number;
}

/** The recorded notifications, oldest first (a torn last line after a crash is skipped). */
export function listNotifications(dataDir: string, o: ListOptions = {}): Notification[] {
  let text: string;
  try {
    text = readFileSync(join(dataDir, NOTIFICATIONS_FILE), 'utf8');
  } catch {
    return [];
  }
  const out: Notification[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const n = JSON.parse(line) as Notification;
      if (typeof n.time === 'string' && typeof n.kind === 'string' && (o.sinceMs === undefined || Date.parse(n.time) >= o.sinceMs)) out.push(n);
    } catch {
      /* torn line */
    }
  }
  const limit = o.limit ?? 100;
  return out.length > limit ? out.slice(out.length - limit) : out;
}
