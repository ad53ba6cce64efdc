import { describe, expect, it } from 'vitest';
import { DeadLetter } from '../../functions/queue/dead-letter.js';
import { processBatch } from '../../functions/queue/process-batch.js';
import {
  ConfigError,
  InvalidJobState,
  JobNotFound,
  QueueError,
  Throttled,
  Unauthorized,
  UpstreamUnavailable,
  ValidationError,
} from '../../shared/errors.js';
import type { UpdateJobInput } from '../../shared/ice/index.js';
import { mnsBatchEvent } from '../helpers/fc.js';
import { contextWithTimeout, fakeIce, fakeQueues, queueTestDeps, SETTINGS } from '../helpers/queue-fakes.js';

const json = (value: unknown) => JSON.stringify(value);
const event = (...bodies: unknown[]) =>
  mnsBatchEvent(bodies.map((body, i) => ({ body: json(body), messageId: `m${i + 1}` })));

async function run(
  batch: Buffer,
  options: { fail?: (input: UpdateJobInput, call: number) => unknown; maxAttempts?: number } = {},
) {
  const ice = fakeIce({ fail: options.fail });
  const mns = fakeQueues();
  const { deps, logs } = queueTestDeps({
    ice: ice.ice,
    queues: mns.queues,
    settings: { ...SETTINGS, maxAttempts: options.maxAttempts ?? SETTINGS.maxAttempts },
  });
  const summary = await processBatch(batch, contextWithTimeout(), deps);
  return {
    summary,
    ...ice,
    deadLetters: mns.bodies('dead-letters') as DeadLetter[],
    retries: mns.sent.filter((s) => s.queue === 'updates').map((s) => s.message),
    watch: mns.bodies('watch') as { jobId: string }[],
    logs: logs.records(),
  };
}

