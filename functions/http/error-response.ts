/**
 * Every failure becomes one JSON shape, `{error: {code, message, issues?, requestId}}`, with a status chosen
 * by the error's `code`. Client mistakes keep their message; upstream failures get a fixed message (the
 * detail goes to the log); anything unexpected is a generic 500.
 */
import { type ErrorCode, errorCode, type Issue, isAppError } from '../../shared/errors.js';
import type { HttpResponse } from '../../shared/fc/events.js';
import { isHttpError } from './http-error.js';
import { jsonResponse } from './response.js';
import type { ErrorBody } from './schemas.js';

/** ICE publishes no Retry-After; its limits are per second. */
export const RETRY_AFTER_SECONDS = 1;

interface Mapping {
  status: number;
  /** Code shown to the caller; ICE rejecting *our* keys must not read like a bad signature. */
  code?: string;
  /** Fixed message for upstream failures; absent = the error's own message. */
  message?: string;
  retryAfter?: boolean;
}

const BY_CODE: Record<ErrorCode, Mapping> = {
  ValidationError: { status: 400 },
  JobNotFound: { status: 404, message: 'No training job with this ID' },
  InvalidJobState: { status: 409 },
  Throttled: { status: 429, message: 'ICE is throttling requests; retry later', retryAfter: true },
  UpstreamUnavailable: { status: 503, message: 'ICE is unavailable; retry later', retryAfter: true },
  Timeout: { status: 504, message: 'ICE did not answer in time' },
  UpstreamError: { status: 502, message: 'ICE failed to process the request' },
  Unauthorized: { status: 502, code: 'UpstreamError', message: 'ICE refused the function’s credentials' },
  QueueError: { status: 503, message: 'The queue is unavailable; retry later', retryAfter: true },
  ConfigError: { status: 500, code: 'InternalError', message: 'Internal error' },
};

export interface ErrorOutcome {
  response: HttpResponse;
  code: string;
  /** True for 5xx: the log line carries the error detail. */
  serverSide: boolean;
  iceRequestId?: string;
}

export function errorResponse(error: unknown, fallbackRequestId: string): ErrorOutcome {
  let status: number;
  let code: string;
  let message: string;
  let issues: Issue[] | undefined;
  let headers: Record<string, string> = {};
  let upstreamRequestId: string | undefined;

  if (isHttpError(error)) {
    ({ httpStatus: status, code, message, issues } = error);
    headers = { ...error.headers };
  } else if (isAppError(error)) {
    const appCode = errorCode(error)!;
    const mapping = BY_CODE[appCode];
    status = mapping.status;
    code = mapping.code ?? appCode;
    message = mapping.message ?? error.message;
    issues = mapping.status < 500 ? error.issues : undefined;
    upstreamRequestId = error.requestId;
    if (mapping.retryAfter) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  } else {
    status = 500;
    code = 'InternalError';
    message = 'Internal error';
  }
  const body: ErrorBody = {
    error: {
      code,
      message,
      ...(issues?.length ? { issues } : {}),
      requestId: upstreamRequestId ?? fallbackRequestId,
    },
  };
  return {
    response: jsonResponse(status, body, headers),
    code,
    serverSide: status >= 500,
    // MNS request IDs also travel in `requestId`; only ICE's belong in the log's iceRequestId.
    ...(upstreamRequestId && errorCode(error) !== 'QueueError' ? { iceRequestId: upstreamRequestId } : {}),
  };
}
