/**
 * The EventBridge poller's one adapter to MNS (local or real), through the real `@alicloud/mns` client:
 * shared/mns's QueueClient (raw bodies: the trigger decides about base64) for receive, delete and send,
 * plus ChangeMessageVisibility, which that client does not need and so does not offer.
 */
import MNSClient from '@alicloud/mns';
import type { Credentials } from '../../shared/credentials.js';
import { createQueueClient, toQueueError } from '../../shared/mns/queue-client.js';
import type { EventSourceQueue } from './eventbridge.js';

export interface MnsConnection {
  endpointUrl: string;
  accountId: string;
  credentials: Credentials;
}

/**
 * shared/mns's client gives httpx a 5 s connect timeout, which Node applies as a socket idle timeout for the
 * whole request: a long poll of 5 s or more fails with RequestTimeoutError. Poll in shorter slices.
 */
export const MAX_POLL_SECONDS = 3;

export function mnsEventSource(connection: MnsConnection, queue: string): EventSourceQueue {
  const queues = createQueueClient({
    endpointUrl: connection.endpointUrl,
    accountId: connection.accountId,
    resolveCredentials: async () => connection.credentials,
    encoding: 'raw',
  });
  const client = new MNSClient(connection.accountId, {
    ...connection.credentials,
    endpoint: connection.endpointUrl,
  });
  return {
    receive: (max, waitSeconds) => queues.receive(queue, max, Math.min(waitSeconds, MAX_POLL_SECONDS)),
    delete: async (handles) => (await queues.delete(queue, handles)).map((failure) => failure.receiptHandle),
    async hide(receiptHandle, seconds) {
      try {
        const res = await client.changeMessageVisibility(queue, receiptHandle, seconds);
        return res.body.ReceiptHandle;
      } catch (error) {
        throw toQueueError(error, 'ChangeMessageVisibility');
      }
    },
    async sendTo(target, bodies) {
      const failed = (
        await queues.send(
          target,
          bodies.map((body) => ({ body })),
        )
      ).filter((o) => !o.ok);
      if (failed.length > 0) {
        const first = failed[0] as { error: Error };
        throw first.error;
      }
    },
  };
}
