import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Credentials, CredentialsCarrier } from '../../shared/credentials.js';
import { type AppError, errorCode, Throttled, UpstreamUnavailable } from '../../shared/errors.js';
import { createIceClient, type IceAction, type IceClientOptions } from '../../shared/ice/index.js';
import { createLogger } from '../../shared/logger.js';
import { captureLogs, fakeClock } from '../helpers/fc.js';

const JOB_ID = 'a1b255d86f7f4587943ce7734d6b9c0d';
const MEDIA_ID = '571c704445f9a0ee011406c2a1b2c3d4';
const THUMBNAIL = 'https://your-bucket.oss-cn-hangzhou.aliyuncs.com/thumbnail.png';
const KEYS: Credentials = { accessKeyId: 'envAK', accessKeySecret: 'envSecret' };

interface Call {
  action: IceAction;
  query: Record<string, string>;
  credentials: Credentials;
  timeoutMs: number;
}

type Responder = (call: Call) => unknown;

/** A transport that records every call and answers with `respond` (a thrown value is a failure). */
function recordingTransport(respond: Responder) {
  const calls: Call[] = [];
  return {
    calls,
    transport: {
      async call(action: IceAction, query: Record<string, string>, options: Omit<Call, 'action' | 'query'>) {
        const call = { action, query, ...options };
        calls.push(call);
        return { statusCode: 200, body: respond(call) };
      },
    },
  };
}

const wireJob = (status: string, extra: Record<string, unknown> = {}) => ({
  RequestId: 'RID-GET',
  Success: true,
  Data: { AvatarTrainingJob: { JobId: JOB_ID, AvatarName: 'x', Status: status, ...extra } },
});
const jobIdBody = { RequestId: 'RID-OK', Success: true, Data: { JobId: JOB_ID } };

/** Answers Get with a job in `status` and every other action with `{JobId}`. */
const iceWithJobIn =
  (status: string, extra: Record<string, unknown> = {}): Responder =>
  (call) =>
    call.action === 'GetAvatarTrainingJob' ? wireJob(status, extra) : jobIdBody;

