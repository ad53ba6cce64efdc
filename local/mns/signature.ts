import { createHmac, timingSafeEqual } from 'node:crypto';

/** The parts of a request the MNS V2 signature covers (reference/mns.md §1.2). */
export interface MnsSignedParts {
  method: string;
  /** `Content-MD5` header value, absent on the SDK's GET requests. */
  contentMd5?: string | undefined;
  contentType?: string | undefined;
  date: string;
  /** All request headers; only `x-mns-*` ones are canonicalized. */
  headers: Readonly<Record<string, string | string[] | number | undefined>>;
  /** Path plus `?query` exactly as sent: not re-ordered, not decoded. */
  resource: string;
}

/** `x-mns-*` headers, lower-cased, sorted by name, one `name:value\n` each. */
export function canonicalizedMnsHeaders(headers: MnsSignedParts['headers']): string {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name, value]) => name.startsWith('x-mns-') && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${Array.isArray(value) ? value.join(',') : String(value)}\n`)
    .join('');
}

export function mnsStringToSign(parts: MnsSignedParts): string {
  return [
    parts.method,
    parts.contentMd5 ?? '',
    parts.contentType ?? '',
    parts.date,
    `${canonicalizedMnsHeaders(parts.headers)}${parts.resource}`,
  ].join('\n');
}

/** base64(HMAC-SHA1(secret, stringToSign)). */
export function mnsSignature(accessKeySecret: string, stringToSign: string): string {
  return createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64');
}

/** Constant-time comparison, so response timing does not leak how much of a signature or token was right. */
export function constantTimeEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
