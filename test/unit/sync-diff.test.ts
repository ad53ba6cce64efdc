import { describe, expect, it } from 'vitest';
import { statusChange, type WatchState } from '../../functions/sync/diff.js';
import type { Job } from '../../shared/ice/index.js';

const T1 = '2025-01-15T08:00:00Z';
const T2 = '2025-01-16T08:00:00Z';
const observe = (status: string, lastTrainingTime?: string) => ({
  job: { jobId: 'job-1', status, lastTrainingTime } as Job,
  observedAt: Date.parse('2025-01-16T09:00:00Z'),
});
const state = (status: string | null, lastTrainingTime: string | null = null): WatchState => ({
  status,
  lastTrainingTime,
});

describe('detecting a status change', () => {
  it('publishes nothing when status and lastTrainingTime are as recorded', () => {
    expect(statusChange([state('Training', T1)], observe('Training', T1))).toBeUndefined();
  });

  it('publishes a moved status with the recorded one as previousStatus', () => {
    const event = statusChange([state('Queuing', T1)], observe('Training', T1));
    expect(event).toMatchObject({ status: 'Training', previousStatus: 'Queuing', lastTrainingTime: T1 });
  });

  it('publishes a retraining (new lastTrainingTime) even when the status reads the same', () => {
    const event = statusChange([state('Queuing', T1)], observe('Queuing', T2));
    expect(event).toMatchObject({ status: 'Queuing', previousStatus: 'Queuing', lastTrainingTime: T2 });
  });

  it('treats an absent lastTrainingTime like the null a record stores', () => {
    expect(statusChange([state('Queuing', null)], observe('Queuing'))).toBeUndefined();
  });

  describe('on the first look at a job (every record has status null)', () => {
    it('publishes nothing while the job is still Init', () => {
      expect(statusChange([state(null)], observe('Init'))).toBeUndefined();
    });

    it.each(['Queuing', 'Training', 'Success', 'Fail'])('publishes %s with previousStatus null', (status) => {
      expect(statusChange([state(null), state(null)], observe(status, T1))).toMatchObject({
        status,
        previousStatus: null,
      });
    });
  });

  describe('with several records for one job', () => {
    it('takes previousStatus from the best record, skipping ones that never saw a status', () => {
      const event = statusChange([state(null), state('Queuing', T1)], observe('Training', T1));
      expect(event?.previousStatus).toBe('Queuing');
    });

    it('publishes nothing when any record already holds the observed state (it was announced)', () => {
      expect(
        statusChange([state('Queuing', T1), state('Training', T1)], observe('Training', T1)),
      ).toBeUndefined();
    });
  });
});
