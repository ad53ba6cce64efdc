/**
 * What a look-up means against the watch set: a status event when the status or lastTrainingTime moved.
 *
 * First observation (every record says `status: null`, e.g. right after an enrolment or a discovery): a job
 * still in Init yields nothing (nothing has happened yet); any other status is published with
 * `previousStatus: null`, so a job enrolled mid-flight still announces where it is.
 */
import type { WatchRecord } from '../../shared/watch.js';
import { type Observation, type StatusEvent, statusEvent } from './status-event.js';

export type WatchState = Pick<WatchRecord, 'status' | 'lastTrainingTime'>;

const sameState = (a: WatchState, b: WatchState) =>
  a.status === b.status && a.lastTrainingTime === b.lastTrainingTime;

/**
 * `known` lists what the watch set says about the job, best first (its status is `previousStatus`). A record
 * is written only after its change was published, so a state matching any of them was announced already.
 */
export function statusChange(
  known: readonly WatchState[],
  observation: Observation,
): StatusEvent | undefined {
  const observed: WatchState = {
    status: observation.job.status,
    lastTrainingTime: observation.job.lastTrainingTime ?? null,
  };
  const best = known.find((state) => state.status !== null);
  if (best === undefined) return observed.status === 'Init' ? undefined : statusEvent(observation, null);
  if (known.some((state) => state.status !== null && sameState(state, observed))) return undefined;
  return statusEvent(observation, best.status);
}
