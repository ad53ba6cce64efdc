import { describe, expect, it } from 'vitest';
import {
  DeadLetter,
  deadLetterBody,
  deadLetterError,
  MAX_MESSAGE_JSON_BYTES,
} from '../../functions/queue/dead-letter.js';
import { processBatch } from '../../functions/queue/process-batch.js';
import { JobNotFound } from '../../shared/errors.js';
import { encodeBody } from '../../shared/mns/index.js';
import { contextWithTimeout, fakeQueues, queueTestDeps } from '../helpers/queue-fakes.js';

const letter = (command: unknown): DeadLetter => ({
  reason: 'invalid',
  error: { code: 'ValidationError', message: 'Not JSON', issues: [{ path: '', message: 'Not JSON' }] },
  attempts: 1,
  command,
  messageId: null,
  failedAt: '2025-01-15T08:00:00.000Z',
});

describe('dead letters', () => {
  it('keep an AppError code, message, issues and RequestId, and nothing else', () => {
    const error = JobNotFound('gone', { requestId: 'R1', statusCode: 404, upstreamCode: 'ResourceNotFound' });
    expect(deadLetterError(error)).toEqual({ code: 'JobNotFound', message: 'gone', requestId: 'R1' });
    expect(deadLetterError(new Error('odd'))).toEqual({ code: 'UpstreamError', message: 'odd' });
  });

  it('fit in one MNS message even when the original is a huge unparseable event', async () => {
    const raw = `{"not":"closed ${'x'.repeat(200_000)}`;
    const mns = fakeQueues();
    const { deps } = queueTestDeps({ queues: mns.queues });
    await processBatch(Buffer.from(raw), contextWithTimeout(), deps);
    const [sent] = mns.sent.filter((s) => s.queue === 'dead-letters');
    expect(Buffer.byteLength(encodeBody(sent!.message.body))).toBeLessThanOrEqual(64 * 1024);
    const parsed = DeadLetter.parse(JSON.parse(sent!.message.body));
    expect(parsed).toMatchObject({ reason: 'invalid', messageId: null, attempts: 1 });
    expect(parsed.command).toMatch(new RegExp(`^\\{"not":"closed x+…\\[truncated ${raw.length} bytes\\]$`));
  });

  it('fit even when the original is made of characters that JSON escapes sixfold', () => {
    const body = deadLetterBody(letter('\u0001'.repeat(100_000)));
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_MESSAGE_JSON_BYTES);
    const command: string = JSON.parse(body).command;
    const suffix = '…[truncated 100000 bytes]';
    expect(command.endsWith(suffix)).toBe(true);
    const kept = command.slice(0, -suffix.length);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toBe('\u0001'.repeat(kept.length));
  });

  it('are kept whole when they fit', () => {
    const command = { jobId: 'job-a', avatarDescription: '描述'.repeat(400) };
    const body = deadLetterBody(letter(command));
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_MESSAGE_JSON_BYTES);
    expect(JSON.parse(body).command).toEqual(command);
  });
});
