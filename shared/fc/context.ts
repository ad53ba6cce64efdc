/** The FC 3.0 invocation context, as far as this project reads it. */
import type { CredentialsCarrier } from '../credentials.js';

export interface FcContext extends CredentialsCarrier {
  requestId: string;
  function?: { name?: string; handler?: string; memory?: number; timeout?: number };
  region?: string;
  accountId?: string;
  retryCount?: number;
  /** Present on the local host and some runtimes; otherwise derived from `function.timeout`. */
  getRemainingTimeInMillis?: () => number;
}

/**
 * The epoch ms at which this invocation must be done. FC 3.0's built-in Node runtime does not always
 * expose remaining time, so fall back to the function timeout counted from `startedAt`.
 */
export function invocationDeadline(context: FcContext, startedAt: number): number {
  if (typeof context.getRemainingTimeInMillis === 'function') {
    return startedAt + context.getRemainingTimeInMillis();
  }
  const timeoutSeconds = context.function?.timeout ?? 3;
  return startedAt + timeoutSeconds * 1000;
}