describe('outcome of each command', () => {
  it('applies every job with one call, enrols the jobs for status sync and returns the summary', async () => {
    const r = await run(
      event({ jobId: 'job-a', avatarName: 'a1' }, [
        { jobId: 'job-b', avatarName: 'b' },
        { jobId: 'job-a', avatarDescription: 'd' },
      ]),
    );
    expect(r.calls.map((c) => c.input)).toEqual([
      { jobId: 'job-a', avatarName: 'a1', avatarDescription: 'd' },
      { jobId: 'job-b', avatarName: 'b' },
    ]);
    expect(r.summary).toEqual({
      received: 2,
      commands: 3,
      calls: 2,
      applied: 3,
      deferred: 0,
      deadLettered: 0,
      durationMs: 0,
    });
    expect(r.watch.map((w) => w.jobId)).toEqual(['job-a', 'job-b']);
    expect(r.logs.filter((l) => l.message === 'queue batch')).toEqual([expect.objectContaining(r.summary)]);
    expect(r.logs.filter((l) => l.message === 'ice update').map((l) => [l.jobId, l.commands])).toEqual([
      ['job-a', 2],
      ['job-b', 1],
    ]);
  });

  it('calls ICE once per delivery (no client retries), with the invocation context and a deadline', async () => {
    const r = await run(event({ jobId: 'job-a', avatarName: 'a' }));
    expect(r.calls[0]?.options).toEqual({
      context: expect.objectContaining({ requestId: 'req-test' }),
      deadline: expect.any(Number),
      retry: { maxAttempts: 1 },
    });
  });

  it('dead-letters a rejected job with the ICE code and RequestId, in exactly the documented shape', async () => {
    const original = { jobId: 'job-gone', avatarName: 'x', idempotencyKey: 'k-1' };
    const r = await run(event(original, { jobId: 'job-ok', avatarName: 'y' }), {
      fail: (input) =>
        input.jobId === 'job-gone'
          ? JobNotFound('ICE: ResourceNotFound', { requestId: 'ICE-REQ-1' })
          : undefined,
    });
    expect(r.deadLetters).toEqual([
      {
        reason: 'rejected',
        error: { code: 'JobNotFound', message: 'ICE: ResourceNotFound', requestId: 'ICE-REQ-1' },
        attempts: 1,
        command: original,
        messageId: 'm1',
        failedAt: '2025-01-15T08:00:00.000Z',
      },
    ]);
    expect(() => DeadLetter.parse(r.deadLetters[0])).not.toThrow();
    expect(r.summary).toMatchObject({ applied: 1, deadLettered: 1, deferred: 0 });
    expect(r.watch.map((w) => w.jobId)).toEqual(['job-ok']);
    expect(r.logs.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({
        jobId: 'job-gone',
        code: 'JobNotFound',
        outcome: 'deadLettered',
        reason: 'rejected',
      }),
    ]);
  });

  it('dead-letters an ICE ValidationError with its issues', async () => {
    const r = await run(event({ jobId: 'job-a', avatarName: 'a' }), {
      fail: () => ValidationError('ICE refused a parameter', [{ path: '', message: 'InvalidParameter' }]),
    });
    expect(r.deadLetters[0]?.error).toEqual({
      code: 'ValidationError',
      message: 'ICE refused a parameter',
      issues: [{ path: '', message: 'InvalidParameter' }],
    });
  });

  it('dead-letters an invalid command with its issue paths while its neighbours are applied', async () => {
    const bad = { jobId: 'job-a', avatarName: 'name longer than seven' };
    const r = await run(event([bad, { jobId: 'job-a', avatarDescription: 'fine' }]));
    expect(r.calls.map((c) => c.input)).toEqual([{ jobId: 'job-a', avatarDescription: 'fine' }]);
    expect(r.deadLetters).toEqual([
      expect.objectContaining({
        reason: 'invalid',
        error: expect.objectContaining({
          code: 'ValidationError',
          issues: [expect.objectContaining({ path: 'avatarName' })],
        }),
        command: bad,
        messageId: 'm1',
        attempts: 1,
      }),
    ]);
    expect(r.summary).toMatchObject({ commands: 2, applied: 1, deadLettered: 1 });
  });

  it('replays a refused merged call one command at a time, so only the offending command is dead-lettered', async () => {
    const r = await run(
      event([
        { jobId: 'job-a', avatarName: 'one' },
        { jobId: 'job-a', transparent: true },
        { jobId: 'job-a', avatarDescription: 'three' },
      ]),
      {
        fail: (input) =>
          input.transparent !== undefined ? InvalidJobState('transparent only in Init or Fail') : undefined,
      },
    );
    expect(r.calls.map((c) => c.input)).toEqual([
      { jobId: 'job-a', avatarName: 'one', transparent: true, avatarDescription: 'three' },
      { jobId: 'job-a', avatarName: 'one' },
      { jobId: 'job-a', transparent: true },
      { jobId: 'job-a', avatarDescription: 'three' },
    ]);
    expect(r.jobs.get('job-a')).toEqual({ avatarName: 'one', avatarDescription: 'three' });
    expect(r.deadLetters.map((d) => [d.reason, d.error.code, d.command])).toEqual([
      ['rejected', 'InvalidJobState', { jobId: 'job-a', transparent: true }],
    ]);
    expect(r.summary).toMatchObject({ calls: 4, applied: 2, deadLettered: 1 });
  });

  it('defers a retryable failure: re-enqueued with attempt + 1, backoff delay and sentAt kept, one message per job', async () => {
    const r = await run(
      event(
        [
          { jobId: 'job-a', avatarName: 'late', sentAt: '2025-01-15T08:00:05Z' },
          { jobId: 'job-a', avatarDescription: 'early', sentAt: '2025-01-15T08:00:01Z', attempt: 2 },
        ],
        { jobId: 'job-b', avatarName: 'b' },
      ),
      { fail: (input) => (input.jobId === 'job-a' ? Throttled('ICE throttled') : undefined) },
    );
    expect(r.retries).toEqual([
      {
        delaySeconds: SETTINGS.retryDelaySeconds(2),
        body: json([
          { jobId: 'job-a', avatarDescription: 'early', sentAt: '2025-01-15T08:00:01Z', attempt: 3 },
          { jobId: 'job-a', avatarName: 'late', sentAt: '2025-01-15T08:00:05Z', attempt: 2 },
        ]),
      },
    ]);
    expect(r.summary).toMatchObject({ commands: 3, applied: 1, deferred: 2, deadLettered: 0 });
    expect(r.logs.filter((l) => l.level === 'warn').map((l) => [l.jobId, l.code, l.outcome])).toEqual([
      ['job-a', 'Throttled', 'deferred'],
      ['job-a', 'Throttled', 'deferred'],
    ]);
  });

  it('pins sentAt to the event time when re-enqueueing a command that had none, so it keeps its place', async () => {
    const batch = JSON.parse(event({ jobId: 'job-a', avatarName: 'a' }).toString());
    batch[0].time = '2025-01-15T07:59:00.000Z';
    const r = await run(Buffer.from(json(batch)), { fail: () => UpstreamUnavailable('down') });
    expect(JSON.parse(r.retries[0]?.body ?? '')).toEqual([
      { jobId: 'job-a', avatarName: 'a', sentAt: '2025-01-15T07:59:00.000Z', attempt: 2 },
    ]);
  });

  it('defers the rest of a job once one of its replayed commands is deferred, keeping the job order', async () => {
    const r = await run(
      event([
        { jobId: 'job-a', avatarName: 'one' },
        { jobId: 'job-a', transparent: true },
        { jobId: 'job-a', avatarDescription: 'three' },
      ]),
      {
        fail: (_input, call) =>
          call === 0 ? InvalidJobState('merged call refused') : call === 2 ? Throttled('busy') : undefined,
      },
    );
    expect(r.jobs.get('job-a')).toEqual({ avatarName: 'one' });
    expect(JSON.parse(r.retries[0]?.body ?? '')).toEqual([
      { jobId: 'job-a', transparent: true, sentAt: expect.any(String), attempt: 2 },
      { jobId: 'job-a', avatarDescription: 'three', sentAt: expect.any(String), attempt: 2 },
    ]);
    expect(r.summary).toMatchObject({ calls: 3, applied: 1, deferred: 2 });
  });

  it('dead-letters a command as exhausted when its last allowed attempt fails', async () => {
    const command = { jobId: 'job-a', avatarName: 'a', attempt: 3 };
    const r = await run(event(command), {
      maxAttempts: 3,
      fail: () => UpstreamUnavailable('ICE unavailable', { requestId: 'R-9' }),
    });
    expect(r.retries).toEqual([]);
    expect(r.deadLetters).toEqual([
      expect.objectContaining({
        reason: 'exhausted',
        attempts: 3,
        command,
        error: { code: 'UpstreamUnavailable', message: 'ICE unavailable', requestId: 'R-9' },
      }),
    ]);
  });

  it.each([
    [
      "the function's own credentials",
      () => Unauthorized('ICE refused our credentials: InvalidSecurityToken.Expired'),
    ],
    [
      'the API at the configured endpoint',
      () => ConfigError('ICE does not offer UpdateAvatarTrainingJob here'),
    ],
  ])('defers, rather than dead-letters, ICE refusing %s', async (_what, fail) => {
    const r = await run(event({ jobId: 'job-a', avatarName: 'a' }), { fail });
    expect(r.summary).toMatchObject({ deferred: 1, deadLettered: 0 });
    expect(r.retries).toHaveLength(1);
  });

  it('defers, rather than drops, a failure that is not one of ours', async () => {
    const r = await run(event({ jobId: 'job-a', avatarName: 'a' }), { fail: () => new TypeError('boom') });
    expect(r.summary).toMatchObject({ deferred: 1, deadLettered: 0 });
  });

  it('counts duplicates once: one call for a message delivered twice or a repeated idempotencyKey', async () => {
    const command = { jobId: 'job-a', avatarName: 'a', idempotencyKey: 'k' };
    const batch = mnsBatchEvent([
      { body: json(command), messageId: 'same' },
      { body: json(command), messageId: 'same' },
      { body: json(command), messageId: 'other' },
    ]);
    const r = await run(batch);
    expect(r.calls).toHaveLength(1);
    expect(r.summary).toMatchObject({ received: 3, commands: 1, applied: 1 });
  });
});

