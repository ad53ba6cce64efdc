/**
 * Watch records: the durable set of jobs the sync function follows, kept as messages in WATCH_QUEUE.
 * The HTTP and queue functions enrol a job after each successful update.
 */
import * as z from 'zod';
import type { CredentialsCarrier } from './credentials.js';
import type { Logger } from './logger.js';
import type { QueueClient } from './mns/queue-client.js';

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

/** Best-effort: a failed enrolment is logged and never fails the update it follows. */
export async function enrolWatch(
  deps: { queues: QueueClient; queue: string; logger: Logger; now: () => number },
  jobIds: readonly string[],
  context?: CredentialsCarrier,
): Promise<void> {
  if (jobIds.length === 0) return;
  try {
    const messages = jobIds.map((jobId) => ({ body: JSON.stringify(newWatchRecord(jobId, deps.now())) }));
    const outcomes = await deps.queues.send(deps.queue, messages, { context });
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0)
      deps.logger.warn('could not enrol some jobs for status sync', { failed: failed.length });
  } catch (error) {
    deps.logger.warn('could not enrol jobs for status sync', { error, jobs: jobIds.length });
  }
}
