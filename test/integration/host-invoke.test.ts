/** The local FC invoke API driven by the real `@alicloud/fc2` client, on both API paths. */
import FCClient from '@alicloud/fc2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../../local/host/host.js';
import { loadFunctions } from '../../local/host/s-yaml.js';
import { defaultEvent, fcClient, findFunction, invoke, invokeTarget } from '../../scripts/invoke.js';
import { createLogger } from '../../shared/logger.js';
import { type FixtureProject, recordingHandler, writeFixtureProject } from '../helpers/host-fixtures.js';

const KEYS = { accessKeyId: 'LTAIinvoketest', accessKeySecret: 'invoke-test-secret' };

let project: FixtureProject;
let host: Host;

beforeAll(async () => {
  project = writeFixtureProject([
    { resource: 'echo', code: `${recordingHandler('{ echoed: JSON.parse(event.toString()) }')}` },
    { resource: 'fail', code: `exports.handler = async () => { throw new RangeError('no such job'); };` },
    {
      resource: 'tick',
      code: recordingHandler("'tick done'"),
      triggers: [
        {
          triggerName: 'every-minute',
          triggerType: 'timer',
          triggerConfig: { cronExpression: '0 * * * * *', enable: false, payload: '{"maxJobs":5}' },
        },
      ],
    },
  ]);
  host = await startHost({
    template: project.template,
    env: {},
    port: 0,
    credentials: KEYS,
    triggers: { eventbridge: false },
    logger: createLogger({ sink: () => {} }),
  });
});

afterAll(async () => {
  await host?.close();
  project?.cleanup();
});

const client = (overrides: Partial<{ accessKeySecret: string }> = {}) =>
  new FCClient('1234567890123456', {
    accessKeyID: KEYS.accessKeyId,
    accessKeySecret: overrides.accessKeySecret ?? KEYS.accessKeySecret,
    region: 'cn-shanghai',
    endpoint: host.url,
  });

describe('the FC invoke API of the local host (real @alicloud/fc2 client)', () => {
  it('invokes through the 2016-08-15 service path (invokeFunction)', async () => {
    const res = await client().invokeFunction('any-service', 'fixture-echo', '{"jobId":"abc"}');
    expect(JSON.parse(res.data as string)).toEqual({ echoed: { jobId: 'abc' } });
    expect(res.headers['x-fc-request-id']).toMatch(/^1-/);
    expect(res.headers['x-fc-error-type']).toBeUndefined();
  });

  it('invokes through the 2023-03-30 path, as npm run invoke does', async () => {
    const target = { ...invokeTarget({ FC_ENDPOINT: host.url }), credentials: KEYS };
    const result = await invoke(fcClient(target), 'fixture-echo', Buffer.from('[1,2]'));
    expect(result).toMatchObject({ errorType: undefined, body: '{"echoed":[1,2]}' });
    expect(project.records().at(-1)?.context).toMatchObject({
      requestId: result.requestId,
      credentials: KEYS,
    });
  });

  it('answers Async with 202 and runs the function in the background', async () => {
    const before = project.records().length;
    const res = await client().invokeFunction('svc', 'fixture-echo', '{"async":true}', {
      'x-fc-invocation-type': 'Async',
    });
    expect(res.data).toBe('');
    await expect.poll(() => project.records().length).toBe(before + 1);
    expect(project.records().at(-1)?.event).toEqual({ async: true });
  });

  it('reports a function error with x-fc-error-type and the error body', async () => {
    const res = await client().invokeFunction('svc', 'fixture-fail', '{}');
    expect(res.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(res.data).toMatchObject({ errorType: 'RangeError', errorMessage: 'no such job' });
  });

  it('refuses a wrong secret and an unknown function with FC error codes', async () => {
    await expect(
      client({ accessKeySecret: 'wrong' }).invokeFunction('svc', 'fixture-echo', '{}'),
    ).rejects.toMatchObject({
      code: 'SignatureNotMatch',
      name: 'FCSignatureNotMatchError',
    });
    await expect(client().invokeFunction('svc', 'nope', '{}')).rejects.toMatchObject({
      code: 'FunctionNotFound',
    });
  });

  it('refuses an async payload over 128 KB', async () => {
    const big = 'x'.repeat(128 * 1024 + 1);
    await expect(
      client().invokeFunction('svc', 'fixture-echo', big, { 'x-fc-invocation-type': 'Async' }),
    ).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
  });
});

describe('npm run invoke helpers', () => {
  it('targets the local host with the demo keys unless FC_ACCOUNT_ID names a cloud account', () => {
    expect(invokeTarget({})).toMatchObject({ endpoint: 'http://127.0.0.1:9000', local: true });
    expect(invokeTarget({ PORT: '9100' }).endpoint).toBe('http://127.0.0.1:9100');
    const cloud = invokeTarget({
      FC_ACCOUNT_ID: '42',
      DEPLOY_REGION: 'cn-hangzhou',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'a',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b',
    });
    expect(cloud).toMatchObject({
      endpoint: 'https://42.cn-hangzhou.fc.aliyuncs.com',
      local: false,
      credentials: { accessKeyId: 'a' },
    });
    expect(() => invokeTarget({ FC_ACCOUNT_ID: '42' })).toThrow(/ALIBABA_CLOUD_ACCESS_KEY_ID/);
  });

  it("gives a timer-triggered function its trigger's event by default, and invokes it by resource key", async () => {
    const tick = findFunction(loadFunctions(project.template, { env: {} }), 'tick');
    expect(tick?.name).toBe('fixture-tick');
    const event = JSON.parse(defaultEvent(tick, Date.parse('2025-01-15T08:00:00Z')).toString());
    expect(event).toEqual({
      triggerTime: '2025-01-15T08:00:00Z',
      triggerName: 'every-minute',
      payload: '{"maxJobs":5}',
    });
    const result = await invoke(
      fcClient({ ...invokeTarget({ FC_ENDPOINT: host.url }), credentials: KEYS }),
      tick?.name ?? '',
      defaultEvent(tick),
    );
    expect(result.body).toBe('tick done');
  });
});
