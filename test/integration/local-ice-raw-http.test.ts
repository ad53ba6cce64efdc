import { request } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIceRequest } from '../../local/ice/sign-ice-request.js';
import { startTestIceService, type TestIceService } from '../helpers/ice-service.js';

interface RawResponse {
  status: number;
  contentType: string | undefined;
  json: Record<string, unknown>;
}

let ice: TestIceService;

beforeAll(async () => {
  ice = await startTestIceService();
});

afterAll(async () => {
  await ice.close();
});

function send(options: {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: ice.service.port,
        method: options.method ?? 'POST',
        path: options.path ?? '/',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'],
              json: JSON.parse(text),
            });
          } catch {
            reject(new Error(`not JSON (${res.statusCode}): ${text}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Writes raw bytes and reads until the server closes, for requests node:http refuses to build. */
function sendRaw(bytes: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(ice.service.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const status = Number(head.split(' ')[1]);
      const contentType = /content-type: ([^\r]+)/i.exec(head)?.[1];
      try {
        resolve({ status, contentType, json: JSON.parse(body) });
      } catch {
        reject(new Error(`not JSON: ${text}`));
      }
    });
    socket.end(bytes);
  });
}

function signed(
  action: string,
  query: Record<string, string>,
  overrides: { dateMs?: number; version?: string } = {},
) {
  return signIceRequest({
    endpoint: ice.service.endpoint,
    action,
    query,
    ...ice.service.credentials,
    ...overrides,
  });
}

function expectErrorShape(response: RawResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.contentType).toBe('application/json;charset=utf-8');
  expect(response.json).toEqual({
    RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
    HostId: ice.service.endpoint,
    Code: code,
    Message: expect.any(String),
    Recommend: expect.stringContaining(`q=${code}`),
  });
}

describe('the local ICE service over raw HTTP', () => {
  it('refuses a replayed request (same nonce) with SignatureNonceUsed', async () => {
    const job = ice.service.jobs.create({ avatarName: 'Replay' });
    const once = signed('GetAvatarTrainingJob', { JobId: job.JobId });
    const first = await send(once);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ Success: true, Data: { AvatarTrainingJob: { JobId: job.JobId } } });
    expectErrorShape(await send(once), 400, 'SignatureNonceUsed');
  });

  it('refuses a correctly signed request dated 16 minutes ago with InvalidTimeStamp.Expired', async () => {
    const stale = signed('ListAvatarTrainingJobs', {}, { dateMs: Date.now() - 16 * 60_000 });
    expectErrorShape(await send(stale), 400, 'InvalidTimeStamp.Expired');
  });

  it('refuses another API version with InvalidVersion', async () => {
    expectErrorShape(
      await send(signed('ListAvatarTrainingJobs', {}, { version: '2017-03-21' })),
      400,
      'InvalidVersion',
    );
  });

  it('answers an unsigned request with IncompleteSignature in the JSON error shape', async () => {
    expectErrorShape(await send({ path: '/?JobId=1' }), 400, 'IncompleteSignature');
    expectErrorShape(
      await send({ headers: { authorization: 'Bearer something' } }),
      400,
      'IncompleteSignature',
    );
  });

  it('answers a non-POST or another path with 404 InvalidAction.NotFound', async () => {
    expectErrorShape(await send({ method: 'GET', path: '/' }), 404, 'InvalidAction.NotFound');
    expectErrorShape(await send({ method: 'DELETE', path: '/?JobId=1' }), 404, 'InvalidAction.NotFound');
    expectErrorShape(await send({ path: '/v1/jobs' }), 404, 'InvalidAction.NotFound');
  });

  it('answers a garbage query with 400 InvalidParameter', async () => {
    expectErrorShape(await send({ path: '/?JobId=%E4%B8&&==&%' }), 400, 'InvalidParameter');
  });

  it('answers oversized headers with 431 and a malformed request line with 400, both as JSON', async () => {
    expectErrorShape(
      await send({ headers: { 'x-acs-padding': 'x'.repeat(20_000) } }),
      431,
      'RequestHeaderFieldsTooLarge',
    );
    expectErrorShape(await sendRaw('THIS IS NOT HTTP\r\n\r\n'), 400, 'MalformedRequest');
  });

  it('answers a body over 1 MiB with 413 RequestBodyTooLarge', async () => {
    expectErrorShape(await send({ body: Buffer.alloc((1 << 20) + 1, 97) }), 413, 'RequestBodyTooLarge');
  });

  it('answers every random request with a JSON error and keeps serving', async () => {
    const token = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7e]/g, ''));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'OPTIONS'),
        token,
        fc.dictionary(
          fc.constantFrom('authorization', 'x-acs-date', 'x-acs-action', 'x-acs-version', 'host'),
          token,
        ),
        async (method, path, headers) => {
          const response = await send({ method, path: `/?${encodeURI(path)}`, headers });
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.json.Code).toEqual(expect.any(String));
        },
      ),
      { numRuns: 60 },
    );
    expect((await send(signed('ListAvatarTrainingJobs', {}))).status).toBe(200);
  });
});

describe('the inspection and control endpoints', () => {
  it('list the jobs as of now without changing state or counting as API calls', async () => {
    const { JobId } = ice.service.jobs.create({ avatarName: 'Inspect' });
    const before = ice.service.counters();
    const first = await send({ method: 'GET', path: '/_local/ice/jobs' });
    const second = await send({ method: 'GET', path: '/_local/ice/jobs' });
    expect(first.status).toBe(200);
    expect(second.json).toEqual(first.json);
    expect(
      (first.json.jobs as { JobId: string; Status: string }[]).find((job) => job.JobId === JobId),
    ).toMatchObject({
      Status: 'Init',
      CreateTime: expect.stringMatching(/Z$/),
    });
    expect(ice.service.counters()).toEqual(before);
  });

  it('count calls per action, signature failures and error codes', async () => {
    const before = ice.service.counters();
    await send(signed('ListAvatarTrainingJobs', {}));
    await send({ path: '/' });
    const counters = (await send({ method: 'GET', path: '/_local/ice/counters' })).json as {
      requests: number;
      actions: Record<string, number>;
      signatureFailures: number;
      errors: Record<string, number>;
    };
    expect(counters.requests).toBe(before.requests + 2);
    expect(counters.actions.ListAvatarTrainingJobs).toBe((before.actions.ListAvatarTrainingJobs ?? 0) + 1);
    expect(counters.signatureFailures).toBe(before.signatureFailures + 1);
    expect(counters.errors.IncompleteSignature).toBe((before.errors.IncompleteSignature ?? 0) + 1);
  });

  it('set faults at run time with PUT /_local/ice/faults and refuse invalid settings', async () => {
    const put = (body: unknown) =>
      send({
        method: 'PUT',
        path: '/_local/ice/faults',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    expect((await put({ throttleRate: 1 })).json).toEqual({ faults: { throttleRate: 1 } });
    expectErrorShape(await send(signed('ListAvatarTrainingJobs', {})), 400, 'Throttling');
    expectErrorShape(await put({ throttleRate: 2 }), 400, 'InvalidParameter');
    expect((await put({})).json).toEqual({ faults: {} });
    expect((await send(signed('ListAvatarTrainingJobs', {}))).status).toBe(200);
  });

  it('force a job outcome with PUT /_local/ice/jobs/:id/outcome', async () => {
    const { JobId } = ice.service.jobs.create({ avatarName: 'Forced' });
    const forced = await send({
      method: 'PUT',
      path: `/_local/ice/jobs/${JobId}/outcome`,
      body: JSON.stringify({ outcome: 'Fail' }),
    });
    expect(forced.json).toMatchObject({ job: { JobId, ForcedOutcome: 'Fail' } });
    const unknown = await send({
      method: 'PUT',
      path: '/_local/ice/jobs/nope/outcome',
      body: JSON.stringify({ outcome: 'Fail' }),
    });
    expectErrorShape(unknown, 404, 'ResourceNotFound');
    expectErrorShape(await send({ method: 'GET', path: '/_local/ice/nothing' }), 404, 'NotFound');
  });
});
