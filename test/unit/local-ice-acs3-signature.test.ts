import { stringify } from 'node:querystring';
import OpenApiUtil from '@alicloud/openapi-util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalQueryString,
  canonicalRequest,
  computeSignature,
  constantTimeEqual,
  EMPTY_BODY_SHA256,
  encode,
  type QueryParams,
  sha256Hex,
  signableHeaderNames,
  signRequest,
  stringToSign,
} from '../../local/ice/acs3-signature.js';
import { parseQuery } from '../../local/ice/query.js';

// The two test vectors of the ICE reference (§2.5); they match OpenApiUtil.getAuthorization.
const VECTOR_1_HEADERS: Record<string, string> = {
  host: '127.0.0.1:8080',
  'x-acs-action': 'GetAvatarTrainingJob',
  'x-acs-version': '2020-11-09',
  'x-acs-date': '2025-01-01T00:00:00Z',
  'x-acs-signature-nonce': '0123456789abcdef0123456789abcdef',
  'x-acs-content-sha256': EMPTY_BODY_SHA256,
  'x-acs-credentials-provider': 'static_ak',
};
const VECTOR_2_HEADERS: Record<string, string> = {
  ...VECTOR_1_HEADERS,
  'x-acs-action': 'UpdateAvatarTrainingJob',
  'x-acs-credentials-provider': 'static_sts',
  'x-acs-accesskey-id': 'testAK',
  'x-acs-security-token': 'testToken',
};

function canonicalFor(headers: Record<string, string>, query: QueryParams): string {
  return canonicalRequest({
    method: 'POST',
    pathname: '/',
    query,
    signedHeaders: signableHeaderNames(headers),
    headerValue: (name) => headers[name] ?? '',
    payloadHash: EMPTY_BODY_SHA256,
  });
}

describe('the ACS3-HMAC-SHA256 signature', () => {
  it('reproduces test vector 1 (static AK): canonical request hash and Authorization', () => {
    const query = { JobId: 'job-123' };
    expect(sha256Hex(canonicalFor(VECTOR_1_HEADERS, query))).toBe(
      '6127c461b29fea3f9df6e9ab87f2a5711d260886db4eba2bf436396f02eaf77d',
    );
    expect(
      signRequest({
        method: 'POST',
        pathname: '/',
        query,
        headers: VECTOR_1_HEADERS,
        accessKeyId: 'testAK',
        accessKeySecret: 'testSecret',
      }),
    ).toBe(
      'ACS3-HMAC-SHA256 Credential=testAK,SignedHeaders=host;x-acs-action;x-acs-content-sha256;' +
        'x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,' +
        'Signature=dcaadeb7edbfe2953b8c98ab81d99964ce827915e3580f6566bc0d4a0abbfc4a',
    );
  });

  it('reproduces test vector 2 (STS, CJK value): canonical query, hash, signed headers and signature', () => {
    const query = { JobId: 'job-123', AvatarName: '小明', Transparent: 'true' };
    expect(canonicalQueryString(query)).toBe('AvatarName=%E5%B0%8F%E6%98%8E&JobId=job-123&Transparent=true');
    const canonical = canonicalFor(VECTOR_2_HEADERS, query);
    expect(sha256Hex(canonical)).toBe('41ed874a83ab6ec7ea9de5577b2f3854a9af0e7794d4b4974114a1455605c0ad');
    expect(signableHeaderNames(VECTOR_2_HEADERS).join(';')).toBe(
      'host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;' +
        'x-acs-security-token;x-acs-signature-nonce;x-acs-version',
    );
    expect(computeSignature('testSecret', stringToSign(canonical))).toBe(
      'c6d047bc8545e16225ec432a058644f1ac5a5ec8d224941884ca214c7afd4440',
    );
  });

  it('leaves an empty line between the canonical headers and the signed header list', () => {
    const canonical = canonicalFor(VECTOR_1_HEADERS, { JobId: 'job-123' });
    expect(canonical).toContain('x-acs-version:2020-11-09\n\nhost;x-acs-action;');
    expect(canonical.startsWith('POST\n/\nJobId=job-123\nhost:127.0.0.1:8080\n')).toBe(true);
  });

  it('trims canonical header values and keeps the received SignedHeaders order', () => {
    const canonical = canonicalRequest({
      method: 'POST',
      pathname: '/',
      query: {},
      signedHeaders: ['x-acs-b', 'host'],
      headerValue: (name) => (name === 'host' ? '  h  ' : '\tb '),
      payloadHash: EMPTY_BODY_SHA256,
    });
    expect(canonical).toBe(`POST\n/\n\nx-acs-b:b\nhost:h\n\nx-acs-b;host\n${EMPTY_BODY_SHA256}`);
  });

  it('matches the real OpenApiUtil.getAuthorization for arbitrary query values', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((k) => /^[A-Za-z]+$/.test(k)),
          fc.string(),
        ),
        fc.string({ minLength: 1 }),
        (query, secret) => {
          const headers = { ...VECTOR_1_HEADERS };
          const mine = signRequest({
            method: 'POST',
            pathname: '/',
            query,
            headers,
            accessKeyId: 'AK',
            accessKeySecret: secret,
          });
          const real = OpenApiUtil.getAuthorization(
            { method: 'POST', pathname: '/', query, headers } as never,
            'ACS3-HMAC-SHA256',
            EMPTY_BODY_SHA256,
            'AK',
            secret,
          );
          expect(mine).toBe(real);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('encode()', () => {
  it('escapes the five characters encodeURIComponent leaves raw', () => {
    expect(encode("!'()*")).toBe('%21%27%28%29%2A');
  });

  it('encodes a space as %20, keeps ~ and unreserved characters, and encodes + and /', () => {
    expect(encode('a b~c-d_e.f')).toBe('a%20b~c-d_e.f');
    expect(encode('x+y/z=&')).toBe('x%2By%2Fz%3D%26');
  });

  it('percent-encodes UTF-8 with upper-case hex, including astral emoji', () => {
    expect(encode('中')).toBe('%E4%B8%AD');
    expect(encode('😀')).toBe('%F0%9F%98%80');
  });

  it('keeps an empty value empty, and repeated reserved characters are all escaped', () => {
    expect(encode('')).toBe('');
    expect(encode('**((')).toBe('%2A%2A%28%28');
    expect(canonicalQueryString({ b: '', A: '1', a: '2' })).toBe('A=1&a=2&b=');
  });
});

describe('the received query', () => {
  it('decodes the wire format of the client back to the signed values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (query) => {
        const parsed = parseQuery(stringify(query));
        expect(canonicalQueryString(parsed)).toBe(canonicalQueryString(query));
      }),
      { numRuns: 200 },
    );
  });

  it('treats __proto__ as an ordinary parameter name', () => {
    const parsed = parseQuery('__proto__=x&JobId=1');
    expect(Object.keys(parsed).sort()).toEqual(['JobId', '__proto__']);
    expect(canonicalQueryString(parsed)).toBe('JobId=1&__proto__=x');
  });

  it('refuses bad percent-encoding with a 400 InvalidParameter, not an exception', () => {
    expect(() => parseQuery('JobId=%E4%B8')).toThrow(
      expect.objectContaining({ status: 400, code: 'InvalidParameter' }),
    );
  });
});

describe('constantTimeEqual', () => {
  it('is true only for identical strings, including different byte lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('é', 'ee')).toBe(false);
  });
});
