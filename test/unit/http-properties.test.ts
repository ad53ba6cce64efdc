/**
 * Property-based tests over generated FC events: no input yields a 5xx unless ICE itself failed, every
 * refusal has the error shape, and bad input never reaches ICE.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidJobState,
  JobNotFound,
  Throttled,
  Timeout,
  Unauthorized,
  UpstreamError,
  UpstreamUnavailable,
  ValidationError,
} from '../../shared/errors.js';
import { signPayload } from '../../shared/webhook-signature.js';
import { fakeContext, httpEventObject } from '../helpers/fc.js';
import { JOB_ID, readResponse, SECRET, testHandler } from '../helpers/http.js';

const RUNS = { numRuns: 300 };

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'PATCH', 'POST') },
  { weight: 2, arbitrary: fc.constantFrom('PUT', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'get', 'Patch') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const segment = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('jobs', 'healthz', 'openapi.json', 'updates', JOB_ID, 'unknown-job'),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      '.',
      '..',
      '%2e%2e',
      '%2F',
      'a%2fb',
      '%5C',
      '%zz',
      '%',
      '%00',
      'JOBS',
      'jobs%2F..',
    ),
  },
  { weight: 2, arbitrary: fc.webSegment() },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{60,70}$/) },
);

const path = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      `/jobs/${JOB_ID}`,
      '/jobs/unknown-job',
      '/updates',
      '/healthz',
      '/openapi.json',
    ),
  },
  { weight: 6, arbitrary: fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => `/${s.join('/')}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.tuple(segment, fc.webQueryParameters()).map(([s, q]) => `/jobs/${s}?${q}`) },
);

const updateFieldValue = fc.record(
  {
    avatarName: fc.oneof(fc.string({ maxLength: 9 }), fc.integer()),
    avatarDescription: fc.string({ maxLength: 20 }),
    thumbnail: fc.oneof(fc.webUrl(), fc.constant('https://bucket-1.oss-cn-shanghai.aliyuncs.com/a.png')),
    portrait: fc.stringMatching(/^[A-Za-z0-9]{30,33}$/),
    transparent: fc.oneof(fc.boolean(), fc.string({ maxLength: 3 })),
    jobId: fc.constantFrom(JOB_ID, 'bad id', ''),
    extra: fc.anything({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

const validChanges = fc.record(
  { avatarName: fc.string({ minLength: 1, maxLength: 7 }), transparent: fc.boolean() },
  { requiredKeys: ['avatarName'] },
);
const validCommand = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), validChanges)
  .map(([jobId, c]) => ({ jobId, ...c }));

const bodyText = fc.oneof(
  { weight: 2, arbitrary: validChanges.map((v) => JSON.stringify(v)) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(validCommand, updateFieldValue), { maxLength: 5 })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 4, arbitrary: updateFieldValue.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.array(updateFieldValue, { maxLength: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', '[]', '{}', '{"avatarName":', '\uFEFF{}') },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ avatarDescription: 'x'.repeat(66_000) })) },
);

const headerValue = fc.oneof(
  fc.constantFrom(
    'application/json',
    'text/plain',
    'application/json; charset=latin1',
    'application/x+json',
    '',
  ),
  fc.string({ maxLength: 30 }),
);
const headers = fc.dictionary(
  fc.oneof(
    fc.constantFrom('Content-Type', 'content-type', 'x-request-id', 'X-Request-Id', 'x-signature', 'Accept'),
    fc.string({ minLength: 1, maxLength: 12 }),
  ),
  headerValue,
  { maxKeys: 3 },
);
/** Sometimes a header block over FC's 8 KiB limit. */
const headerSets = fc.oneof(
  { weight: 9, arbitrary: headers },
  { weight: 1, arbitrary: headers.map((h) => ({ ...h, 'x-huge': 'h'.repeat(9_000) })) },
);

/** How the body travels: plain, base64 of it, or a string merely flagged as base64. */
const encoding = fc.oneof(
  { weight: 4, arbitrary: fc.constant('plain' as const) },
  { weight: 2, arbitrary: fc.constant('base64' as const) },
  { weight: 1, arbitrary: fc.constant('fake-base64' as const) },
);
const signing = fc.oneof(
  { weight: 6, arbitrary: fc.constant('valid' as const) },
  { weight: 1, arbitrary: fc.constantFrom('none' as const, 'stale' as const, 'garbage' as const) },
);

