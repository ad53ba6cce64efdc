/** GET and PATCH/POST /jobs/{jobId}: validate, call ICE through shared/ice, shape the answer. */
import type { CallOptions, IceClient } from '../../shared/ice/index.js';
import { GetJobInput } from '../../shared/ice/schemas.js';
import { parseOrThrow } from '../../shared/validation.js';
import type { GetJobBody, UpdateJobBody } from './schemas.js';

export type JobsIce = Pick<IceClient, 'getJob' | 'updateJob'>;

/** The path's job ID, checked before any ICE call; a bad one is a 400 at path `jobId`. */
export const jobIdFromPath = (raw: string): string =>
  parseOrThrow(GetJobInput, { jobId: raw }, 'job ID').jobId;

export async function getJob(ice: JobsIce, jobId: string, call: CallOptions): Promise<GetJobBody> {
  const { job, requestId } = await ice.getJob(jobId, call);
  return { job, requestId };
}

/** `body` is the parsed JSON body: update fields only (the job ID comes from the path). */
export async function updateJob(
  ice: JobsIce,
  jobId: string,
  body: unknown,
  call: CallOptions,
): Promise<UpdateJobBody> {
  // Loaded on the first update: an instance that only answers GETs never builds the write-side schemas.
  const { JobChanges } = await import('../../shared/ice/job-changes.js');
  const changes = parseOrThrow(JobChanges, body, 'update');
  const result = await ice.updateJob({ jobId, ...changes }, call);
  return { jobId: result.jobId, requestId: result.requestId };
}
