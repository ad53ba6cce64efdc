/**
 * The HTTP API's own bodies as zod schemas: the single source of their TypeScript types and of the
 * OpenAPI document. Request bodies reuse shared schemas (JobChanges, UpdateCommand).
 */
import * as z from 'zod';
import { UpdateCommand } from '../../shared/commands.js';
import { Job } from '../../shared/ice/schemas.js';

/** POST /updates takes at most this many commands. */
export const MAX_UPDATES_PER_REQUEST = 1000;

export const IssueBody = z
  .object({
    path: z.string().meta({ description: 'Dotted field path, e.g. `avatarName`; empty for the whole body' }),
    message: z.string(),
  })
  .meta({ id: 'Issue' });

export const ErrorBody = z
  .object({
    error: z.object({
      code: z
        .string()
        .meta({ description: 'Stable error code, e.g. ValidationError, JobNotFound, Throttled' }),
      message: z.string(),
      issues: z.array(IssueBody).optional(),
      requestId: z
        .string()
        .meta({ description: "ICE's RequestId when ICE answered, else this invocation's FC request ID" }),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.output<typeof ErrorBody>;

export const GetJobBody = z
  .object({ job: Job, requestId: z.string().meta({ description: "ICE's RequestId" }) })
  .meta({ id: 'GetJobResponse' });
export type GetJobBody = z.output<typeof GetJobBody>;

export const UpdateJobBody = z
  .object({ jobId: z.string(), requestId: z.string().meta({ description: "ICE's RequestId" }) })
  .meta({ id: 'UpdateJobResponse' });
export type UpdateJobBody = z.output<typeof UpdateJobBody>;

export const HealthBody = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const UpdatesRequest = z
  .array(UpdateCommand)
  .min(1)
  .max(MAX_UPDATES_PER_REQUEST)
  .meta({ id: 'UpdatesRequest', description: 'Update commands; each is validated on its own' });

const index = z.number().int().min(0).meta({ description: 'Position of the command in the request array' });

const updatesReport = {
  accepted: z
    .array(z.object({ index, messageId: z.string().meta({ description: 'MNS MessageId in UPDATES_QUEUE' }) }))
    .meta({ description: 'Commands now in the queue' }),
  rejected: z
    .array(z.object({ index, issues: z.array(IssueBody) }))
    .meta({ description: 'Invalid commands; none of them was enqueued' }),
  failed: z
    .array(
      z.object({
        index,
        error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }),
      }),
    )
    .meta({ description: 'Valid commands the queue did not take; send them again' }),
};

export const UpdatesBody = z.object(updatesReport).meta({ id: 'UpdatesResponse' });
export type UpdatesBody = z.output<typeof UpdatesBody>;

/** 400 (no valid command) and 503 (queue took none) on POST /updates: the error plus the full report. */
export const UpdatesErrorBody = ErrorBody.extend(updatesReport).meta({ id: 'UpdatesError' });
export type UpdatesErrorBody = z.output<typeof UpdatesErrorBody>;
