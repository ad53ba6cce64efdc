/**
 * Signed webhooks: `x-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * Several secrets may be active (rotation); any one matching is enough. Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-signature';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

// Lower-case hex, as signPayload writes it; `t` is checked exactly as sent (the MAC covers the sender's text).
const HEADER = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/;

export function verifySignature(
  header: string | undefined,
  body: string,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'missing' };
  const match = HEADER.exec(header.trim());
  if (!match) return { ok: false, reason: 'malformed' };
  const t = match[1]!;
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return { ok: false, reason: 'expired' };
  const given = Buffer.from(match[2]!, 'hex');
  let matched = false;
  // Check every secret (no early exit), so timing does not reveal which one matched.
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
    if (timingSafeEqual(expected, given)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
