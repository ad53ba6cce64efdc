import { randomBytes } from 'node:crypto';

// A random per-process prefix plus a counter: unique, cheap, and the same shapes as MNS's own ids.
const instance = randomBytes(8).toString('hex').toUpperCase();
let counter = 0;

function next(hexDigits: number): string {
  counter += 1;
  return counter.toString(16).toUpperCase().padStart(hexDigits, '0');
}

/** 32 upper-case hex characters, unique within the process. */
export function newMessageId(): string {
  return `${instance}${next(16)}`;
}

/** 24 upper-case hex characters, the length the SDK's own tests expect. */
export function newRequestId(): string {
  return `${instance.slice(0, 8)}${next(16)}`;
}
