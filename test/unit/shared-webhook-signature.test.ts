import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE_SECONDS, signPayload, verifySignature } from '../../shared/webhook-signature.js';

const NOW = 1_736_928_600;
const BODY = '{"jobId":"a1b255d86f7f4587943ce7734d6b9c0d"}';

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 as t=…,v1=<hex>', () => {
    // Computed independently: echo -n '1736928600.<body>' | openssl dgst -sha256 -hmac whsec_test
    expect(signPayload('whsec_test', BODY, NOW)).toBe(
      't=1736928600,v1=d266be92f417256817199ad3cd444dfa484fcf0fd73c9c71dca1db32a131f01b',
    );
  });

  it('accepts what it signed, for any secret and body (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ unit: 'grapheme' }), (secret, body) => {
        expect(verifySignature(signPayload(secret, body, NOW), body, [secret], NOW)).toEqual({ ok: true });
      }),
    );
  });

  it('refuses a body changed in any way (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (body, other) => {
        fc.pre(body !== other);
        expect(verifySignature(signPayload('s', body, NOW), other, ['s'], NOW)).toEqual({
          ok: false,
          reason: 'mismatch',
        });
      }),
    );
  });

  it('accepts any one of several active secrets (rotation)', () => {
    const header = signPayload('new', BODY, NOW);
    expect(verifySignature(header, BODY, ['old', 'new'], NOW)).toEqual({ ok: true });
    expect(verifySignature(header, BODY, ['old'], NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, BODY, [], NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('refuses a missing header', () => {
    expect(verifySignature(undefined, BODY, ['s'], NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySignature('', BODY, ['s'], NOW)).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    'v1=abc',
    `t=${NOW}`,
    `t=${NOW},v1=${'a'.repeat(63)}`,
    `t=${NOW},v1=${'A'.repeat(64)}`,
    `t=${NOW},v0=${'a'.repeat(64)}`,
    `t=-1,v1=${'a'.repeat(64)}`,
    'garbage',
  ])('refuses the malformed header %s', (header) => {
    expect(verifySignature(header, BODY, ['s'], NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('accepts a timestamp up to the tolerance either way and refuses one beyond it', () => {
    for (const skew of [-DEFAULT_TOLERANCE_SECONDS, DEFAULT_TOLERANCE_SECONDS]) {
      expect(verifySignature(signPayload('s', BODY, NOW + skew), BODY, ['s'], NOW)).toEqual({ ok: true });
    }
    for (const skew of [-DEFAULT_TOLERANCE_SECONDS - 1, DEFAULT_TOLERANCE_SECONDS + 1]) {
      expect(verifySignature(signPayload('s', BODY, NOW + skew), BODY, ['s'], NOW)).toEqual({
        ok: false,
        reason: 'expired',
      });
    }
    expect(verifySignature(signPayload('s', BODY, NOW - 20), BODY, ['s'], NOW, 10)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('tolerates surrounding whitespace in the header', () => {
    expect(verifySignature(` ${signPayload('s', BODY, NOW)} `, BODY, ['s'], NOW)).toEqual({ ok: true });
  });

  it('checks the timestamp exactly as sent: a zero-padded t signed as such is accepted', async () => {
    const { createHmac } = await import('node:crypto');
    const padded = `0${NOW}`;
    const mac = createHmac('sha256', 's').update(`${padded}.${BODY}`).digest('hex');
    expect(verifySignature(`t=${padded},v1=${mac}`, BODY, ['s'], NOW)).toEqual({ ok: true });
    // …and a MAC over the unpadded time does not match the padded header.
    const unpadded = signPayload('s', BODY, NOW).split(',v1=')[1];
    expect(verifySignature(`t=${padded},v1=${unpadded}`, BODY, ['s'], NOW)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });
});
