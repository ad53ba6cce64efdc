import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMnsService, type TestMnsService, untilPollWaiting } from '../helpers/mns-service.js';

let mns: TestMnsService;
let counter = 0;
const uniqueName = (prefix: string) => `${prefix}-${++counter}`;

// The SDK's XML builder nests objects, but shared/mns/mns.d.ts types queue attributes as flat values.
const withDlqPolicy = (policy: Record<string, string | number>) =>
  ({ DlqPolicy: policy }) as unknown as Record<string, string>;

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to reject');
}

beforeAll(async () => {
  mns = await startTestMnsService({
    queues: ['preset', { name: 'preset-slow', attributes: { visibilityTimeout: 120 } }],
  });
});

afterAll(async () => {
  await mns.close();
});

describe('queue operations through the real @alicloud/mns client', () => {
  it('creates a queue with 201 and a Location, answers 204 for the same attributes and 409 for different ones', async () => {
    const name = uniqueName('create');
    const created = await mns.client.createQueue(name, { VisibilityTimeout: 60 });
    expect(created.code).toBe(201);
    expect(created.headers.location).toBe(`${mns.service.url}/queues/${name}`);
    expect((await mns.client.createQueue(name, { VisibilityTimeout: 60 })).code).toBe(204);
    const conflict = await rejection(mns.client.createQueue(name, { VisibilityTimeout: 61 }));
    expect(conflict.name).toBe('MNSQueueAlreadyExistError');
    expect(conflict.message).toContain('failed with 409');
  });

  it('reports every attribute the SDKs require, as strings', async () => {
    const name = uniqueName('attrs');
    await mns.client.createQueue(name, { DelaySeconds: 2, PollingWaitSeconds: 3, LoggingEnabled: 'True' });
    const { code, body } = await mns.client.getQueueAttributes(name);
    expect(code).toBe(200);
    expect(body).toMatchObject({
      QueueName: name,
      ActiveMessages: '0',
      InactiveMessages: '0',
      DelayMessages: '0',
      DelaySeconds: '2',
      MaximumMessageSize: '65536',
      MessageRetentionPeriod: '345600',
      VisibilityTimeout: '30',
      PollingWaitSeconds: '3',
      LoggingEnabled: 'True',
    });
    expect(body.CreateTime).toMatch(/^\d{10}$/);
    expect(body.LastModifyTime).toMatch(/^\d{10}$/);
  });

  it('creates the queues given at start', async () => {
    expect((await mns.client.getQueueAttributes('preset-slow')).body.VisibilityTimeout).toBe('120');
  });

  it('sets attributes with metaoverride, keeping those not given', async () => {
    const name = uniqueName('set');
    await mns.client.createQueue(name, { DelaySeconds: 4 });
    expect((await mns.client.setQueueAttributes(name, { VisibilityTimeout: 90 })).code).toBe(204);
    const { body } = await mns.client.getQueueAttributes(name);
    expect(body).toMatchObject({ VisibilityTimeout: '90', DelaySeconds: '4' });
  });

  it('refuses out-of-range attributes with MNSInvalidArgumentError', async () => {
    const invalid = await rejection(mns.client.createQueue(uniqueName('range'), { VisibilityTimeout: 0 }));
    expect(invalid.name).toBe('MNSInvalidArgumentError');
    expect(invalid.message).toContain('failed with 400');
    const tooLong = await rejection(mns.client.setQueueAttributes('preset', { PollingWaitSeconds: 31 }));
    expect(tooLong.name).toBe('MNSInvalidArgumentError');
  });

  it('refuses invalid queue names and unknown queues', async () => {
    expect((await rejection(mns.client.createQueue('bad_name'))).name).toBe('MNSInvalidQueueNameError');
    expect((await rejection(mns.client.getQueueAttributes('does-not-exist'))).name).toBe(
      'MNSQueueNotExistError',
    );
    expect((await rejection(mns.client.sendMessage('does-not-exist', { MessageBody: 'x' }))).name).toBe(
      'MNSQueueNotExistError',
    );
  });

  it('deletes a queue with 204, after which it does not exist', async () => {
    const name = uniqueName('delete');
    await mns.client.createQueue(name);
    expect((await mns.client.deleteQueue(name)).code).toBe(204);
    expect((await rejection(mns.client.getQueueAttributes(name))).name).toBe('MNSQueueNotExistError');
  });

  it('lists queues by prefix, page by page, starting at the marker', async () => {
    for (const suffix of ['a', 'b', 'c']) await mns.client.createQueue(`listing-${suffix}`);
    const all = await mns.client.listQueue(undefined, 1000, 'listing-');
    expect(all.code).toBe(200);
    expect(all.body).toEqual(
      ['a', 'b', 'c'].map((suffix) => ({ QueueURL: `${mns.service.url}/queues/listing-${suffix}` })),
    );
    const page = await mns.client.listQueue('listing-b', 1, 'listing-');
    expect(page.body).toEqual([{ QueueURL: `${mns.service.url}/queues/listing-b` }]);
    expect((await mns.client.listQueue(undefined, 10, 'no-such-prefix')).body).toBeUndefined();
  });

  it('stores a dead-letter policy sent as <DlqPolicy> and reports it back', async () => {
    const name = uniqueName('with-dlq');
    await mns.client.createQueue(
      name,
      withDlqPolicy({ Enabled: 'True', DeadLetterTargetQueue: 'preset', MaxReceiveCount: 3 }),
    );
    const { body } = await mns.client.getQueueAttributes(name);
    expect(body.DlqPolicy).toEqual([
      { Enabled: 'True', DeadLetterTargetQueue: 'preset', MaxReceiveCount: '3' },
    ]);
    await mns.client.setQueueAttributes(name, withDlqPolicy({ Enabled: 'False' }));
    expect((await mns.client.getQueueAttributes(name)).body.DlqPolicy).toBeUndefined();
  });
});

describe('closing the service', () => {
  it('answers a held long poll with MNSMessageNotExistError, then stops listening', async () => {
    const closing = await startTestMnsService({ queues: ['jobs'] });
    const polling = rejection(closing.client.receiveMessage('jobs', 30));
    await untilPollWaiting(closing.service, 'jobs');
    await closing.close();
    expect((await polling).name).toBe('MNSMessageNotExistError');
    await expect(fetch(`${closing.service.url}/_local/mns/queues`)).rejects.toThrow();
  });
});
