import { describe, expect, it } from 'vitest';
import { scanForSecrets, signatureMacs } from '../../bench/harden/secret-scan.js';
import { signPayload } from '../../shared/webhook-signature.js';

const SECRET = { label: 'webhook secret', value: 'whsec_scan_test_secret' };
const HEADER = signPayload(SECRET.value, '{"avatarName":"x"}', 1_736_928_000);
const MAC = HEADER.split('v1=')[1]!;

describe('the log scan for secrets', () => {
  it('finds a secret anywhere in a line and masks it in the hit', () => {
    const scan = scanForSecrets([`{"message":"oops","key":"${SECRET.value}"}`], [SECRET], new Set());
    expect(scan.hits).toEqual([{ label: 'webhook secret', line: '{"message":"oops","key":"«secret»"}' }]);
  });

  it('finds a sent signature whole, cut short or embedded in longer hex', () => {
    const macs = signatureMacs([HEADER]);
    const lines = [`x-signature: ${HEADER}`, `v1=${MAC.slice(0, 40)}`, `blob ${MAC}ab12`];
    expect(scanForSecrets(lines, [], macs).hits.map((h) => h.label)).toEqual([
      'x-signature MAC',
      'x-signature MAC',
      'x-signature MAC',
    ]);
  });

  it('does not count hex that was never sent, such as job IDs', () => {
    const lines = ['{"jobId":"a1b255d86f7f4587943ce7734d6b9c0d"}', `{"other":"${'f'.repeat(64)}"}`];
    expect(scanForSecrets(lines, [SECRET], signatureMacs([HEADER])).hits).toEqual([]);
  });

  it('extracts only the hex runs of sent header values', () => {
    expect([...signatureMacs([HEADER, 't=1,v1=zz', ''])]).toEqual([MAC]);
  });

  it('reports how much it searched', () => {
    expect(
      scanForSecrets(['a', 'b'], [SECRET, { label: 'short', value: 'abc' }], new Set([MAC])),
    ).toMatchObject({
      lines: 2,
      secrets: 1,
      signatures: 1,
    });
  });
});
