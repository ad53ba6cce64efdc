import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_JSON_BYTES } from '../../functions/queue/dead-letter.js';
import { reenqueueDelaySeconds, reenqueueMessages } from '../../functions/queue/reenqueue.js';

describe('re-enqueue backoff', () => {
  it('doubles the ceiling with every failure from 2 s and caps it at 5 minutes', () => {
    const top = (failures: number) => reenqueueDelaySeconds(failures, () => 0.999_999);
    expect([1, 2, 3, 4, 5, 8, 9, 20].map(top)).toEqual([2, 4, 8, 16, 32, 256, 300, 300]);
  });

  it('waits at least one second even when the jitter draws zero', () => {
    expect(reenqueueDelaySeconds(3, () => 0)).toBe(1);
  });
});

describe('re-enqueue messages', () => {
  it('keep one job in order, at most 100 commands a message', () => {
    const commands = Array.from({ length: 230 }, (_, i) => ({
      jobId: 'job-a',
      avatarName: `n${i}`,
      attempt: 2,
    }));
    const messages = reenqueueMessages(commands, 7);
    expect(messages.map((m) => JSON.parse(m.body).length)).toEqual([100, 100, 30]);
    expect(messages.flatMap((m) => JSON.parse(m.body))).toEqual(commands);
    expect(messages.every((m) => m.delaySeconds === 7)).toBe(true);
  });

  it('split large commands so that each message fits MNS once base64-encoded', () => {
    const commands = Array.from({ length: 40 }, () => ({
      jobId: 'job-a',
      avatarDescription: '长'.repeat(1000),
    }));
    const messages = reenqueueMessages(commands, 1);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(Buffer.byteLength(m.body)).toBeLessThanOrEqual(MAX_MESSAGE_JSON_BYTES);
    expect(messages.flatMap((m) => JSON.parse(m.body))).toEqual(commands);
  });
});
