/** What one invocation did: returned by the handler and logged as one line. */
export interface BatchSummary {
  /** Messages in the event. */
  received: number;
  /** Distinct commands (duplicates counted once); = applied + deferred + deadLettered. */
  commands: number;
  /** UpdateAvatarTrainingJob calls started. */
  calls: number;
  applied: number;
  /** Re-enqueued to UPDATES_QUEUE for a later attempt. */
  deferred: number;
  deadLettered: number;
  durationMs: number;
}
