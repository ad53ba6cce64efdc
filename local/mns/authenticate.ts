import type { IncomingHttpHeaders } from 'node:http';
import type { AccessKeyPair } from '../demo-credentials.js';
import { mnsErrors } from './errors.js';
import { constantTimeEqual, mnsSignature, mnsStringToSign } from './signature.js';

export const MNS_API_VERSION = '2015-06-06';
export const DEFAULT_MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface MnsAuthConfig {
  credentials: AccessKeyPair;
  /** When set, every request must carry it in the (unsigned) `security-token` header. */
  securityToken?: string | undefined;
  maxClockSkewMs: number;
}

const AUTHORIZATION = /^MNS ([^:\s]+):(\S+)$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Checks a request's V2 signature (reference/mns.md §1.2) over the method, Content-MD5, Content-Type,
 * Date, every `x-mns-*` header and the raw path + query; throws the MnsError MNS would answer.
 * Content-MD5 is signed but not compared with the body (whether MNS does is UNCERTAIN).
 */
export function authenticate(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  config: MnsAuthConfig,
  wallClockNow: number,
): void {
  const authorization = single(headers.authorization);
  if (authorization === undefined) throw mnsErrors.missingAuthorizationHeader();
  const match = AUTHORIZATION.exec(authorization);
  if (!match) throw mnsErrors.invalidAuthorizationHeader();
  const [, accessKeyId = '', signature = ''] = match;

  const version = single(headers['x-mns-version']);
  if (version === undefined) throw mnsErrors.missingVersionHeader();
  if (version !== MNS_API_VERSION) throw mnsErrors.invalidVersionHeader();

  const date = single(headers.date);
  const signedAt = date ?? single(headers['x-mns-date']);
  if (signedAt === undefined) throw mnsErrors.missingDateHeader();
  const signedAtMs = Date.parse(signedAt);
  if (Number.isNaN(signedAtMs)) throw mnsErrors.invalidDateHeader();
  if (Math.abs(wallClockNow - signedAtMs) > config.maxClockSkewMs) throw mnsErrors.timeExpired();

  if (accessKeyId !== config.credentials.accessKeyId) throw mnsErrors.invalidAccessKeyId();
  const expected = mnsSignature(
    config.credentials.accessKeySecret,
    mnsStringToSign({
      method,
      contentMd5: single(headers['content-md5']),
      contentType: single(headers['content-type']),
      date: date ?? '',
      headers,
      resource: rawUrl,
    }),
  );
  if (!constantTimeEqual(expected, signature)) throw mnsErrors.signatureDoesNotMatch();

  if (config.securityToken !== undefined) {
    const token = single(headers['security-token']);
    if (token === undefined || !constantTimeEqual(config.securityToken, token)) {
      throw mnsErrors.accessDenied('The security token you provided is missing or invalid.');
    }
  }
}
