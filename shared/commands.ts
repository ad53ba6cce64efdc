/**
 * The producer contract: an update command is `{jobId, …update fields, sentAt?, idempotencyKey?, attempt?}`;
 * one MNS message body holds one command or an array of up to 100.
 */
import * as z from 'zod';
import { codePointString, requireAnUpdateField, updateFields } from './ice/job-changes.js';
import { JobId } from './ice/schemas.js';

export const MAX_COMMANDS_PER_MESSAGE = 100;

export const UpdateCommand = requireAnUpdateField(
  z.strictObject({
    jobId: JobId,
    ...updateFields,
    sentAt: z.iso
      .datetime({ offset: true, message: 'Must be an ISO-8601 time such as 2025-01-15T08:10:00Z' })
      .optional()
      .meta({ description: 'When the producer created the command; orders commands for one job' }),
    // Counted in code points, as JSON Schema's minLength/maxLength count, so both refuse the same keys.
    idempotencyKey: codePointString(1, 128, 'Commands with the same key in one batch count once').optional(),
    attempt: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Set by the queue function when it re-enqueues a deferred command' }),
  }),
  { id: 'UpdateCommand', title: 'Avatar training job update command' },
);
export type UpdateCommand = z.output<typeof UpdateCommand>;

/** A message body: one command or an array of them. Items are validated one by one by consumers. */
// Pure: consumers validate items one by one (UpdateCommand); this is for the CLI and the JSON Schema.
export const UpdateMessage = /* @__PURE__ */ z
  .union([UpdateCommand, z.array(UpdateCommand).min(1).max(MAX_COMMANDS_PER_MESSAGE)])
  .meta({ id: 'UpdateMessage', title: 'MNS message body for UPDATES_QUEUE' });

/** The update fields of a command, i.e. what UpdateAvatarTrainingJob receives besides jobId. */
export function commandChanges(command: UpdateCommand): Partial<UpdateCommand> {
  const { sentAt: _s, idempotencyKey: _i, attempt: _a, ...update } = command;
  return update;
}
