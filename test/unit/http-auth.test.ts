import { describe, expect, it } from 'vitest';
import { authMode } from '../../functions/http/config.js';
import { signPayload } from '../../shared/webhook-signature.js';
import { fakeClock, fakeContext } from '../helpers/fc.js';
import { eventBuffer, JOB_ID, readResponse, SECRET, signedEvent, testHandler } from '../helpers/http.js';

const JOB_PATH = `/jobs/${JOB_ID}`;
const BODY = JSON.stringify({ avatarName: 'a' });

describe('signed webhooks', () => {
  it('accepts a request signed within ±300 s and refuses one outside it, by the injected clock', async () => {
    const clock = fakeClock();
    const t = testHandler({ clock });
    const now = Math.floor(clock.now() / 1000);
    const at = async (unixSeconds: number) =>
      readResponse(await t.handler(signedEvent({ path: JOB_PATH, unixSeconds }), fakeContext())).status;
    expect(await at(now - 300)).toBe(200);
    expect(await at(now + 300)).toBe(200);
    expect(await at(now - 301)).toBe(401);
    expect(await at(now + 301)).toBe(401);
    clock.advance(301_000);
    expect(await at(now)).toBe(401);
  });

  it('accepts any of several comma-separated secrets (rotation)', async () => {
    const t = testHandler({ env: { WEBHOOK_SECRET: 'old-secret, new-secret' } });
    expect((await t.send({ path: JOB_PATH, secret: 'old-secret' })).status).toBe(200);
    expect((await t.send({ path: JOB_PATH, secret: 'new-secret' })).status).toBe(200);
    expect((await t.send({ path: JOB_PATH, secret: 'other-secret' })).status).toBe(401);
  });

  it.each([
    ['a missing signature', undefined, /Missing x-signature/],
    ['a malformed signature', 'v1=abc', /Malformed x-signature/],
    [
      'a signature of another body',
      signPayload(SECRET, '{"avatarName":"b"}', 1_736_928_000),
      /does not match/,
    ],
  ])('answers 401 for %s, without calling ICE', async (_, signature, message) => {
    const t = testHandler();
    const headers: Record<string, string> = signature === undefined ? {} : { 'X-Signature': signature };
    const event = eventBuffer({ path: JOB_PATH, method: 'PATCH', body: BODY, headers });
    const res = readResponse(await t.handler(event, fakeContext()));
    expect(res.status).toBe(401);
    expect(res.json.error).toEqual({
      code: 'Unauthorized',
      message: expect.stringMatching(message),
      requestId: expect.any(String),
    });
    expect(t.ice.calls).toHaveLength(0);
  });

  it('signs the raw body: re-serialised JSON with the same meaning does not verify', async () => {
    const t = testHandler();
    const unixSeconds = Math.floor(t.clock.now() / 1000);
    const event = signedEvent({
      path: JOB_PATH,
      method: 'PATCH',
      body: '{ "avatarName": "a" }',
      signedBody: BODY,
      unixSeconds,
    });
    expect(readResponse(await t.handler(event, fakeContext())).status).toBe(401);
  });

  it('for a base64 body, verifies the decoded bytes, i.e. what the caller sent', async () => {
    const t = testHandler();
    const unixSeconds = Math.floor(t.clock.now() / 1000);
    const body = Buffer.from(BODY).toString('base64');
    const ok = signedEvent({ path: JOB_PATH, method: 'PATCH', body, isBase64Encoded: true, unixSeconds });
    const overEncoded = signedEvent({
      path: JOB_PATH,
      method: 'PATCH',
      body,
      isBase64Encoded: true,
      signedBody: body,
      unixSeconds,
    });
    expect(readResponse(await t.handler(ok, fakeContext())).status).toBe(200);
    expect(readResponse(await t.handler(overEncoded, fakeContext())).status).toBe(401);
  });

  it('requires a signature on /openapi.json and unknown routes too (only /healthz is open)', async () => {
    const t = testHandler();
    expect((await t.send({ path: '/openapi.json', unsigned: true })).status).toBe(401);
    expect((await t.send({ path: '/nope', unsigned: true })).status).toBe(401);
    expect((await t.send({ path: '/healthz', unsigned: true })).status).toBe(200);
  });

  it('checks body size before computing any signature', async () => {
    const t = testHandler();
    const res = await t.send({ path: JOB_PATH, method: 'PATCH', body: 'x'.repeat(70_000), unsigned: true });
    expect(res.status).toBe(413);
  });
});

describe('auth mode', () => {
  it('is signed whenever a secret is set, even with ALLOW_UNSIGNED=true', () => {
    expect(authMode({ WEBHOOK_SECRET: ['s'], ALLOW_UNSIGNED: true }, true)).toEqual({
      kind: 'signed',
      secrets: ['s'],
    });
  });

  it('is closed on FC without a secret, and unsigned locally or with ALLOW_UNSIGNED=true', () => {
    expect(authMode({ WEBHOOK_SECRET: [], ALLOW_UNSIGNED: false }, true).kind).toBe('closed');
    expect(authMode({ WEBHOOK_SECRET: [], ALLOW_UNSIGNED: false }, false).kind).toBe('unsigned');
    expect(authMode({ WEBHOOK_SECRET: [], ALLOW_UNSIGNED: true }, true).kind).toBe('unsigned');
  });

  it('on FC without a secret, answers 503 to everything but /healthz and logs why', async () => {
    const t = testHandler({ env: { WEBHOOK_SECRET: '' }, onFunctionCompute: true });
    expect(t.logs.records()[0]).toMatchObject({
      level: 'error',
      message: expect.stringContaining('WEBHOOK_SECRET is not set'),
    });
    for (const path of [JOB_PATH, '/openapi.json', '/updates', '/nope', '/jobs/../x']) {
      const res = await t.send({ path, unsigned: true });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('NotConfigured');
      expect(t.lastRequestLog()).toMatchObject({
        status: 503,
        reason: expect.stringContaining('WEBHOOK_SECRET'),
      });
    }
    expect((await t.send({ path: '/healthz', unsigned: true })).status).toBe(200);
    expect(t.ice.calls).toHaveLength(0);
  });

  it('on FC with ALLOW_UNSIGNED=true, accepts unsigned requests', async () => {
    const t = testHandler({ env: { WEBHOOK_SECRET: '', ALLOW_UNSIGNED: 'true' }, onFunctionCompute: true });
    expect((await t.send({ path: JOB_PATH, unsigned: true })).status).toBe(200);
  });

  it('locally without a secret, accepts unsigned requests and warns once at cold start', async () => {
    const t = testHandler({ env: { WEBHOOK_SECRET: '' } });
    await t.send({ path: JOB_PATH, unsigned: true });
    await t.send({ path: JOB_PATH, unsigned: true });
    const warnings = t.logs.records().filter((r) => r.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({ message: expect.stringContaining('accepting unsigned requests') }),
    ]);
    expect(t.ice.calls).toHaveLength(2);
  });
});
