import { describe, expect, it } from 'vitest';
import {
  canonicalizedMnsHeaders,
  constantTimeEqual,
  mnsSignature,
  mnsStringToSign,
} from '../../local/mns/signature.js';

// Test vectors from reference/mns.md §1.2 (SDK unit test; SendMessage and ReceiveMessage as the Node SDK builds them).
const DATE = 'Wed, 01 Jan 2025 00:00:00 GMT';

describe('the MNS V2 signature', () => {
  it('matches the SDK unit-test vector for a PUT on the root resource', () => {
    const stringToSign =
      'PUT\n574683b3684e3cff610afa155cc2506d\ntext/xml\nTue, 11 Apr 2017 10:09:19 GMT\nx-mns-version:2015-06-06\n/';
    expect(mnsSignature('ACCESS_KEY_SECRET', stringToSign)).toBe('A9zehggaYHHujmuRMxGIDrhWwx8=');
  });

  it('matches the SendMessage vector, x-mns-date included among the canonical headers', () => {
    const stringToSign = mnsStringToSign({
      method: 'POST',
      contentMd5: 'YmVkNWYyYmY5MWI1NzYwMmNlZjgzNWRhNDcyMmJkOTc=',
      contentType: 'text/xml',
      date: DATE,
      headers: {
        date: DATE,
        host: '127.0.0.1:9102',
        'x-mns-version': '2015-06-06',
        'x-mns-date': DATE,
        'content-type': 'text/xml',
      },
      resource: '/queues/avatar-job-updates/messages',
    });
    expect(stringToSign).toBe(
      `POST\nYmVkNWYyYmY5MWI1NzYwMmNlZjgzNWRhNDcyMmJkOTc=\ntext/xml\n${DATE}\nx-mns-date:${DATE}\nx-mns-version:2015-06-06\n/queues/avatar-job-updates/messages`,
    );
    expect(mnsSignature('testSecret', stringToSign)).toBe('wAz4eSndqhSRrLMWCqBQpbsmxis=');
  });

  it('matches the ReceiveMessage vector: empty MD5 and type lines, the query kept in the resource', () => {
    const stringToSign = mnsStringToSign({
      method: 'GET',
      date: DATE,
      headers: { 'x-mns-date': DATE, 'x-mns-version': '2015-06-06' },
      resource: '/queues/avatar-job-updates/messages?waitseconds=10',
    });
    expect(stringToSign).toBe(
      `GET\n\n\n${DATE}\nx-mns-date:${DATE}\nx-mns-version:2015-06-06\n/queues/avatar-job-updates/messages?waitseconds=10`,
    );
    expect(mnsSignature('testSecret', stringToSign)).toBe('MyYT+gcTs2FBvtpOSSBEmlc/2xw=');
  });

  it('canonicalizes only x-mns-* headers, lower-cased and sorted by name', () => {
    expect(
      canonicalizedMnsHeaders({
        'X-MNS-Version': '2015-06-06',
        'x-mns-marker': 'b',
        'x-mns-ret-number': 10,
        Date: DATE,
        'security-token': 'sts',
      }),
    ).toBe('x-mns-marker:b\nx-mns-ret-number:10\nx-mns-version:2015-06-06\n');
  });

  it('compares signatures in constant time and refuses different lengths', () => {
    expect(constantTimeEqual('A9zehggaYHHujmuRMxGIDrhWwx8=', 'A9zehggaYHHujmuRMxGIDrhWwx8=')).toBe(true);
    expect(constantTimeEqual('A9zehggaYHHujmuRMxGIDrhWwx8=', 'A9zehggaYHHujmuRMxGIDrhWwx9=')).toBe(false);
    expect(constantTimeEqual('A9zehggaYHHujmuRMxGIDrhWwx8=', 'A9ze')).toBe(false);
  });
});
