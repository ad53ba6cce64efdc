import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  InvalidJobState,
  JobNotFound,
  Throttled,
  Timeout,
  Unauthorized,
  UpstreamError,
  UpstreamUnavailable,
} from '../../shared/errors.js';
import { signPayload } from '../../shared/webhook-signature.js';
import { fakeContext, httpEventObject } from '../helpers/fc.js';
import { JOB_ID, readResponse, SECRET, sampleJob, signedEvent, testHandler } from '../helpers/http.js';

const JOB_PATH = `/jobs/${JOB_ID}`;
const json = (value: unknown) => JSON.stringify(value);

const expectErrorShape = (body: unknown, code: string) => {
  expect(body).toEqual({
    error: expect.objectContaining({ code, message: expect.any(String), requestId: expect.any(String) }),
  });
};

describe('GET /jobs/{jobId}', () => {
  it('answers 200 with the job in camelCase and the ICE RequestId', async () => {
    const t = testHandler();
    const res = await t.send({ path: JOB_PATH });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ job: sampleJob(), requestId: 'ice-1' });
    expect(t.ice.calls).toEqual([
      {
        method: 'getJob',
        input: JOB_ID,
        options: { context: expect.any(Object), deadline: expect.any(Number) },
      },
    ]);
  });

  it('gives ICE the invocation deadline, less a margin to answer', async () => {
    const t = testHandler();
    await t.handler(
      signedEvent({ path: JOB_PATH, unixSeconds: t.clock.now() / 1000 }),
      fakeContext({ remainingMs: 5_000, getRemainingTimeInMillis: () => 5_000 }),
    );
    expect(t.ice.calls[0]?.options?.deadline).toBe(t.clock.now() + 5_000 - 250);
  });

  it('answers 404 JobNotFound for an unknown job, with the ICE RequestId', async () => {
    const t = testHandler();
    const res = await t.send({ path: '/jobs/unknownjob' });
    expect(res.status).toBe(404);
    expectErrorShape(res.json, 'JobNotFound');
    expect(res.json.error.requestId).toMatch(/^ice-/);
  });

  it('answers 400 naming jobId for an invalid job ID, without calling ICE', async () => {
    const t = testHandler();
    const res = await t.send({ path: `/jobs/${'x'.repeat(65)}` });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationError');
    expect(res.json.error.issues).toEqual([{ path: 'jobId', message: expect.any(String) }]);
    expect(t.ice.calls).toHaveLength(0);
  });

  it('answers the FC fixture events for GET and PATCH', async () => {
    const dir = '/work/shared/fixtures/fc';
    // The fixtures are absent on users' machines; the same shapes come from test/helpers/fc.ts then.
    const fixture = (name: string, fallback: Record<string, unknown>) =>
      existsSync(`${dir}/${name}`) ? JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')) : fallback;
    const get = fixture('http-get-job.json', httpEventObject({ path: JOB_PATH }));
    const patch = fixture(
      'http-patch-job.json',
      httpEventObject({ path: JOB_PATH, method: 'PATCH', body: json({ avatarName: '小树' }) }),
    );
    const t = testHandler({ env: { WEBHOOK_SECRET: '' } });
    const got = readResponse(await t.handler(Buffer.from(json(get)), fakeContext()));
    const patched = readResponse(await t.handler(Buffer.from(json(patch)), fakeContext()));
    expect([got.status, patched.status]).toEqual([200, 200]);
    expect(got.json.job.jobId).toBe(JOB_ID);
    expect(patched.json).toEqual({ jobId: JOB_ID, requestId: expect.any(String) });
  });
});

