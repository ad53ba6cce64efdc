/**
 * Named errors with a stable `code`. Callers classify by `code` (see `errorCode`), never by instanceof:
 * bundles and test workers can hold two copies of this module.
 */

export interface Issue {
  /** Dotted field path, e.g. `avatarName` or `commands.3.jobId`; empty for whole-object rules. */
  path: string;
  message: string;
}

export interface ErrorContext {
  cause?: unknown;
  /** RequestId reported by the upstream service (ICE or MNS). */
  requestId?: string;
  /** Upstream HTTP status, when there was one. */
  statusCode?: number;
  /** Upstream error code verbatim, e.g. `Throttling.User`. */
  upstreamCode?: string;
  issues?: Issue[];
}

export const ERROR_CODES = [
  'ValidationError',
  'JobNotFound',
  'InvalidJobState',
  'Throttled',
  'UpstreamUnavailable',
  'UpstreamError',
  'Unauthorized',
  'Timeout',
  'ConfigError',
  'QueueError',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes worth another attempt later: the request was fine, the upstream was not ready for it. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['Throttled', 'UpstreamUnavailable', 'Timeout']);

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly requestId?: string;
  readonly statusCode?: number;
  readonly upstreamCode?: string;
  readonly issues?: Issue[];
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, context: ErrorContext & { retryable?: boolean } = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = code;
    this.code = code;
    this.requestId = context.requestId;
    this.statusCode = context.statusCode;
    this.upstreamCode = context.upstreamCode;
    this.issues = context.issues;
    this.retryable = context.retryable ?? RETRYABLE.has(code);
  }

  /** A log- and wire-safe view: no stack, no cause chain (causes may carry request URLs with keys). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      requestId: this.requestId,
      statusCode: this.statusCode,
      upstreamCode: this.upstreamCode,
      issues: this.issues,
    };
  }
}

const make =
  (code: ErrorCode) =>
  (message: string, context?: ErrorContext & { retryable?: boolean }): AppError =>
    new AppError(code, message, context);

export const ValidationError = (message: string, issues: Issue[], context: ErrorContext = {}): AppError =>
  new AppError('ValidationError', message, { ...context, issues });
export const JobNotFound = make('JobNotFound');
export const InvalidJobState = make('InvalidJobState');
export const Throttled = make('Throttled');
export const UpstreamUnavailable = make('UpstreamUnavailable');
export const UpstreamError = make('UpstreamError');
export const Unauthorized = make('Unauthorized');
export const Timeout = make('Timeout');
export const ConfigError = make('ConfigError');
export const QueueError = make('QueueError');

/** The stable code of any thrown value; `undefined` for errors that are not ours. */
export function errorCode(error: unknown): ErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)
    ? (code as ErrorCode)
    : undefined;
}

export function isAppError(error: unknown): error is AppError {
  // `retryable` tells ours apart from an upstream error whose own code happens to be one of ours.
  return (
    errorCode(error) !== undefined &&
    error instanceof Error &&
    typeof (error as { retryable?: unknown }).retryable === 'boolean'
  );
}

export function isRetryable(error: unknown): boolean {
  return isAppError(error) && (error as AppError).retryable;
}
