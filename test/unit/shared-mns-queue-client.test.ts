import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCode, isRetryable } from '../../shared/errors.js';
import {
  decodeBody,
  encodeBody,
  MAX_BATCH_BYTES,
  MAX_BATCH_MESSAGES,
  planBatches,
  toQueueError,
} from '../../shared/mns/queue-client.js';

const KB = 1024;

describe('planBatches', () => {
  it('puts 16 messages in a batch and the 17th in the next', () => {
    expect(planBatches(Array(17).fill(10)).map((b) => b.length)).toEqual([16, 1]);
    expect(planBatches(Array(32).fill(10)).map((b) => b.length)).toEqual([16, 16]);
  });

  it('closes a batch before it would pass 64 KB', () => {
    expect(planBatches([16 * KB, 16 * KB, 16 * KB, 16 * KB, 1])).toEqual([[0, 1, 2, 3], [4]]);
    expect(planBatches([40 * KB, 30 * KB, 20 * KB])).toEqual([[0], [1, 2]]);
    expect(planBatches([MAX_BATCH_BYTES, 1])).toEqual([[0], [1]]);
  });

  it('sends a lone oversized message on its own (MNS then names it)', () => {
    expect(planBatches([1, MAX_BATCH_BYTES + 1, 1])).toEqual([[0], [1], [2]]);
  });

  it('plans nothing for no messages', () => {
    expect(planBatches([])).toEqual([]);
  });

  it('keeps every message once, in order, in greedy batches within both limits (property)', () => {
    const size = fc.oneof(fc.integer({ min: 0, max: 2 * KB }), fc.integer({ min: 0, max: 70 * KB }));
    fc.assert(
      fc.property(fc.array(size, { maxLength: 80 }), (sizes) => {
        const batches = planBatches(sizes);
        expect(batches.flat()).toEqual(sizes.map((_, i) => i));
        const bytes = (batch: number[]) => batch.reduce((sum, i) => sum + sizes[i]!, 0);
        batches.forEach((batch, k) => {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(MAX_BATCH_MESSAGES);
          if (batch.length > 1) expect(bytes(batch)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
          // Greedy: the next batch starts only when its first message would not have fitted here.
          const next = batches[k + 1];
          if (next) {
            const full = batch.length === MAX_BATCH_MESSAGES;
            expect(full || bytes(batch) + sizes[next[0]!]! > MAX_BATCH_BYTES).toBe(true);
          }
        });
      }),
    );
  });
});

describe('message bodies', () => {
  it('encodes to base64, so XML-breaking characters never reach the wire', () => {
    const body = '{"avatarDescription":"a & b < c > d \\"e\\" \'f\'"}';
    const wire = encodeBody(body);
    expect(wire).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
    expect(Buffer.from(wire, 'base64').toString('utf8')).toBe(body);
  });

  it('round-trips any text, including & < and U+FFFD (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: fc.constantFrom('&', '<', '>', ']]>', '\uFFFD', '中', '😀', '=', '\n') }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    fc.assert(fc.property(text, (body) => decodeBody(encodeBody(body)) === body));
  });

  it('keeps a body that was not sent base64-encoded', () => {
    for (const raw of ['{"jobId":"a1"}', 'a & b', 'abc', 'ab==cd', '/w==']) expect(decodeBody(raw)).toBe(raw);
  });

  it('passes bodies through untouched with raw encoding', () => {
    expect(encodeBody('a & b', 'raw')).toBe('a & b');
  });
});

describe('toQueueError', () => {
  /** What @alicloud/mns throws for an <Error> body: the name carries the code, the message the ids. */
  const sdkError = (code: string) => {
    const error = new Error(
      `POST http://127.0.0.1:9102/queues/q/messages failed with 404. requestid: 5F29A1B2C3D4E5F6A7B8C9D0, hostid: http://1.mns.cn-shanghai.aliyuncs.com, message: nope`,
    );
    error.name = `MNS${code}Error`;
    return error;
  };

  it.each([
    ['QueueNotExist', false],
    ['SignatureDoesNotMatch', false],
    ['MalformedXML', false],
    ['InvalidArgument', false],
    ['MessageNotExist', false],
    ['InternalError', true],
    ['QpsLimitExceeded', true],
    ['TimeExpired', true],
  ])('maps MNS%sError to a QueueError with that upstream code (retryable: %s)', (code, retryable) => {
    const error = toQueueError(sdkError(code), 'BatchSendMessage');
    expect(errorCode(error)).toBe('QueueError');
    expect(error.upstreamCode).toBe(code);
    expect(error.requestId).toBe('5F29A1B2C3D4E5F6A7B8C9D0');
    expect(isRetryable(error)).toBe(retryable);
    expect(error.message).toContain('BatchSendMessage');
  });

  it('maps a network failure to a retryable QueueError keeping its code', () => {
    const error = toQueueError(
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'x',
    );
    expect([errorCode(error), error.upstreamCode, isRetryable(error)]).toEqual([
      'QueueError',
      'ECONNREFUSED',
      true,
    ]);
  });
});
