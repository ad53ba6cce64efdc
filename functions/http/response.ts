/** JSON responses in the FC 3.0 HTTP response shape. */
import type { HttpResponse } from '../../shared/fc/events.js';

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}
