/**
 * Protocol-level refusals that only the HTTP layer knows (signature, route, method, media type, sizes).
 * Errors from shared code keep their AppError codes and are mapped in error-response.ts.
 */
import type { Issue } from '../../shared/errors.js';

export const HTTP_ERROR_CODES = [
  'Unauthorized',
  'NotFound',
  'MethodNotAllowed',
  'PayloadTooLarge',
  'UriTooLong',
  'UnsupportedMediaType',
  'HeaderFieldsTooLarge',
  'NotConfigured',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

export interface HttpError extends Error {
  readonly httpStatus: number;
  readonly code: HttpErrorCode;
  readonly issues?: Issue[];
  readonly headers?: Record<string, string>;
}

export function httpError(
  httpStatus: number,
  code: HttpErrorCode,
  message: string,
  extra: { issues?: Issue[]; headers?: Record<string, string> } = {},
): HttpError {
  return Object.assign(new Error(message), { name: code, httpStatus, code, ...extra });
}

/** By shape, not instanceof (see shared/errors.ts). */
export function isHttpError(error: unknown): error is HttpError {
  const e = error as { httpStatus?: unknown; code?: unknown } | null;
  return (
    typeof e?.httpStatus === 'number' && (HTTP_ERROR_CODES as readonly unknown[]).includes(e.code ?? null)
  );
}
