import { describe, expect, it } from 'vitest';
import {
  type EventSourceInfo,
  payloads,
  type SourceMessage,
  toEvent,
} from '../../local/host/cloud-events.js';
import { EXPONENTIAL_RETRIES, retryPlan } from '../../local/host/retry-strategy.js';
import { MnsCloudEvent } from '../../shared/fc/events.js';

const source: EventSourceInfo = {
  functionName: 'avatar-job-queue',
  triggerName: 'updates',
  queueName: 'avatar-job-updates',
  region: 'cn-shanghai',
  accountId: '1234567890123456',
  base64Decode: true,
  eventSchema: 'CloudEvents',
};
const command = '{"jobId":"a1b255d86f7f4587943ce7734d6b9c0d","avatarName":"小树"}';
const message = (body: string, id = 'C6DB60D1574661357FA227277445AAAA'): SourceMessage => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body,
  enqueueTime: Date.parse('2025-01-15T08:10:00.512Z'),
  dequeueCount: 1,
});

describe('toEvent (an MNS message as EventBridge delivers it)', () => {
  it('builds the documented CloudEvent, which the shared MnsCloudEvent schema accepts', () => {
    const event = toEvent(
      message(Buffer.from(command).toString('base64')),
      source,
      Date.parse('2025-01-15T08:10:01Z'),
    );
    expect(MnsCloudEvent.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      source: 'MNS-avatar-job-queue-updates',
      specversion: '1.0',
      type: 'mns:Queue:SendMessage',
      subject: 'acs:mns:cn-shanghai:1234567890123456:queues/avatar-job-updates',
      time: '2025-01-15T08:10:00.512Z',
      aliyunpublishtime: '2025-01-15T08:10:01.000Z',
      aliyuneventbusname: 'MNS-avatar-job-queue-updates',
      aliyunregionid: 'cn-shanghai',
      data: { messageId: 'C6DB60D1574661357FA227277445AAAA', messageBody: command },
    });
  });

  it('delivers the body as stored when IsBase64Decode is false, and a non-base64 body as is', () => {
    const encoded = Buffer.from(command).toString('base64');
    expect(
      (toEvent(message(encoded), { ...source, base64Decode: false }, 0).data as { messageBody: string })
        .messageBody,
    ).toBe(encoded);
    expect((toEvent(message(command), source, 0).data as { messageBody: string }).messageBody).toBe(command);
  });

  it('delivers only the data part with the RawData schema', () => {
    const event = toEvent(
      message(Buffer.from('x').toString('base64')),
      { ...source, eventSchema: 'RawData' },
      0,
    );
    expect(Object.keys(event).sort()).toEqual(['messageBody', 'messageId', 'requestId']);
  });
});

describe('payloads', () => {
  const events = [1, 2, 3].map((n) => ({ id: `e${n}`, data: { messageBody: 'x'.repeat(100) } }));

  it('sends one JSON array in event-streaming mode, even for a single event', () => {
    expect(
      payloads(events.slice(0, 1), 'event-streaming', 1 << 20).map((p) => JSON.parse(p.body.toString())),
    ).toEqual([[events[0]]]);
    expect(payloads(events, 'event-streaming', 1 << 20)).toHaveLength(1);
  });

  it('splits a batch that would exceed the invocation body limit', () => {
    const size = Buffer.byteLength(JSON.stringify(events[0])) + 1;
    const split = payloads(events, 'event-streaming', 2 + size * 2);
    expect(split.map((p) => p.indexes)).toEqual([[0, 1], [2]]);
    for (const p of split) expect(p.body.length).toBeLessThanOrEqual(2 + size * 2);
  });

  it('sends one object per invocation in event-driven mode', () => {
    const driven = payloads(events, 'event-driven', 1 << 20);
    expect(driven.map((p) => JSON.parse(p.body.toString()))).toEqual(events);
  });
});

describe('retryPlan (EventBridge push retry strategies)', () => {
  const at = { now: 0, oldestEnqueueTime: 0 };

  it('BACKOFF_RETRY: three retries, each 10–20 s later', () => {
    const low = retryPlan({ PushRetryStrategy: 'BACKOFF_RETRY' }, () => 0);
    const high = retryPlan({ PushRetryStrategy: 'BACKOFF_RETRY' }, () => 0.9999999);
    expect([1, 2, 3, 4].map((n) => low(n, at))).toEqual([10_000, 10_000, 10_000, undefined]);
    expect(high(1, at)).toBe(20_000);
  });

  it('EXPONENTIAL_DECAY_RETRY: 176 retries, 1 s doubling to 256 s, then 512 s — about a day', () => {
    const plan = retryPlan({ PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY' });
    const delays = Array.from({ length: EXPONENTIAL_RETRIES + 1 }, (_, i) => plan(i + 1, at));
    expect(delays.slice(0, 11)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 512].map((s) => s * 1000));
    expect(delays[EXPONENTIAL_RETRIES]).toBeUndefined();
    const total = (delays.slice(0, EXPONENTIAL_RETRIES) as number[]).reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeCloseTo(23.9, 1);
  });

  it('honours MaximumRetryAttempts and MaximumEventAgeInSeconds', () => {
    const capped = retryPlan({ PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY', MaximumRetryAttempts: 2 });
    expect([1, 2, 3].map((n) => capped(n, at))).toEqual([1000, 2000, undefined]);
    const aged = retryPlan({ PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY', MaximumEventAgeInSeconds: 10 });
    expect(aged(4, { now: 2_000, oldestEnqueueTime: 0 })).toBe(8000);
    expect(aged(4, { now: 2_001, oldestEnqueueTime: 0 })).toBeUndefined();
  });
});
