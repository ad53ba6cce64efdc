import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatusEvent, statusEvent, statusEventId } from '../../functions/sync/status-event.js';
import type { Job } from '../../shared/ice/index.js';

const job = (fields: Partial<Job> = {}): Job => ({
  jobId: 'job-1',
  status: 'Training',
  message: 'The job is training.',
  lastTrainingTime: '2025-01-15T08:00:00Z',
  ...fields,
});
const observedAt = Date.parse('2025-01-15T08:05:00Z');

const status = fc.constantFrom('Init', 'Queuing', 'Training', 'Success', 'Fail');
const jobId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const time = fc.option(
  fc.date({ noInvalidDate: true }).map((d) => `${d.toISOString().slice(0, 19)}Z`),
  { nil: null },
);

describe('status event ids', () => {
  it('are 32 lower-case hex digits', () => {
    expect(statusEventId('job-1', 'Training', null)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('are the same whenever the job, status and lastTrainingTime are the same', () => {
    fc.assert(
      fc.property(jobId, status, time, (id, s, t) => {
        expect(statusEventId(id, s, t)).toBe(statusEventId(id, s, t));
      }),
    );
  });

  it('differ when any of job, status or lastTrainingTime differs', () => {
    fc.assert(
      fc.property(
        fc.tuple(jobId, status, time),
        fc.tuple(jobId, status, time),
        ([idA, sA, tA], [idB, sB, tB]) => {
          fc.pre(idA !== idB || sA !== sB || tA !== tB);
          expect(statusEventId(idA, sA, tA)).not.toBe(statusEventId(idB, sB, tB));
        },
      ),
    );
  });

  it('do not depend on when the change was observed or on its message', () => {
    const a = statusEvent({ job: job(), observedAt }, 'Queuing');
    const b = statusEvent({ job: job({ message: 'other' }), observedAt: observedAt + 60_000 }, null);
    expect(a.eventId).toBe(b.eventId);
  });

  it('are the documented sha256 prefix, so a deploy never changes the ids consumers deduplicate on', () => {
    // sha256("<jobId>\n<status>\n<lastTrainingTime>"), first 32 hex digits
    expect(statusEventId('a1b255d86f7f4587943ce7734d6b9c0d', 'Success', '2020-12-23T13:33:40Z')).toBe(
      'f2aa66d51420459a65229118f63526fb',
    );
  });
});

describe('a status event', () => {
  it('carries every contract field, absent ones as null', () => {
    const event = statusEvent({ job: job({ avatarId: undefined, message: undefined }), observedAt }, null);
    expect(event).toEqual({
      type: 'avatar.training.status',
      eventId: statusEventId('job-1', 'Training', '2025-01-15T08:00:00Z'),
      jobId: 'job-1',
      avatarId: null,
      status: 'Training',
      previousStatus: null,
      message: null,
      lastTrainingTime: '2025-01-15T08:00:00Z',
      observedAt: '2025-01-15T08:05:00.000Z',
    });
  });

  it('matches its own schema', () => {
    const event = statusEvent(
      { job: job({ status: 'Success', avatarId: 'Avatar-1' }), observedAt },
      'Training',
    );
    expect(StatusEvent.parse(event)).toEqual(event);
  });
});
