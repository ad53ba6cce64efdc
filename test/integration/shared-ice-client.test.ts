import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialResolver } from '../../shared/credentials.js';
import { type AppError, errorCode, isRetryable } from '../../shared/errors.js';
import { type IceClient, iceClientFromConfig } from '../../shared/ice/index.js';
import { createLogger } from '../../shared/logger.js';
import type { RetryPolicy } from '../../shared/retry.js';
import { captureLogs } from '../helpers/fc.js';
import { startTestIceService, type TestIceService } from '../helpers/ice-service.js';

const THUMBNAIL = 'https://your-bucket.oss-cn-shanghai.aliyuncs.com/thumbnail.png';
const MEDIA_ID = '571c704445f9a0ee011406c2a1b2c3d4';
const FAST_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxTotalMs: 5_000 };

// The service clock runs from real time (the client signs x-acs-date with it) and is moved by hand to
// take jobs through Queuing and Training.
let offsetMs = 0;
const serviceNow = () => Date.now() + offsetMs;
// Fault draws are scripted: each API request takes the next number (then 0.99, i.e. no fault).
const draws: number[] = [];

let ice: TestIceService;
let logs: ReturnType<typeof captureLogs>;

function client(
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; retry?: RetryPolicy } = {},
): IceClient {
  const { accessKeyId, accessKeySecret } = ice.service.credentials;
  return iceClientFromConfig(
    { ICE_ENDPOINT: ice.service.url, ICE_REGION: 'cn-shanghai', ICE_TIMEOUT_MS: options.timeoutMs ?? 5_000 },
    {
      logger: createLogger({ sink: logs.sink, level: 'debug' }),
      retry: options.retry ?? FAST_RETRY,
      resolveCredentials: createCredentialResolver(
        options.env ?? {
          ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret,
        },
      ),
    },
  );
}