describe('PATCH and POST /jobs/{jobId}', () => {
  it.each(['PATCH', 'POST'])('%s updates the job and answers 200 {jobId, requestId}', async (method) => {
    const t = testHandler();
    const res = await t.send({
      path: JOB_PATH,
      method,
      body: json({ avatarName: '新名字', transparent: true }),
    });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ jobId: JOB_ID, requestId: 'ice-1' });
    expect(t.ice.store.get(JOB_ID)).toMatchObject({ avatarName: '新名字', transparent: true });
  });

  it('enrols the updated job in the watch queue', async () => {
    const t = testHandler({ env: { WATCH_QUEUE: 'watch-q' } });
    await t.send({ path: JOB_PATH, method: 'PATCH', body: json({ avatarName: 'a' }) });
    expect(t.queues.sent).toHaveLength(1);
    expect(t.queues.sent[0]?.queue).toBe('watch-q');
    expect(JSON.parse(t.queues.sent[0]!.body)).toEqual({
      jobId: JOB_ID,
      status: null,
      lastTrainingTime: null,
      watchedSince: new Date(t.clock.now()).toISOString(),
    });
  });

  it('still answers 200 when the enrolment fails, and logs a warning', async () => {
    const t = testHandler({ deps: { queues: () => Promise.reject(new Error('MNS down')) } });
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body: json({ avatarName: 'a' }) });
    expect(res.status).toBe(200);
    expect(t.logs.records()).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'could not enrol jobs for status sync',
        jobIds: [JOB_ID],
      }),
    );
  });

  it('does not wait for a stuck enrolment longer than its budget', async () => {
    const t = testHandler({ deps: { queues: () => new Promise(() => {}), enrolBudgetMs: 5 } });
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body: json({ avatarName: 'a' }) });
    expect(res.status).toBe(200);
    expect(t.logs.records().map((r) => r.message)).toContain(
      'status-sync enrolment is slow; going on without waiting for it',
    );
  });

  it('does not enrol when the update fails', async () => {
    const t = testHandler();
    const res = await t.send({ path: '/jobs/nosuchjob', method: 'PATCH', body: json({ avatarName: 'a' }) });
    expect(res.status).toBe(404);
    expect(t.queueLoads()).toBe(0);
  });

  it('answers 400 with every issue and its field path, without calling ICE', async () => {
    const t = testHandler();
    const body = json({
      avatarName: 'far too long a name',
      portrait: 'short',
      colour: 'red',
      transparent: 'yes',
    });
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body });
    expect(res.status).toBe(400);
    const paths = res.json.error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['avatarName', 'colour', 'portrait', 'transparent']);
    expect(t.ice.calls).toHaveLength(0);
  });

  it.each([
    ['an empty object', '{}'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['a JSON string', '"avatarName"'],
    ['null', 'null'],
    ['jobId in the body', json({ jobId: JOB_ID })],
  ])('answers 400 for %s, without calling ICE', async (_, body) => {
    const t = testHandler();
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body });
    expect(res.status).toBe(400);
    expectErrorShape(res.json, 'ValidationError');
    expect(t.ice.calls).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', '{"avatarName":', 'application/json'],
    ['a text/plain body', 'avatarName=a', 'text/plain'],
    ['a form body', 'avatarName=a', 'application/x-www-form-urlencoded'],
    ['JSON in a non-UTF-8 charset', json({ avatarName: 'a' }), 'application/json; charset=latin1'],
  ])('answers 415 for %s, without calling ICE', async (_, body, contentType) => {
    const t = testHandler();
    const res = await t.send({
      path: JOB_PATH,
      method: 'PATCH',
      body,
      headers: { 'Content-Type': contentType },
    });
    expect(res.status).toBe(415);
    expectErrorShape(res.json, 'UnsupportedMediaType');
    expect(t.ice.calls).toHaveLength(0);
  });

  it('accepts application/*+json and a missing Content-Type', async () => {
    const t = testHandler();
    const vendor = await t.send({
      path: JOB_PATH,
      method: 'PATCH',
      body: json({ avatarName: 'a' }),
      headers: { 'Content-Type': 'application/merge-patch+json; charset=UTF-8' },
    });
    const none = await t.send({
      path: JOB_PATH,
      method: 'PATCH',
      body: json({ avatarName: 'b' }),
      headers: { 'Content-Type': '' },
    });
    expect([vendor.status, none.status]).toEqual([200, 200]);
  });

  it('answers 413 for a body over 64 KiB, without calling ICE', async () => {
    const t = testHandler();
    const body = json({ avatarDescription: 'x'.repeat(64 * 1024) });
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body });
    expect(res.status).toBe(413);
    expectErrorShape(res.json, 'PayloadTooLarge');
    expect(t.ice.calls).toHaveLength(0);
  });

  it('decodes a base64 body (isBase64Encoded) and treats it as JSON', async () => {
    const t = testHandler();
    const body = Buffer.from(json({ avatarName: '小树' })).toString('base64');
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body, isBase64Encoded: true });
    expect(res.status).toBe(200);
    expect(t.ice.store.get(JOB_ID)?.avatarName).toBe('小树');
  });

  it.each([
    ['invalid base64', 'not base64!', 400],
    ['base64 of bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x00]).toString('base64'), 415],
    ['base64 of non-JSON text', Buffer.from('hello').toString('base64'), 415],
    ['base64 decoding to more than 64 KiB', Buffer.alloc(64 * 1024 + 1, 0x20).toString('base64'), 413],
  ])('answers 4xx for %s, without calling ICE', async (_, body, status) => {
    const t = testHandler();
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body, isBase64Encoded: true });
    expect(res.status).toBe(status);
    expect(t.ice.calls).toHaveLength(0);
  });
});

