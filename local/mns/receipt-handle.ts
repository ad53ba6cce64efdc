import { randomBytes } from 'node:crypto';

// Unguessable and URL-safe: base64url never yields `+`, `/`, `=`, `&`, `%`, `#` or spaces, which matters
// because the SDK puts the handle into the query string without encoding it.
const RECEIPT_HANDLE = /^1-[A-Za-z0-9_-]{22}$/;

export function newReceiptHandle(): string {
  return `1-${randomBytes(16).toString('base64url')}`;
}

/** Whether a string has the shape of a handle this service issues (else `400 ReceiptHandleError`). */
export function isReceiptHandle(value: string): boolean {
  return RECEIPT_HANDLE.test(value);
}
