import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../functions/queue/parse-batch.js';
import { mnsBatchEvent, mnsCloudEvent } from '../helpers/fc.js';

const JOB_A = 'a1b255d86f7f4587943ce7734d6b9c0d';
const JOB_B = '7c41d718e2ff4f018ccf419a7b71e3a5';
const json = (value: unknown) => JSON.stringify(value);

describe('parseBatch', () => {
  it('reads an event-streaming array whose bodies hold one command or an array of commands', () => {
    const batch = parseBatch(
      mnsBatchEvent([
        { body: json({ jobId: JOB_A, avatarName: '小树' }), messageId: 'm1' },
        {
          body: json([
            { jobId: JOB_B, avatarName: 'b1' },
            { jobId: JOB_A, avatarDescription: 'd' },
          ]),
          messageId: 'm2',
        },
      ]),
    );
    expect(batch.received).toBe(2);
    expect(batch.invalid).toEqual([]);
    expect(batch.commands.map((c) => [c.messageId, c.seq, c.command])).toEqual([
      ['m1', 0, { jobId: JOB_A, avatarName: '小树' }],
      ['m2', 1, { jobId: JOB_B, avatarName: 'b1' }],
      ['m2', 2, { jobId: JOB_A, avatarDescription: 'd' }],
    ]);
  });

  it('reads a single CloudEvent object (event-driven mode) and a still-base64 body', () => {
    const body = Buffer.from(json({ jobId: JOB_A, avatarName: 'x' })).toString('base64');
    const batch = parseBatch(Buffer.from(json(mnsCloudEvent({ body, messageId: 'm1' }))));
    expect(batch.received).toBe(1);
    expect(batch.commands.map((c) => c.command)).toEqual([{ jobId: JOB_A, avatarName: 'x' }]);
  });

  it('turns an invalid command into an invalid item with its issue paths, without dropping its neighbours', () => {
    const bad = { jobId: JOB_B, avatarName: 'far too long a name', portrait: 'short' };
    const batch = parseBatch(
      mnsBatchEvent([{ body: json([{ jobId: JOB_A, avatarName: 'ok' }, bad]), messageId: 'm1' }]),
    );
    expect(batch.commands.map((c) => c.command.jobId)).toEqual([JOB_A]);
    expect(batch.invalid).toHaveLength(1);
    expect(batch.invalid[0]).toMatchObject({ original: bad, messageId: 'm1', attempts: 1 });
    expect(batch.invalid[0]?.issues.map((i) => i.path).sort()).toEqual(['avatarName', 'portrait']);
  });

  it('counts an invalid command whose attempt is not a usable integer as its first attempt', () => {
    for (const attempt of [1e300, 2.5, -3, '4']) {
      const batch = parseBatch(mnsBatchEvent([{ body: json({ jobId: JOB_A, attempt, bogus: 1 }) }]));
      expect(batch.invalid[0]?.attempts).toBe(1);
    }
  });

  it('keeps the attempt count of an invalid re-enqueued command', () => {
    const batch = parseBatch(mnsBatchEvent([{ body: json({ jobId: JOB_A, attempt: 3, bogus: 1 }) }]));
    expect(batch.invalid[0]?.attempts).toBe(3);
    expect(batch.invalid[0]?.issues.map((i) => i.path)).toContain('bogus');
  });

  it('turns a body that is neither JSON nor base64 JSON into an invalid item holding the raw body', () => {
    const batch = parseBatch(mnsBatchEvent([{ body: 'hello <world>', messageId: 'm1' }]));
    expect(batch.commands).toEqual([]);
    expect(batch.invalid).toEqual([expect.objectContaining({ original: 'hello <world>', messageId: 'm1' })]);
  });

  it('turns an event that is not JSON into one invalid item holding the raw text, never a throw', () => {
    const batch = parseBatch(Buffer.from('not json at all'));
    expect(batch.received).toBe(1);
    expect(batch.invalid).toEqual([
      expect.objectContaining({ original: 'not json at all', messageId: null, attempts: 1 }),
    ]);
  });

  it('turns an array element that is not a CloudEvent into an invalid item, keeping the good ones', () => {
    const good = mnsCloudEvent({ body: json({ jobId: JOB_A, avatarName: 'a' }) });
    const broken = { id: 'evt-9', data: { messageId: 'm9' } };
    const batch = parseBatch(Buffer.from(json([broken, good, 42])));
    expect(batch.received).toBe(3);
    expect(batch.commands).toHaveLength(1);
    expect(batch.invalid.map((i) => i.messageId)).toEqual(['m9', null]);
    expect(batch.invalid[0]?.issues.map((i) => i.path)).toContain('data.messageBody');
  });

  it('refuses an empty array and an array of more than 100 commands as one invalid message', () => {
    const many = Array.from({ length: 101 }, () => ({ jobId: JOB_A, avatarName: 'a' }));
    const batch = parseBatch(mnsBatchEvent([{ body: '[]' }, { body: json(many) }]));
    expect(batch.commands).toEqual([]);
    expect(batch.invalid.map((i) => (i.original as unknown[]).length)).toEqual([0, 101]);
  });

  it('counts a repeated messageId once', () => {
    const body = json({ jobId: JOB_A, avatarName: 'a' });
    const batch = parseBatch(
      mnsBatchEvent([
        { body, messageId: 'same' },
        { body, messageId: 'same' },
      ]),
    );
    expect(batch.commands).toHaveLength(1);
    expect(batch.duplicates).toBe(1);
  });

  it('counts a repeated idempotencyKey once, across messages', () => {
    const batch = parseBatch(
      mnsBatchEvent([
        { body: json({ jobId: JOB_A, avatarName: 'first', idempotencyKey: 'k1' }) },
        {
          body: json([
            { jobId: JOB_A, avatarName: 'again', idempotencyKey: 'k1' },
            { jobId: JOB_A, avatarName: 'x' },
          ]),
        },
      ]),
    );
    expect(batch.commands.map((c) => c.command.avatarName)).toEqual(['first', 'x']);
    expect(batch.duplicates).toBe(1);
  });

  it('orders by sentAt when present, else by the event time', () => {
    const event = mnsCloudEvent({
      body: json([
        { jobId: JOB_A, avatarName: 'a', sentAt: '2025-01-15T08:00:00+08:00' },
        { jobId: JOB_A, avatarName: 'b' },
      ]),
    });
    const batch = parseBatch(Buffer.from(json([{ ...event, time: '2025-01-15T08:10:00.512Z' }])));
    expect(batch.commands.map((c) => c.orderTime)).toEqual([
      Date.parse('2025-01-15T00:00:00Z'),
      Date.parse('2025-01-15T08:10:00.512Z'),
    ]);
  });
});
