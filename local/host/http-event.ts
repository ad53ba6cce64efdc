/**
 * An HTTP request → the FC 3.0 HTTP trigger event (reference/fc.md §3): `rawPath` as sent (URL-encoded),
 * `requestContext.http.path` decoded, repeated headers and query keys joined with commas, header names in
 * canonical form, the body as a string — base64 with `isBase64Encoded: true` unless it is UTF-8 text —
 * and `timeEpoch` as a string. Plus FC's request size limits.
 */

export interface IncomingHttp {
  method: string;
  /** The request target as received: path and query, still encoded. */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value… */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  httpVersion: string;
}

export interface HttpEventInfo {
  requestId: string;
  accountId: string;
  /** The `Host` the client used, e.g. `127.0.0.1:9000`. */
  domainName: string;
  now: number;
}

export interface FcHttpEvent {
  version: 'v1';
  rawPath: string;
  body: string;
  isBase64Encoded: boolean;
  headers: Record<string, string>;
  queryParameters: Record<string, string>;
  requestContext: {
    accountId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    time: string;
    timeEpoch: string;
  };
}

/** FC's HTTP trigger limits (reference/fc.md §3, §9). */
export const HTTP_LIMITS = {
  headerBytes: 8 * 1024,
  pathAndQueryBytes: 4 * 1024,
  syncBodyBytes: 32 * 1024 * 1024,
} as const;

// Not forwarded: FC's own and hop-by-hop headers (the captured event has no Host or Content-Length).
const DROPPED = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
]);
const TEXT_TYPE =
  /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|x-www-form-urlencoded|graphql|yaml))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `content-type` → `Content-Type`, like Go's CanonicalHeaderKey, which FC uses. */
export const canonicalHeaderName = (name: string): string =>
  name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

export function joinHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const joined = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const lower = (rawHeaders[i] as string).toLowerCase();
    if (DROPPED.has(lower) || lower.startsWith('x-fc-')) continue;
    const name = canonicalHeaderName(lower);
    joined.set(name, [...(joined.get(name) ?? []), rawHeaders[i + 1] as string]);
  }
  return Object.fromEntries([...joined].map(([name, values]) => [name, values.join(',')]));
}

export function joinQuery(rawQuery: string): Record<string, string> {
  const joined = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(rawQuery))
    joined.set(key, [...(joined.get(key) ?? []), value]);
  return Object.fromEntries([...joined].map(([key, values]) => [key, values.join(',')]));
}

/** A malformed escape keeps the path as sent. */
export const safeDecode = (path: string): string => {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/** Text when the content type is textual (or absent) and the bytes are valid UTF-8; base64 otherwise. */
export function eventBody(
  body: Buffer,
  contentType: string | undefined,
): { body: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { body: '', isBase64Encoded: false };
  if (contentType === undefined || TEXT_TYPE.test(contentType.trim())) {
    try {
      return { body: utf8.decode(body), isBase64Encoded: false };
    } catch {
      // Not UTF-8: fall through to base64.
    }
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}

export function buildHttpEvent(request: IncomingHttp, info: HttpEventInfo): FcHttpEvent {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
  const headers = joinHeaders(request.rawHeaders);
  const encoded = eventBody(request.body, headers['Content-Type']);
  return {
    version: 'v1',
    rawPath,
    body: encoded.body,
    isBase64Encoded: encoded.isBase64Encoded,
    headers,
    queryParameters: joinQuery(queryAt < 0 ? '' : request.url.slice(queryAt + 1)),
    requestContext: {
      accountId: info.accountId,
      domainName: info.domainName,
      domainPrefix: info.domainName.split('.')[0] ?? info.domainName,
      http: {
        method: request.method,
        path: safeDecode(rawPath),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['User-Agent'] ?? '',
      },
      requestId: info.requestId,
      time: new Date(info.now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(info.now),
    },
  };
}

export interface LimitViolation {
  message: string;
}

/** Checks the limits FC applies before invoking; the body is checked while it streams in. */
export function checkRequestHead(
  request: Pick<IncomingHttp, 'url' | 'rawHeaders'>,
): LimitViolation | undefined {
  const headerBytes = request.rawHeaders.reduce((sum, part) => sum + Buffer.byteLength(part), 0);
  if (headerBytes > HTTP_LIMITS.headerBytes) {
    return { message: `Request headers total ${headerBytes} bytes; the limit is ${HTTP_LIMITS.headerBytes}` };
  }
  const urlBytes = Buffer.byteLength(request.url);
  if (urlBytes > HTTP_LIMITS.pathAndQueryBytes) {
    return {
      message: `Path and query total ${urlBytes} bytes; the limit is ${HTTP_LIMITS.pathAndQueryBytes}`,
    };
  }
  return undefined;
}
