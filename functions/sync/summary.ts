/** The one log line each tick ends with; also the handler's return value. */
export interface TickSummary {
  /** Distinct jobs in the watch set this tick: drained plus newly discovered. */
  watched: number;
  /** Jobs found by ListAvatarTrainingJobs that were not watched yet. */
  discovered: number;
  /** Jobs whose current state was read from ICE. */
  checked: number;
  /** Status events produced (status or lastTrainingTime moved). */
  changed: number;
  /** Status events delivered to every target. */
  published: number;
  /** Jobs that left the watch set: finished, Init for too long, or gone from ICE. */
  dropped: number;
  /** Jobs left for the next tick (ICE or MNS failed, or the time ran out); their records stay queued. */
  deferred: number;
  /** Watch messages that were not watch records, logged and deleted. */
  invalid: number;
  durationMs: number;
}

export const emptySummary = (): TickSummary => ({
  watched: 0,
  discovered: 0,
  checked: 0,
  changed: 0,
  published: 0,
  dropped: 0,
  deferred: 0,
  invalid: 0,
  durationMs: 0,
});
