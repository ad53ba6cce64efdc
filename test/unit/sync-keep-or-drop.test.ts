import { describe, expect, it } from 'vitest';
import { keepOrDrop } from '../../functions/sync/keep-or-drop.js';
import type { Job } from '../../shared/ice/index.js';

const DAY = 86_400_000;
const now = Date.parse('2025-01-15T08:00:00Z');
const since = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
const job = (status: string, lastTrainingTime?: string) =>
  ({ jobId: 'job-1', status, lastTrainingTime }) as Job;

describe('keeping or dropping a watched job', () => {
  it.each(['Success', 'Fail'])('drops a job that finished with %s', (status) => {
    expect(keepOrDrop(job(status), since(0), now, 7)).toEqual({ kind: 'drop', reason: 'terminal' });
  });

  it.each(['Queuing', 'Training', 'SomethingNew'])('keeps a %s job with an updated record', (status) => {
    expect(keepOrDrop(job(status, '2025-01-15T07:00:00Z'), since(30), now, 7)).toEqual({
      kind: 'keep',
      record: { jobId: 'job-1', status, lastTrainingTime: '2025-01-15T07:00:00Z', watchedSince: since(30) },
    });
  });

  it('keeps an Init job watched for less than WATCH_INIT_MAX_DAYS', () => {
    expect(keepOrDrop(job('Init'), since(6.9), now, 7)).toMatchObject({
      kind: 'keep',
      record: { status: 'Init', lastTrainingTime: null },
    });
  });

  it('drops an Init job watched for longer than WATCH_INIT_MAX_DAYS', () => {
    expect(keepOrDrop(job('Init'), since(7.1), now, 7)).toEqual({ kind: 'drop', reason: 'init-expired' });
    expect(keepOrDrop(job('Init'), since(1.5), now, 1)).toEqual({ kind: 'drop', reason: 'init-expired' });
  });
});