function setup(respond: Responder, options: Partial<IceClientOptions> = {}) {
  const logs = captureLogs();
  const recorder = recordingTransport(respond);
  const resolved: (CredentialsCarrier | undefined)[] = [];
  const clock = fakeClock();
  const client = createIceClient({
    transport: recorder.transport,
    logger: createLogger({ sink: logs.sink, level: 'debug' }),
    clock,
    random: () => 0.5,
    resolveCredentials: async (context) => {
      resolved.push(context);
      return KEYS;
    },
    ...options,
  });
  return { client, calls: recorder.calls, logs, resolved, clock };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('the ICE client refuses invalid input before any network traffic', () => {
  it.each([
    ['an over-long name', { jobId: JOB_ID, avatarName: '数字人小树小云朵' }, ['avatarName']],
    ['no field to change', { jobId: JOB_ID }, ['']],
    ['an unknown field', { jobId: JOB_ID, avatarName: 'x', Status: 'Init' }, ['Status']],
    ['a non-OSS thumbnail', { jobId: JOB_ID, thumbnail: 'https://example.com/t.png' }, ['thumbnail']],
    ['a 31-character portrait', { jobId: JOB_ID, portrait: MEDIA_ID.slice(1) }, ['portrait']],
    ['a bad jobId and video', { jobId: '', video: 'v' }, ['jobId', 'video']],
  ])('refuses an update with %s, naming %j', async (_what, input, paths) => {
    const { client, calls, resolved } = setup(iceWithJobIn('Init'));
    const error = await failure(client.updateJob(input as never));
    expect(errorCode(error)).toBe('ValidationError');
    expect(error.issues?.map((i) => i.path)).toEqual(paths);
    expect(calls).toHaveLength(0);
    expect(resolved).toHaveLength(0);
  });

  it('refuses every invalid update without a call, listing each offending path (property)', async () => {
    const bad: Record<string, unknown[]> = {
      avatarName: ['', 'eight ch', '数字人小树小云朵', 7],
      avatarDescription: ['d'.repeat(1001), null],
      thumbnail: ['http://b.oss-cn-hangzhou.aliyuncs.com/t.png', 'https://a.com/x', ''],
      portrait: [MEDIA_ID.slice(1), `${MEDIA_ID}0`, '-'.repeat(32)],
      video: [MEDIA_ID.slice(2), 32],
      transparent: ['true', 1, null],
    };
    const badField = fc.constantFrom(...Object.keys(bad));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(badField, { minLength: 1 }), fc.nat(), async (fields, pick) => {
        const input: Record<string, unknown> = { jobId: JOB_ID, avatarName: 'ok' };
        for (const f of fields) input[f] = bad[f]![pick % bad[f]!.length];
        const { client, calls } = setup(iceWithJobIn('Init'));
        const error = await failure(client.updateJob(input as never));
        expect(errorCode(error)).toBe('ValidationError');
        expect(new Set(error.issues?.map((i) => i.path))).toEqual(new Set(fields));
        expect(error.message).toContain(fields[0]);
        expect(calls).toHaveLength(0);
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    ['getJob', (c: ReturnType<typeof setup>['client']) => c.getJob('bad/id')],
    ['submitJob', (c: ReturnType<typeof setup>['client']) => c.submitJob('')],
    ['deleteJob', (c: ReturnType<typeof setup>['client']) => c.deleteJob('x'.repeat(65))],
    ['listJobs', (c: ReturnType<typeof setup>['client']) => c.listJobs({ pageSize: 101 })],
    ['listJobs', (c: ReturnType<typeof setup>['client']) => c.listJobs({ status: 'Done' as never })],
    [
      'createJob',
      (c: ReturnType<typeof setup>['client']) => c.createJob({ avatarType: '2DAvatar' } as never),
    ],
  ])('refuses invalid %s input without a call', async (_name, run) => {
    const { client, calls } = setup(iceWithJobIn('Init'));
    expect(errorCode(await failure(run(client)))).toBe('ValidationError');
    expect(calls).toHaveLength(0);
  });
});

describe('updateJob state rules', () => {
  it('sends one Update and no Get when neither transparent nor thumbnail changes', async () => {
    const { client, calls } = setup(iceWithJobIn('Training'));
    const res = await client.updateJob({ jobId: JOB_ID, avatarName: '小树', avatarDescription: 'd' });
    expect(res).toEqual({ jobId: JOB_ID, requestId: 'RID-OK' });
    expect(calls.map((c) => c.action)).toEqual(['UpdateAvatarTrainingJob']);
    expect(calls[0]!.query).toEqual({ JobId: JOB_ID, AvatarName: '小树', AvatarDescription: 'd' });
  });

  it.each(['Init', 'Fail'])('changes transparent in %s after one Get', async (status) => {
    const { client, calls } = setup(iceWithJobIn(status));
    await client.updateJob({ jobId: JOB_ID, transparent: false });
    expect(calls.map((c) => c.action)).toEqual(['GetAvatarTrainingJob', 'UpdateAvatarTrainingJob']);
    expect(calls[1]!.query).toEqual({ JobId: JOB_ID, Transparent: 'false' });
  });

  it.each(['Queuing', 'Training', 'Success'])(
    'refuses transparent in %s with InvalidJobState after one Get',
    async (status) => {
      const { client, calls } = setup(iceWithJobIn(status));
      const error = await failure(client.updateJob({ jobId: JOB_ID, transparent: true }));
      expect(errorCode(error)).toBe('InvalidJobState');
      expect(error.requestId).toBe('RID-GET');
      expect(error.issues).toEqual([{ path: 'transparent', message: `Job is ${status}` }]);
      expect(calls.map((c) => c.action)).toEqual(['GetAvatarTrainingJob']);
    },
  );

  it.each([
    ['Success', {}],
    ['Fail', { FirstTrainingTime: '2025-01-15T08:00:00Z' }],
    ['Training', { FirstTrainingTime: '2025-01-15T08:00:00Z' }],
  ])('refuses thumbnail once trained (%s, %j)', async (status, extra) => {
    const { client, calls } = setup(iceWithJobIn(status, extra));
    const error = await failure(client.updateJob({ jobId: JOB_ID, thumbnail: THUMBNAIL }));
    expect(errorCode(error)).toBe('InvalidJobState');
    expect(error.issues?.[0]?.path).toBe('thumbnail');
    expect(calls.map((c) => c.action)).toEqual(['GetAvatarTrainingJob']);
  });

  it('changes thumbnail of a job that never trained', async () => {
    const { client, calls } = setup(iceWithJobIn('Init'));
    await client.updateJob({ jobId: JOB_ID, thumbnail: THUMBNAIL, avatarName: 'n' });
    expect(calls.map((c) => c.action)).toEqual(['GetAvatarTrainingJob', 'UpdateAvatarTrainingJob']);
    expect(calls[1]!.query).toEqual({ JobId: JOB_ID, Thumbnail: THUMBNAIL, AvatarName: 'n' });
  });

  it('checks with the status trimmed ("Success\\n" is Success)', async () => {
    const { client } = setup(iceWithJobIn('Success\n'));
    expect(errorCode(await failure(client.updateJob({ jobId: JOB_ID, transparent: true })))).toBe(
      'InvalidJobState',
    );
  });
});

describe('answers', () => {
  it('returns the job in camelCase with the RequestId', async () => {
    const { client, calls } = setup(iceWithJobIn('Training'));
    const res = await client.getJob(JOB_ID);
    expect(res).toEqual({
      requestId: 'RID-GET',
      job: { jobId: JOB_ID, avatarName: 'x', status: 'Training' },
    });
    expect(calls[0]).toMatchObject({ action: 'GetAvatarTrainingJob', query: { JobId: JOB_ID } });
  });

  it('keeps an unrecognised status and logs one warning naming it', async () => {
    const { client, logs } = setup(iceWithJobIn('Archived'));
    const res = await client.getJob(JOB_ID);
    expect(res.job.status).toBe('Archived');
    const warnings = logs.records().filter((r) => r.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({ status: 'Archived', jobId: JOB_ID, iceRequestId: 'RID-GET' }),
    ]);
  });

  it('sends list paging and the status filter on the wire, defaulting to page 1 of 10', async () => {
    const { client, calls } = setup(() => ({
      RequestId: 'RID-L',
      Data: { AvatarTrainingJobList: [{ JobId: 'a', Status: 'Fail' }], TotalCount: 11 },
    }));
    expect(await client.listJobs()).toEqual({
      jobs: [{ jobId: 'a', status: 'Fail' }],
      totalCount: 11,
      pageNo: 1,
      pageSize: 10,
      requestId: 'RID-L',
    });
    await client.listJobs({ pageNo: 2, pageSize: 100, status: 'Fail' });
    expect(calls.map((c) => c.query)).toEqual([
      { PageNo: '1', PageSize: '10' },
      { PageNo: '2', PageSize: '100', Status: 'Fail' },
    ]);
  });

  it('sends create, submit and delete with their wire parameters', async () => {
    const { client, calls } = setup(() => jobIdBody);
    await client.createJob({
      avatarName: '小树',
      avatarType: '2DAvatar',
      transparent: true,
      video: MEDIA_ID,
    });
    await client.submitJob(JOB_ID);
    await client.deleteJob(JOB_ID);
    expect(calls.map((c) => [c.action, c.query])).toEqual([
      [
        'CreateAvatarTrainingJob',
        { AvatarName: '小树', AvatarType: '2DAvatar', Transparent: 'true', Video: MEDIA_ID },
      ],
      ['SubmitAvatarTrainingJob', { JobId: JOB_ID }],
      ['DeleteAvatarTrainingJob', { JobId: JOB_ID }],
    ]);
  });

  it('turns Success=false into an UpstreamError carrying the RequestId', async () => {
    const { client } = setup(() => ({ ...jobIdBody, Success: false }));
    const error = await failure(client.submitJob(JOB_ID));
    expect(errorCode(error)).toBe('UpstreamError');
    expect(error.requestId).toBe('RID-OK');
  });

  it('turns an unexpected body into a non-retried UpstreamError', async () => {
    const { client, calls } = setup(() => ({ RequestId: 'RID-X', Data: {} }));
    const error = await failure(client.getJob(JOB_ID));
    expect(errorCode(error)).toBe('UpstreamError');
    expect(error.requestId).toBe('RID-X');
    expect(calls).toHaveLength(1);
  });

  it('resolves keys from the call context and passes them to the transport', async () => {
    const { client, calls, resolved } = setup(iceWithJobIn('Init'));
    const context = { credentials: { accessKeyId: 'sts', accessKeySecret: 's', securityToken: 't' } };
    await client.getJob(JOB_ID, { context });
    expect(resolved).toEqual([context]);
    expect(calls[0]!.credentials).toEqual(KEYS);
  });
});

describe('retries', () => {
  const failTimes = (n: number, error: () => unknown, then: Responder = iceWithJobIn('Init')) => {
    let failures = 0;
    return (call: Call) => {
      if (failures++ < n) throw error();
      return then(call);
    };
  };

  it('retries a throttled call with full-jitter waits and succeeds', async () => {
    const throttle = () => ({ code: 'Throttling.User', statusCode: 400, data: { RequestId: 'R' } });
    const { client, calls, clock, logs } = setup(failTimes(2, throttle), {
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 10_000 },
    });
    await client.getJob(JOB_ID);
    expect(calls).toHaveLength(3);
    // random() = 0.5 → half of 100·2^0 and of 100·2^1.
    expect(clock.sleeps).toEqual([50, 100]);
    expect(logs.records().filter((r) => r.message === 'retrying ICE call')).toHaveLength(2);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { client, calls } = setup(
      failTimes(10, () => ({ code: 'ServiceUnAvailable', statusCode: 503, data: {} })),
      { retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100, maxTotalMs: 10_000 } },
    );
    expect(errorCode(await failure(client.getJob(JOB_ID)))).toBe('UpstreamUnavailable');
    expect(calls).toHaveLength(4);
  });

  it.each([
    ['InvalidParameter', 400, 'ValidationError'],
    ['SignatureDoesNotMatch', 400, 'Unauthorized'],
    ['ResourceNotFound', 404, 'JobNotFound'],
    ['OperationDenied.JobStatus', 403, 'InvalidJobState'],
  ])('never retries %s', async (code, statusCode, ours) => {
    const { client, calls } = setup(failTimes(10, () => ({ code, statusCode, data: { RequestId: 'R' } })));
    expect(errorCode(await failure(client.getJob(JOB_ID)))).toBe(ours);
    expect(calls).toHaveLength(1);
  });

  it('lets a per-call policy turn retries off', async () => {
    const { client, calls } = setup(failTimes(10, () => Throttled('slow down')));
    await failure(client.getJob(JOB_ID, { retry: { maxAttempts: 1 } }));
    expect(calls).toHaveLength(1);
  });

  it('never lets a call or a wait run past the deadline', async () => {
    const clock = fakeClock();
    const deadline = clock.now() + 250;
    const { client, calls } = setup(
      () => {
        throw UpstreamUnavailable('connection reset');
      },
      { clock, retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 100, maxTotalMs: 60_000 } },
    );
    await failure(client.getJob(JOB_ID, { deadline }));
    // Waits of 50 ms (random 0.5): attempts at +0, +50, … +200; the next wait would end at the deadline.
    expect(calls.map((c) => c.timeoutMs)).toEqual([250, 200, 150, 100, 50]);
    expect(clock.now()).toBe(deadline - 50);
  });

  it('gives an attempt only the time left when it would otherwise overrun the deadline', async () => {
    const clock = fakeClock();
    const deadline = clock.now() + 250;
    const { client, calls } = setup(
      (call) => {
        clock.advance(call.timeoutMs); // the attempt times out after the time it was given
        throw UpstreamUnavailable('timed out');
      },
      { clock, retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 100, maxTotalMs: 60_000 } },
    );
    await failure(client.getJob(JOB_ID, { deadline }));
    expect(calls.map((c) => c.timeoutMs)).toEqual([250]);
    expect(clock.now()).toBe(deadline);
  });

  it('gives each attempt at most the client timeout', async () => {
    const { client, calls } = setup(iceWithJobIn('Init'), { timeoutMs: 1234 });
    await client.getJob(JOB_ID, { deadline: Date.parse('2025-01-15T09:00:00Z') });
    expect(calls[0]!.timeoutMs).toBe(1234);
  });

  it('takes a pacer token for every attempt and counts the wait against the deadline', async () => {
    const clock = fakeClock();
    let takes = 0;
    const pacer = {
      take: async () => {
        takes++;
        clock.advance(100);
      },
    };
    const { client, calls } = setup(
      failTimes(1, () => Throttled('busy')),
      {
        clock,
        pacer,
        random: () => 0,
      },
    );
    await client.getJob(JOB_ID, { deadline: clock.now() + 1000 });
    expect(takes).toBe(2);
    expect(calls.map((c) => c.timeoutMs)).toEqual([900, 800]);
  });

  it('fails with Timeout, without a call, when the pacer wait used up the deadline', async () => {
    const clock = fakeClock();
    const pacer = { take: async () => clock.advance(500) };
    const { client, calls } = setup(iceWithJobIn('Init'), { clock, pacer });
    const error = await failure(client.getJob(JOB_ID, { deadline: clock.now() + 300 }));
    expect(errorCode(error)).toBe('Timeout');
    expect(calls).toHaveLength(0);
  });
});
