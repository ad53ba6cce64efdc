import { describe, expect, it } from 'vitest';
import {
  AppError,
  ERROR_CODES,
  errorCode,
  isAppError,
  isRetryable,
  QueueError,
  Throttled,
  ValidationError,
} from '../../shared/errors.js';
import { UpdateJobInput } from '../../shared/ice/job-changes.js';
import { parseOrThrow } from '../../shared/validation.js';

describe('named errors', () => {
  it('carry a stable code and a retryable flag by default only for transient failures', () => {
    const retryable = ERROR_CODES.filter((code) => new AppError(code, 'x').retryable);
    expect(retryable).toEqual(['Throttled', 'UpstreamUnavailable', 'Timeout']);
  });

  it('let a caller mark one error retryable (a 5xx UpstreamError, a QpsLimitExceeded QueueError)', () => {
    expect(isRetryable(QueueError('x', { retryable: true }))).toBe(true);
    expect(isRetryable(QueueError('x'))).toBe(false);
  });

  it('are classified by code, even across module copies', () => {
    const lookalike = Object.assign(new Error('from another bundle'), { code: 'Throttled', retryable: true });
    expect(errorCode(lookalike)).toBe('Throttled');
    expect(isRetryable(lookalike)).toBe(true);
  });

  it('are not confused with an upstream error whose own code is one of ours', () => {
    const upstream = Object.assign(new Error('JobNotFound: code: 404'), {
      code: 'JobNotFound',
      statusCode: 404,
    });
    expect(isAppError(upstream)).toBe(false);
    expect(isAppError(Throttled('x'))).toBe(true);
  });

  it('give no code to foreign errors and values', () => {
    for (const value of [new Error('x'), { code: 'ENOENT' }, null, undefined, 'Throttled'])
      expect(errorCode(value)).toBeUndefined();
  });
});

describe('parseOrThrow', () => {
  it('throws a ValidationError whose message and issues name every offending path', () => {
    try {
      parseOrThrow(UpdateJobInput, { jobId: '', portrait: 'x', extra: 1 }, 'update');
      expect.unreachable();
    } catch (error) {
      expect(errorCode(error)).toBe('ValidationError');
      const e = error as AppError;
      expect(e.issues?.map((i) => i.path)).toEqual(['jobId', 'portrait', 'extra']);
      expect(e.message).toBe('Invalid update: jobId, portrait, extra');
    }
  });

  it('names a whole-object rule as (root)', () => {
    expect(() => parseOrThrow(UpdateJobInput, { jobId: 'a' }, 'update')).toThrow('Invalid update: (root)');
    expect(ValidationError('x', []).issues).toEqual([]);
  });
});
