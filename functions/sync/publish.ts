/**
 * Publishes status events: always to STATUS_QUEUE, and to the webhook when one is configured. An event
 * counts as delivered when the queue took it and the webhook took it or refused it for good (a 4xx, logged
 * as an error: retrying a refused event forever would block every later change of that job). Anything
 * else is undelivered, and the caller keeps the job's old record so the next tick publishes it again.
 */
import { mapWithConcurrency } from '../../shared/concurrency.js';
import type { CredentialsCarrier } from '../../shared/credentials.js';
import type { Logger } from '../../shared/logger.js';
import type { QueueClient } from '../../shared/mns/index.js';
import type { StatusEvent } from './status-event.js';
import type { WebhookPublisher } from './webhook-publisher.js';

export interface StatusPublisher {
  /** One flag per event, in order: true when delivered. */
  publish(
    events: StatusEvent[],
    options: { deadline: number; context?: CredentialsCarrier },
  ): Promise<boolean[]>;
}

const WEBHOOK_CONCURRENCY = 4;

export function createStatusPublisher(deps: {
  queues: Pick<QueueClient, 'send'>;
  queue: string;
  webhook?: WebhookPublisher;
  logger: Logger;
}): StatusPublisher {
  return {
    async publish(events, { deadline, context }) {
      if (events.length === 0) return [];
      const outcomes = await deps.queues.send(
        deps.queue,
        events.map((event) => ({ body: JSON.stringify(event) })),
        { context },
      );
      const queued = events.map((_, index) => outcomes.find((o) => o.index === index)?.ok === true);
      outcomes.forEach((outcome) => {
        if (!outcome.ok) {
          const event = events[outcome.index];
          deps.logger.warn('could not publish a status event to the status queue; the next tick retries', {
            jobId: event?.jobId,
            eventId: event?.eventId,
            error: outcome.error,
          });
        }
      });
      const { webhook } = deps;
      if (!webhook) return queued;
      return mapWithConcurrency(events, WEBHOOK_CONCURRENCY, async (event, index) => {
        // A change the queue missed is published again next tick; pushing it now would only add a duplicate.
        if (!queued[index]) return false;
        const result = await webhook.post(event, { deadline });
        if (result.ok) return true;
        const fields = {
          jobId: event.jobId,
          eventId: event.eventId,
          attempts: result.attempts,
          error: result.error,
        };
        if (result.permanent) {
          deps.logger.error('status webhook refused an event; it will not be pushed again', fields);
          return true;
        }
        deps.logger.warn('could not push a status event to the webhook; the next tick retries', fields);
        return false;
      });
    },
  };
}
