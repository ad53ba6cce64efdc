/**
 * Turns every command's outcome into what must happen before the invocation may return: dead letters
 * to send, deferred commands to re-enqueue (or dead-letter as exhausted), and the counts.
 */
import { errorCode } from '../../shared/errors.js';
import type { OutgoingMessage } from '../../shared/mns/index.js';
import type { CommandOutcome } from './apply-job.js';
import { type DeadLetter, deadLetterError } from './dead-letter.js';
import type { InvalidItem, ReceivedCommand } from './parse-batch.js';
import { attemptOf, nextAttempt, reenqueueMessages } from './reenqueue.js';

export interface SettlementOptions {
  maxAttempts: number;
  /** Epoch ms, for `failedAt`. */
  now: number;
  /** DelaySeconds for a command that has now failed `failures` times. */
  retryDelaySeconds: (failures: number) => number;
}

/** A command that was not applied, for its warn line. */
export interface Failure {
  jobId: string | undefined;
  code: string;
  outcome: 'deferred' | 'deadLettered';
  reason?: DeadLetter['reason'];
  attempt: number;
  messageId: string | null;
}

export interface Settlement {
  deadLetters: DeadLetter[];
  reenqueue: OutgoingMessage[];
  /** Jobs with at least one applied command, for watch enrolment. */
  appliedJobIds: string[];
  applied: number;
  deferred: number;
  failures: Failure[];
}

const jobIdOf = (original: unknown): string | undefined => {
  const jobId = (original as { jobId?: unknown } | null)?.jobId;
  return typeof jobId === 'string' ? jobId : undefined;
};

export function planSettlement(
  outcomes: readonly CommandOutcome[],
  invalid: readonly InvalidItem[],
  options: SettlementOptions,
): Settlement {
  const failedAt = new Date(options.now).toISOString();
  const settlement: Settlement = {
    deadLetters: [],
    reenqueue: [],
    appliedJobIds: [],
    applied: 0,
    deferred: 0,
    failures: [],
  };
  const deadLetter = (letter: Omit<DeadLetter, 'failedAt'>, jobId: string | undefined) => {
    settlement.deadLetters.push({ ...letter, failedAt });
    settlement.failures.push({
      jobId,
      code: letter.error.code,
      outcome: 'deadLettered',
      reason: letter.reason,
      attempt: letter.attempts,
      messageId: letter.messageId,
    });
  };

  for (const item of invalid) {
    deadLetter(
      {
        reason: 'invalid',
        error: { code: 'ValidationError', message: item.message, issues: item.issues },
        attempts: item.attempts,
        command: item.original,
        messageId: item.messageId,
      },
      jobIdOf(item.original),
    );
  }

  const applied = new Set<string>();
  const deferredByJob = new Map<string, { item: ReceivedCommand; error: unknown }[]>();
  for (const outcome of outcomes) {
    const { item } = outcome;
    const { jobId } = item.command;
    const letter = (reason: DeadLetter['reason'], error: unknown) =>
      deadLetter(
        {
          reason,
          error: deadLetterError(error),
          attempts: attemptOf(item.command),
          command: item.original,
          messageId: item.messageId,
        },
        jobId,
      );
    if (outcome.kind === 'applied') {
      settlement.applied++;
      applied.add(jobId);
    } else if (outcome.kind === 'rejected') {
      letter('rejected', outcome.error);
    } else if (attemptOf(item.command) >= options.maxAttempts) {
      letter('exhausted', outcome.error);
    } else {
      const list = deferredByJob.get(jobId) ?? [];
      list.push({ item, error: outcome.error });
      deferredByJob.set(jobId, list);
    }
  }

  for (const list of deferredByJob.values()) {
    const commands = list.map(({ item }) => nextAttempt(item));
    // The most-tried command sets the pace for the job's message.
    const failures = Math.max(...list.map(({ item }) => attemptOf(item.command)));
    settlement.reenqueue.push(...reenqueueMessages(commands, options.retryDelaySeconds(failures)));
    settlement.deferred += list.length;
    for (const { item, error } of list) {
      settlement.failures.push({
        jobId: item.command.jobId,
        code: errorCode(error) ?? 'UpstreamError',
        outcome: 'deferred',
        attempt: attemptOf(item.command),
        messageId: item.messageId,
      });
    }
  }
  settlement.appliedJobIds = [...applied];
  return settlement;
}
