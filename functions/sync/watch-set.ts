/**
 * Watch records as drained from WATCH_QUEUE: decoded, validated, and merged per job. Every update enrols
 * the job again, so one job can have several records; they become one entry whose messages are all
 * deleted together once the job's newer record is written (or the job legitimately leaves the set).
 */

import type { Issue } from '../../shared/errors.js';
import { JobId } from '../../shared/ice/index.js';
import type { ReceivedMessage } from '../../shared/mns/index.js';
import { issuesFromZod } from '../../shared/validation.js';
import { WatchRecord } from '../../shared/watch.js';

const StoredWatchRecord = WatchRecord.extend({ jobId: JobId });

export type DecodedWatchMessage =
  | { ok: true; record: WatchRecord; message: ReceivedMessage }
  | { ok: false; issues: Issue[]; message: ReceivedMessage };

export function decodeWatchMessage(message: ReceivedMessage): DecodedWatchMessage {
  let json: unknown;
  try {
    json = JSON.parse(message.body);
  } catch {
    return { ok: false, issues: [{ path: '', message: 'Body is not JSON' }], message };
  }
  const parsed = StoredWatchRecord.safeParse(json);
  return parsed.success
    ? { ok: true, record: parsed.data, message }
    : { ok: false, issues: issuesFromZod(parsed.error), message };
}

export interface WatchEntry {
  jobId: string;
  /** Best first: records that saw a status before those that did not, then the most recently enqueued. */
  records: WatchRecord[];
  /** Every message holding a record of this job. */
  messages: ReceivedMessage[];
  /**
   * The latest enrolment: an update to a job still in Init shows someone is preparing it, so its Init age
   * counts from there. Unreadable times count as `now`.
   */
  watchedSince: string;
}

type Decoded = { record: WatchRecord; message: ReceivedMessage };

const byPreference = (a: Decoded, b: Decoded) =>
  Number(b.record.status !== null) - Number(a.record.status !== null) ||
  b.message.enqueueTime - a.message.enqueueTime;

export function groupWatchRecords(decoded: readonly Decoded[], now: number): WatchEntry[] {
  const byJob = new Map<string, Decoded[]>();
  for (const d of decoded) {
    const list = byJob.get(d.record.jobId);
    if (list) list.push(d);
    else byJob.set(d.record.jobId, [d]);
  }
  return [...byJob.entries()].map(([jobId, list]) => {
    const sorted = [...list].sort(byPreference);
    const times = sorted.map((d) => Date.parse(d.record.watchedSince)).filter(Number.isFinite);
    return {
      jobId,
      records: sorted.map((d) => d.record),
      messages: sorted.map((d) => d.message),
      watchedSince: new Date(times.length > 0 ? Math.max(...times) : now).toISOString(),
    };
  });
}
