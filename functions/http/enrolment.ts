/**
 * After a successful update, add the job to the status-sync watch set (issue 6). Best-effort and bounded:
 * a slow or failing queue costs the caller at most `budgetMs` and never fails the update.
 */
import type { CredentialsCarrier } from '../../shared/credentials.js';
import type { Logger } from '../../shared/logger.js';
import type { QueueClient } from '../../shared/mns/queue-client.js';
import { enrolWatch } from '../../shared/watch.js';

/** How long an update waits for its enrolment at most. */
export const ENROL_BUDGET_MS = 1_500;

export interface EnrolmentDeps {
  queues: () => Promise<QueueClient>;
  watchQueue: string;
  now: () => number;
}

export async function enrolAfterUpdate(
  deps: EnrolmentDeps,
  jobId: string,
  context: CredentialsCarrier,
  logger: Logger,
  budgetMs: number,
): Promise<void> {
  if (budgetMs <= 0) {
    logger.warn('no time left to enrol the job for status sync', { jobId });
    return;
  }
  const work = deps
    .queues()
    .then((queues) => enrolWatch({ queues, queue: deps.watchQueue, logger, now: deps.now }, [jobId], context))
    .then(() => 'done' as const)
    .catch((error: unknown) => {
      logger.warn('could not enrol the job for status sync', { jobId, error });
      return 'done' as const;
    });
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  const result = await Promise.race([work, budget]);
  clearTimeout(timer);
  if (result === 'late') {
    logger.warn('status-sync enrolment is slow; answering without waiting for it', { jobId, budgetMs });
  }
}
