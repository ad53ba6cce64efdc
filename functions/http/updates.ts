/**
 * POST /updates: the HTTP bridge to UPDATES_QUEUE. Each command is validated on its own; valid ones are
 * enqueued one per message (so each index has its own MessageId), invalid ones are reported, and so is
 * every command the queue did not take. Nothing is dropped silently.
 */
import * as z from 'zod';
import { UpdateCommand } from '../../shared/commands.js';
import { errorCode, type Issue, ValidationError } from '../../shared/errors.js';
import type { OutgoingMessage, SendOutcome } from '../../shared/mns/queue-client.js';
import { issuesFromZod } from '../../shared/validation.js';
import type { UpdatesBody, UpdatesErrorBody } from './schemas.js';
import { UpdatesRequest } from './schemas.js';

export interface UpdatesPlan {
  valid: { index: number; command: UpdateCommand }[];
  rejected: UpdatesBody['rejected'];
}

/** Splits a body into valid commands and rejected ones; a body that is not a 1..1000 array is a 400. */
export function planUpdates(body: unknown): UpdatesPlan {
  const whole = UpdatesRequest.safeParse(body);
  if (!whole.success) {
    const envelope = whole.error.issues.filter((issue) => typeof issue.path[0] !== 'number');
    if (envelope.length > 0) {
      const issues = issuesFromZod(new z.ZodError(envelope));
      throw ValidationError('The body must be a JSON array of 1 to 1000 update commands', issues);
    }
  }
  const plan: UpdatesPlan = { valid: [], rejected: [] };
  (body as unknown[]).forEach((item, index) => {
    const parsed = UpdateCommand.safeParse(item);
    if (parsed.success) plan.valid.push({ index, command: parsed.data });
    else plan.rejected.push({ index, issues: issuesFromZod(parsed.error) });
  });
  return plan;
}

export type Send = (messages: OutgoingMessage[]) => Promise<SendOutcome[]>;

export type UpdatesOutcome =
  | { status: 202; body: UpdatesBody }
  | { status: 400 | 503; body: UpdatesErrorBody; headers: Record<string, string> };

/**
 * 202 when at least one command is in the queue (check `rejected` and `failed`); 400 when none was valid;
 * 503 with Retry-After when there were valid commands but the queue took none of them.
 */
export async function enqueueUpdates(
  plan: UpdatesPlan,
  send: Send,
  requestId: string,
  retryAfterSeconds: number,
): Promise<UpdatesOutcome> {
  const report: UpdatesBody = { accepted: [], rejected: plan.rejected, failed: [] };
  if (plan.valid.length === 0) {
    const issues: Issue[] = plan.rejected.flatMap((r) =>
      r.issues.map((i) => ({
        path: [r.index, i.path].filter((p) => p !== '').join('.'),
        message: i.message,
      })),
    );
    const error = {
      code: 'ValidationError',
      message: 'No valid update command; nothing was enqueued',
      issues,
      requestId,
    };
    return { status: 400, body: { error, ...report }, headers: {} };
  }

  const outcomes = await sendAll(plan, send);
  plan.valid.forEach(({ index }, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) report.accepted.push({ index, messageId: outcome.messageId });
    else {
      const { code, retryable } = outcome;
      report.failed.push({
        index,
        error: { code, message: 'The queue did not accept this command', retryable },
      });
    }
  });
  if (report.accepted.length > 0) return { status: 202, body: report };
  const error = {
    code: 'UpstreamUnavailable',
    message: 'The queue accepted none of the commands; nothing was enqueued',
    requestId,
  };
  return { status: 503, body: { error, ...report }, headers: { 'retry-after': String(retryAfterSeconds) } };
}

type Delivery = { ok: true; messageId: string } | { ok: false; code: string; retryable: boolean };

/** One delivery per valid command, in order; a command the client reports nothing for counts as failed. */
async function sendAll(plan: UpdatesPlan, send: Send): Promise<Delivery[]> {
  let outcomes: SendOutcome[];
  try {
    outcomes = await send(plan.valid.map(({ command }) => ({ body: JSON.stringify(command) })));
  } catch (error) {
    // A misconfigured queue is our fault (500), not the caller's to retry.
    if (errorCode(error) === 'ConfigError') throw error;
    const code = errorCode(error) ?? 'QueueError';
    return plan.valid.map(() => ({ ok: false, code, retryable: true }));
  }
  const byIndex = new Map(outcomes.map((o) => [o.index, o]));
  return plan.valid.map((_, i): Delivery => {
    const outcome = byIndex.get(i);
    if (outcome?.ok) return { ok: true, messageId: outcome.messageId };
    if (outcome) return { ok: false, code: outcome.error.code, retryable: outcome.error.retryable };
    return { ok: false, code: 'QueueError', retryable: true };
  });
}
