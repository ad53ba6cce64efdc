/**
 * The status event contract (STATUS_QUEUE messages and webhook bodies). `eventId` depends only on what
 * changed (jobId, status, lastTrainingTime), so a re-published change carries the same id and consumers
 * can drop duplicates.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { Job } from '../../shared/ice/index.js';

export const STATUS_EVENT_TYPE = 'avatar.training.status';

// Pure: the function builds events in code; the schema is the contract for the generated JSON Schema and
// for tests, so the bundle drops it.
export const StatusEvent = /* @__PURE__ */ z
  .object({
    type: z.literal(STATUS_EVENT_TYPE),
    eventId: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .meta({
        description: 'First 32 hex digits of sha256(jobId, status, lastTrainingTime): same change, same id',
      }),
    jobId: z.string(),
    avatarId: z.string().nullable().meta({ description: 'Set once training succeeded' }),
    status: z.string().meta({ description: 'Init | Queuing | Training | Success | Fail' }),
    previousStatus: z
      .string()
      .nullable()
      .meta({ description: 'Status the sync saw before; null on its first look at the job' }),
    message: z.string().nullable().meta({ description: "ICE's status message" }),
    lastTrainingTime: z.string().nullable(),
    observedAt: z.iso.datetime().meta({ description: 'When the sync read this status from ICE' }),
  })
  .meta({ id: 'StatusEvent' });
export type StatusEvent = z.output<typeof StatusEvent>;

export function statusEventId(jobId: string, status: string, lastTrainingTime: string | null): string {
  // A newline cannot occur in a job ID or an ICE time, so the joined fields are unambiguous.
  return createHash('sha256')
    .update([jobId, status, lastTrainingTime ?? ''].join('\n'))
    .digest('hex')
    .slice(0, 32);
}

/** A job as read from ICE at `observedAt` (epoch ms). */
export interface Observation {
  job: Job;
  observedAt: number;
}

export function statusEvent(observation: Observation, previousStatus: string | null): StatusEvent {
  const { job } = observation;
  const lastTrainingTime = job.lastTrainingTime ?? null;
  return {
    type: STATUS_EVENT_TYPE,
    eventId: statusEventId(job.jobId, job.status, lastTrainingTime),
    jobId: job.jobId,
    avatarId: job.avatarId ?? null,
    status: job.status,
    previousStatus,
    message: job.message ?? null,
    lastTrainingTime,
    observedAt: new Date(observation.observedAt).toISOString(),
  };
}