/** Calls per action since `before`, from the service's own counters. */
function callsSince(before: Record<string, number>): Record<string, number> {
  const now = ice.service.counters().actions;
  return Object.fromEntries(
    Object.entries(now)
      .map(([action, n]) => [action, n - (before[action] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  ice = await startTestIceService({
    now: serviceNow,
    random: () => draws.shift() ?? 0.99,
    queuingMs: 1_000,
    trainingMs: 1_000,
  });
});

afterAll(async () => {
  await ice.close();
});

afterEach(() => {
  ice.service.setFaults({});
  draws.length = 0;
  offsetMs = 0;
});

beforeAll(() => {
  logs = captureLogs();
});

async function newJob(ice_: IceClient, name = '小树') {
  const { jobId } = await ice_.createJob({ avatarName: name, video: MEDIA_ID });
  return jobId;
}

describe('shared/ice through the real openapi-client, signatures checked', () => {
  it('creates, gets, updates, submits, lists and deletes a job', async () => {
    const c = client();
    const created = await c.createJob({
      avatarName: '数字人小树小云',
      avatarType: '2DAvatar',
      transparent: true,
    });
    expect(created.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(created.requestId).toEqual(expect.any(String));

    const { job } = await c.getJob(created.jobId);
    expect(job).toMatchObject({
      jobId: created.jobId,
      avatarName: '数字人小树小云',
      status: 'Init',
      transparent: true,
    });

    await c.updateJob({
      jobId: created.jobId,
      avatarDescription: 'a & b < c',
      video: MEDIA_ID,
      transparent: false,
    });
    expect((await c.getJob(created.jobId)).job).toMatchObject({
      avatarDescription: 'a & b < c',
      video: MEDIA_ID,
      transparent: false,
    });

    expect(await c.submitJob(created.jobId)).toMatchObject({ jobId: created.jobId });
    expect((await c.getJob(created.jobId)).job.status).toBe('Queuing');
    offsetMs = 2_500;
    expect((await c.getJob(created.jobId)).job).toMatchObject({
      status: 'Success',
      firstTrainingTime: expect.any(String),
    });

    const page = await c.listJobs({ pageSize: 100, status: 'Success' });
    expect(page.jobs.map((j) => j.jobId)).toContain(created.jobId);

    const another = await newJob(c);
    expect(await c.deleteJob(another)).toMatchObject({ jobId: another });
    expect(errorCode(await failure(c.getJob(another)))).toBe('JobNotFound');
  });

  it('pages through the list and filters it by status', async () => {
    const c = client();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await newJob(c, `p${i}`));
    await c.submitJob(ids[0]!);

    const all = await c.listJobs({ pageSize: 100 });
    const pages = [];
    for (let pageNo = 1; pageNo <= Math.ceil(all.totalCount / 2); pageNo++) {
      const page = await c.listJobs({ pageNo, pageSize: 2 });
      expect(page).toMatchObject({ pageNo, pageSize: 2, totalCount: all.totalCount });
      expect(page.jobs.length).toBeLessThanOrEqual(2);
      pages.push(...page.jobs.map((j) => j.jobId));
    }
    expect(pages).toEqual(all.jobs.map((j) => j.jobId));

    const queuing = await c.listJobs({ status: 'Queuing', pageSize: 100 });
    expect(queuing.jobs.map((j) => j.jobId)).toContain(ids[0]);
    expect(queuing.jobs.every((j) => j.status === 'Queuing')).toBe(true);
    const init = await c.listJobs({ status: 'Init', pageSize: 100 });
    expect(init.jobs.map((j) => j.jobId)).not.toContain(ids[0]);
    expect(init.jobs.map((j) => j.jobId)).toEqual(expect.arrayContaining(ids.slice(1)));
  });

  describe('updateJob state rules', () => {
    it('sends a name change as one Update, with no Get first', async () => {
      const c = client();
      const jobId = await newJob(c);
      await c.submitJob(jobId);
      const before = ice.service.counters().actions;
      await c.updateJob({ jobId, avatarName: '新名字' });
      expect(callsSince(before)).toEqual({ UpdateAvatarTrainingJob: 1 });
    });

    it('refuses transparent once training started, after exactly one Get and no Update', async () => {
      const c = client();
      const jobId = await newJob(c);
      await c.submitJob(jobId);
      const before = ice.service.counters().actions;
      const error = await failure(c.updateJob({ jobId, transparent: true, avatarName: 'x' }));
      expect(errorCode(error)).toBe('InvalidJobState');
      expect(error.issues?.[0]?.path).toBe('transparent');
      expect(callsSince(before)).toEqual({ GetAvatarTrainingJob: 1 });
    });

    /** A job that trained and failed (the clock moved past its training). */
    const failedJob = async (c: ReturnType<typeof client>) => {
      const jobId = await newJob(c);
      ice.service.jobs.setOutcome(jobId, 'Fail');
      await c.submitJob(jobId);
      offsetMs = 2_500;
      return jobId;
    };

    it('changes transparent of a failed job after one Get', async () => {
      const c = client();
      const jobId = await failedJob(c);
      const before = ice.service.counters().actions;
      await c.updateJob({ jobId, transparent: true });
      expect(callsSince(before)).toEqual({ GetAvatarTrainingJob: 1, UpdateAvatarTrainingJob: 1 });
      expect((await c.getJob(jobId)).job).toMatchObject({ status: 'Fail', transparent: true });
    });

    it('refuses thumbnail of a job that has trained, even one that failed', async () => {
      const c = client();
      const jobId = await failedJob(c);
      const before = ice.service.counters().actions;
      expect(errorCode(await failure(c.updateJob({ jobId, thumbnail: THUMBNAIL })))).toBe('InvalidJobState');
      expect(callsSince(before)).toEqual({ GetAvatarTrainingJob: 1 });
    });

    it('changes thumbnail of a job that never trained after one Get', async () => {
      const c = client();
      const jobId = await newJob(c);
      const before = ice.service.counters().actions;
      await c.updateJob({ jobId, thumbnail: THUMBNAIL });
      expect(callsSince(before)).toEqual({ GetAvatarTrainingJob: 1, UpdateAvatarTrainingJob: 1 });
    });

    it("maps the service's own state refusal (video while training) to InvalidJobState", async () => {
      const c = client();
      const jobId = await newJob(c);
      await c.submitJob(jobId);
      const error = await failure(c.updateJob({ jobId, video: MEDIA_ID }));
      expect(error).toMatchObject({
        code: 'InvalidJobState',
        statusCode: 403,
        upstreamCode: 'OperationDenied.JobStatus',
      });
      expect(error.requestId).toEqual(expect.any(String));
    });

    it('refuses to delete a job in training with InvalidJobState', async () => {
      const c = client();
      const jobId = await newJob(c);
      await c.submitJob(jobId);
      expect(errorCode(await failure(c.deleteJob(jobId)))).toBe('InvalidJobState');
    });
  });

  describe('errors', () => {
    it('answers an unknown job with JobNotFound carrying the RequestId, without retrying', async () => {
      const before = ice.service.counters().actions;
      const error = await failure(client().getJob('0123456789abcdef0123456789abcdef'));
      expect(error).toMatchObject({ code: 'JobNotFound', statusCode: 404, upstreamCode: 'ResourceNotFound' });
      expect(error.requestId).toEqual(expect.any(String));
      expect(callsSince(before)).toEqual({ GetAvatarTrainingJob: 1 });
    });

    it('answers a wrong secret with Unauthorized, without retrying', async () => {
      const { accessKeyId } = ice.service.credentials;
      const before = ice.service.counters().signatureFailures;
      const c = client({
        env: { ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong' },
      });
      const error = await failure(c.getJob('0123456789abcdef0123456789abcdef'));
      expect(error).toMatchObject({ code: 'Unauthorized', upstreamCode: 'SignatureDoesNotMatch' });
      expect(ice.service.counters().signatureFailures - before).toBe(1);
    });

    it('answers an unknown key id with Unauthorized', async () => {
      const c = client({
        env: { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIunknown', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'x' },
      });
      expect(await failure(c.listJobs())).toMatchObject({
        code: 'Unauthorized',
        upstreamCode: 'InvalidAccessKeyId.NotFound',
      });
    });

    it('never logs keys or signatures', async () => {
      const { accessKeySecret } = ice.service.credentials;
      ice.service.setFaults({ throttleRate: 0.5 });
      draws.push(0.1);
      await client().getJob((await ice.service.jobs.create({ avatarName: 'log' })).JobId);
      expect(logs.lines.join('\n')).not.toContain(accessKeySecret);
      expect(logs.lines.join('\n')).not.toMatch(/ACS3-HMAC-SHA256 Credential/);
    });
  });

  describe('STS keys from the invocation context', () => {
    let sts: TestIceService;
    const STS = { accessKeyId: 'STS.NUjW3x', accessKeySecret: 'stsSecret', securityToken: 'CAIS-token' };

    beforeAll(async () => {
      sts = await startTestIceService({
        credentials: { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret },
        securityToken: STS.securityToken,
      });
    });

    afterAll(async () => {
      await sts.close();
    });

    const stsClient = () =>
      iceClientFromConfig(
        { ICE_ENDPOINT: sts.service.url, ICE_REGION: 'cn-shanghai', ICE_TIMEOUT_MS: 5_000 },
        {
          logger: createLogger({ sink: () => {} }),
          retry: FAST_RETRY,
          // Env holds other, long-lived keys: the context's STS keys must win.
          resolveCredentials: createCredentialResolver({
            ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenvkey',
            ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envSecret',
          }),
        },
      );

    it('signs with the context keys and token instead of env', async () => {
      const page = await stsClient().listJobs({}, { context: { credentials: STS } });
      expect(page.jobs).toEqual([]);
    });

    it('falls back to env without a context (refused here: env keys are not the STS ones)', async () => {
      expect(errorCode(await failure(stsClient().listJobs({}, { context: { credentials: {} } })))).toBe(
        'Unauthorized',
      );
    });

    it('is refused with a wrong token', async () => {
      const context = { credentials: { ...STS, securityToken: 'stale' } };
      expect(errorCode(await failure(stsClient().listJobs({}, { context })))).toBe('Unauthorized');
    });
  });

  describe('retries under injected faults', () => {
    it.each([
      ['Throttling', { throttleRate: 0.5 }],
      ['InternalError', { errorRate: 0.5 }],
      ['ServiceUnAvailable', { unavailableRate: 0.5 }],
      ['dropped', { dropRate: 0.5 }],
    ])('retries after %s and succeeds on the next attempt', async (fault, faults) => {
      const jobId = ice.service.jobs.create({ avatarName: 'retry' }).JobId;
      ice.service.setFaults(faults);
      const before = ice.service.counters();
      draws.push(0.1, 0.1);
      const { job } = await client().getJob(jobId);
      expect(job.jobId).toBe(jobId);
      const after = ice.service.counters();
      expect(after.actions.GetAvatarTrainingJob! - before.actions.GetAvatarTrainingJob!).toBe(3);
      expect((after.faults[fault] ?? 0) - (before.faults[fault] ?? 0)).toBe(2);
    });

    it('stops after maxAttempts and reports the last failure with its RequestId', async () => {
      ice.service.setFaults({ throttleRate: 1 });
      const before = ice.service.counters().actions.ListAvatarTrainingJobs ?? 0;
      const error = await failure(client({ retry: { ...FAST_RETRY, maxAttempts: 4 } }).listJobs());
      expect(error).toMatchObject({ code: 'Throttled', statusCode: 400, upstreamCode: 'Throttling' });
      expect(isRetryable(error)).toBe(true);
      expect(error.requestId).toEqual(expect.any(String));
      expect(ice.service.counters().actions.ListAvatarTrainingJobs! - before).toBe(4);
    });

    it('retries when the service is rate-limited (Throttling.User) and eventually succeeds', async () => {
      const jobId = ice.service.jobs.create({ avatarName: 'rps' }).JobId;
      const c = client({ retry: { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 400, maxTotalMs: 10_000 } });
      ice.service.setFaults({ maxRps: 2 });
      const results = await Promise.all([1, 2, 3, 4].map(() => c.getJob(jobId)));
      expect(results.every((r) => r.job.jobId === jobId)).toBe(true);
    });

    it('gives up a slow answer at the client timeout and retries it', async () => {
      const jobId = ice.service.jobs.create({ avatarName: 'slow' }).JobId;
      ice.service.setFaults({ slowRate: 0.5, slowMs: 3_000 });
      draws.push(0.1);
      const before = ice.service.counters();
      const { job } = await client({ timeoutMs: 200 }).getJob(jobId);
      expect(job.jobId).toBe(jobId);
      const after = ice.service.counters();
      expect((after.faults.slow ?? 0) - (before.faults.slow ?? 0)).toBe(1);
      expect(after.actions.GetAvatarTrainingJob! - before.actions.GetAvatarTrainingJob!).toBe(2);
    });

    it('honours a deadline a few hundred ms ahead instead of waiting for a slow answer', async () => {
      const jobId = ice.service.jobs.create({ avatarName: 'late' }).JobId;
      ice.service.setFaults({ slowRate: 1, slowMs: 3_000 });
      const started = Date.now();
      const error = await failure(client({ timeoutMs: 10_000 }).getJob(jobId, { deadline: started + 300 }));
      expect(errorCode(error)).toBe('Timeout');
      // Far below the 3 s the answer takes: the attempt was cut at the deadline, not at the timeout.
      expect(Date.now() - started).toBeLessThan(1_500);
    });
  });
});
