import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { QueueSnapshot } from '../../local/mns/queue.js';
import type { QueueSummary } from '../../local/mns/queue-registry.js';
import { startTestMnsService, type TestMnsService, untilPollWaiting } from '../helpers/mns-service.js';

// The service clock runs from real time (the SDK signs with the real Date) and is moved by hand,
// followed by service.tick(), to expire visibility timeouts and delays without sleeping.
let offsetMs = 0;
const clock = () => Date.now() + offsetMs;

let mns: TestMnsService;
let counter = 0;

async function freshQueue(attributes: Record<string, string | number> = {}): Promise<string> {
  const name = `messages-${++counter}`;
  await mns.client.createQueue(name, attributes);
  return name;
}

function advance(ms: number): void {
  offsetMs += ms;
  mns.service.tick();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to reject');
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

beforeAll(async () => {
  mns = await startTestMnsService({
    now: clock,
    queues: [
      'redrive-dead',
      {
        name: 'redrive',
        attributes: { deadLetterPolicy: { deadLetterTargetQueue: 'redrive-dead', maxReceiveCount: 2 } },
      },
    ],
  });
});

afterAll(async () => {
  await mns.close();
});

afterEach(() => {
  offsetMs = 0;
});

describe('sending messages', () => {
  it('answers SendMessage with 201, the MessageId and the upper-case hex MD5 of the body', async () => {
    const queue = await freshQueue();
    const { code, body } = await mns.client.sendMessage(queue, { MessageBody: 'This is a test message' });
    expect(code).toBe(201);
    expect(body.MessageId).toMatch(/^[0-9A-F]{32}$/);
    expect(body.MessageBodyMD5).toBe('FAFB00F5732AB283681E124BF8747ED1');
  });

  it('answers BatchSendMessage with one result per message, in order', async () => {
    const queue = await freshQueue();
    const { code, body } = await mns.client.batchSendMessage(queue, [
      { MessageBody: base64('{"jobId":"1"}') },
      { MessageBody: base64('{"jobId":"2"}'), Priority: 8 },
      { MessageBody: base64('{"jobId":"3"}'), DelaySeconds: 0 },
    ]);
    expect(code).toBe(201);
    expect(body).toHaveLength(3);
    for (const item of body)
      expect(item).toEqual({ MessageId: expect.any(String), MessageBodyMD5: expect.any(String) });
  });

  it('refuses a batch of 17 messages and a batch over 64 KB as a whole', async () => {
    const queue = await freshQueue();
    const seventeen = Array.from({ length: 17 }, (_, i) => ({ MessageBody: `m${i}` }));
    const tooMany = await rejection(mns.client.batchSendMessage(queue, seventeen));
    expect(tooMany.name).toBe('MNSInvalidArgumentError');
    const large = Array.from({ length: 2 }, () => ({ MessageBody: 'x'.repeat(32 * 1024 + 1) }));
    const tooLarge = await rejection(mns.client.batchSendMessage(queue, large));
    expect(tooLarge.name).toBe('MNSInvalidArgumentError');
    expect(mns.service.queues.inspect(queue).counters.sent).toBe(0);
  });

  it('reports per-message failures in a batch without throwing, sending the valid ones', async () => {
    const queue = await freshQueue();
    const { code, body } = await mns.client.batchSendMessage(queue, [
      { MessageBody: 'ok' },
      { MessageBody: 'bad priority', Priority: 17 },
    ]);
    expect(code).toBe(400);
    expect(body[0]).toEqual({ MessageId: expect.any(String), MessageBodyMD5: expect.any(String) });
    expect(body[1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'The value of Priority should between 1 and 16.',
    });
    expect(mns.service.queues.inspect(queue).counters.sent).toBe(1);
  });

  it('refuses a raw & in a body, which the SDK sends unescaped, with MNSMalformedXMLError', async () => {
    const queue = await freshQueue();
    const error = await rejection(mns.client.sendMessage(queue, { MessageBody: 'fish & chips' }));
    expect(error.name).toBe('MNSMalformedXMLError');
    expect(error.message).toContain('failed with 400');
  });

  it('returns XML-escaped bodies decoded, and refuses bodies above MaximumMessageSize', async () => {
    const queue = await freshQueue({ MaximumMessageSize: 1024 });
    await mns.client.sendMessage(queue, { MessageBody: 'fish &amp; chips &lt;3' });
    expect((await mns.client.receiveMessage(queue)).body.MessageBody).toBe('fish & chips <3');
    const error = await rejection(mns.client.sendMessage(queue, { MessageBody: 'x'.repeat(1025) }));
    expect(error.name).toBe('MNSInvalidArgumentError');
  });
});

describe('receiving messages', () => {
  it('receives a message with every field the SDKs require', async () => {
    const queue = await freshQueue();
    const sent = await mns.client.sendMessage(queue, { MessageBody: base64('{"jobId":"1"}'), Priority: 3 });
    const { code, body } = await mns.client.receiveMessage(queue);
    expect(code).toBe(200);
    expect(body).toEqual({
      MessageId: sent.body.MessageId,
      ReceiptHandle: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      MessageBodyMD5: sent.body.MessageBodyMD5,
      MessageBody: base64('{"jobId":"1"}'),
      EnqueueTime: expect.stringMatching(/^\d{13}$/),
      NextVisibleTime: expect.stringMatching(/^\d{13}$/),
      FirstDequeueTime: expect.stringMatching(/^\d{13}$/),
      DequeueCount: '1',
      Priority: '3',
    });
    expect(Number(body.NextVisibleTime) - Number(body.FirstDequeueTime)).toBe(30_000);
  });

  it('throws MNSMessageNotExistError on an empty queue', async () => {
    const queue = await freshQueue();
    const error = await rejection(mns.client.receiveMessage(queue));
    expect(error.name).toBe('MNSMessageNotExistError');
    expect(error.message).toContain('failed with 404');
    expect((await rejection(mns.client.batchReceiveMessage(queue, 16))).name).toBe('MNSMessageNotExistError');
  });

  it('always answers a batch receive with an array, even for one message, highest priority first', async () => {
    const queue = await freshQueue();
    await mns.client.sendMessage(queue, { MessageBody: 'only' });
    const one = await mns.client.batchReceiveMessage(queue, 16);
    expect(one.body.map((m) => m.MessageBody)).toEqual(['only']);
    await mns.client.batchSendMessage(queue, [
      { MessageBody: 'low', Priority: 16 },
      { MessageBody: 'normal' },
      { MessageBody: 'urgent', Priority: 1 },
    ]);
    const three = await mns.client.batchReceiveMessage(queue, 16);
    expect(three.body.map((m) => m.MessageBody)).toEqual(['urgent', 'normal', 'low']);
  });

  it('answers a long poll as soon as a message is sent, well before the wait ends', async () => {
    const queue = await freshQueue();
    const started = Date.now();
    const polling = mns.client.receiveMessage(queue, 5);
    await untilPollWaiting(mns.service, queue);
    await mns.client.sendMessage(queue, { MessageBody: 'wake up' });
    const { body } = await polling;
    expect(body.MessageBody).toBe('wake up');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("uses the queue's PollingWaitSeconds when the receive gives no wait, ending empty at the deadline", async () => {
    const queue = await freshQueue({ PollingWaitSeconds: 20 });
    const polling = rejection(mns.client.batchReceiveMessage(queue, 4));
    await untilPollWaiting(mns.service, queue);
    advance(20_000);
    expect((await polling).name).toBe('MNSMessageNotExistError');
  });

  it('redelivers after the visibility timeout with DequeueCount 2 and refuses the old handle', async () => {
    const queue = await freshQueue({ VisibilityTimeout: 30 });
    await mns.client.sendMessage(queue, { MessageBody: 'again' });
    const first = await mns.client.receiveMessage(queue);
    expect((await rejection(mns.client.receiveMessage(queue))).name).toBe('MNSMessageNotExistError');
    advance(30_000);
    const second = await mns.client.receiveMessage(queue);
    expect(second.body).toMatchObject({ DequeueCount: '2', FirstDequeueTime: first.body.FirstDequeueTime });
    const stale = await rejection(mns.client.deleteMessage(queue, first.body.ReceiptHandle));
    expect(stale.name).toBe('MNSMessageNotExistError');
    expect((await mns.client.deleteMessage(queue, second.body.ReceiptHandle)).code).toBe(204);
  });

  it('holds delayed messages back until their delay has passed', async () => {
    const queue = await freshQueue({ DelaySeconds: 60 });
    await mns.client.sendMessage(queue, { MessageBody: 'queue delay' });
    await mns.client.sendMessage(queue, { MessageBody: 'own delay', DelaySeconds: 10 });
    expect((await mns.client.getQueueAttributes(queue)).body.DelayMessages).toBe('2');
    expect((await rejection(mns.client.receiveMessage(queue))).name).toBe('MNSMessageNotExistError');
    advance(10_000);
    expect((await mns.client.receiveMessage(queue)).body.MessageBody).toBe('own delay');
    advance(50_000);
    expect((await mns.client.receiveMessage(queue)).body.MessageBody).toBe('queue delay');
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue', async () => {
    await mns.client.sendMessage('redrive', { MessageBody: 'poison' });
    for (const count of ['1', '2']) {
      expect((await mns.client.receiveMessage('redrive')).body.DequeueCount).toBe(count);
      advance(30_000);
    }
    expect((await rejection(mns.client.receiveMessage('redrive'))).name).toBe('MNSMessageNotExistError');
    const dead = await mns.client.receiveMessage('redrive-dead');
    expect(dead.body).toMatchObject({ MessageBody: 'poison', DequeueCount: '1' });
    expect(mns.service.queues.inspect('redrive').counters.deadLettered).toBe(1);
  });
});

describe('acknowledging messages', () => {
  it('changes visibility under a new handle and refuses the old one', async () => {
    const queue = await freshQueue();
    await mns.client.sendMessage(queue, { MessageBody: 'slow job' });
    const received = await mns.client.receiveMessage(queue);
    const changed = await mns.client.changeMessageVisibility(queue, received.body.ReceiptHandle, 120);
    expect(changed.code).toBe(200);
    expect(changed.body.ReceiptHandle).not.toBe(received.body.ReceiptHandle);
    expect(Number(changed.body.NextVisibleTime)).toBeGreaterThanOrEqual(clock() + 119_000);
    const stale = await rejection(mns.client.changeMessageVisibility(queue, received.body.ReceiptHandle, 10));
    expect(stale.name).toBe('MNSMessageNotExistError');
    advance(60_000);
    expect((await rejection(mns.client.receiveMessage(queue))).name).toBe('MNSMessageNotExistError');
    expect((await mns.client.deleteMessage(queue, changed.body.ReceiptHandle)).code).toBe(204);
  });

  it('refuses a malformed receipt handle with MNSReceiptHandleError', async () => {
    const queue = await freshQueue();
    expect((await rejection(mns.client.deleteMessage(queue, 'not-a-handle'))).name).toBe(
      'MNSReceiptHandleErrorError',
    );
  });

  it('deletes a batch with 204 when every handle is current', async () => {
    const queue = await freshQueue();
    await mns.client.batchSendMessage(queue, [{ MessageBody: 'a' }, { MessageBody: 'b' }]);
    const received = await mns.client.batchReceiveMessage(queue, 16);
    const deleted = await mns.client.batchDeleteMessage(
      queue,
      received.body.map((m) => m.ReceiptHandle),
    );
    expect(deleted).toMatchObject({ code: 204, body: undefined });
    expect(mns.service.queues.inspect(queue).counters.deleted).toBe(2);
  });

  it('reports a partial batch delete as the SDK returns it: the failed handles with their codes', async () => {
    const queue = await freshQueue();
    await mns.client.sendMessage(queue, { MessageBody: 'a' });
    const { body } = await mns.client.receiveMessage(queue);
    const stale = '1-AAAAAAAAAAAAAAAAAAAAAA';
    const result = await mns.client.batchDeleteMessage(queue, [body.ReceiptHandle, stale, 'garbage']);
    expect(result.code).toBe(404);
    expect(result.body).toEqual([
      { ErrorCode: 'MessageNotExist', ErrorMessage: 'Message not exist.', ReceiptHandle: stale },
      {
        ErrorCode: 'ReceiptHandleError',
        ErrorMessage: 'The receipt handle you provided is not valid.',
        ReceiptHandle: 'garbage',
      },
    ]);
    expect(mns.service.queues.inspect(queue).counters.deleted).toBe(1);
  });
});

describe('peeking and inspecting', () => {
  it('peeks without a handle or NextVisibleTime and without receiving', async () => {
    const queue = await freshQueue();
    await mns.client.batchSendMessage(queue, [{ MessageBody: 'a' }, { MessageBody: 'b' }]);
    const peeked = await mns.client.peekMessage(queue);
    expect(peeked.body).toMatchObject({ MessageBody: 'a', DequeueCount: '0' });
    expect(peeked.body).not.toHaveProperty('ReceiptHandle');
    expect(peeked.body).not.toHaveProperty('NextVisibleTime');
    const batch = await mns.client.batchPeekMessage(queue, 16);
    expect(batch.body.map((m) => m.MessageBody)).toEqual(['a', 'b']);
    expect((await mns.client.receiveMessage(queue)).body.DequeueCount).toBe('1');
  });

  it('serves the inspection endpoint unsigned, grouped by state, with no side effects', async () => {
    const queue = await freshQueue();
    await mns.client.sendMessage(queue, { MessageBody: base64('{"jobId":"1"}') });
    await mns.client.sendMessage(queue, { MessageBody: 'delayed', DelaySeconds: 30 });
    await mns.client.sendMessage(queue, { MessageBody: 'visible' });
    const received = await mns.client.receiveMessage(queue);
    const inspect = async () =>
      (await (await fetch(`${mns.service.url}/_local/mns/queues/${queue}`)).json()) as QueueSnapshot;
    const first = await inspect();
    expect(first.messages.inFlight).toEqual([
      expect.objectContaining({
        decodedBody: '{"jobId":"1"}',
        dequeueCount: 1,
        receiptHandle: received.body.ReceiptHandle,
      }),
    ]);
    expect(first.messages.delayed.map((m) => m.body)).toEqual(['delayed']);
    expect(first.messages.visible.map((m) => m.body)).toEqual(['visible']);
    expect(first.counters).toEqual({ sent: 3, received: 1, deleted: 0, deadLettered: 0, expired: 0 });
    expect(await inspect()).toEqual(first);
    expect(mns.service.queues.inspect(queue)).toEqual(first);
    expect((await mns.client.deleteMessage(queue, received.body.ReceiptHandle)).code).toBe(204);

    const list = (await (await fetch(`${mns.service.url}/_local/mns/queues`)).json()) as {
      queues: QueueSummary[];
    };
    expect(list.queues).toContainEqual({
      name: queue,
      counters: { sent: 3, received: 1, deleted: 1, deadLettered: 0, expired: 0 },
      messages: { visible: 1, inFlight: 0, delayed: 1 },
    });
    const missing = await fetch(`${mns.service.url}/_local/mns/queues/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'QueueNotExist' });
  });
});
