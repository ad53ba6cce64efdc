import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestIceService, type TestIceService } from '../helpers/ice-service.js';

// The service clock runs from real time (the real client stamps x-acs-date with Date.now()) and is
// advanced by hand to move jobs through their lifecycle.
let offsetMs = 0;
const clock = () => Date.now() + offsetMs;

interface ThrownByClient {
  name: string;
  code: string;
  statusCode?: number;
  message: string;
  data?: { RequestId?: string; HostId?: string; Code?: string; Message?: string; statusCode?: number };
}

async function thrown(promise: Promise<unknown>): Promise<ThrownByClient> {
  try {
    await promise;
  } catch (error) {
    return error as ThrownByClient;
  }
  throw new Error('expected the call to throw');
}

let ice: TestIceService;

beforeAll(async () => {
  ice = await startTestIceService({ now: clock, queuingMs: 1_000, trainingMs: 5_000 });
});

afterAll(async () => {
  await ice.close();
});

afterEach(() => {
  ice.service.setFaults({});
  offsetMs = 0;
});

describe('the local ICE service called through the real @alicloud/openapi-client', () => {
  it('runs a job through all six actions: create, update, get, list, submit until Success, delete', async () => {
    const created = await ice.callIce('CreateAvatarTrainingJob', {
      AvatarName: '小明',
      AvatarDescription: "Quote's (stars*) ~ plus+slash/ 中",
      Transparent: true,
    });
    expect(created.statusCode).toBe(200);
    expect(created.headers['content-type']).toBe('application/json;charset=utf-8');
    const JobId = (created.body.Data as { JobId: string }).JobId;
    expect(created.body).toEqual({ RequestId: expect.any(String), Success: true, Data: { JobId } });
    expect(JobId).toMatch(/^[0-9a-f]{32}$/);

    const updated = await ice.callIce('UpdateAvatarTrainingJob', {
      JobId,
      Video: 'v'.repeat(32),
      Thumbnail: 'https://bucket.oss-cn-shanghai.aliyuncs.com/t.png',
      Transparent: false,
    });
    expect(updated.body.Data).toEqual({ JobId });

    const got = await ice.callIce('GetAvatarTrainingJob', { JobId });
    expect(got.body.Data).toEqual({
      AvatarTrainingJob: {
        JobId,
        AvatarName: '小明',
        AvatarDescription: "Quote's (stars*) ~ plus+slash/ 中",
        AvatarType: '2DAvatar',
        Status: 'Init',
        Message: expect.any(String),
        Thumbnail: 'https://bucket.oss-cn-shanghai.aliyuncs.com/t.png',
        Video: 'v'.repeat(32),
        Transparent: false,
      },
    });

    expect((await ice.callIce('SubmitAvatarTrainingJob', { JobId })).body.Data).toEqual({ JobId });
    const listed = await ice.callIce('ListAvatarTrainingJobs', {
      Status: 'Queuing',
      PageNo: 1,
      PageSize: 10,
    });
    expect(listed.body.Data).toMatchObject({
      TotalCount: 1,
      AvatarTrainingJobList: [{ JobId, Status: 'Queuing' }],
    });

    offsetMs = 6_000;
    const trained = await ice.callIce('GetAvatarTrainingJob', { JobId });
    expect(trained.body.Data).toMatchObject({
      AvatarTrainingJob: { Status: 'Success', AvatarId: `Avatar-${JobId}`, Message: 'Training Success' },
    });

    const refused = await thrown(ice.callIce('DeleteAvatarTrainingJob', { JobId }));
    expect(refused).toMatchObject({ code: 'OperationDenied.JobStatus', statusCode: 403 });

    const spare = (await ice.callIce('CreateAvatarTrainingJob', { AvatarName: 'Spare' })).body.Data as {
      JobId: string;
    };
    expect((await ice.callIce('DeleteAvatarTrainingJob', { JobId: spare.JobId })).body.Data).toEqual(spare);
    const gone = await thrown(ice.callIce('GetAvatarTrainingJob', { JobId: spare.JobId }));
    expect(gone).toMatchObject({ code: 'ResourceNotFound', statusCode: 404 });
  });

  it('drives a job to Fail with a forced outcome and lets it be resubmitted', async () => {
    const { JobId } = ice.service.jobs.create({ avatarName: 'Failing' });
    ice.service.jobs.setOutcome(JobId, 'Fail');
    await ice.callIce('SubmitAvatarTrainingJob', { JobId });
    offsetMs = 6_000;
    const failed = await ice.callIce('GetAvatarTrainingJob', { JobId });
    expect(failed.body.Data).toMatchObject({ AvatarTrainingJob: { Status: 'Fail' } });
    await ice.callIce('SubmitAvatarTrainingJob', { JobId });
    expect(ice.service.jobs.get(JobId)?.Status).toBe('Queuing');
  });

  it('answers a rule violation with 400 InvalidParameter naming the parameter', async () => {
    const error = await thrown(ice.callIce('CreateAvatarTrainingJob', { AvatarName: '八个字的名字太长' }));
    expect(error).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(error.message).toContain('"AvatarName"');
  });

  it('refuses a wrong secret with SignatureDoesNotMatch, its status and request ID', async () => {
    const error = await thrown(
      ice.clientWith({ accessKeySecret: 'not-the-secret' })('GetAvatarTrainingJob', { JobId: 'x' }),
    );
    expect(error).toMatchObject({ name: 'Error', code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(error.data?.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(error.data?.HostId).toBe(ice.service.endpoint);
    expect(error.message).toMatch(/^SignatureDoesNotMatch: code: 400, Specified signature is not matched/);
  });

  it('refuses an unknown access key with InvalidAccessKeyId.NotFound', async () => {
    const error = await thrown(
      ice.clientWith({ accessKeyId: 'LTAIunknown' })('GetAvatarTrainingJob', { JobId: 'x' }),
    );
    expect(error).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', statusCode: 400 });
  });

  it('refuses requests whose x-acs-date is more than 15 minutes from the service clock', async () => {
    offsetMs = 16 * 60_000;
    const error = await thrown(ice.callIce('ListAvatarTrainingJobs'));
    expect(error).toMatchObject({ code: 'InvalidTimeStamp.Expired', statusCode: 400 });
  });

  it('answers an unknown action with 404 InvalidAction.NotFound', async () => {
    const error = await thrown(ice.callIce('DescribeEverything'));
    expect(error).toMatchObject({ code: 'InvalidAction.NotFound', statusCode: 404 });
  });

  it('delivers injected Throttling, InternalError and ServiceUnAvailable with their codes and statuses', async () => {
    for (const [faults, code, statusCode] of [
      [{ throttleRate: 1 }, 'Throttling', 400],
      [{ errorRate: 1 }, 'InternalError', 500],
      [{ unavailableRate: 1 }, 'ServiceUnAvailable', 503],
    ] as const) {
      ice.service.setFaults(faults);
      const error = await thrown(ice.callIce('ListAvatarTrainingJobs'));
      expect(error).toMatchObject({ code, statusCode });
      expect(error.data?.RequestId).toEqual(expect.any(String));
    }
    expect(ice.service.counters().faults).toMatchObject({
      Throttling: 1,
      InternalError: 1,
      ServiceUnAvailable: 1,
    });
  });

  it('answers beyond maxRps with Throttling.User', async () => {
    // A frozen service clock keeps all three calls in one rate-limit second.
    const frozen = Date.now();
    const frozenIce = await startTestIceService({ now: () => frozen, faults: { maxRps: 2 } });
    try {
      await frozenIce.callIce('ListAvatarTrainingJobs');
      await frozenIce.callIce('ListAvatarTrainingJobs');
      const error = await thrown(frozenIce.callIce('ListAvatarTrainingJobs'));
      expect(error).toMatchObject({ code: 'Throttling.User', statusCode: 400 });
      expect(frozenIce.service.counters().throttled).toBe(1);
    } finally {
      await frozenIce.close();
    }
  });

  it('makes the client time out when the response is slower than its read timeout', async () => {
    ice.service.setFaults({ slowRate: 1, slowMs: 400 });
    const error = await thrown(ice.callIce('ListAvatarTrainingJobs', {}, { readTimeout: 150 }));
    expect(error.name).toBe('RequestTimeoutError');
    expect(error.message).toMatch(/ReadTimeout\(150\)/);
    expect(ice.service.counters().faults.slow).toBeGreaterThanOrEqual(1);
  });

  it('surfaces a dropped connection as a network error without a status code', async () => {
    ice.service.setFaults({ dropRate: 1 });
    const error = await thrown(ice.callIce('ListAvatarTrainingJobs'));
    expect(error.statusCode).toBeUndefined();
    expect(error.code).toBe('ECONNRESET');
    expect(ice.service.counters().faults.dropped).toBeGreaterThanOrEqual(1);
  });
});

describe('the local ICE service with an STS token', () => {
  let sts: TestIceService;

  beforeAll(async () => {
    sts = await startTestIceService({ securityToken: 'sts-token-1' });
  });

  afterAll(async () => {
    await sts.close();
  });

  it('accepts the configured token, which the default client of the helper sends', async () => {
    expect(sts.service.credentials.securityToken).toBe('sts-token-1');
    expect((await sts.callIce('ListAvatarTrainingJobs')).statusCode).toBe(200);
  });

  it('refuses a wrong token and a missing one', async () => {
    const wrong = await thrown(sts.clientWith({ securityToken: 'sts-token-2' })('ListAvatarTrainingJobs'));
    expect(wrong).toMatchObject({ code: 'InvalidSecurityToken.Expired', statusCode: 400 });
    const missing = await thrown(sts.clientWith({ securityToken: undefined })('ListAvatarTrainingJobs'));
    expect(missing).toMatchObject({ code: 'InvalidSecurityToken.Expired', statusCode: 400 });
    expect(sts.service.counters().signatureFailures).toBe(2);
  });
});
