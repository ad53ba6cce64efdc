/**
 * Watch records: the durable set of jobs the sync function follows, kept as messages in WATCH_QUEUE.
 * The HTTP and queue functions enrol a job after each successful update.
 */
import * as z from 'zod';
import type { CredentialsCarrier } from './credentials.js';
import type { Logger } from './logger.js';
import type { QueueClient } from './mns/queue-client.js';
import { settleWithin } from './settle-within.js';

// Pure: only the sync function parses records; the bundles that only write them drop the schema.
export const WatchRecord = /* @__PURE__ */ z
  .object({
    jobId: z.string().min(1),
    /** Last status the sync observed; null until it has looked (e.g. right after an enrolment). */
    status: z.string().nullable(),
    lastTrainingTime: z.string().nullable(),
    watchedSince: z.string(),
  })
  .meta({ id: 'WatchRecord' });
export type WatchRecord = z.output<typeof WatchRecord>;

export function newWatchRecord(jobId: string, now: number): WatchRecord {
  return { jobId, status: null, lastTrainingTime: null, watchedSince: new Date(now).toISOString() };
}

export interface EnrolDeps {
  /** The queue client, or a factory for it (the HTTP function loads the MNS SDK only when needed). */
  queues: QueueClient | (() => Promise<QueueClient>);
  queue: string;
  logger: Logger;
  now: () => number;
  /** Longest the caller waits; past it the enrolment carries on unawaited and a warning is logged. */
  budgetMs?: number;
}

/**
 * Best-effort and bounded: a failed or slow enrolment is logged and never fails, nor holds up, the update
 * it follows.
 */
export async function enrolWatch(
  deps: EnrolDeps,
  jobIds: readonly string[],
  context?: CredentialsCarrier,
): Promise<void> {
  if (jobIds.length === 0) return;
  const budgetMs = deps.budgetMs ?? Number.POSITIVE_INFINITY;
  const fields = { jobIds: jobIds.slice(0, 20), jobs: jobIds.length };
  if (budgetMs <= 0) {
    deps.logger.warn('no time left to enrol jobs for status sync', fields);
    return;
  }
  const work = (async () => {
    try {
      const queues = typeof deps.queues === 'function' ? await deps.queues() : deps.queues;
      const messages = jobIds.map((jobId) => ({ body: JSON.stringify(newWatchRecord(jobId, deps.now())) }));
      const failed = (await queues.send(deps.queue, messages, { context })).filter((o) => !o.ok);
      if (failed.length > 0) {
        deps.logger.warn('could not enrol some jobs for status sync', { ...fields, failed: failed.length });
      }
    } catch (error) {
      deps.logger.warn('could not enrol jobs for status sync', { ...fields, error });
    }
  })();
  if ((await settleWithin(work, budgetMs)).late) {
    deps.logger.warn('status-sync enrolment is slow; going on without waiting for it', {
      ...fields,
      budgetMs,
    });
  }
}
