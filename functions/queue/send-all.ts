/**
 * Sends messages that must not be lost (re-enqueued commands, dead letters): the ones MNS did not take
 * are sent again with a short backoff while time remains. Whatever is left is returned, so the caller
 * can fail the invocation and let EventBridge redeliver the whole batch.
 */
import type { Clock } from '../../shared/clock.js';
import type { CredentialsCarrier } from '../../shared/credentials.js';
import { type AppError, QueueError, Timeout } from '../../shared/errors.js';
import type { OutgoingMessage, QueueClient } from '../../shared/mns/index.js';
import { withRetry } from '../../shared/retry.js';
import { settleWithin } from '../../shared/settle-within.js';

export interface SendAllOptions {
  clock: Clock;
  /** Epoch ms: no attempt starts, and no wait ends, after it. */
  deadline: number;
  context?: CredentialsCarrier;
}

const SEND_RETRY = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 10_000 };

export async function sendAll(
  queues: Pick<QueueClient, 'send'>,
  queue: string,
  messages: readonly OutgoingMessage[],
  options: SendAllOptions,
): Promise<{ message: OutgoingMessage; error: AppError }[]> {
  let pending = messages.map((message) => ({ message, error: QueueError('Not sent') }));
  if (pending.length === 0) return [];
  try {
    await withRetry(
      async (remainingMs) => {
        let outcomes: Awaited<ReturnType<QueueClient['send']>>;
        try {
          // A hung MNS must not carry the invocation past the FC deadline: late counts as not sent (the
          // batch is then redelivered; a send that lands anyway only makes a duplicate, which is harmless).
          const sent = await settleWithin(
            queues.send(
              queue,
              pending.map((p) => p.message),
              { context: options.context },
            ),
            remainingMs,
          );
          if (sent.late) throw Timeout(`MNS did not answer before the deadline (${queue})`);
          outcomes = sent.value;
        } catch (error) {
          // send() reports per message; a throw (e.g. no credentials) fails them all.
          throw QueueError(`Could not send to ${queue}`, { cause: error, retryable: true });
        }
        pending = outcomes.flatMap((o) =>
          o.ok ? [] : [{ message: pending[o.index]!.message, error: o.error }],
        );
        if (pending.length > 0) {
          throw QueueError(`${pending.length} message(s) not accepted by ${queue}`, { retryable: true });
        }
      },
      { policy: SEND_RETRY, clock: options.clock, deadline: options.deadline, isRetryable: () => true },
    );
  } catch {
    // `pending` holds exactly what is still unsent, with each message's own error.
  }
  return pending;
}
