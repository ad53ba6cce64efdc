/**
 * The host's MNS trigger against the local MNS service through the real @alicloud/mns client: decoded
 * CloudEvent batches, delete on success, retries then the dead-letter queue; and a real-time timer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Host, startHost } from '../../local/host/host.js';
import { createLogger } from '../../shared/logger.js';
import { createQueueClient, type QueueClient } from '../../shared/mns/queue-client.js';
import { captureLogs } from '../helpers/fc.js';
import { type FixtureProject, writeFixtureProject } from '../helpers/host-fixtures.js';
import { startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

const CONSUMER = `
const { appendFileSync } = require('node:fs');
exports.handler = async (event, context) => {
  const events = JSON.parse(event.toString());
  appendFileSync(process.env.RECORDS, JSON.stringify({ kind: 'batch', events, retryCount: context.retryCount }) + '\\n');
  if (events.some((e) => e.data.messageBody.includes('poison'))) throw new Error('cannot apply this batch');
  return { applied: events.length };
};`;
const TICKER = `
const { appendFileSync } = require('node:fs');
exports.handler = async (event) => {
  appendFileSync(process.env.RECORDS, JSON.stringify({ kind: 'tick', event: JSON.parse(event.toString()) }) + '\\n');
};`;

const trigger = {
  triggerName: 'updates',
  triggerType: 'eventbridge',
  triggerConfig: {
    triggerEnable: true,
    asyncInvocationType: false,
    eventRuleFilterPattern: '{}',
    eventSourceConfig: {
      eventSourceType: 'MNS',
      eventSourceParameters: { sourceMNSParameters: { QueueName: 'in', IsBase64Decode: true } },
    },
    eventSinkConfig: { deliveryOption: { eventSchema: 'CloudEvents' } },
    runOptions: {
      mode: 'event-streaming',
      batchWindow: { CountBasedWindow: 10, TimeBasedWindow: 2 },
      retryStrategy: { PushRetryStrategy: 'BACKOFF_RETRY' },
      errorsTolerance: 'ALL',
      deadLetterQueue: { Arn: 'acs:mns:cn-shanghai:local:/queues/dlq' },
    },
  },
};

let mns: TestMnsService;
let project: FixtureProject;
let host: Host;
let producer: QueueClient;
const logs = captureLogs();

beforeAll(async () => {
  mns = await startTestMnsService({ queues: ['in', 'dlq'] });
  project = writeFixtureProject([
    { resource: 'consumer', functionName: 'fixture-consumer', code: CONSUMER, triggers: [trigger] },
    {
      resource: 'ticker',
      code: TICKER,
      triggers: [
        {
          triggerName: 'tick',
          triggerType: 'timer',
          triggerConfig: { cronExpression: '@every 1s', enable: true, payload: 'p' },
        },
      ],
    },
  ]);
  const credentials = mns.service.credentials;
  const connection = { endpointUrl: mns.service.url, accountId: mns.service.accountId, credentials };
  host = await startHost({
    template: project.template,
    env: {},
    port: 0,
    credentials,
    mns: connection,
    // The 2 s batch window becomes 20 ms; BACKOFF_RETRY's 10–20 s waits become 100–200 ms.
    timeScale: 100,
    idleWaitSeconds: 1,
    logger: createLogger({ sink: logs.sink }),
  });
  producer = createQueueClient({ ...connection, resolveCredentials: async () => credentials });
});

afterAll(async () => {
  await host?.close();
  await mns?.close();
  project?.cleanup();
});

const batches = () =>
  project.records().filter((r) => r.kind === 'batch') as {
    events: { data: { messageBody: string } }[];
    retryCount: number;
  }[];
const snapshot = (queue: string) => mns.service.queues.inspect(queue);

describe('the MNS trigger of the local host (local MNS, real client)', () => {
  it('delivers messages sent within the batch window as one array of decoded CloudEvents, then deletes them', async () => {
    await producer.send('in', [
      { body: '{"jobId":"a"}' },
      { body: '{"jobId":"b"}' },
      { body: '{"jobId":"c & <d>"}' },
    ]);
    await expect.poll(() => batches().length, { timeout: 5000 }).toBe(1);
    const [batch] = batches();
    expect(batch?.events.map((e) => e.data.messageBody)).toEqual([
      '{"jobId":"a"}',
      '{"jobId":"b"}',
      '{"jobId":"c & <d>"}',
    ]);
    expect(batch?.events[0]).toMatchObject({
      source: 'MNS-fixture-consumer-updates',
      type: 'mns:Queue:SendMessage',
      subject: 'acs:mns:cn-shanghai:1234567890123456:queues/in',
    });
    await expect.poll(() => snapshot('in').counters.deleted).toBe(3);
    const left = snapshot('in').messages;
    expect([...left.visible, ...left.inFlight, ...left.delayed]).toEqual([]);
  });

  it('retries a failing batch, then moves it to the dead-letter queue as CloudEvents', async () => {
    const before = batches().length;
    await producer.send('in', [{ body: '{"jobId":"poison"}' }]);
    await expect.poll(() => snapshot('dlq').messages.visible.length, { timeout: 8000 }).toBe(1);
    const attempts = batches().slice(before);
    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2, 3]);
    const dead = JSON.parse(snapshot('dlq').messages.visible[0]?.decodedBody ?? '{}');
    expect(dead).toMatchObject({
      type: 'mns:Queue:SendMessage',
      data: { messageBody: '{"jobId":"poison"}' },
    });
    await expect.poll(() => snapshot('in').counters.deleted).toBe(4);
  });
});

describe('the timer trigger of the local host (real time)', () => {
  it('fires @every 1s with the configured payload', async () => {
    await expect
      .poll(() => project.records().filter((r) => r.kind === 'tick').length, { timeout: 5000 })
      .toBeGreaterThanOrEqual(1);
    const tick = project.records().find((r) => r.kind === 'tick') as { event: Record<string, string> };
    expect(tick.event).toEqual({
      triggerTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      triggerName: 'tick',
      payload: 'p',
    });
  });
});
