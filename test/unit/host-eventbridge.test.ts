/** The local EventBridge poller against an in-memory queue and a fake clock (no waiting). */
import { afterEach, describe, expect, it } from 'vitest';
import type { SourceMessage } from '../../local/host/cloud-events.js';
import {
  type EventBridgePoller,
  type EventSourceQueue,
  startEventBridgePoller,
} from '../../local/host/eventbridge.js';
import type { InvocationOutcome } from '../../local/host/function-instance.js';
import type { EventBridgeTriggerConfig, RunOptions } from '../../local/host/s-yaml.js';
import { createLogger } from '../../shared/logger.js';
import { captureLogs, fakeClock } from '../helpers/fc.js';

type Clock = ReturnType<typeof fakeClock>;

function fakeQueue(clock: Clock) {
  const visible: SourceMessage[] = [];
  const deleted: string[] = [];
  const hidden: [string, number][] = [];
  const sent: { queue: string; bodies: string[] }[] = [];
  let receives = 0;
  let next = 1;
  const source: EventSourceQueue = {
    async receive(max, waitSeconds) {
      receives++;
      // Yield to the event loop, as a network call would.
      await new Promise((resolve) => setImmediate(resolve));
      if (visible.length === 0) {
        clock.advance(waitSeconds * 1000);
        return [];
      }
      return visible.splice(0, max);
    },
    async delete(handles) {
      deleted.push(...handles);
      return [];
    },
    async hide(handle, seconds) {
      hidden.push([handle, seconds]);
      return `${handle}+`;
    },
    async sendTo(queue, bodies) {
      sent.push({ queue, bodies });
    },
  };
  return {
    source,
    deleted,
    hidden,
    sent,
    receives: () => receives,
    add(...bodies: string[]) {
      for (const body of bodies) {
        const id = `M${next++}`;
        visible.push({
          messageId: id,
          receiptHandle: `rh-${id}`,
          body: Buffer.from(body).toString('base64'),
          enqueueTime: clock.now(),
          dequeueCount: 1,
        });
      }
    },
  };
}

const config = (run: Partial<RunOptions> = {}): EventBridgeTriggerConfig => ({
  triggerEnable: true,
  asyncInvocationType: false,
  eventRuleFilterPattern: '{}',
  eventSourceConfig: {
    eventSourceType: 'MNS',
    eventSourceParameters: { sourceMNSParameters: { QueueName: 'updates', IsBase64Decode: true } },
  },
  eventSinkConfig: { deliveryOption: { eventSchema: 'CloudEvents' } },
  runOptions: { mode: 'event-streaming', errorsTolerance: 'ALL', ...run },
});

interface Call {
  at: number;
  retryCount: number;
  event: unknown;
}

function harness(
  run: Partial<RunOptions>,
  behaviour: (call: Call) => InvocationOutcome,
  timeScale = 1,
  functionTimeoutSeconds?: number,
) {
  const clock = fakeClock();
  const queue = fakeQueue(clock);
  const logs = captureLogs();
  const calls: Call[] = [];
  const poller = startEventBridgePoller({
    functionName: 'avatar-job-queue',
    triggerName: 'updates',
    config: config(run),
    region: 'cn-shanghai',
    accountId: '1234567890123456',
    source: queue.source,
    clock,
    timeScale,
    random: () => 0,
    functionTimeoutSeconds,
    logger: createLogger({ sink: logs.sink }),
    invoke: async (event, retryCount) => {
      const call = { at: clock.now(), retryCount, event: JSON.parse(event.toString()) };
      calls.push(call);
      return behaviour(call);
    },
  });
  running.push(poller);
  return { clock, queue, logs, calls, poller };
}

const ok: InvocationOutcome = { ok: true, result: { kind: 'empty' } };
const failed: InvocationOutcome = {
  ok: false,
  error: { errorType: 'Error', errorMessage: 'MNS unreachable' },
};
const bodies = (event: unknown) =>
  (event as { data: { messageBody: string } }[]).map((e) => e.data.messageBody);
