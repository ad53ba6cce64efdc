import { describe, expect, it } from 'vitest';
import { MnsError } from '../../local/mns/errors.js';
import { MnsQueue, md5Hex } from '../../local/mns/queue.js';
import { type QueueAttributesInput, resolveQueueAttributes } from '../../local/mns/queue-attributes.js';

const T0 = 1_736_928_600_000;

function queue(attributes: QueueAttributesInput = {}, name = 'jobs'): MnsQueue {
  return new MnsQueue(name, resolveQueueAttributes(attributes), T0);
}

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof MnsError) return `${error.status} ${error.code}`;
    throw error;
  }
  throw new Error('expected an MnsError');
}

describe('a queue on a fake clock', () => {
  it('delivers a sent message with DequeueCount 1, times in ms and the upper-case MD5 of its body', () => {
    const q = queue({ visibilityTimeout: 30 });
    const sent = q.send({ body: 'This is a test message' }, T0);
    expect(sent.messageBodyMd5).toBe('FAFB00F5732AB283681E124BF8747ED1');
    const [message] = q.receive(1, T0 + 5);
    expect(message).toMatchObject({
      messageId: sent.messageId,
      body: 'This is a test message',
      messageBodyMd5: md5Hex('This is a test message'),
      enqueueTime: T0,
      firstDequeueTime: T0 + 5,
      nextVisibleTime: T0 + 5 + 30_000,
      dequeueCount: 1,
      priority: 8,
    });
    expect(q.receive(1, T0 + 6)).toEqual([]);
  });

  it('redelivers after the visibility timeout with a higher DequeueCount and a new handle', () => {
    const q = queue({ visibilityTimeout: 30 });
    q.send({ body: 'x' }, T0);
    const [first] = q.receive(1, T0);
    expect(q.receive(1, T0 + 29_999)).toEqual([]);
    const [second] = q.receive(1, T0 + 30_000);
    expect(second).toMatchObject({ dequeueCount: 2, firstDequeueTime: T0 });
    expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
    expect(errorOf(() => q.delete(first!.receiptHandle, T0 + 30_001))).toBe('404 MessageNotExist');
  });

  it('holds delayed messages back, by the queue default or the per-message delay', () => {
    const q = queue({ delaySeconds: 10 });
    q.send({ body: 'queue default' }, T0);
    q.send({ body: 'per message', delaySeconds: 2 }, T0);
    q.send({ body: 'no delay', delaySeconds: 0 }, T0);
    expect(q.stateCounts).toEqual({ delayed: 2, visible: 1, inFlight: 0 });
    expect(q.receive(16, T0).map((m) => m.body)).toEqual(['no delay']);
    expect(q.receive(16, T0 + 2_000).map((m) => m.body)).toEqual(['per message']);
    expect(q.nextDueAt()).toBe(T0 + 10_000);
    expect(q.receive(16, T0 + 10_000).map((m) => m.body)).toEqual(['queue default']);
  });

  it('orders visible messages by priority (1 first), then by enqueue time', () => {
    const q = queue();
    q.send({ body: 'p8-old' }, T0);
    q.send({ body: 'p16', priority: 16 }, T0 + 1);
    q.send({ body: 'p1', priority: 1 }, T0 + 2);
    q.send({ body: 'p8-new' }, T0 + 3);
    expect(q.peek(16, T0 + 4).map((m) => m.body)).toEqual(['p1', 'p8-old', 'p8-new', 'p16']);
    expect(q.receive(16, T0 + 4).map((m) => m.body)).toEqual(['p1', 'p8-old', 'p8-new', 'p16']);
  });

  it('peeks without changing anything', () => {
    const q = queue();
    q.send({ body: 'x' }, T0);
    const [peeked] = q.peek(1, T0 + 1);
    expect(peeked).toMatchObject({ body: 'x', dequeueCount: 0, firstDequeueTime: T0 });
    expect(peeked).not.toHaveProperty('receiptHandle');
    expect(q.peek(1, T0 + 2)).toEqual([peeked]);
    expect(q.receive(1, T0 + 3)[0]).toMatchObject({ dequeueCount: 1 });
  });

  it('makes receipt handles single-use: delete, change of visibility and expiry all invalidate them', () => {
    const q = queue({ visibilityTimeout: 30 });
    q.send({ body: 'a' }, T0);
    const [received] = q.receive(1, T0);
    const changed = q.changeVisibility(received!.receiptHandle, 60, T0 + 1_000);
    expect(changed.nextVisibleTime).toBe(T0 + 61_000);
    expect(errorOf(() => q.changeVisibility(received!.receiptHandle, 60, T0 + 2_000))).toBe(
      '404 MessageNotExist',
    );
    expect(errorOf(() => q.delete(received!.receiptHandle, T0 + 2_000))).toBe('404 MessageNotExist');
    expect(q.receive(1, T0 + 31_000)).toEqual([]);
    q.delete(changed.receiptHandle, T0 + 60_999);
    expect(errorOf(() => q.delete(changed.receiptHandle, T0 + 61_000))).toBe('404 MessageNotExist');
    expect(q.counters).toMatchObject({ sent: 1, received: 1, deleted: 1 });
  });

  it('answers a malformed receipt handle with 400 ReceiptHandleError', () => {
    const q = queue();
    expect(errorOf(() => q.delete('1-ODU4OTkzNDU5My0xNDMyNzI3ODI3LTItOA==', T0))).toBe(
      '400 ReceiptHandleError',
    );
  });

  it('drops messages, in flight or not, once the retention period ends', () => {
    const q = queue({ messageRetentionPeriod: 60, visibilityTimeout: 120 });
    q.send({ body: 'kept in flight' }, T0);
    q.send({ body: 'never received' }, T0 + 1);
    const [received] = q.receive(1, T0);
    expect(q.nextDueAt()).toBe(T0 + 60_000);
    q.settle(T0 + 60_001);
    expect(q.stateCounts).toEqual({ delayed: 0, visible: 0, inFlight: 0 });
    expect(q.counters.expired).toBe(2);
    expect(errorOf(() => q.delete(received!.receiptHandle, T0 + 60_002))).toBe('404 MessageNotExist');
  });

  it('moves a message to the dead-letter queue on the receive after maxReceiveCount receives', () => {
    const dlq = queue({}, 'dead');
    const q = queue({
      visibilityTimeout: 1,
      deadLetterPolicy: { deadLetterTargetQueue: 'dead', maxReceiveCount: 2 },
    });
    const { messageId } = q.send({ body: 'poison', priority: 3 }, T0);
    expect(q.receive(1, T0, dlq)[0]!.dequeueCount).toBe(1);
    expect(q.receive(1, T0 + 1_000, dlq)[0]!.dequeueCount).toBe(2);
    expect(q.receive(1, T0 + 2_000, dlq)).toEqual([]);
    expect(q.counters.deadLettered).toBe(1);
    const [moved] = dlq.receive(1, T0 + 2_000);
    expect(moved).toMatchObject({ body: 'poison', priority: 3, enqueueTime: T0, dequeueCount: 1 });
    expect(dlq.snapshot(T0 + 2_000).messages.inFlight[0]!.originMessageId).toBe(messageId);
  });

  it('refuses a body above MaximumMessageSize and out-of-range priority or delay with 400 InvalidArgument', () => {
    const q = queue({ maximumMessageSize: 1024 });
    expect(errorOf(() => q.send({ body: 'x'.repeat(1025) }, T0))).toBe('400 InvalidArgument');
    expect(errorOf(() => q.send({ body: 'x', priority: 0 }, T0))).toBe('400 InvalidArgument');
    expect(errorOf(() => q.send({ body: 'x', priority: 17 }, T0))).toBe('400 InvalidArgument');
    expect(errorOf(() => q.send({ body: 'x', delaySeconds: 604_801 }, T0))).toBe('400 InvalidArgument');
    q.send({ body: 'é'.repeat(512) }, T0);
  });

  it('re-keys retention when MessageRetentionPeriod changes', () => {
    const q = queue();
    q.send({ body: 'x' }, T0);
    q.setAttributes(resolveQueueAttributes({ messageRetentionPeriod: 60 }), T0 + 1);
    expect(q.nextDueAt()).toBe(T0 + 60_000);
    expect(q.lastModifyTime).toBe(T0 + 1);
  });

  it('snapshots messages by state as of now without applying transitions, decoding base64 bodies', () => {
    const q = queue({ visibilityTimeout: 10 });
    q.send({ body: Buffer.from('{"jobId":"1"}').toString('base64') }, T0);
    q.send({ body: 'plain text', delaySeconds: 5 }, T0);
    q.send({ body: 'third' }, T0);
    const [received] = q.receive(1, T0);
    const snapshot = q.snapshot(T0 + 1);
    expect(snapshot.messages.inFlight).toEqual([
      expect.objectContaining({
        decodedBody: '{"jobId":"1"}',
        receiptHandle: received!.receiptHandle,
        dequeueCount: 1,
      }),
    ]);
    expect(snapshot.messages.delayed).toEqual([
      expect.objectContaining({ body: 'plain text', decodedBody: null }),
    ]);
    expect(snapshot.messages.visible.map((m) => m.body)).toEqual(['third']);
    const later = q.snapshot(T0 + 10_000);
    expect(later.messages.visible.map((m) => m.body)).toEqual([received!.body, 'plain text', 'third']);
    expect(q.stateCounts).toEqual({ delayed: 1, visible: 1, inFlight: 1 });
  });
});
