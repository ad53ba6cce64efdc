/**
 * Discovery: ListAvatarTrainingJobs for each in-flight status, 100 a page, at most `maxJobs` in all, so
 * jobs started outside this system (or whose enrolment failed) are watched too. The listed item is the
 * job's first observation; it saves a Get.
 */
import type { CredentialsCarrier } from '../../shared/credentials.js';
import type { IceClient } from '../../shared/ice/index.js';
import type { Observation } from './status-event.js';

export const DISCOVERY_PAGE_SIZE = 100;

export interface Discovery {
  observations: Observation[];
  /** False when a page failed or the time ran out, so some in-flight jobs may be missing. */
  complete: boolean;
  error?: unknown;
}

export async function discoverJobs(
  ice: Pick<IceClient, 'listJobs'>,
  request: { statuses: readonly ('Init' | 'Queuing' | 'Training')[]; maxJobs: number },
  options: { now: () => number; deadline: number; context?: CredentialsCarrier },
): Promise<Discovery> {
  const byJob = new Map<string, Observation>();
  const call = { context: options.context, deadline: options.deadline };
  try {
    for (const status of request.statuses) {
      for (let pageNo = 1; byJob.size < request.maxJobs; pageNo++) {
        if (options.now() >= options.deadline) return { observations: [...byJob.values()], complete: false };
        const page = await ice.listJobs({ status, pageNo, pageSize: DISCOVERY_PAGE_SIZE }, call);
        const observedAt = options.now();
        for (const job of page.jobs) {
          if (byJob.size >= request.maxJobs) break;
          // A job moving between statuses while we page can show up twice; the first sighting is enough.
          if (!byJob.has(job.jobId)) byJob.set(job.jobId, { job, observedAt });
        }
        if (page.jobs.length < DISCOVERY_PAGE_SIZE || pageNo * DISCOVERY_PAGE_SIZE >= page.totalCount) break;
      }
    }
    return { observations: [...byJob.values()], complete: true };
  } catch (error) {
    return { observations: [...byJob.values()], complete: false, error };
  }
}
