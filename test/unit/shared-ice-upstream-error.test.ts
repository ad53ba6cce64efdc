import { describe, expect, it } from 'vitest';
import { type AppError, errorCode, isRetryable, Throttled } from '../../shared/errors.js';
import { toIceError } from '../../shared/ice/upstream-error.js';

/** What @alicloud/openapi-client throws for a 4xx/5xx JSON error body (reference ice.md §2.7). */
function responseError(code: string, statusCode: number, message = 'upstream message') {
  const error = new Error(`${code}: code: ${statusCode}, ${message} request id: RID-9`) as Error &
    Record<string, unknown>;
  error.code = code;
  error.statusCode = statusCode;
  error.data = {
    RequestId: 'RID-9',
    HostId: 'ice.cn-shanghai.aliyuncs.com',
    Code: code,
    Message: message,
    statusCode,
  };
  return error;
}

/** An httpx / socket failure: no status, maybe a code. */
function networkError(name: string, message: string, code?: string) {
  const error = new Error(message) as Error & { code?: string };
  error.name = name;
  if (code) error.code = code;
  return error;
}

const map = (error: unknown) => toIceError(error, 'GetAvatarTrainingJob');

describe('toIceError', () => {
  it.each([
    ['Throttling', 400],
    ['Throttling.User', 400],
    ['Throttling.Api', 503],
    ['RequestsTooFrequent', 403],
    ['QpsLimitExceeded', 400],
    ['ServiceBusy', 503],
  ])('maps %s (%i) to a retryable Throttled', (code, status) => {
    const error = map(responseError(code, status));
    expect([errorCode(error), isRetryable(error)]).toEqual(['Throttled', true]);
  });

  it.each([
    ['InvalidAccessKeyId.NotFound', 400],
    ['InvalidAccessKeyId.NotFound', 404],
    ['InvalidAccessKeyId.Inactive', 403],
    ['SignatureDoesNotMatch', 400],
    ['IncompleteSignature', 400],
    ['InvalidSecurityToken.Expired', 403],
    ['InvalidTimeStamp.Expired', 400],
    ['SignatureNonceUsed', 400],
    ['Forbidden', 403],
    ['Forbidden.RAM', 403],
    ['OperationDenied', 403],
    ['OperationDenied.Suspended', 403],
  ])('maps %s (%i) to a non-retryable Unauthorized', (code, status) => {
    const error = map(responseError(code, status));
    expect([errorCode(error), isRetryable(error)]).toEqual(['Unauthorized', false]);
  });

  it.each([
    ['ResourceNotFound', 404],
    ['JobNotFound', 404],
    ['InvalidJobId.NotFound', 400],
    ['NotFound', 404],
  ])('maps %s (%i) to a non-retryable JobNotFound', (code, status) => {
    const error = map(responseError(code, status));
    expect([errorCode(error), isRetryable(error)]).toEqual(['JobNotFound', false]);
  });

  it.each([
    ['InvalidAction.NotFound', 404],
    ['InvalidAction.NotFound', 400],
    ['InvalidVersion', 400],
  ])(
    'maps %s (%i) to a ConfigError (our endpoint or region is wrong), never to JobNotFound',
    (code, status) => {
      const error = map(responseError(code, status));
      expect([errorCode(error), isRetryable(error)]).toEqual(['ConfigError', false]);
      expect(error.message).toContain('ICE_ENDPOINT');
    },
  );

  it('does not read an unknown 404 code as "job not found"', () => {
    const error = map(responseError('ProjectNotFound', 404));
    expect(errorCode(error)).toBe('UpstreamError');
  });

  it.each([
    ['OperationDenied.JobStatus', 403],
    ['InvalidStatus', 400],
    ['Job.IncorrectStatus', 400],
  ])('maps %s (%i) to a non-retryable InvalidJobState', (code, status) => {
    const error = map(responseError(code, status));
    expect([errorCode(error), isRetryable(error)]).toEqual(['InvalidJobState', false]);
  });

  it.each([
    ['ServiceUnAvailable', 503, 'UpstreamUnavailable'],
    ['Gateway.Unavailable', 503, 'UpstreamUnavailable'],
    ['InternalError', 500, 'UpstreamError'],
    ['BadGateway', 502, 'UpstreamError'],
  ])('maps %s (%i) to a retryable %s', (code, status, ours) => {
    const error = map(responseError(code, status));
    expect([errorCode(error), isRetryable(error)]).toEqual([ours, true]);
  });

  it.each(['InvalidParameter', 'MissingParameter'])(
    'maps %s to a ValidationError with its message',
    (code) => {
      const error = map(responseError(code, 400, 'The specified parameter JobId is not valid.'));
      expect(errorCode(error)).toBe('ValidationError');
      expect(isRetryable(error)).toBe(false);
      expect(error.issues).toEqual([{ path: '', message: 'The specified parameter JobId is not valid.' }]);
    },
  );

  it('maps another 4xx to a non-retryable UpstreamError', () => {
    const error = map(responseError('IncorrectFormat', 400));
    expect([errorCode(error), isRetryable(error)]).toEqual(['UpstreamError', false]);
  });

  it('keeps the RequestId, HTTP status, upstream code and message of the error JSON', () => {
    // fixtures/ice/error-invalid-parameter.json, as the client turns it into an error.
    const error = map(responseError('InvalidParameter', 400, 'The specified parameter JobId is not valid.'));
    expect(error).toMatchObject({ requestId: 'RID-9', statusCode: 400, upstreamCode: 'InvalidParameter' });
    expect(error.message).toContain('GetAvatarTrainingJob');
    expect(error.message).toContain('The specified parameter JobId is not valid.');
  });

  it('maps missing credentials to Unauthorized', () => {
    const error = map(networkError('Error', 'no credentials', 'InvalidCredentials'));
    expect([errorCode(error), isRetryable(error)]).toEqual(['Unauthorized', false]);
  });

  it.each([
    ['RequestTimeoutError', 'ReadTimeout(500). POST http://127.0.0.1/?JobId=x failed.', undefined],
    ['Error', 'connect ETIMEDOUT 10.0.0.1:443', 'ETIMEDOUT'],
  ])('maps a %s timeout to a retryable Timeout', (name, message, code) => {
    const error = map(networkError(name, message, code));
    expect([errorCode(error), isRetryable(error)]).toEqual(['Timeout', true]);
  });

  it.each([
    ['ECONNRESET', 'socket hang up'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'],
    ['EPIPE', 'write EPIPE'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND ice.example'],
    [undefined, 'socket hang up'],
  ])('maps a dropped or refused connection (%s) to a retryable UpstreamUnavailable', (code, message) => {
    const error = map(networkError('Error', message, code));
    expect([errorCode(error), isRetryable(error)]).toEqual(['UpstreamUnavailable', true]);
  });

  it('maps a non-JSON body (SyntaxError) to a retryable UpstreamError', () => {
    const error = map(new SyntaxError('Unexpected token < in JSON at position 0'));
    expect([errorCode(error), isRetryable(error)]).toEqual(['UpstreamError', true]);
  });

  it('maps anything else to a non-retryable UpstreamError that keeps the cause', () => {
    const cause = new TypeError('The value is not a object');
    const error = map(cause);
    expect([errorCode(error), isRetryable(error)]).toEqual(['UpstreamError', false]);
    expect(error.cause).toBe(cause);
    expect(errorCode(map(undefined))).toBe('UpstreamError');
  });

  it('passes our own errors through unchanged', () => {
    const ours = Throttled('already classified');
    expect(map(ours)).toBe(ours);
  });

  it('leaves the cause out of the JSON view (it may hold request URLs)', () => {
    const error: AppError = map(responseError('InternalError', 500));
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'UpstreamError',
      code: 'UpstreamError',
      message: error.message,
      requestId: 'RID-9',
      statusCode: 500,
      upstreamCode: 'InternalError',
    });
  });
});
