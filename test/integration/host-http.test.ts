/** The local host's HTTP trigger over real loopback HTTP, with tiny fixture functions in worker instances. */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../../local/host/host.js';
import { createLogger } from '../../shared/logger.js';
import { captureLogs } from '../helpers/fc.js';
import { type FixtureProject, httpTrigger, writeFixtureProject } from '../helpers/host-fixtures.js';

const KEYS = { accessKeyId: 'LTAIhosttest', accessKeySecret: 'host-test-secret' };
const RESPONSE = `{ statusCode: 200, headers: { 'content-type': 'application/json', 'x-multi': 'a' }, body: JSON.stringify({ got: JSON.parse(event.toString()).body }) }`;

let project: FixtureProject;
let host: Host;
const logs = captureLogs();

beforeAll(async () => {
  project = writeFixtureProject([
    {
      resource: 'web',
      code: `
const { appendFileSync } = require('node:fs');
const instanceId = Math.random().toString(36).slice(2);
let active = 0;
exports.handler = async (event, context) => {
  const req = JSON.parse(event.toString());
  const { getRemainingTimeInMillis, logger, ...plain } = context;
  appendFileSync(process.env.RECORDS, JSON.stringify({ event: req, context: { ...plain, remainingMs: getRemainingTimeInMillis() }, env: { ...process.env } }) + '\\n');
  switch (req.rawPath) {
    case '/throw': throw new TypeError('handler exploded');
    case '/slow': return new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: 'late' }), 3000));
    case '/spin': { const until = Date.now() + 1500; while (Date.now() < until); return { statusCode: 200, body: 'spun' }; }
    case '/instance': return { statusCode: 200, body: instanceId };
    case '/hold': {
      active++;
      const seen = active;
      await new Promise((resolve) => setTimeout(resolve, 200));
      active--;
      return { statusCode: 200, body: JSON.stringify({ instanceId, seen }) };
    }
    case '/binary': return { statusCode: 200, headers: { 'content-type': 'image/png' }, isBase64Encoded: true, body: Buffer.from([0x89, 0x50, 0x00, 0xff]).toString('base64') };
    case '/cookies': return { statusCode: 204, headers: { 'set-cookie': ['a=1', 'b=2'] }, body: '' };
    case '/bad': return { statusCode: 200, headers: { 'x-bad': 'a'.repeat(9000) }, body: '' };
    default: return ${RESPONSE};
  }
};`,
      timeout: 1,
      environmentVariables: { FROM_S_YAML: 'yes' },
      triggers: [httpTrigger(['GET', 'POST', 'PATCH'])],
    },
  ]);
  host = await startHost({
    template: project.template,
    env: {},
    port: 0,
    credentials: KEYS,
    triggers: { eventbridge: false, timer: false },
    logger: createLogger({ sink: logs.sink }),
  });
});

