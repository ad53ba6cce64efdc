/**
 * Turns whatever `@alicloud/openapi-client` throws (ResponseError with `code`/`statusCode`/`data`, httpx
 * timeouts, socket errors, SyntaxError for a non-JSON body) into one of our named errors.
 */
import {
  type AppError,
  ConfigError,
  InvalidJobState,
  isAppError,
  JobNotFound,
  Throttled,
  Timeout,
  Unauthorized,
  UpstreamError,
  UpstreamUnavailable,
  ValidationError,
} from '../errors.js';

interface OpenApiFailure {
  name?: string;
  code?: unknown;
  statusCode?: unknown;
  message?: string;
  data?: { RequestId?: unknown; Message?: unknown } | null;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

const AUTH_CODES =
  /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|InvalidTimeStamp|SignatureNonceUsed|Forbidden|InvalidCredentials|OperationDenied(?!\.JobStatus))/;
const NOT_FOUND_CODES = /^(ResourceNotFound|JobNotFound|InvalidJobId\.NotFound|NotFound)/;
/** The gateway does not know the API at this endpoint: our ICE_ENDPOINT / ICE_REGION is wrong, not the job. */
const SETUP_CODES = /^(InvalidAction|InvalidVersion|InvalidApi|InvalidProduct|InvalidRegionId)/;
const STATE_CODES = /JobStatus|InvalidStatus|IncorrectStatus/i;
const THROTTLE_CODES = /^(Throttling|RequestsTooFrequent|QpsLimitExceeded|ServiceBusy)/;

export function toIceError(error: unknown, action: string): AppError {
  if (isAppError(error)) return error;
  const e = (error ?? {}) as OpenApiFailure;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const statusCode = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const requestId = typeof e.data?.RequestId === 'string' ? e.data.RequestId : undefined;
  const upstreamMessage = typeof e.data?.Message === 'string' ? e.data.Message : undefined;
  const context = { cause: error, requestId, statusCode, upstreamCode: code };
  const detail = `${action}: ${code ?? e.name ?? 'error'}${upstreamMessage ? ` — ${upstreamMessage}` : ''}`;

  if (statusCode !== undefined && code !== undefined) {
    if (THROTTLE_CODES.test(code)) return Throttled(`ICE throttled ${detail}`, context);
    if (AUTH_CODES.test(code)) return Unauthorized(`ICE refused our credentials: ${detail}`, context);
    // Only a not-found code names the job: a gateway 404 such as InvalidAction.NotFound must not make the
    // sync drop a watched job or the queue reject every command.
    if (SETUP_CODES.test(code)) {
      return ConfigError(
        `ICE does not offer ${action} at the configured endpoint (ICE_ENDPOINT / ICE_REGION): ${detail}`,
        context,
      );
    }
    if (NOT_FOUND_CODES.test(code)) return JobNotFound(`ICE: ${detail}`, context);
    if (STATE_CODES.test(code)) return InvalidJobState(`ICE refused the job state: ${detail}`, context);
    if (code === 'ServiceUnAvailable' || statusCode === 503)
      return UpstreamUnavailable(`ICE unavailable: ${detail}`, context);
    if (statusCode >= 500) return UpstreamError(`ICE failed: ${detail}`, { ...context, retryable: true });
    if (code === 'InvalidParameter' || code === 'MissingParameter') {
      return ValidationError(
        `ICE refused a parameter: ${detail}`,
        [{ path: '', message: upstreamMessage ?? code }],
        context,
      );
    }
    return UpstreamError(`ICE refused ${detail}`, context);
  }
  if (code === 'InvalidCredentials') return Unauthorized(`No credentials for ${action}`, context);
  if (e.name === 'RequestTimeoutError' || /timeout/i.test(e.message ?? '') || code === 'ETIMEDOUT') {
    return Timeout(`ICE did not answer ${action} in time`, context);
  }
  if ((code && NETWORK_CODES.has(code)) || /socket hang up|ECONNRESET|ECONNREFUSED/i.test(e.message ?? '')) {
    return UpstreamUnavailable(`ICE connection failed during ${action}`, context);
  }
  // A non-JSON error body (often a proxy page) has no status to go by; another attempt may reach ICE.
  if (e.name === 'SyntaxError')
    return UpstreamError(`ICE answered ${action} with a non-JSON body`, { ...context, retryable: true });
  return UpstreamError(`ICE call ${action} failed unexpectedly`, context);
}
