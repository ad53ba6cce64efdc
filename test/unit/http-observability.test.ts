import { describe, expect, it } from 'vitest';
import { handlerFromEnv } from '../../functions/http/deps.js';
import { Throttled } from '../../shared/errors.js';
import { captureLogs, fakeContext } from '../helpers/fc.js';
import { eventBuffer, JOB_ID, readResponse, SECRET, signedEvent, testHandler } from '../helpers/http.js';

const JOB_PATH = `/jobs/${JOB_ID}`;

describe('request logs', () => {
  it('writes one JSON line per request with the documented fields', async () => {
    const t = testHandler();
    const context = fakeContext();
    const before = t.logs.lines.length;
    const res = readResponse(
      await t.handler(
        signedEvent({
          path: JOB_PATH,
          headers: { 'X-Request-Id': 'caller-123' },
          unixSeconds: t.clock.now() / 1000,
        }),
        context,
      ),
    );
    expect(t.logs.lines.length - before).toBe(1);
    expect(t.lastRequestLog()).toEqual({
      time: expect.any(String),
      level: 'info',
      message: 'request',
      requestId: context.requestId,
      correlationId: 'caller-123',
      method: 'GET',
      route: 'GET /jobs/{jobId}',
      jobId: JOB_ID,
      status: 200,
      durationMs: 0,
      iceRequestId: 'ice-1',
      coldStart: true,
    });
    expect(res.headers['x-request-id']).toBe('caller-123');
  });

  it('marks only the first request of an instance as a cold start', async () => {
    const t = testHandler();
    await t.send({ path: '/healthz' });
    await t.send({ path: '/healthz' });
    const cold = t.logs
      .records()
      .filter((r) => r.message === 'request')
      .map((r) => r.coldStart);
    expect(cold).toEqual([true, false]);
  });

  it('generates a correlation ID when x-request-id is absent or not a plain token', async () => {
    const t = testHandler();
    const absent = await t.send({ path: '/healthz' });
    const odd = await t.send({ path: '/healthz', headers: { 'x-request-id': 'evil\n{"level":"info"}' } });
    for (const res of [absent, odd]) expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(absent.headers['x-request-id']).not.toBe(odd.headers['x-request-id']);
  });

  it('logs the ICE RequestId and the error code of a failed call', async () => {
    const t = testHandler();
    t.ice.failWith(() => Throttled('slow down', { requestId: 'ice-req-9' }));
    await t.send({ path: JOB_PATH });
    expect(t.lastRequestLog()).toMatchObject({
      level: 'warn',
      status: 429,
      iceRequestId: 'ice-req-9',
      errorCode: 'Throttled',
    });
  });

  it('never writes the secret, the signature or credentials to the log', async () => {
    const t = testHandler();
    const unixSeconds = Math.floor(t.clock.now() / 1000);

    const event = signedEvent({ path: JOB_PATH, method: 'PATCH', body: '{"avatarName":"a"}', unixSeconds });
    const signature = JSON.parse(event.toString()).headers['X-Signature'] as string;
    const context = fakeContext({
      credentials: { accessKeyId: 'STS.key-id', accessKeySecret: 'sts-secret', securityToken: 'sts-token' },
    });
    await t.handler(event, context);
    await t.handler(eventBuffer({ path: JOB_PATH, headers: { 'x-signature': signature } }), context);
    const all = t.logs.lines.join('\n');
    for (const secret of [SECRET, signature.split('v1=')[1]!, 'sts-secret', 'sts-token'])
      expect(all).not.toContain(secret);
  });
});

describe('configuration', () => {
  it('answers 500 to every request when the environment is invalid, logging the variable by name', async () => {
    const logs = captureLogs();
    const handler = handlerFromEnv({ ICE_REGION: 'Not A Region', LOG_LEVEL: 'loud' }, logs.sink);
    const res = readResponse(await handler(eventBuffer({ path: '/healthz' }), fakeContext()));
    expect(res.status).toBe(500);
    expect(res.json.error).toEqual({
      code: 'InternalError',
      message: 'Internal error',
      requestId: expect.any(String),
    });
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    const logged = logs.lines.join('\n');
    expect(logged).toContain('ICE_REGION');
    expect(logged).toContain('LOG_LEVEL');
  });

  it('starts from a valid environment and needs no MNS configuration to serve GET', async () => {
    const handler = handlerFromEnv({ WEBHOOK_SECRET: '', ICE_ENDPOINT: 'http://127.0.0.1:1' }, () => {});
    const res = readResponse(await handler(eventBuffer({ path: '/healthz' }), fakeContext()));
    expect(res.status).toBe(200);
  });
});
