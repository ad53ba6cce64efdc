/**
 * The `FC` request signature of the Function Compute API, as `@alicloud/fc2` computes it (lib/helper.js):
 * StringToSign = METHOD, Content-MD5, Content-Type, Date, the sorted `x-fc-*` headers, the path (and, for
 * `/proxy/` paths only, the sorted query pairs); `Authorization: FC <id>:<base64 HMAC-SHA256>`. The local
 * invoke API verifies it in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HeaderBag = Record<string, string | string[] | undefined>;
export type QueryBag = Record<string, string | string[]>;

export interface KeyPair {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

const headerValue = (headers: HeaderBag, name: string): string => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
};

export function composeStringToSign(
  method: string,
  path: string,
  headers: HeaderBag,
  query?: QueryBag,
): string {
  const fcHeaders = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase().trim();
    if (lower.startsWith('x-fc-') && value !== undefined) fcHeaders.set(lower, headerValue(headers, name));
  }
  const canonical = [...fcHeaders.keys()]
    .sort()
    .map((name) => `${name}:${fcHeaders.get(name)}\n`)
    .join('');
  let text =
    `${method}\n${headerValue(headers, 'content-md5')}\n${headerValue(headers, 'content-type')}\n` +
    `${headerValue(headers, 'date')}\n${canonical}${path}`;
  if (query) {
    const pairs = Object.entries(query).flatMap(([key, values]) =>
      (Array.isArray(values) ? values : [values]).map((value) => `${key}=${value}`),
    );
    text += `\n${pairs.sort().join('\n')}`;
  }
  return text;
}

export const signString = (stringToSign: string, secret: string): string =>
  createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');

/** The SDK's Content-MD5: base64 of the 32-character hex digest (not of the raw digest). */
export const contentMd5 = (body: Buffer): string =>
  Buffer.from(createHash('md5').update(body).digest('hex'), 'utf8').toString('base64');

export interface SignatureFailure {
  status: number;
  code:
    | 'MissingRequiredHeader'
    | 'InvalidAccessKeyID'
    | 'SignatureNotMatch'
    | 'RequestTimeTooSkewed'
    | 'InvalidArgument';
  message: string;
}

export interface VerifyInput {
  method: string;
  /** The decoded path as the SDK signed it, e.g. `/2016-08-15/services/s/functions/f/invocations`. */
  path: string;
  headers: HeaderBag;
  query?: QueryBag;
  body: Buffer;
}

/** Accepts a request signed with any of `keys`; returns why not otherwise. */
export function verifyFcRequest(
  input: VerifyInput,
  keys: readonly KeyPair[],
  now: number,
  maxSkewMs = 15 * 60_000,
): SignatureFailure | undefined {
  const authorization = headerValue(input.headers, 'authorization');
  const match = /^FC ([^:\s]+):(\S+)$/.exec(authorization);
  if (!match) {
    return {
      status: 403,
      code: 'MissingRequiredHeader',
      message: 'Authorization must be "FC <AccessKeyID>:<Signature>"',
    };
  }
  const [, accessKeyId, signature] = match as unknown as [string, string, string];
  const key = keys.find((k) => k.accessKeyId === accessKeyId);
  if (!key)
    return { status: 403, code: 'InvalidAccessKeyID', message: `AccessKeyID ${accessKeyId} is not accepted` };
  if (
    key.securityToken !== undefined &&
    headerValue(input.headers, 'x-fc-security-token') !== key.securityToken
  ) {
    return {
      status: 403,
      code: 'InvalidAccessKeyID',
      message: 'The security token is missing or does not match',
    };
  }
  const date = Date.parse(headerValue(input.headers, 'date'));
  if (Number.isNaN(date))
    return { status: 400, code: 'MissingRequiredHeader', message: 'Date header is required' };
  if (Math.abs(now - date) > maxSkewMs) {
    return {
      status: 403,
      code: 'RequestTimeTooSkewed',
      message: 'The Date header is more than 15 minutes off',
    };
  }
  const md5 = headerValue(input.headers, 'content-md5');
  if (md5 && md5 !== contentMd5(input.body)) {
    return { status: 400, code: 'InvalidArgument', message: 'Content-MD5 does not match the body' };
  }
  // The SDK signs the query only for `/proxy/…` paths (checked before it prepends the API version).
  const proxied = input.path.replace(/^\/\d{4}-\d{2}-\d{2}/, '').startsWith('/proxy/');
  const queryToSign = proxied ? (input.query ?? {}) : undefined;
  const expected = signString(
    composeStringToSign(input.method, input.path, input.headers, queryToSign),
    key.accessKeySecret,
  );
  const given = Buffer.from(signature);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return { status: 403, code: 'SignatureNotMatch', message: 'The request signature does not match' };
  }
  return undefined;
}