describe('ICE failures', () => {
  it.each([
    [
      'InvalidJobState',
      () =>
        InvalidJobState('transparent only in Init/Fail', {
          issues: [{ path: 'transparent', message: 'Job is Training' }],
        }),
      409,
      'InvalidJobState',
    ],
    ['JobNotFound', () => JobNotFound('gone'), 404, 'JobNotFound'],
    ['Throttled', () => Throttled('slow down', { requestId: 'ice-throttled' }), 429, 'Throttled'],
    ['UpstreamError', () => UpstreamError('boom'), 502, 'UpstreamError'],
    ['Unauthorized (ICE refused our keys)', () => Unauthorized('bad keys'), 502, 'UpstreamError'],
    ['UpstreamUnavailable', () => UpstreamUnavailable('down'), 503, 'UpstreamUnavailable'],
    ['Timeout', () => Timeout('slow'), 504, 'Timeout'],
  ])('maps %s to %i', async (_, make, status, code) => {
    const t = testHandler();
    t.ice.failWith(make);
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body: json({ transparent: true }) });
    expect(res.status).toBe(status);
    expectErrorShape(res.json, code);
  });

  it('sends Retry-After with 429 and 503', async () => {
    const t = testHandler();
    t.ice.failWith(() => Throttled('x'));
    expect((await t.send({ path: JOB_PATH })).headers['retry-after']).toBe('1');
    t.ice.failWith(() => UpstreamUnavailable('x'));
    expect((await t.send({ path: JOB_PATH })).headers['retry-after']).toBe('1');
  });

  it('keeps the conflicting field path on 409', async () => {
    const t = testHandler();
    t.ice.failWith(() =>
      InvalidJobState('no', { issues: [{ path: 'transparent', message: 'Job is Training' }] }),
    );
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body: json({ transparent: true }) });
    expect(res.json.error.issues).toEqual([{ path: 'transparent', message: 'Job is Training' }]);
  });

  it('answers 500 with a generic message for anything unexpected; the detail goes to the log only', async () => {
    const t = testHandler();
    t.ice.failWith(() => new TypeError('cannot read properties of undefined (reading "secretThing")'));
    const res = await t.send({ path: JOB_PATH });
    expect(res.status).toBe(500);
    expect(res.json.error).toEqual({
      code: 'InternalError',
      message: 'Internal error',
      requestId: expect.any(String),
    });
    expect(res.raw.body).not.toContain('secretThing');
    expect(t.lastRequestLog()).toMatchObject({
      level: 'error',
      status: 500,
      error: { message: expect.stringContaining('secretThing') },
    });
  });

  it('does not pass upstream detail of a 5xx to the caller', async () => {
    const t = testHandler();
    t.ice.failWith(() => UpstreamError('ICE failed: InternalError — stack at host 10.0.0.1'));
    const res = await t.send({ path: JOB_PATH });
    expect(res.raw.body).not.toContain('10.0.0.1');
  });
});

