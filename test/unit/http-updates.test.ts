import { describe, expect, it } from 'vitest';
import { ConfigError, QueueError } from '../../shared/errors.js';
import { fakeQueues, JOB_ID, testHandler } from '../helpers/http.js';

const command = (overrides: Record<string, unknown> = {}) => ({
  jobId: JOB_ID,
  avatarName: 'a',
  ...overrides,
});
const post = (t: ReturnType<typeof testHandler>, body: unknown) =>
  t.send({ path: '/updates', method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('POST /updates', () => {
  it('enqueues every valid command, one message each, to UPDATES_QUEUE and answers 202', async () => {
    const t = testHandler({ env: { UPDATES_QUEUE: 'updates-q' } });
    const commands = [
      command(),
      command({ jobId: 'job-2', sentAt: '2025-01-15T08:10:00Z', idempotencyKey: 'k' }),
    ];
    const res = await post(t, commands);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      accepted: [
        { index: 0, messageId: 'msg-1' },
        { index: 1, messageId: 'msg-2' },
      ],
      rejected: [],
      failed: [],
    });
    expect(t.queues.sent.map((m) => m.queue)).toEqual(['updates-q', 'updates-q']);
    expect(t.queues.sent.map((m) => JSON.parse(m.body))).toEqual(commands);
    expect(t.ice.calls).toHaveLength(0);
  });

  it('rejects invalid commands with their index and issues, and enqueues only the valid ones', async () => {
    const t = testHandler();
    const res = await post(t, [
      command({ jobId: 'bad id!' }),
      command(),
      { jobId: JOB_ID },
      command({ extra: 1 }),
    ]);
    expect(res.status).toBe(202);
    expect(res.json.accepted).toEqual([{ index: 1, messageId: 'msg-1' }]);
    expect(res.json.rejected).toEqual([
      { index: 0, issues: [{ path: 'jobId', message: expect.any(String) }] },
      { index: 2, issues: [{ path: '', message: expect.stringContaining('At least one of') }] },
      { index: 3, issues: [{ path: 'extra', message: 'Unknown field' }] },
    ]);
    expect(t.queues.sent).toHaveLength(1);
  });

  it('answers 400 with the full report when no command is valid, enqueuing nothing', async () => {
    const t = testHandler();
    const res = await post(t, [{ jobId: JOB_ID }, command({ transparent: 'yes' })]);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'ValidationError' });
    expect(res.json.error.issues.map((i: { path: string }) => i.path)).toEqual(['0', '1.transparent']);
    expect(res.json.rejected.map((r: { index: number }) => r.index)).toEqual([0, 1]);
    expect(t.queues.sends()).toBe(0);
  });

  it.each([
    ['an object instead of an array', command()],
    ['an empty array', []],
    ['more than 1000 commands', Array.from({ length: 1001 }, () => ({ jobId: 'j', transparent: true }))],
  ])('answers 400 for %s', async (_, body) => {
    const t = testHandler();
    const res = await post(t, body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationError');
    expect(t.queues.sends()).toBe(0);
  });

  it('accepts exactly 1000 commands', async () => {
    const t = testHandler();
    const res = await post(
      t,
      Array.from({ length: 1000 }, (_, i) => ({ jobId: `j${i}`, transparent: true })),
    );
    expect(res.status).toBe(202);
    expect(res.json.accepted).toHaveLength(1000);
  });

  it('reports commands the queue did not take in `failed`, next to the accepted ones', async () => {
    const queues = fakeQueues({ refuse: (m) => JSON.parse(m.body).jobId === 'job-2' });
    const t = testHandler({ queues });
    const res = await post(t, [command(), command({ jobId: 'job-2' }), command({ jobId: 'job-3' })]);
    expect(res.status).toBe(202);
    expect(res.json.accepted.map((a: { index: number }) => a.index)).toEqual([0, 2]);
    expect(res.json.failed).toEqual([
      {
        index: 1,
        error: { code: 'QueueError', message: 'The queue did not accept this command', retryable: true },
      },
    ]);
  });

  it('answers 503 with Retry-After and the report when the queue took none of the valid commands', async () => {
    const t = testHandler({ queues: fakeQueues({ refuse: () => true }) });
    const res = await post(t, [command(), { jobId: JOB_ID }]);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json).toMatchObject({
      error: { code: 'UpstreamUnavailable' },
      accepted: [],
      rejected: [{ index: 1 }],
      failed: [{ index: 0 }],
    });
  });

  it('answers 503 when the queue cannot be reached at all', async () => {
    const t = testHandler({
      queues: fakeQueues({ throws: QueueError('MNS BatchSendMessage failed: ECONNREFUSED') }),
    });
    const res = await post(t, [command(), command()]);
    expect(res.status).toBe(503);
    expect(res.json.failed.map((f: { index: number }) => f.index)).toEqual([0, 1]);
  });

  it('answers a generic 500 when MNS is not configured, naming the variable in the log only', async () => {
    const missing = ConfigError('MNS_ENDPOINT or MNS_ACCOUNT_ID must be set to reach MNS');
    const t = testHandler({ deps: { queues: () => Promise.reject(missing) } });
    const res = await post(t, [command()]);
    expect(res.status).toBe(500);
    expect(res.raw.body).not.toContain('MNS_ENDPOINT');
    expect(JSON.stringify(t.lastRequestLog())).toContain('MNS_ENDPOINT');
  });

  it('logs the accepted, rejected and failed counts', async () => {
    const t = testHandler();
    await post(t, [command(), {}]);
    expect(t.lastRequestLog()).toMatchObject({
      route: 'POST /updates',
      status: 202,
      accepted: 1,
      rejected: 1,
      failed: 0,
    });
  });

  it('applies the same signature rules as the other routes', async () => {
    const t = testHandler();
    const res = await t.send({
      path: '/updates',
      method: 'POST',
      body: JSON.stringify([command()]),
      unsigned: true,
    });
    expect(res.status).toBe(401);
    expect(t.queues.sends()).toBe(0);
  });

  it('does not load the queue client for GET requests', async () => {
    const t = testHandler();
    await t.send({ path: `/jobs/${JOB_ID}` });
    await t.send({ path: '/healthz' });
    await t.send({ path: '/openapi.json' });
    expect(t.queueLoads()).toBe(0);
  });
});
