/**
 * Applies one job's coalesced commands through the ICE client and decides each command's outcome:
 * applied, rejected (ICE said no for good) or deferred (try again later, keeping the job's order).
 */
import type { Clock } from '../../shared/clock.js';
import { errorCode, isAppError, isRetryable, Timeout } from '../../shared/errors.js';
import type { CallOptions, IceClient } from '../../shared/ice/index.js';
import type { Logger } from '../../shared/logger.js';
import { type JobGroup, mergeCommands } from './coalesce.js';
import type { ReceivedCommand } from './parse-batch.js';

export type CommandOutcome =
  | { kind: 'applied'; item: ReceivedCommand; requestId: string }
  | { kind: 'rejected'; item: ReceivedCommand; error: unknown }
  | { kind: 'deferred'; item: ReceivedCommand; error: unknown };

type CallResult =
  | { kind: 'applied'; requestId: string }
  | { kind: 'rejected'; error: unknown }
  | { kind: 'deferred'; error: unknown };

export interface ApplyJobDeps {
  ice: Pick<IceClient, 'updateJob'>;
  logger: Logger;
  clock: Clock;
  /** False once no ICE call may start any more (the invocation deadline minus a margin). */
  canStart: () => boolean;
  callOptions: CallOptions;
}

export interface JobResult {
  /** One per command, in apply order. */
  outcomes: CommandOutcome[];
  /** UpdateAvatarTrainingJob calls started. */
  calls: number;
}

/** Refusals that hold for every command of the job, so replaying them one by one cannot help. */
const JOB_WIDE = new Set(['JobNotFound', 'ConfigError']);

/**
 * ICE refusing the function's own keys, or not knowing the API at the configured endpoint, says nothing
 * about the command (an STS key may just have expired, a setting may be fixed): not worth an immediate
 * retry inside the client, but worth a later delivery.
 */
const NOT_THE_COMMANDS_FAULT = new Set(['Unauthorized', 'ConfigError']);

/**
 * Rejected = a definite, non-retryable answer about the command. Anything else — retryable codes, our own
 * credentials refused, and errors that are not ours (a bug, an unexpected library failure) — is deferred:
 * the attempt budget bounds it, nothing is lost.
 */
const isRejection = (error: unknown) =>
  isAppError(error) && !isRetryable(error) && !NOT_THE_COMMANDS_FAULT.has(errorCode(error) ?? '');
const isJobWide = (error: unknown) => JOB_WIDE.has(errorCode(error) ?? '');

const notReached = () => Timeout('Not attempted before the invocation deadline');

export async function applyJob(group: JobGroup, deps: ApplyJobDeps): Promise<JobResult> {
  const { jobId } = group;
  let calls = 0;

  const call = async (items: readonly ReceivedCommand[]): Promise<CallResult> => {
    if (!deps.canStart()) return { kind: 'deferred', error: notReached() };
    calls++;
    const started = deps.clock.now();
    const input = mergeCommands(
      jobId,
      items.map((i) => i.command),
    );
    let result: CallResult;
    try {
      const { requestId } = await deps.ice.updateJob(input, deps.callOptions);
      result = { kind: 'applied', requestId };
    } catch (error) {
      result = { kind: isRejection(error) ? 'rejected' : 'deferred', error };
    }
    const error = 'error' in result ? result.error : undefined;
    deps.logger.info('ice update', {
      jobId,
      commands: items.length,
      outcome: result.kind,
      code: error === undefined ? undefined : (errorCode(error) ?? 'UpstreamError'),
      iceRequestId:
        result.kind === 'applied'
          ? result.requestId
          : (error as { requestId?: string } | undefined)?.requestId,
      durationMs: deps.clock.now() - started,
    });
    deps.logger.debug('ice update covered', {
      jobId,
      outcome: result.kind,
      messageIds: items.map((i) => i.messageId),
      idempotencyKeys: items.map((i) => i.command.idempotencyKey ?? null),
    });
    return result;
  };

  const all = (result: CallResult, items: readonly ReceivedCommand[]): CommandOutcome[] =>
    items.map((item) => ({ ...result, item }));

  const whole = await call(group.items);
  if (whole.kind !== 'rejected' || group.items.length === 1 || isJobWide(whole.error)) {
    return { outcomes: all(whole, group.items), calls };
  }

  // One command spoiled the merged call (e.g. `transparent` after training started): replay them one by
  // one, in order, so each is judged on its own. A deferral defers the rest too, keeping the job's order.
  const outcomes: CommandOutcome[] = [];
  for (const [index, item] of group.items.entries()) {
    const result = await call([item]);
    const stopsHere = result.kind === 'deferred' || (result.kind === 'rejected' && isJobWide(result.error));
    if (stopsHere) {
      outcomes.push(...all(result, group.items.slice(index)));
      break;
    }
    outcomes.push({ ...result, item });
  }
  return { outcomes, calls };
}
