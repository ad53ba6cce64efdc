import type { IncomingHttpHeaders } from 'node:http';
import {
  ACS3_ALGORITHM,
  canonicalRequest,
  computeSignature,
  constantTimeEqual,
  EMPTY_BODY_SHA256,
  type QueryParams,
  sha256Hex,
  stringToSign,
} from './acs3-signature.js';
import { IceError } from './ice-error.js';
import { NonceCache } from './nonce-cache.js';

/** The key pair (and, for STS, the token) the local service accepts. */
export interface IceCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface SignedRequest {
  method: string;
  pathname: string;
  query: Readonly<QueryParams>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RequestVerifierOptions {
  credentials: IceCredentials;
  now: () => number;
  /** Accepted distance between `x-acs-date` and the service clock; the V3 doc suggests 15 minutes. */
  skewMs?: number;
  maxNonces?: number;
}

/** Throws an {@link IceError} unless the request carries a valid ACS3-HMAC-SHA256 signature. */
export type RequestVerifier = (request: SignedRequest) => void;

export const DEFAULT_SKEW_MS = 15 * 60_000;

const AUTHORIZATION = /^(\S+) Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/;
const ACS_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const REQUIRED_SIGNED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-content-sha256',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-version',
] as const;
const SECURITY_TOKEN = 'x-acs-security-token';

const incomplete = (message: string) => new IceError(400, 'IncompleteSignature', message);

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Parses a strict `yyyy-MM-ddTHH:mm:ssZ`; NaN for anything else, including impossible dates. */
export function parseAcsDate(value: string): number {
  if (!ACS_DATE.test(value)) return Number.NaN;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== value.slice(0, 19) ? Number.NaN : ms;
}

export function createRequestVerifier(options: RequestVerifierOptions): RequestVerifier {
  const { credentials, now } = options;
  const skewMs = options.skewMs ?? DEFAULT_SKEW_MS;
  const nonces = new NonceCache(options.maxNonces);

  return (request) => {
    const { headers } = request;
    const authorization = headerValue(headers, 'authorization');
    if (authorization === undefined || authorization === '') {
      throw incomplete('The request signature is missing: no Authorization header.');
    }
    const match = AUTHORIZATION.exec(authorization);
    if (match === null) throw incomplete('The Authorization header is not well formed.');
    const [, algorithm, accessKeyId, signedHeaderList, signature] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    if (algorithm !== ACS3_ALGORITHM) {
      throw incomplete(`The signature algorithm "${algorithm}" is not supported; use ${ACS3_ALGORITHM}.`);
    }

    const signedHeaders = signedHeaderList.split(';');
    const signed = new Set(signedHeaders);
    const securityToken = headerValue(headers, SECURITY_TOKEN);
    for (const name of REQUIRED_SIGNED_HEADERS) {
      if (!signed.has(name)) throw incomplete(`The header "${name}" must be signed.`);
    }
    if (securityToken !== undefined && !signed.has(SECURITY_TOKEN)) {
      throw incomplete(`The header "${SECURITY_TOKEN}" must be signed.`);
    }
    for (const name of signedHeaders) {
      if (headerValue(headers, name) === undefined)
        throw incomplete(`The signed header "${name}" is missing.`);
    }

    if (accessKeyId !== credentials.accessKeyId) {
      throw new IceError(400, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    }

    const payloadHash = headerValue(headers, 'x-acs-content-sha256') as string;
    const bodyHash = request.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(request.body);
    if (payloadHash !== bodyHash) {
      throw new IceError(
        400,
        'SignatureDoesNotMatch',
        'The x-acs-content-sha256 header does not match the SHA-256 of the request body.',
      );
    }

    const toSign = stringToSign(
      canonicalRequest({
        method: request.method,
        pathname: request.pathname,
        query: request.query,
        signedHeaders,
        headerValue: (name) => headerValue(headers, name) as string,
        payloadHash,
      }),
    );
    if (!constantTimeEqual(computeSignature(credentials.accessKeySecret, toSign), signature)) {
      throw new IceError(
        400,
        'SignatureDoesNotMatch',
        `Specified signature is not matched with our calculation. server string to sign is:${toSign}`,
      );
    }

    const date = headerValue(headers, 'x-acs-date') as string;
    const dateMs = parseAcsDate(date);
    if (Number.isNaN(dateMs)) {
      throw new IceError(
        400,
        'InvalidTimeStamp.Format',
        'Specified time stamp or date value is not well formatted (expected yyyy-MM-ddTHH:mm:ssZ).',
      );
    }
    const nowMs = now();
    if (Math.abs(nowMs - dateMs) > skewMs) {
      throw new IceError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    }

    if (securityToken !== undefined || credentials.securityToken !== undefined) {
      if (
        securityToken === undefined ||
        credentials.securityToken === undefined ||
        !constantTimeEqual(credentials.securityToken, securityToken)
      ) {
        throw new IceError(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.');
      }
      if (headerValue(headers, 'x-acs-accesskey-id') !== accessKeyId) {
        throw new IceError(
          400,
          'InvalidSecurityToken.Mismatch',
          'The x-acs-accesskey-id header does not match the Credential of the Authorization header.',
        );
      }
    }

    const nonce = headerValue(headers, 'x-acs-signature-nonce') as string;
    if (nonce === '') throw incomplete('The x-acs-signature-nonce header is empty.');
    if (!nonces.remember(nonce, dateMs + skewMs, nowMs)) {
      throw new IceError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    }
  };
}
