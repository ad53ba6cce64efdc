/**
 * Deferral: a command that could not be applied now goes back to UPDATES_QUEUE with its attempt counter
 * raised, delayed by exponential backoff. A job's deferred commands travel together, in order, so they
 * come back in one batch and are coalesced again.
 */
import { MAX_COMMANDS_PER_MESSAGE, type UpdateCommand } from '../../shared/commands.js';
import type { OutgoingMessage } from '../../shared/mns/index.js';
import { backoffDelay, type RetryPolicy } from '../../shared/retry.js';
import { MAX_MESSAGE_JSON_BYTES } from './dead-letter.js';
import type { ReceivedCommand } from './parse-batch.js';

const REENQUEUE_BACKOFF: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  baseDelayMs: 2_000,
  maxDelayMs: 300_000,
  maxTotalMs: Number.POSITIVE_INFINITY,
};

/** DelaySeconds after `failures` failed attempts: full jitter below 2 s, 4 s, 8 s … capped at 5 min; ≥ 1 s. */
export function reenqueueDelaySeconds(failures: number, random: () => number = Math.random): number {
  return Math.max(1, Math.ceil(backoffDelay(failures, REENQUEUE_BACKOFF, random) / 1000));
}

/** The attempt this delivery was (commands from producers carry none: their first). */
export const attemptOf = (command: UpdateCommand): number => command.attempt ?? 1;

/**
 * The command as it goes back: attempt + 1, and `sentAt` pinned to the time it was ordered by, so it
 * keeps its place among the job's later commands when it returns.
 */
export function nextAttempt(item: ReceivedCommand): UpdateCommand {
  const { command, orderTime } = item;
  const sentAt =
    command.sentAt ?? (Number.isFinite(orderTime) ? new Date(orderTime).toISOString() : undefined);
  return { ...command, ...(sentAt === undefined ? {} : { sentAt }), attempt: attemptOf(command) + 1 };
}

/** One job's deferred commands (in order) as messages of ≤ 100 commands that fit an MNS message. */
export function reenqueueMessages(
  commands: readonly UpdateCommand[],
  delaySeconds: number,
): OutgoingMessage[] {
  const messages: OutgoingMessage[] = [];
  let chunk: UpdateCommand[] = [];
  let bytes = 2;
  const flush = () => {
    if (chunk.length > 0) messages.push({ body: JSON.stringify(chunk), delaySeconds });
    chunk = [];
    bytes = 2;
  };
  for (const command of commands) {
    const size = Buffer.byteLength(JSON.stringify(command)) + 1;
    if (
      chunk.length === MAX_COMMANDS_PER_MESSAGE ||
      (chunk.length > 0 && bytes + size > MAX_MESSAGE_JSON_BYTES)
    ) {
      flush();
    }
    chunk.push(command);
    bytes += size;
  }
  flush();
  return messages;
}
