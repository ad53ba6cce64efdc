/** Adds `x-signature` to an FC HTTP event object, over the body as the caller sent it (base64 decoded). */
import { signPayload } from '../../shared/webhook-signature.js';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The body text a signature covers: the event body, base64-decoded when the event says so. */
export function signedText(event: Record<string, unknown>): string {
  const body = typeof event.body === 'string' ? event.body : '';
  return event.isBase64Encoded === true ? Buffer.from(body, 'base64').toString('utf8') : body;
}

/**
 * A copy of `event` with `x-signature: <header>`; `header` defaults to a valid signature made now. An event
 * whose `headers` is not an object is returned as is: adding one would repair it.
 */
export function withSignature(
  event: Record<string, unknown>,
  secret: string,
  header: string = signPayload(secret, signedText(event), nowSeconds()),
): Record<string, unknown> {
  const { headers = {} } = event;
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return event;
  return { ...event, headers: { ...headers, 'x-signature': header } };
}
