/**
 * One Get per watched job. A job ICE no longer knows is `gone`; any other failure is `failed`, and the
 * caller keeps the job's record: a non-terminal job is never lost to a bad minute upstream.
 */
import type { CredentialsCarrier } from '../../shared/credentials.js';
import { errorCode } from '../../shared/errors.js';
import type { IceClient } from '../../shared/ice/index.js';
import type { Observation } from './status-event.js';

export type LookUp =
  | { kind: 'found'; observation: Observation }
  | { kind: 'gone'; error: unknown }
  | { kind: 'failed'; error: unknown };

export async function lookUpJob(
  ice: Pick<IceClient, 'getJob'>,
  jobId: string,
  options: { now: () => number; deadline: number; context?: CredentialsCarrier },
): Promise<LookUp> {
  try {
    const { job } = await ice.getJob(jobId, { context: options.context, deadline: options.deadline });
    return { kind: 'found', observation: { job, observedAt: options.now() } };
  } catch (error) {
    return errorCode(error) === 'JobNotFound' ? { kind: 'gone', error } : { kind: 'failed', error };
  }
}
