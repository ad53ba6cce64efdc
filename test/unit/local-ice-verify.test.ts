import { describe, expect, it } from 'vitest';
import { signRequest } from '../../local/ice/acs3-signature.js';
import { NonceCache } from '../../local/ice/nonce-cache.js';
import { parseQuery } from '../../local/ice/query.js';
import { type SignIceRequestInput, signIceRequest } from '../../local/ice/sign-ice-request.js';
import { createRequestVerifier, type IceCredentials, parseAcsDate } from '../../local/ice/verify.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const CREDENTIALS: IceCredentials = { accessKeyId: 'LTAItest', accessKeySecret: 'secret' };
const MINUTE = 60_000;

function signed(overrides: Partial<SignIceRequestInput> = {}, credentials: IceCredentials = CREDENTIALS) {
  const request = signIceRequest({
    endpoint: '127.0.0.1:9101',
    action: 'GetAvatarTrainingJob',
    query: { JobId: 'job 1/+*' },
    dateMs: NOW,
    ...credentials,
    ...overrides,
  });
  return {
    method: 'POST',
    pathname: '/',
    query: parseQuery(request.path.slice(2)),
    headers: request.headers as Record<string, string>,
    body: Buffer.alloc(0),
  };
}

/** Changes headers and signs again, so a check behind the signature is reached. */
function resigned(request: ReturnType<typeof signed>, changes: Record<string, string>, secret = 'secret') {
  const { authorization: _, ...headers } = { ...request.headers, ...changes };
  const authorization = signRequest({
    method: 'POST',
    pathname: '/',
    query: request.query,
    headers,
    accessKeyId: CREDENTIALS.accessKeyId,
    accessKeySecret: secret,
  });
  return { ...request, headers: { ...headers, authorization } };
}

const rejection = (code: string) => expect.objectContaining({ status: 400, code });