const running: EventBridgePoller[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

describe('the local EventBridge poller', () => {
  it('fills a batch up to CountBasedWindow and flushes the rest when TimeBasedWindow closes', async () => {
    const { queue, calls, clock } = harness(
      { batchWindow: { CountBasedWindow: 3, TimeBasedWindow: 5 } },
      () => ok,
    );
    const start = clock.now();
    queue.add('a', 'b', 'c', 'd', 'e');
    await expect.poll(() => calls.length).toBe(2);
    expect(calls.map((c) => bodies(c.event))).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect((calls[1]?.at ?? 0) - start).toBeGreaterThanOrEqual(5000);
    await expect.poll(() => queue.deleted).toEqual(['rh-M1', 'rh-M2', 'rh-M3', 'rh-M4', 'rh-M5']);
  });

  it("keeps a batch invisible for the function's timeout before invoking, and deletes it by the new handles", async () => {
    const { queue, calls } = harness(
      { batchWindow: { CountBasedWindow: 2, TimeBasedWindow: 0 } },
      () => ok,
      1,
      120,
    );
    queue.add('a', 'b');
    await expect.poll(() => calls.length).toBe(1);
    expect(queue.hidden.map(([handle, seconds]) => [handle, seconds >= 120])).toEqual([
      ['rh-M1', true],
      ['rh-M2', true],
    ]);
    await expect.poll(() => queue.deleted).toEqual(['rh-M1+', 'rh-M2+']);
  });

  it('delivers a JSON array of decoded CloudEvents, even for one message', async () => {
    const { queue, calls } = harness({ batchWindow: { CountBasedWindow: 10, TimeBasedWindow: 0 } }, () => ok);
    queue.add('{"jobId":"x"}');
    await expect.poll(() => calls.length).toBe(1);
    expect(calls[0]?.event).toEqual([
      expect.objectContaining({
        type: 'mns:Queue:SendMessage',
        data: expect.objectContaining({ messageId: 'M1', messageBody: '{"jobId":"x"}' }),
      }),
    ]);
  });

  it('sends one object per invocation in event-driven mode', async () => {
    const { queue, calls } = harness(
      { mode: 'event-driven', batchWindow: { CountBasedWindow: 10, TimeBasedWindow: 3 } },
      () => ok,
    );
    queue.add('a', 'b');
    await expect.poll(() => calls.length).toBe(2);
    expect(calls.map((c) => (c.event as { data: { messageBody: string } }).data.messageBody)).toEqual([
      'a',
      'b',
    ]);
  });

  it('redelivers a failed batch per the retry strategy, keeping it invisible, then deletes it on success', async () => {
    let attempts = 0;
    const { queue, calls, clock } = harness({ retryStrategy: { PushRetryStrategy: 'BACKOFF_RETRY' } }, () =>
      ++attempts < 3 ? failed : ok,
    );
    queue.add('a');
    await expect.poll(() => queue.deleted).toEqual(['rh-M1++']);
    expect(calls.map((c) => c.retryCount)).toEqual([0, 1, 2]);
    expect(clock.sleeps.filter((ms) => ms >= 10_000)).toEqual([10_000, 10_000]);
    expect(queue.hidden).toEqual([
      ['rh-M1', 40],
      ['rh-M1+', 40],
    ]);
    expect(calls.every((c) => JSON.stringify(bodies(c.event)) === '["a"]')).toBe(true);
  });

  it('shortens retry waits by timeScale', async () => {
    const { queue, calls, clock } = harness(
      { retryStrategy: { PushRetryStrategy: 'EXPONENTIAL_DECAY_RETRY', MaximumRetryAttempts: 3 } },
      () => failed,
      1000,
    );
    queue.add('a');
    await expect.poll(() => calls.length).toBe(4);
    await expect.poll(() => queue.deleted.length).toBe(1);
    expect(clock.sleeps.filter((ms) => ms > 0 && ms < 10)).toEqual([1, 2, 4]);
  });

  it('dead-letters the batch as CloudEvents after the last retry (errorsTolerance ALL), then deletes it', async () => {
    const { queue, calls, logs } = harness(
      {
        batchWindow: { CountBasedWindow: 10, TimeBasedWindow: 0 },
        retryStrategy: { PushRetryStrategy: 'BACKOFF_RETRY' },
        deadLetterQueue: { Arn: 'acs:mns:cn-shanghai:1234567890123456:/queues/avatar-job-dead-letters' },
      },
      () => failed,
    );
    queue.add('a', 'b');
    await expect.poll(() => queue.deleted.length).toBe(2);
    expect(calls).toHaveLength(4);
    expect(queue.sent).toHaveLength(1);
    expect(queue.sent[0]?.queue).toBe('avatar-job-dead-letters');
    const dead = queue.sent[0]?.bodies.map((b) => JSON.parse(Buffer.from(b, 'base64').toString()));
    expect(dead?.map((e) => e.data.messageBody)).toEqual(['a', 'b']);
    expect(logs.records().some((r) => r.message === 'batch dead-lettered after the last retry')).toBe(true);
  });

  it('drops the batch after the last retry when errorsTolerance is ALL without a dead-letter queue', async () => {
    const { queue, logs } = harness(
      { retryStrategy: { PushRetryStrategy: 'BACKOFF_RETRY', MaximumRetryAttempts: 0 } },
      () => failed,
    );
    queue.add('a');
    await expect.poll(() => queue.deleted).toEqual(['rh-M1']);
    expect(queue.sent).toEqual([]);
    expect(
      logs.records().some((r) => r.message === 'batch dropped after the last retry (no deadLetterQueue)'),
    ).toBe(true);
  });

  it('stops consuming after the last retry when errorsTolerance is NONE, leaving the messages in the queue', async () => {
    const { queue, poller, calls } = harness(
      {
        errorsTolerance: 'NONE',
        retryStrategy: { PushRetryStrategy: 'BACKOFF_RETRY', MaximumRetryAttempts: 1 },
      },
      () => failed,
    );
    queue.add('a');
    await expect.poll(() => poller.state()).toBe('blocked');
    queue.add('b');
    const receives = queue.receives();
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.receives()).toBe(receives);
    expect(calls).toHaveLength(2);
    expect(queue.deleted).toEqual([]);
  });
});
