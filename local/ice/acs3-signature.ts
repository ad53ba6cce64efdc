import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * ACS3-HMAC-SHA256, exactly as `@alicloud/openapi-util` 0.3.x `getAuthorization` computes it
 * (reference ice.md §2.5). Pure functions, shared by the verifier and the lean load-generator signer.
 */

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** sha256 of the empty body: what every query-only RPC call sends as `x-acs-content-sha256`. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A query as a null-prototype record, so a `__proto__` parameter is just a key. */
export type QueryParams = Record<string, string>;

/** Parts of a request that the canonical request covers. */
export interface CanonicalRequestInput {
  method: string;
  pathname: string;
  query: Readonly<QueryParams>;
  /** Names in the order they are canonicalized (the received SignedHeaders list, or sorted for signing). */
  signedHeaders: readonly string[];
  /** Value of each signed header; trimmed here. */
  headerValue: (name: string) => string;
  payloadHash: string;
}

const HAS_RESERVED = /[!'()*]/;
const RESERVED = /[!'()*]/g;
const RESERVED_ESCAPES: Record<string, string> = {
  '!': '%21',
  "'": '%27',
  '(': '%28',
  ')': '%29',
  '*': '%2A',
};

/** encodeURIComponent plus the five RFC 3986 reserved characters it leaves raw. */
export function encode(value: string): string {
  const encoded = encodeURIComponent(value);
  return HAS_RESERVED.test(encoded) ? encoded.replace(RESERVED, (c) => RESERVED_ESCAPES[c] ?? c) : encoded;
}

/**
 * Keys sorted by JS default sort (UTF-16 code units) and left as they are, like the client does
 * (the spec encodes keys too; identical for ASCII parameter names); values encoded.
 */
export function canonicalQueryString(query: Readonly<QueryParams>): string {
  const keys = Object.keys(query).sort();
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i === 0 ? '' : '&'}${key}=${encode(query[key] as string)}`;
  }
  return out;
}

/** The client only fixes the first `+`, `*` and `%7E` of the path (string `replace`, not regex). */
export function canonicalUri(pathname: string): string {
  return pathname.replace('+', '%20').replace('*', '%2A').replace('%7E', '~');
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  let headers = '';
  for (const name of input.signedHeaders) headers += `${name}:${input.headerValue(name).trim()}\n`;
  // `headers` ends in "\n" and the join adds another: the canonical request has an empty line here.
  return `${input.method}\n${canonicalUri(input.pathname)}\n${canonicalQueryString(input.query)}\n${headers}\n${input.signedHeaders.join(';')}\n${input.payloadHash}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function stringToSign(canonical: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonical)}`;
}

export function computeSignature(accessKeySecret: string, toSign: string): string {
  return createHmac('sha256', accessKeySecret).update(toSign).digest('hex');
}

export function authorizationHeader(
  accessKeyId: string,
  signedHeaders: readonly string[],
  signature: string,
): string {
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
}

/** Constant-time string comparison (signatures, security tokens); only the byte length can leak. */
export function constantTimeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The headers the client signs: lower-cased `host`, `content-type` and `x-acs-*`, sorted. */
export function signableHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  const names: string[] = [];
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'content-type' || lower.startsWith('x-acs-')) names.push(lower);
  }
  return names.sort();
}

export interface SignRequestInput {
  method: string;
  pathname: string;
  query: Readonly<QueryParams>;
  /** Lower-case names, including `x-acs-content-sha256`. */
  headers: Readonly<Record<string, string>>;
  accessKeyId: string;
  accessKeySecret: string;
}

/** Client-side signing, as `getAuthorization` does it: returns the `Authorization` header value. */
export function signRequest(input: SignRequestInput): string {
  const signedHeaders = signableHeaderNames(input.headers);
  const canonical = canonicalRequest({
    method: input.method,
    pathname: input.pathname,
    query: input.query,
    signedHeaders,
    headerValue: (name) => input.headers[name] ?? '',
    payloadHash: input.headers['x-acs-content-sha256'] ?? EMPTY_BODY_SHA256,
  });
  return authorizationHeader(
    input.accessKeyId,
    signedHeaders,
    computeSignature(input.accessKeySecret, stringToSign(canonical)),
  );
}
