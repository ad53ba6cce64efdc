/**
 * Coalescing: all commands for one job in an invocation become one UpdateAvatarTrainingJob call. Fields
 * are applied in order of `sentAt`, then delivery order; the later value wins per field.
 */
import { commandChanges, type UpdateCommand } from '../../shared/commands.js';
import type { UpdateJobInput } from '../../shared/ice/index.js';
import type { ReceivedCommand } from './parse-batch.js';

export interface JobGroup {
  jobId: string;
  /** In apply order. */
  items: ReceivedCommand[];
}

/** Earlier `orderTime` first, then earlier delivery (NaN from -Infinity − -Infinity falls through). */
export const applyOrder = (a: ReceivedCommand, b: ReceivedCommand): number =>
  a.orderTime - b.orderTime || a.seq - b.seq;

/** One group per job, in order of each job's first delivery. */
export function coalesce(items: readonly ReceivedCommand[]): JobGroup[] {
  const byJob = new Map<string, ReceivedCommand[]>();
  for (const item of items) {
    const list = byJob.get(item.command.jobId);
    if (list) list.push(item);
    else byJob.set(item.command.jobId, [item]);
  }
  return [...byJob].map(([jobId, list]) => ({ jobId, items: list.sort(applyOrder) }));
}

/** The single call equivalent to applying `commands` one after the other. */
export function mergeCommands(jobId: string, commands: readonly UpdateCommand[]): UpdateJobInput {
  const input: Record<string, unknown> = { jobId };
  for (const command of commands) {
    for (const [field, value] of Object.entries(commandChanges(command))) {
      if (value !== undefined) input[field] = value;
    }
  }
  return input as UpdateJobInput;
}
