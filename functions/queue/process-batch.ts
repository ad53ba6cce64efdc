/**
 * One invocation: parse → coalesce per job → apply (paced, bounded) → re-enqueue / dead-letter → enrol →
 * summary. It returns only when every command is applied, dead-lettered or re-enqueued; if MNS would not
 * take a re-enqueue or a dead letter it throws, so EventBridge redelivers the batch (updates set absolute
 * values, so applying them again is safe).
 */
import type { Clock } from '../../shared/clock.js';
import { QueueError } from '../../shared/errors.js';
import { type FcContext, invocationDeadline } from '../../shared/fc/context.js';
import type { IceClient } from '../../shared/ice/index.js';
import type { IceThroughput } from '../../shared/ice-throughput.js';
import type { Logger } from '../../shared/logger.js';
import type { QueueClient } from '../../shared/mns/index.js';
import { enrolWatch } from '../../shared/watch.js';
import { applyJob } from './apply-job.js';
import { coalesce } from './coalesce.js';
import { deadLetterBody } from './dead-letter.js';
import { parseBatch } from './parse-batch.js';
import { sendAll } from './send-all.js';
import { planSettlement } from './settlement.js';
import type { BatchSummary } from './summary.js';

/** Time kept back from the FC deadline when enrolling applied jobs for status sync. */
const ENROL_MARGIN_MS = 1_000;

export interface QueueSettings {
  updatesQueue: string;
  deadLetterQueue: string;
  watchQueue: string;
  /** MAX_ATTEMPTS: deliveries per command before it is dead-lettered as exhausted. */
  maxAttempts: number;
  /** No ICE call starts later than this before the FC deadline (capped at a quarter of the budget). */
  deadlineMarginMs: number;
  /** ICE calls must end this long before the FC deadline, leaving time to re-enqueue (≤ 15% of the budget). */
  settleReserveMs: number;
  /** DelaySeconds for a command that has failed `failures` times. */
  retryDelaySeconds: (failures: number) => number;
}

export interface QueueDeps {
  ice: Pick<IceClient, 'updateJob'>;
  queues: QueueClient;
  /** Bounded concurrency; its pacer is inside `ice`. */
  throughput: Pick<IceThroughput, 'run'>;
  logger: Logger;
  clock: Clock;
  settings: QueueSettings;
}

export async function processBatch(
  event: unknown,
  context: FcContext,
  deps: QueueDeps,
): Promise<BatchSummary> {
  const { clock, settings, queues } = deps;
  const startedAt = clock.now();
  const deadline = invocationDeadline(context, startedAt);
  const budget = Math.max(0, deadline - startedAt);
  const stopStartingAt = deadline - Math.min(settings.deadlineMarginMs, budget / 4);
  const logger = deps.logger.child({ requestId: context.requestId });

  const batch = parseBatch(event);
  const groups = coalesce(batch.commands);
  const results = await deps.throughput.run(groups, (group) =>
    applyJob(group, {
      ice: deps.ice,
      logger,
      clock,
      canStart: () => clock.now() < stopStartingAt,
      callOptions: {
        context,
        deadline: deadline - Math.min(settings.settleReserveMs, budget * 0.15),
        // One attempt per delivery: the queue is the retry mechanism (see README "Outcomes").
        retry: { maxAttempts: 1 },
      },
    }),
  );

  const settlement = planSettlement(
    results.flatMap((r) => r.outcomes),
    batch.invalid,
    { maxAttempts: settings.maxAttempts, now: clock.now(), retryDelaySeconds: settings.retryDelaySeconds },
  );
  for (const failure of settlement.failures) logger.warn('command not applied', { ...failure });

  const sendOptions = { clock, deadline, context };
  const [unsentRetries, unsentLetters] = await Promise.all([
    sendAll(queues, settings.updatesQueue, settlement.reenqueue, sendOptions),
    sendAll(
      queues,
      settings.deadLetterQueue,
      settlement.deadLetters.map((letter) => ({ body: deadLetterBody(letter) })),
      sendOptions,
    ),
  ]);
  // Best effort, and never past the deadline: a slow MNS must not cost the batch its summary.
  await enrolWatch(
    {
      queues,
      queue: settings.watchQueue,
      logger,
      now: () => clock.now(),
      budgetMs: deadline - clock.now() - ENROL_MARGIN_MS,
    },
    settlement.appliedJobIds,
    context,
  );

  const summary: BatchSummary = {
    received: batch.received,
    commands: batch.commands.length + batch.invalid.length,
    calls: results.reduce((n, r) => n + r.calls, 0),
    applied: settlement.applied,
    deferred: settlement.deferred,
    deadLettered: settlement.deadLetters.length,
    durationMs: clock.now() - startedAt,
  };
  const unsent = unsentRetries.length + unsentLetters.length;
  if (unsent > 0) {
    const error = (unsentRetries[0] ?? unsentLetters[0])?.error;
    logger.error('queue batch failed: could not re-enqueue or dead-letter; EventBridge will redeliver it', {
      ...summary,
      duplicates: batch.duplicates,
      unsentRetries: unsentRetries.length,
      unsentDeadLetters: unsentLetters.length,
      error,
    });
    throw QueueError(
      `Could not re-enqueue ${unsentRetries.length} and dead-letter ${unsentLetters.length} message(s); failing the batch for redelivery`,
      { cause: error, retryable: true },
    );
  }
  logger.info('queue batch', { ...summary, duplicates: batch.duplicates });
  return summary;
}
