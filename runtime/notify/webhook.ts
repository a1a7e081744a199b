/**
 * Webhook delivery: one JSON POST of a notification to the configured URL, with a timeout
 * per attempt and retries with a growing pause (0.5 s, 1 s, 2 s, … capped at 5 s) on a
 * network error, a timeout, HTTP 429 or a 5xx. A 2xx is delivered; any other 4xx is final
 * (the receiver refused this body; sending it again would not help).
 *
 * The body is the notification itself (no secret is ever part of it). With a signing key,
 * the request carries `X-Claude-Signature: sha256=<hex HMAC-SHA256 of the body>` so the
 * receiver can check it came from this host, as GitHub's and Stripe's webhooks do.
 */
import { createHmac } from 'node:crypto';

export interface WebhookSettings {
  url: string;
  /** Per attempt (ms). */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** The plain signing key (decrypted just now; never stored or logged). */
  signingKey?: string;
  /** Pause before retry n (1-based); default 500 ms × 2^(n-1), at most 5 s. */
  backoffMs?: (n: number) => number;
}

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  /** The last HTTP status, when a response came. */
  status?: number;
  /** The last network error or timeout. */
  error?: string;
}

export const USER_AGENT = 'claude-os-notify/1';

export function signatureOf(body: string, key: string): string {
  return 'sha256=' + createHmac('sha256', key).update(body).digest('hex');
}

export async function deliverWebhook(notification: object, s: WebhookSettings): Promise<DeliveryResult> {
  const body = JSON.stringify(notification);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
  if (s.signingKey) headers['x-claude-signature'] = signatureOf(body, s.signingKey);
  const backoff = s.backoffMs ?? ((n: number) => Math.min(5000, 500 * 2 ** (n - 1)));
  let last: DeliveryResult = { ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= 1 + s.retries; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, backoff(attempt - 1)));
    try {
      const res = await fetch(s.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(s.timeoutMs), redirect: 'error' });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, attempts: attempt, status: res.status };
      last = { ok: false, attempts: attempt, status: res.status };
      if (res.status < 500 && res.status !== 429) return last;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? `no answer within ${s.timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
      last = { ok: false, attempts: attempt, error: why };
    }
  }
  return last;
}
