/**
 * Pushes one status event to STATUS_WEBHOOK_URL: a JSON POST signed like the webhooks this project
 * receives (`x-signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, re-signed per attempt so
 * the timestamp is fresh), retried with jittered backoff on network errors, timeouts, 408, 429 and 5xx.
 */
import { type Clock, systemClock } from '../../shared/clock.js';
import { isRetryable, Timeout, UpstreamError, UpstreamUnavailable } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, withRetry } from '../../shared/retry.js';
import { SIGNATURE_HEADER, signPayload } from '../../shared/webhook-signature.js';
import type { StatusEvent } from './status-event.js';

export interface WebhookPublisherOptions {
  url: string;
  /** Signs with this secret; undefined only when ALLOW_UNSIGNED=true. */
  secret: string | undefined;
  logger: Logger;
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  retry?: RetryPolicy;
  /** Per attempt. */
  timeoutMs?: number;
}

export type WebhookResult =
  | { ok: true; attempts: number }
  /** `permanent`: the receiver refused the event (a 4xx); sending it again would not help. */
  | { ok: false; permanent: boolean; error: unknown; attempts: number };

export interface WebhookPublisher {
  post(event: StatusEvent, options: { deadline: number }): Promise<WebhookResult>;
}

const TRANSIENT_STATUS = (status: number) => status === 408 || status === 429 || status >= 500;

export function createWebhookPublisher(options: WebhookPublisherOptions): WebhookPublisher {
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = new URL(options.url);
  // Log where events go, never the full URL: query strings often carry tokens.
  const where = `${target.protocol}//${target.host}${target.pathname}`;

  async function attempt(body: string, remainingMs: number): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.secret) {
      headers[SIGNATURE_HEADER] = signPayload(options.secret, body, Math.floor(clock.now() / 1000));
    }
    let res: Response;
    try {
      res = await doFetch(options.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, remainingMs))),
      });
    } catch (error) {
      const name = (error as { name?: string } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw Timeout(`Status webhook ${where} did not answer in time`, { cause: error });
      }
      throw UpstreamUnavailable(`Status webhook ${where} could not be reached`, { cause: error });
    }
    // Read the body so the connection can be reused; its content does not matter.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    const message = `Status webhook ${where} answered ${res.status}`;
    throw TRANSIENT_STATUS(res.status)
      ? UpstreamUnavailable(message, { statusCode: res.status })
      : UpstreamError(message, { statusCode: res.status });
  }

  return {
    async post(event, { deadline }) {
      const body = JSON.stringify(event);
      let attempts = 0;
      try {
        await withRetry(
          (remainingMs) => {
            attempts++;
            return attempt(body, remainingMs);
          },
          {
            policy: options.retry ?? DEFAULT_RETRY_POLICY,
            clock,
            deadline,
            isRetryable,
            random: options.random,
            onRetry: ({ attempt: n, delayMs, error }) =>
              options.logger.debug('retrying status webhook', { attempt: n, delayMs, error }),
          },
        );
        return { ok: true, attempts };
      } catch (error) {
        return { ok: false, permanent: !isRetryable(error), error, attempts };
      }
    },
  };
}
