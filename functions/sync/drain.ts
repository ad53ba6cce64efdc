/**
 * Drains WATCH_QUEUE batch by batch until it answers empty, `maxMessages` were taken, or `stopAt` passes.
 * Each batch is settled before the next receive, so a record is held invisible only for the time its
 * batch takes, far below any visibility timeout, whatever the length of the tick.
 */
import type { CredentialsCarrier } from '../../shared/credentials.js';
import { MAX_BATCH_MESSAGES, type QueueClient, type ReceivedMessage } from '../../shared/mns/index.js';

export interface DrainResult {
  received: number;
  /** True when the queue answered empty: every record visible at the start was seen. */
  emptied: boolean;
}

export async function drainWatchQueue(
  deps: { queues: Pick<QueueClient, 'receive'>; queue: string; now: () => number },
  limits: { stopAt: number; maxMessages: number; waitSeconds: number; context?: CredentialsCarrier },
  settleBatch: (messages: ReceivedMessage[]) => Promise<void>,
): Promise<DrainResult> {
  let received = 0;
  while (received < limits.maxMessages && deps.now() < limits.stopAt) {
    const want = Math.min(MAX_BATCH_MESSAGES, limits.maxMessages - received);
    const batch = await deps.queues.receive(deps.queue, want, limits.waitSeconds, {
      context: limits.context,
    });
    if (batch.length === 0) return { received, emptied: true };
    received += batch.length;
    await settleBatch(batch);
  }
  return { received, emptied: false };
}