describe('routing', () => {
  it('answers GET /healthz with 200 without calling ICE or needing a signature', async () => {
    const t = testHandler();
    const res = await t.send({ path: '/healthz', unsigned: true });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
    expect(t.ice.calls).toHaveLength(0);
  });

  it('answers GET /openapi.json with the OpenAPI 3.1 document', async () => {
    const t = testHandler();
    const res = await t.send({ path: '/openapi.json' });
    expect(res.status).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
  });

  it.each([
    ['/', 'GET'],
    ['/jobs', 'GET'],
    ['/JOBS/abc', 'GET'],
    ['/jobs/abc/extra', 'GET'],
    ['/nothing', 'POST'],
  ])('answers 404 for %s', async (path, method) => {
    const t = testHandler();
    const res = await t.send({ path, method });
    expect(res.status).toBe(404);
    expectErrorShape(res.json, 'NotFound');
    expect(t.ice.calls).toHaveLength(0);
  });

  it.each([
    [JOB_PATH, 'DELETE', 'GET, PATCH, POST'],
    [JOB_PATH, 'PUT', 'GET, PATCH, POST'],
    [JOB_PATH, 'OPTIONS', 'GET, PATCH, POST'],
    [JOB_PATH, 'get', 'GET, PATCH, POST'],
    ['/updates', 'GET', 'POST'],
    ['/openapi.json', 'POST', 'GET'],
    ['/healthz', 'POST', 'GET'],
  ])('answers 405 with Allow for %s %s', async (path, method, allow) => {
    const t = testHandler();
    const res = await t.send({ path, method });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expectErrorShape(res.json, 'MethodNotAllowed');
    expect(t.ice.calls).toHaveLength(0);
  });
});

describe('path tricks', () => {
  it.each([
    '/jobs/../healthz',
    '/jobs/./abc',
    '/jobs/%2e%2e',
    `/jobs/a%2F${JOB_ID}`,
    `/jobs/a%5C${JOB_ID}`,
    `//jobs/${JOB_ID}`,
    `/jobs//${JOB_ID}`,
    `/jobs/${JOB_ID}/`,
    '/jobs/%zz',
    '/jobs/a%00b',
    'jobs/abc',
  ])('answers 400 for %s, without calling ICE', async (rawPath) => {
    const t = testHandler();
    const res = await t.send({ path: rawPath, rawPath });
    expect(res.status).toBe(400);
    expect(res.json.error.issues).toEqual([{ path: 'path', message: expect.any(String) }]);
    expect(t.ice.calls).toHaveLength(0);
  });

  it('answers 414 for a path over 4 KiB', async () => {
    const t = testHandler();
    const res = await t.send({ path: `/jobs/${'a'.repeat(5000)}` });
    expect(res.status).toBe(414);
    expect(t.ice.calls).toHaveLength(0);
  });

  it('routes on rawPath (encoded), not on the decoded path FC also sends', async () => {
    const t = testHandler();
    const event = httpEventObject({ path: `/jobs/${JOB_ID}`, rawPath: `/jobs/x%2F..%2F${JOB_ID}` });
    const unixSeconds = Math.floor(t.clock.now() / 1000);
    const signed = {
      ...event,
      headers: { ...event.headers, 'x-signature': signPayload(SECRET, '', unixSeconds) },
    };
    const res = readResponse(await t.handler(Buffer.from(json(signed)), fakeContext()));
    expect(res.status).toBe(400);
    expect(t.ice.calls).toHaveLength(0);
  });

  it('answers 431 for headers over 8 KiB, without calling ICE', async () => {
    const t = testHandler();
    const res = await t.send({ path: JOB_PATH, headers: { 'X-Big': 'b'.repeat(9000) } });
    expect(res.status).toBe(431);
    expectErrorShape(res.json, 'HeaderFieldsTooLarge');
    expect(t.ice.calls).toHaveLength(0);
  });

  it('answers 400 for a header given twice in different case', async () => {
    const t = testHandler();
    const res = await t.send({ path: JOB_PATH, headers: { 'x-thing': '1', 'X-Thing': '2' } });
    expect(res.status).toBe(400);
  });

  it.each([
    ['a non-JSON event', Buffer.from('not json')],
    ['a JSON event that is not an HTTP event', Buffer.from(json({ triggerTime: 'x', triggerName: 'y' }))],
  ])('answers 400 for %s', async (_, event) => {
    const t = testHandler();
    const res = readResponse(await t.handler(event, fakeContext()));
    expect(res.status).toBe(400);
    expectErrorShape(res.json, 'ValidationError');
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
  });
});