describe('the request verifier', () => {
  const verifier = (credentials: IceCredentials = CREDENTIALS) =>
    createRequestVerifier({ credentials, now: () => NOW });

  it('accepts a correctly signed request and refuses the same nonce again', () => {
    const verify = verifier();
    const request = signed({ nonce: 'n-1' });
    expect(() => verify(request)).not.toThrow();
    expect(() => verify(request)).toThrow(rejection('SignatureNonceUsed'));
  });

  it('accepts x-acs-date exactly 15 minutes off either way and refuses one second more', () => {
    const verify = verifier();
    expect(() => verify(signed({ dateMs: NOW - 15 * MINUTE }))).not.toThrow();
    expect(() => verify(signed({ dateMs: NOW + 15 * MINUTE }))).not.toThrow();
    expect(() => verify(signed({ dateMs: NOW - 15 * MINUTE - 1000 }))).toThrow(
      rejection('InvalidTimeStamp.Expired'),
    );
    expect(() => verify(signed({ dateMs: NOW + 15 * MINUTE + 1000 }))).toThrow(
      rejection('InvalidTimeStamp.Expired'),
    );
  });

  it('refuses a tampered query, header or secret with SignatureDoesNotMatch', () => {
    const verify = verifier();
    const tamperedQuery = signed();
    tamperedQuery.query.JobId = 'job-2';
    expect(() => verify(tamperedQuery)).toThrow(rejection('SignatureDoesNotMatch'));
    const tamperedHeader = signed();
    tamperedHeader.headers['x-acs-action'] = 'DeleteAvatarTrainingJob';
    expect(() => verify(tamperedHeader)).toThrow(rejection('SignatureDoesNotMatch'));
    expect(() => verify(signed({ accessKeySecret: 'wrong' }))).toThrow(rejection('SignatureDoesNotMatch'));
  });

  it('refuses a body whose hash differs from x-acs-content-sha256', () => {
    const request = { ...signed(), body: Buffer.from('JobId=x') };
    expect(() => verifier()(request)).toThrow(rejection('SignatureDoesNotMatch'));
  });

  it('refuses an unknown access key with InvalidAccessKeyId.NotFound', () => {
    expect(() => verifier()(signed({ accessKeyId: 'LTAIother' }))).toThrow(
      expect.objectContaining({
        code: 'InvalidAccessKeyId.NotFound',
        message: 'Specified access key is not found.',
      }),
    );
  });

  it('refuses a missing, garbled or non-ACS3 Authorization with IncompleteSignature', () => {
    const verify = verifier();
    const missing = signed();
    delete missing.headers.authorization;
    expect(() => verify(missing)).toThrow(rejection('IncompleteSignature'));
    const garbled = signed();
    garbled.headers.authorization = 'ACS3-HMAC-SHA256 Credential=a, SignedHeaders=host,Signature=00';
    expect(() => verify(garbled)).toThrow(rejection('IncompleteSignature'));
    const sm3 = signed();
    sm3.headers.authorization = (sm3.headers.authorization as string).replace(
      'ACS3-HMAC-SHA256',
      'ACS3-HMAC-SM3',
    );
    expect(() => verify(sm3)).toThrow(rejection('IncompleteSignature'));
  });

  it('requires the nonce, date, action, version, content hash and host to be signed', () => {
    const request = signed();
    request.headers.authorization = (request.headers.authorization as string).replace(
      ';x-acs-signature-nonce',
      '',
    );
    expect(() => verifier()(request)).toThrow(
      expect.objectContaining({
        code: 'IncompleteSignature',
        message: expect.stringContaining('x-acs-signature-nonce'),
      }),
    );
  });

  it('refuses a malformed x-acs-date with InvalidTimeStamp.Format', () => {
    const request = signed();
    for (const date of ['2025-06-01 12:00:00', '1748779200', '2025-06-01T12:00:00.000Z']) {
      expect(() => verifier()(resigned(request, { 'x-acs-date': date }))).toThrow(
        rejection('InvalidTimeStamp.Format'),
      );
    }
    expect(parseAcsDate('2025-02-30T00:00:00Z')).toBeNaN();
    expect(parseAcsDate('2025-06-01T12:00:00.000Z')).toBeNaN();
    expect(parseAcsDate(request.headers['x-acs-date'] as string)).toBe(NOW);
  });

  describe('with an STS token configured', () => {
    const sts: IceCredentials = { ...CREDENTIALS, securityToken: 'token-1' };

    it('accepts the configured token', () => {
      expect(() => verifier(sts)(signed({ securityToken: 'token-1' }))).not.toThrow();
    });

    it('refuses a wrong or missing token with InvalidSecurityToken.Expired', () => {
      const verify = verifier(sts);
      expect(() => verify(signed({ securityToken: 'token-2' }))).toThrow(
        rejection('InvalidSecurityToken.Expired'),
      );
      expect(() => verify(signed())).toThrow(rejection('InvalidSecurityToken.Expired'));
    });

    it('refuses a signed x-acs-accesskey-id that differs from the Credential with InvalidSecurityToken.Mismatch', () => {
      const request = resigned(signed({ securityToken: 'token-1' }), { 'x-acs-accesskey-id': 'LTAIother' });
      expect(() => verifier(sts)(request)).toThrow(rejection('InvalidSecurityToken.Mismatch'));
    });

    it('requires the token header to be signed', () => {
      const request = signed({ securityToken: 'token-1' });
      request.headers.authorization = (request.headers.authorization as string).replace(
        ';x-acs-security-token',
        '',
      );
      expect(() => verifier(sts)(request)).toThrow(rejection('IncompleteSignature'));
    });

    it('refuses a token sent to a service without STS', () => {
      expect(() => verifier()(signed({ securityToken: 'token-1' }))).toThrow(
        rejection('InvalidSecurityToken.Expired'),
      );
    });
  });
});

describe('the nonce cache', () => {
  it('forgets nonces once their window has passed, so memory stays bounded', () => {
    const cache = new NonceCache();
    for (let i = 0; i < 1000; i++) expect(cache.remember(`n${i}`, 100 + i, i)).toBe(true);
    expect(cache.size).toBeLessThanOrEqual(1000);
    expect(cache.remember('late', 10_000, 5_000)).toBe(true);
    expect(cache.size).toBe(1);
    expect(cache.remember('n1', 20_000, 5_000)).toBe(true);
  });

  it('keeps at most maxEntries nonces, dropping the oldest first', () => {
    const cache = new NonceCache(3);
    for (const nonce of ['a', 'b', 'c', 'd']) cache.remember(nonce, 1_000, 0);
    expect(cache.size).toBe(3);
    expect(cache.remember('a', 1_000, 0)).toBe(true);
    expect(cache.remember('d', 1_000, 0)).toBe(false);
  });
});
