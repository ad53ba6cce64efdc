/**
 * A poller that behaves like the EventBridge event stream FC creates for an MNS trigger (reference
 * fc.md §5, mns.md §3), for tests: batch-receive from a queue, build the CloudEvents array with decoded
 * bodies, invoke the handler, delete the batch when it returns, and leave it for redelivery (after the
 * queue's visibility timeout) when it throws.
 */
import type { FcContext } from '../../shared/fc/context.js';
import type { QueueClient, ReceivedMessage } from '../../shared/mns/index.js';
import { fakeContext, mnsCloudEvent } from './fc.js';

export interface EventBridgePollerOptions {
  /** A real queue client (base64 encoding, as the trigger's IsBase64Decode: true expects). */
  queues: QueueClient;
  queue: string;
  handler: (event: Buffer, context: FcContext) => Promise<unknown>;
  /** CountBasedWindow: messages per invocation (default 16). */
  batchSize?: number;
  /** The context of each invocation (default: a fake one with 60 s left). */
  context?: () => FcContext;
}

export interface Delivery {
  messages: ReceivedMessage[];
  ok: boolean;
  error?: unknown;
  result?: unknown;
}

export interface DrainStats {
  invocations: number;
  failedInvocations: number;
  messagesDelivered: number;
}

export interface EventBridgePoller {
  /** One invocation with whatever is visible now (after a long poll of `waitSeconds` when empty). */
  pollOnce(waitSeconds?: number): Promise<Delivery | undefined>;
  /**
   * Invokes until the queue is idle: nothing was received and `pending()` (e.g. the local service's count
   * of delayed and in-flight messages) is 0. Throws after `maxInvocations` as a guard against livelock.
   */
  drain(options: { pending: () => number; maxInvocations?: number }): Promise<DrainStats>;
}

/** The event-streaming payload: a JSON array of CloudEvents, one per message, bodies already decoded. */
export function cloudEventsFor(queue: string, messages: readonly ReceivedMessage[]): Buffer {
  const events = messages.map((m) => ({
    ...mnsCloudEvent({ body: m.body, messageId: m.messageId, queue }),
    time: new Date(m.enqueueTime).toISOString(),
  }));
  return Buffer.from(JSON.stringify(events));
}

export function createEventBridgePoller(options: EventBridgePollerOptions): EventBridgePoller {
  const batchSize = options.batchSize ?? 16;
  const context = options.context ?? (() => fakeContext({ remainingMs: 60_000 }));
  const { queues, queue } = options;

  async function receiveBatch(waitSeconds: number): Promise<ReceivedMessage[]> {
    const batch: ReceivedMessage[] = [];
    while (batch.length < batchSize) {
      const got = await queues.receive(
        queue,
        Math.min(16, batchSize - batch.length),
        batch.length ? 0 : waitSeconds,
      );
      if (got.length === 0) break;
      batch.push(...got);
    }
    return batch;
  }

  async function pollOnce(waitSeconds = 0): Promise<Delivery | undefined> {
    const messages = await receiveBatch(waitSeconds);
    if (messages.length === 0) return undefined;
    try {
      const result = await options.handler(cloudEventsFor(queue, messages), context());
      // A failed delete only means a redelivery later: at-least-once, as with the real trigger.
      await queues.delete(
        queue,
        messages.map((m) => m.receiptHandle),
      );
      return { messages, ok: true, result };
    } catch (error) {
      return { messages, ok: false, error };
    }
  }

  async function drain({ pending, maxInvocations = 10_000 }: Parameters<EventBridgePoller['drain']>[0]) {
    const stats: DrainStats = { invocations: 0, failedInvocations: 0, messagesDelivered: 0 };
    for (;;) {
      // Long-poll only while something is still delayed or in flight; otherwise an empty receive ends it.
      const delivery = await pollOnce(pending() > 0 ? 1 : 0);
      if (delivery === undefined) {
        if (pending() === 0) return stats;
        continue;
      }
      stats.invocations++;
      stats.messagesDelivered += delivery.messages.length;
      if (!delivery.ok) stats.failedInvocations++;
      if (stats.invocations >= maxInvocations)
        throw new Error(`queue ${queue} not drained after ${maxInvocations} invocations`);
    }
  }

  return { pollOnce, drain };
}
