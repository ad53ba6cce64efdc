import { describe, expect, it } from 'vitest';
import { decodeWatchMessage, groupWatchRecords } from '../../functions/sync/watch-set.js';
import type { ReceivedMessage } from '../../shared/mns/index.js';
import type { WatchRecord } from '../../shared/watch.js';

let n = 0;
const message = (body: string, enqueueTime = 1000): ReceivedMessage => ({
  messageId: `m${++n}`,
  receiptHandle: `h${n}`,
  body,
  dequeueCount: 1,
  enqueueTime,
  nextVisibleTime: enqueueTime + 30_000,
});
const record = (fields: Partial<WatchRecord> = {}): WatchRecord => ({
  jobId: 'job-1',
  status: null,
  lastTrainingTime: null,
  watchedSince: '2025-01-10T00:00:00.000Z',
  ...fields,
});
const decoded = (r: WatchRecord, enqueueTime?: number) => ({
  record: r,
  message: message(JSON.stringify(r), enqueueTime),
});
const now = Date.parse('2025-01-15T00:00:00Z');

describe('decoding a watch message', () => {
  it('reads a watch record', () => {
    const result = decodeWatchMessage(message(JSON.stringify(record({ status: 'Queuing' }))));
    expect(result).toMatchObject({ ok: true, record: { jobId: 'job-1', status: 'Queuing' } });
  });

  it('names the problem with a body that is not JSON', () => {
    expect(decodeWatchMessage(message('{oops'))).toMatchObject({
      ok: false,
      issues: [{ path: '', message: 'Body is not JSON' }],
    });
  });

  it('names the fields of a record that does not match the contract', () => {
    const result = decodeWatchMessage(message(JSON.stringify({ jobId: 'has space', status: null })));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual([
      'jobId',
      'lastTrainingTime',
      'watchedSince',
    ]);
  });
});

describe('merging the records of one job', () => {
  it('makes one entry per job holding every message of it', () => {
    const entries = groupWatchRecords(
      [decoded(record()), decoded(record({ jobId: 'job-2' })), decoded(record())],
      now,
    );
    expect(entries.map((e) => [e.jobId, e.messages.length])).toEqual([
      ['job-1', 2],
      ['job-2', 1],
    ]);
  });

  it('puts records that saw a status first, then the most recently enqueued', () => {
    const [entry] = groupWatchRecords(
      [
        decoded(record(), 5000),
        decoded(record({ status: 'Queuing' }), 1000),
        decoded(record({ status: 'Training' }), 3000),
      ],
      now,
    );
    expect(entry?.records.map((r) => r.status)).toEqual(['Training', 'Queuing', null]);
  });

  it('counts the watch from the latest enrolment, ignoring unreadable times', () => {
    const [entry] = groupWatchRecords(
      [
        decoded(record({ watchedSince: '2025-01-01T00:00:00.000Z' })),
        decoded(record({ watchedSince: '2025-01-12T00:00:00.000Z' })),
        decoded(record({ watchedSince: 'yesterday' })),
      ],
      now,
    );
    expect(entry?.watchedSince).toBe('2025-01-12T00:00:00.000Z');
  });

  it('starts the watch now when no record has a readable time', () => {
    const [entry] = groupWatchRecords([decoded(record({ watchedSince: 'soon' }))], now);
    expect(entry?.watchedSince).toBe(new Date(now).toISOString());
  });
});
