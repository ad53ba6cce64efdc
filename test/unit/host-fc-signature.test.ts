/** The `FC` signature test vectors of reference/fc.md §8, and the local invoke API's verification. */
import { describe, expect, it } from 'vitest';
import {
  composeStringToSign,
  contentMd5,
  type HeaderBag,
  signString,
  verifyFcRequest,
} from '../../local/host/fc-signature.js';

const KEY = { accessKeyId: 'testAK', accessKeySecret: 'testSecret' };
const ASYNC_PATH = '/2016-08-15/services/svc/functions/fn/invocations';
const DATE = 'Wed, 01 Jan 2025 00:00:00 GMT';
const NOW = Date.parse(DATE);
const BODY = Buffer.from('{"jobId":"abc"}');

const asyncHeaders = (): HeaderBag => ({
  'content-md5': 'OGU1YWFjM2RhZjk3MWQzYTkwYjg3ZDkyY2NjMmIxYWI=',
  'content-type': 'application/octet-stream',
  date: DATE,
  'x-fc-account-id': '123456789',
  'x-fc-invocation-type': 'Async',
});

const signed = (headers: HeaderBag, secret = KEY.accessKeySecret, path = ASYNC_PATH): HeaderBag => ({
  ...headers,
  authorization: `FC ${KEY.accessKeyId}:${signString(composeStringToSign('POST', path, headers), secret)}`,
});

describe('the FC signature (test vectors)', () => {
  it('composes the SDK unit test string, signing x-fc-* headers only and the sorted query of a /proxy/ path', () => {
    const headers = {
      'content-md5': '1bca714f406993b309bb87fabeb30a6b',
      'content-type': 'text/json',
      date: 'today',
      'x-fc-foo': '123',
      'x-fc-bar': 'xyz',
      'x-fcdummy': 'dummy',
      test: 'foo',
    };
    const query = {
      foo: 'bar',
      key1: ['xyz', 'abc'],
      'key3 with-escaped~chars_here.ext': 'value with-escaped~chars_here.ext',
      key2: ['123'],
    };
    expect(composeStringToSign('GET', '/path/action with-escaped~chars_here.ext', headers, query)).toBe(
      'GET\n1bca714f406993b309bb87fabeb30a6b\ntext/json\ntoday\nx-fc-bar:xyz\nx-fc-foo:123\n' +
        '/path/action with-escaped~chars_here.ext\nfoo=bar\nkey1=abc\nkey1=xyz\nkey2=123\n' +
        'key3 with-escaped~chars_here.ext=value with-escaped~chars_here.ext',
    );
  });

  it('reproduces the async invoke vector: Content-MD5, StringToSign and Authorization', () => {
    expect(contentMd5(BODY)).toBe('OGU1YWFjM2RhZjk3MWQzYTkwYjg3ZDkyY2NjMmIxYWI=');
    const stringToSign = composeStringToSign('POST', ASYNC_PATH, asyncHeaders());
    expect(stringToSign).toBe(
      `POST\nOGU1YWFjM2RhZjk3MWQzYTkwYjg3ZDkyY2NjMmIxYWI=\napplication/octet-stream\n${DATE}\n` +
        `x-fc-account-id:123456789\nx-fc-invocation-type:Async\n${ASYNC_PATH}`,
    );
    expect(`FC testAK:${signString(stringToSign, 'testSecret')}`).toBe(
      'FC testAK:bK9LgvxSK/+8F7tOS8qXve9HPgIuwlaDtfI0jjqXLKM=',
    );
  });
});

describe('verifyFcRequest (the local invoke API)', () => {
  const input = (headers: HeaderBag, body = BODY) => ({ method: 'POST', path: ASYNC_PATH, headers, body });

  it('accepts the vector request signed with a known key', () => {
    expect(verifyFcRequest(input(signed(asyncHeaders())), [KEY], NOW)).toBeUndefined();
  });

  it('refuses a wrong secret, a tampered signed header and a tampered body', () => {
    expect(verifyFcRequest(input(signed(asyncHeaders(), 'wrong')), [KEY], NOW)?.code).toBe(
      'SignatureNotMatch',
    );
    const tampered = { ...signed(asyncHeaders()), 'x-fc-invocation-type': 'Sync' };
    expect(verifyFcRequest(input(tampered), [KEY], NOW)?.code).toBe('SignatureNotMatch');
    expect(
      verifyFcRequest(input(signed(asyncHeaders()), Buffer.from('{"jobId":"abd"}')), [KEY], NOW)?.code,
    ).toBe('InvalidArgument');
  });

  it('refuses an unknown key, a missing Authorization and a signature of another length', () => {
    expect(
      verifyFcRequest(input(signed(asyncHeaders())), [{ ...KEY, accessKeyId: 'other' }], NOW)?.code,
    ).toBe('InvalidAccessKeyID');
    expect(verifyFcRequest(input(asyncHeaders()), [KEY], NOW)?.code).toBe('MissingRequiredHeader');
    const short = { ...asyncHeaders(), authorization: 'FC testAK:abc' };
    expect(verifyFcRequest(input(short), [KEY], NOW)?.code).toBe('SignatureNotMatch');
  });

  it('refuses a Date more than 15 minutes off', () => {
    const request = input(signed(asyncHeaders()));
    expect(verifyFcRequest(request, [KEY], NOW + 15 * 60_000)).toBeUndefined();
    expect(verifyFcRequest(request, [KEY], NOW + 15 * 60_000 + 1)?.code).toBe('RequestTimeTooSkewed');
  });

  it('requires the security token of an STS key pair', () => {
    const sts = { accessKeyId: 'testAK', accessKeySecret: 'testSecret', securityToken: 'token-1' };
    expect(verifyFcRequest(input(signed(asyncHeaders())), [sts], NOW)?.code).toBe('InvalidAccessKeyID');
    const withToken = signed({ ...asyncHeaders(), 'x-fc-security-token': 'token-1' });
    expect(verifyFcRequest(input(withToken), [sts], NOW)).toBeUndefined();
  });
});
