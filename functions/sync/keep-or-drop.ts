/**
 * Whether a job stays in the watch set after this tick. Finished jobs leave (after their event is
 * published); Init jobs leave once watched for longer than WATCH_INIT_MAX_DAYS; every other job, including
 * an unrecognised status, stays with an updated record.
 */
import type { Job } from '../../shared/ice/index.js';
import type { WatchRecord } from '../../shared/watch.js';

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Success', 'Fail']);
const DAY_MS = 86_400_000;

export type DropReason = 'terminal' | 'init-expired' | 'not-found';

export type Fate = { kind: 'keep'; record: WatchRecord } | { kind: 'drop'; reason: DropReason };

export function keepOrDrop(job: Job, watchedSince: string, now: number, initMaxDays: number): Fate {
  if (TERMINAL_STATUSES.has(job.status)) return { kind: 'drop', reason: 'terminal' };
  const watchedMs = now - Date.parse(watchedSince);
  if (job.status === 'Init' && watchedMs > initMaxDays * DAY_MS)
    return { kind: 'drop', reason: 'init-expired' };
  return {
    kind: 'keep',
    record: {
      jobId: job.jobId,
      status: job.status,
      lastTrainingTime: job.lastTrainingTime ?? null,
      watchedSince,
    },
  };
}