const anyRequest = fc.record({ method, path, headers: headerSets, body: bodyText, encoding, signing });
/** Requests shaped like real calls, so that generated input also gets past validation to ICE and MNS. */
const wellFormedRequest = fc.record({
  method: fc.constantFrom('GET', 'PATCH', 'POST'),
  path: fc.constantFrom(`/jobs/${JOB_ID}`, '/jobs/unknown-job', '/updates'),
  headers: fc.oneof(fc.constant({}), headerSets),
  body: fc.oneof(
    validChanges.map((v) => JSON.stringify(v)),
    fc
      .array(fc.oneof(validCommand, updateFieldValue), { minLength: 1, maxLength: 5 })
      .map((v) => JSON.stringify(v)),
  ),
  encoding,
  signing,
});
const request = fc.oneof(anyRequest, wellFormedRequest);
type GeneratedRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function toEvent(r: GeneratedRequest, nowSeconds: number): Buffer {
  const base64 = r.encoding === 'base64' ? Buffer.from(r.body).toString('base64') : r.body;
  const event = httpEventObject({
    method: r.method,
    path: r.path,
    body: base64,
    isBase64Encoded: r.encoding !== 'plain',
    headers: r.headers,
  });
  const signature = {
    valid: signPayload(SECRET, r.body, nowSeconds),
    stale: signPayload(SECRET, r.body, nowSeconds - 301),
    garbage: 't=1,v1=zz',
    none: undefined,
  }[r.signing];
  if (signature !== undefined)
    event.headers = { ...event.headers, 'x-signature': signature } as typeof event.headers;
  return Buffer.from(JSON.stringify(event));
}

const iceFailure = fc.constantFrom(
  undefined,
  () => Throttled('t'),
  () => UpstreamError('e'),
  () => UpstreamUnavailable('u'),
  () => Timeout('t'),
  () => Unauthorized('keys'),
  () => InvalidJobState('s'),
  () => JobNotFound('n'),
  () => ValidationError('ICE refused a parameter', [{ path: '', message: 'x' }]),
  () => new Error('unexpected'),
);

function checkShape(res: ReturnType<typeof readResponse>) {
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
  if (res.status >= 400) {
    expect(res.json.error).toEqual(
      expect.objectContaining({
        code: expect.any(String),
        message: expect.any(String),
        requestId: expect.any(String),
      }),
    );
  }
  if (res.status === 405) expect(res.headers.allow).toEqual(expect.any(String));
  if (res.status === 429) expect(res.headers['retry-after']).toBe('1');
}

describe.each([
  ['signed', {}],
  ['unsigned (local)', { WEBHOOK_SECRET: '' }],
])('generated requests, %s', (_, env) => {
  it('never yield a 5xx while ICE is healthy, and every refusal has the error shape', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const t = testHandler({ env });
        const res = readResponse(
          await t.handler(toEvent(r, Math.floor(t.clock.now() / 1000)), fakeContext()),
        );
        expect(res.status).toBeLessThan(500);
        checkShape(res);
      }),
      RUNS,
    );
  });

  it('reach ICE only when valid: any 4xx but an unknown job means zero ICE calls', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const t = testHandler({ env });
        const res = readResponse(
          await t.handler(toEvent(r, Math.floor(t.clock.now() / 1000)), fakeContext()),
        );
        if (res.status >= 400 && res.json.error.code !== 'JobNotFound') expect(t.ice.calls).toHaveLength(0);
        if (t.ice.calls.length > 0) expect(r.path.startsWith('/jobs/')).toBe(true);
      }),
      RUNS,
    );
  });

  it('yield a 5xx only when ICE itself failed', async () => {
    await fc.assert(
      fc.asyncProperty(request, iceFailure, async (r, failure) => {
        const t = testHandler({ env });
        t.ice.failWith(failure);
        const res = readResponse(
          await t.handler(toEvent(r, Math.floor(t.clock.now() / 1000)), fakeContext()),
        );
        checkShape(res);
        if (res.status >= 500) {
          expect(failure).toBeDefined();
          expect(t.ice.calls.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });
});

describe('generated events that are not HTTP trigger events', () => {
  it('are answered 400 with the error shape, without calling ICE', async () => {
    const anyEvent = fc.oneof(
      fc.json().map((j) => Buffer.from(j)),
      fc.string().map((s) => Buffer.from(s)),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const t = testHandler();
        const res = readResponse(await t.handler(event, fakeContext()));
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        checkShape(res);
        expect(t.ice.calls).toHaveLength(0);
      }),
      RUNS,
    );
  });
});