describe('nothing is lost', () => {
  const batch = () => event({ jobId: 'job-a', avatarName: 'a' }, { jobId: 'job-gone', avatarName: 'b' });
  const fail = (input: UpdateJobInput) =>
    input.jobId === 'job-gone' ? JobNotFound('gone') : Throttled('busy');

  it('throws so that EventBridge redelivers the batch when MNS keeps refusing a re-enqueue', async () => {
    const mns = fakeQueues((queue) => queue === 'updates');
    const { deps } = queueTestDeps({ ice: fakeIce({ fail }).ice, queues: mns.queues });
    await expect(processBatch(batch(), contextWithTimeout(), deps)).rejects.toMatchObject({
      code: 'QueueError',
    });
    expect(mns.bodies('dead-letters')).toHaveLength(1);
  });

  it('throws when MNS keeps refusing a dead letter', async () => {
    const mns = fakeQueues((queue) => queue === 'dead-letters');
    const { deps, logs } = queueTestDeps({ ice: fakeIce({ fail }).ice, queues: mns.queues });
    await expect(processBatch(batch(), contextWithTimeout(), deps)).rejects.toThrow(/dead-letter 1/);
    expect(logs.records().filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('sends again what MNS refused once, and then returns normally', async () => {
    const mns = fakeQueues((_queue, _message, call) => call < 2);
    const { deps } = queueTestDeps({ ice: fakeIce({ fail }).ice, queues: mns.queues });
    const summary = await processBatch(batch(), contextWithTimeout(), deps);
    expect(summary).toMatchObject({ deferred: 1, deadLettered: 1 });
    expect(mns.bodies('updates')).toHaveLength(1);
    expect(mns.bodies('dead-letters')).toHaveLength(1);
  });

  it('does not fail the batch when enrolment for status sync fails', async () => {
    const mns = fakeQueues((queue) => queue === 'watch');
    const { deps } = queueTestDeps({ ice: fakeIce().ice, queues: mns.queues });
    await expect(processBatch(batch(), contextWithTimeout(), deps)).resolves.toMatchObject({ applied: 2 });
  });

  it('propagates a queue error thrown by send as a failed batch', async () => {
    const { deps } = queueTestDeps({ ice: fakeIce({ fail }).ice });
    deps.queues = {
      ...deps.queues,
      send: async () => {
        throw QueueError('no credentials');
      },
    };
    await expect(processBatch(batch(), contextWithTimeout(), deps)).rejects.toMatchObject({
      code: 'QueueError',
    });
  });
});
