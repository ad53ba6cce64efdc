/** Request authentication: signed webhooks (shared/webhook-signature.ts), or the function's closed state. */
import { SIGNATURE_HEADER, verifySignature } from '../../shared/webhook-signature.js';
import type { AuthMode } from './config.js';
import { httpError } from './http-error.js';
import type { HeaderMap } from './request.js';

const REASONS = {
  missing: `Missing ${SIGNATURE_HEADER} header`,
  malformed: `Malformed ${SIGNATURE_HEADER} header; expected t=<unix seconds>,v1=<hex HMAC-SHA256>`,
  expired: `${SIGNATURE_HEADER} timestamp is more than 300 seconds away from now`,
  mismatch: `${SIGNATURE_HEADER} does not match the body`,
} as const;

/** On FC without a secret the function is closed: 503, before anything of the request is read. */
export function refuseWhenClosed(mode: AuthMode): void {
  if (mode.kind === 'closed') {
    throw httpError(503, 'NotConfigured', 'The service is not configured to accept requests');
  }
}

/**
 * Throws 401 when a signature is required and missing, malformed, outside ±300 s or wrong (and 503 when
 * closed). `body` is the raw body as the caller sent it (base64 already decoded).
 */
export function authenticate(mode: AuthMode, headers: HeaderMap, body: string, nowMs: number): void {
  refuseWhenClosed(mode);
  if (mode.kind !== 'signed') return;
  const check = verifySignature(headers.get(SIGNATURE_HEADER), body, mode.secrets, Math.floor(nowMs / 1000));
  if (!check.ok) {
    throw httpError(401, 'Unauthorized', REASONS[check.reason]);
  }
}