afterAll(async () => {
  await host?.close();
  project?.cleanup();
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw HTTP request, so repeated headers and odd paths go out exactly as written. */
function send(
  method: string,
  path: string,
  headers: Record<string, string | string[]> = {},
  body?: Buffer,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
interface Recorded {
  event: { requestContext: { timeEpoch: unknown } } & Record<string, unknown>;
  context: { requestId: string; remainingMs: number } & Record<string, unknown>;
  env: Record<string, string>;
}
const lastRecord = () => project.records().at(-1) as unknown as Recorded;

describe('the HTTP trigger of the local host', () => {
  it('delivers the FC 3.0 event and writes the handler response, with the FC request id', async () => {
    const res = await send(
      'POST',
      '/jobs/a%20b?tag=1&tag=2',
      { 'x-tag': ['one', 'two'], 'content-type': 'application/json' },
      Buffer.from('{"avatarName":"小树"}'),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body.toString())).toEqual({ got: '{"avatarName":"小树"}' });
    const { event, context } = lastRecord();
    expect(res.headers['x-fc-request-id']).toBe(context.requestId);
    expect(event).toMatchObject({
      version: 'v1',
      rawPath: '/jobs/a%20b',
      headers: { 'X-Tag': 'one,two', 'Content-Type': 'application/json' },
      queryParameters: { tag: '1,2' },
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/jobs/a b', sourceIp: '127.0.0.1' },
        requestId: context.requestId,
      },
    });
    expect(typeof event.requestContext.timeEpoch).toBe('string');
  });

  it('base64-encodes a binary request body and decodes a base64 response body', async () => {
    const bytes = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    await send('POST', '/upload', { 'content-type': 'application/octet-stream' }, bytes);
    expect(lastRecord().event).toMatchObject({ isBase64Encoded: true, body: bytes.toString('base64') });
    const res = await send('GET', '/binary');
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.body).toEqual(Buffer.from([0x89, 0x50, 0x00, 0xff]));
  });

  it('keeps multi-value response headers', async () => {
    const res = await send('GET', '/cookies');
    expect(res.status).toBe(204);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('passes an FC context: role credentials, function limits, remaining time', async () => {
    await send('GET', '/context');
    const { context } = lastRecord();
    expect(context).toMatchObject({
      credentials: KEYS,
      function: { name: 'fixture-web', handler: 'index.handler', memory: 256, timeout: 1 },
      service: { qualifier: 'LATEST' },
      region: 'cn-shanghai',
      accountId: '1234567890123456',
      retryCount: 0,
      tracing: { openTracingSpanBaggages: {} },
    });
    expect(context.requestId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(context.remainingMs).toBeGreaterThan(0);
    expect(context.remainingMs).toBeLessThanOrEqual(1000);
  });

  it("runs the function with s.yaml's environment only, not the host's", async () => {
    process.env.HOST_ONLY_SECRET = 'must-not-leak';
    await send('GET', '/env');
    delete process.env.HOST_ONLY_SECRET;
    const { env } = lastRecord();
    expect(env.FROM_S_YAML).toBe('yes');
    expect(env.HOST_ONLY_SECRET).toBeUndefined();
    expect(
      Object.keys(env).every((k) => ['PATH', 'HOME', 'TMPDIR', 'LANG', 'FROM_S_YAML', 'RECORDS'].includes(k)),
    ).toBe(true);
  });

  it('answers a handler throw with 502 and the FC error body', async () => {
    const res = await send('GET', '/throw');
    expect(res.status).toBe(502);
    expect(res.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(JSON.parse(res.body.toString())).toMatchObject({
      errorType: 'TypeError',
      errorMessage: 'handler exploded',
    });
  });

  it('answers a handler that outlives the function timeout with 502 FunctionTimeout', async () => {
    const res = await send('GET', '/slow');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString())).toMatchObject({
      errorType: 'FunctionTimeout',
      errorMessage: 'Function timed out after 1 seconds',
    });
  });

  it('kills an instance whose invocation timed out, so a handler stuck in a loop cannot fail the next call', async () => {
    const before = (await send('GET', '/instance')).body.toString();
    const stuck = await send('GET', '/spin');
    expect(JSON.parse(stuck.body.toString())).toMatchObject({ errorType: 'FunctionTimeout' });
    const after = await send('GET', '/instance');
    expect(after.status).toBe(200);
    expect(after.body.toString()).not.toBe(before);
  });

  it('serves overlapping invocations on separate instances, one invocation per instance as FC does', async () => {
    const [a, b] = await Promise.all([send('GET', '/hold'), send('GET', '/hold')]);
    const [first, second] = [JSON.parse(a!.body.toString()), JSON.parse(b!.body.toString())];
    expect([first.seen, second.seen]).toEqual([1, 1]);
    expect(first.instanceId).not.toBe(second.instanceId);
  });

  it('answers an invalid handler response with 502 BadResponse', async () => {
    const res = await send('GET', '/bad');
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString())).toMatchObject({ ErrorCode: 'BadResponse' });
  });

  it('refuses headers over 8 KB, a path over 4 KB and a body over 32 MB with 400 InvalidArgument', async () => {
    const before = project.records().length;
    const headers = await send('GET', '/x', { 'x-big': 'a'.repeat(8200) });
    const path = await send('GET', `/${'p'.repeat(4100)}`);
    const body = await send(
      'POST',
      '/x',
      { 'content-type': 'application/octet-stream' },
      Buffer.alloc(32 * 1024 * 1024 + 1),
    );
    for (const res of [headers, path, body]) {
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body.toString())).toMatchObject({ ErrorCode: 'InvalidArgument' });
    }
    expect(project.records().length).toBe(before);
  });

  it('refuses a method the trigger does not list with 405', async () => {
    const res = await send('DELETE', '/jobs/x');
    expect(res.status).toBe(405);
    expect(JSON.parse(res.body.toString())).toMatchObject({ ErrorCode: 'MethodNotAllowed' });
  });
});
