/**
 * handler → shared/ice → the local ICE service, through the real @alicloud/openapi-client, with signed
 * webhooks on. Upstream faults are injected in the service.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHandler, type HttpHandler } from '../../functions/http/app.js';
import { depsFromEnv } from '../../functions/http/deps.js';
import { captureLogs, fakeContext, type HttpEventInit } from '../helpers/fc.js';
import { eventBuffer, readResponse, SECRET, signedEvent } from '../helpers/http.js';
import { startTestIceService, type TestIceService } from '../helpers/ice-service.js';
import { startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

const WATCH_QUEUE = 'http-it-watch';

let ice: TestIceService;
let mns: TestMnsService;
let handler: HttpHandler;
const logs = captureLogs();

beforeAll(async () => {
  [ice, mns] = await Promise.all([startTestIceService(), startTestMnsService({ queues: [WATCH_QUEUE] })]);
  const env = {
    ICE_ENDPOINT: ice.service.url,
    ICE_TIMEOUT_MS: '300',
    MNS_ENDPOINT: mns.service.url,
    MNS_ACCOUNT_ID: mns.service.accountId,
    WATCH_QUEUE,
    WEBHOOK_SECRET: `retired-secret,${SECRET}`,
  };
  handler = createHttpHandler(depsFromEnv(env, logs.sink));
});

afterAll(async () => {
  await Promise.all([ice?.close(), mns?.close()]);
});

afterEach(() => {
  ice.service.setFaults({});
});

/** The FC context carries the keys, as on FC with a role: nothing comes from this process's env. */
const context = (remainingMs = 10_000) =>
  fakeContext({ remainingMs, credentials: { ...ice.service.credentials } });

async function send(init: HttpEventInit, remainingMs?: number) {
  const event = signedEvent({ ...init, unixSeconds: Math.floor(Date.now() / 1000) });
  return readResponse(await handler(event, context(remainingMs)));
}

const newJob = (status: 'Init' | 'Queuing' = 'Init') => {
  const job = ice.service.jobs.create({ avatarName: '小树', avatarDescription: 'demo' });
  if (status === 'Queuing') ice.service.jobs.submit(job.JobId);
  return job.JobId;
};

const iceCalls = () => ice.service.counters().requests;

describe('the HTTP function against the local ICE service', () => {
  it('GET answers the job as ICE has it, with ICE’s RequestId', async () => {
    const jobId = newJob();
    const res = await send({ path: `/jobs/${jobId}` });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      job: expect.objectContaining({ jobId, avatarName: '小树', avatarDescription: 'demo', status: 'Init' }),
      requestId: expect.any(String),
    });
    const line = logs.records().findLast((r) => r.message === 'request');
    expect(line).toMatchObject({ status: 200, jobId, iceRequestId: res.json.requestId });
  });

  it('PATCH changes the job in ICE and enrols it in the watch queue', async () => {
    const jobId = newJob();
    const res = await send({
      path: `/jobs/${jobId}`,
      method: 'PATCH',
      body: JSON.stringify({ avatarName: '新名', transparent: true }),
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ jobId, requestId: expect.any(String) });
    expect(ice.service.jobs.get(jobId)).toMatchObject({ AvatarName: '新名', Transparent: true });
    const watched = mns.service.queues
      .inspect(WATCH_QUEUE)
      .messages.visible.map((m) => JSON.parse(m.decodedBody!));
    expect(watched).toContainEqual({
      jobId,
      status: null,
      lastTrainingTime: null,
      watchedSince: expect.any(String),
    });
  });

  it('POST works like PATCH for senders that can only POST', async () => {
    const jobId = newJob();
    const res = await send({
      path: `/jobs/${jobId}`,
      method: 'POST',
      body: JSON.stringify({ avatarDescription: 'via POST' }),
    });
    expect(res.status).toBe(200);
    expect(ice.service.jobs.get(jobId)?.AvatarDescription).toBe('via POST');
  });

  it('answers 404 JobNotFound when ICE does not know the job', async () => {
    const res = await send({ path: '/jobs/0123456789abcdef0123456789abcdef' });
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: 'JobNotFound', requestId: expect.any(String) });
  });

  it('answers 409 for transparent outside Init/Fail (our rule) and for video (ICE’s own refusal)', async () => {
    const jobId = newJob('Queuing');
    const transparent = await send({
      path: `/jobs/${jobId}`,
      method: 'PATCH',
      body: '{"transparent":false}',
    });
    expect(transparent.status).toBe(409);
    expect(transparent.json.error.issues).toEqual([{ path: 'transparent', message: 'Job is Queuing' }]);
    const video = await send({
      path: `/jobs/${jobId}`,
      method: 'PATCH',
      body: JSON.stringify({ video: 'v'.repeat(32) }),
    });
    expect(video.status).toBe(409);
    expect(video.json.error.code).toBe('InvalidJobState');
  });

  it('answers 400 for invalid fields and 401 for a bad signature, without any request to ICE', async () => {
    const jobId = newJob();
    const before = iceCalls();
    const invalid = await send({
      path: `/jobs/${jobId}`,
      method: 'PATCH',
      body: '{"avatarName":"much too long"}',
    });
    const unsigned = readResponse(await handler(eventBuffer({ path: `/jobs/${jobId}` }), context()));
    const wrongKey = readResponse(
      await handler(
        signedEvent({
          path: `/jobs/${jobId}`,
          secret: 'not-ours',
          unixSeconds: Math.floor(Date.now() / 1000),
        }),
        context(),
      ),
    );
    expect([invalid.status, unsigned.status, wrongKey.status]).toEqual([400, 401, 401]);
    expect(iceCalls()).toBe(before);
  });

  it('surfaces ICE throttling as 429 with Retry-After', async () => {
    ice.service.setFaults({ throttleRate: 1 });
    const res = await send({ path: `/jobs/${newJob()}` });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json.error.code).toBe('Throttled');
  });

  it('surfaces ICE 500s as 502', async () => {
    ice.service.setFaults({ errorRate: 1 });
    const res = await send({ path: `/jobs/${newJob()}` });
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe('UpstreamError');
  });

  it('surfaces ICE 503 ServiceUnAvailable as 503', async () => {
    ice.service.setFaults({ unavailableRate: 1 });
    const res = await send({ path: `/jobs/${newJob()}` });
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe('UpstreamUnavailable');
  });

  it('answers 504 when ICE is too slow for the deadline', async () => {
    ice.service.setFaults({ slowRate: 1, slowMs: 2_000 });
    const res = await send({ path: `/jobs/${newJob()}` }, 1_200);
    expect(res.status).toBe(504);
    expect(res.json.error.code).toBe('Timeout');
  });

  it('answers 502 when ICE refuses the function’s own credentials', async () => {
    const jobId = newJob();
    const event = signedEvent({ path: `/jobs/${jobId}`, unixSeconds: Math.floor(Date.now() / 1000) });
    const wrongKeys = fakeContext({
      credentials: { accessKeyId: ice.service.credentials.accessKeyId, accessKeySecret: 'wrong' },
    });
    const res = readResponse(await handler(event, wrongKeys));
    expect(res.status).toBe(502);
    expect(res.json.error.code).toBe('UpstreamError');
  });
});
