import { describe, expect, it } from 'vitest';
import { signRequest } from '../../scripts/sign-request.js';
import { verifySignature } from '../../shared/webhook-signature.js';
import { fakeContext } from '../helpers/fc.js';
import { eventBuffer, JOB_ID, readResponse, SECRET, testHandler } from '../helpers/http.js';

const NOW = 1_736_928_600;
const base = { env: {}, readStdin: () => '', nowSeconds: () => NOW };

describe('scripts/sign-request.ts', () => {
  it('prints a header the HTTP function accepts for that body', async () => {
    const body = '{"avatarName":"小树"}\n';
    const result = signRequest({ ...base, argv: ['--secret', SECRET], readStdin: () => body });
    expect(result).toEqual({ ok: true, header: expect.stringMatching(/^t=1736928600,v1=[0-9a-f]{64}$/) });
    const t = testHandler();
    const header = signRequest({
      ...base,
      argv: ['--secret', SECRET, '--body', body],
      nowSeconds: () => Math.floor(t.clock.now() / 1000),
    });
    if (!header.ok) throw new Error(header.error);
    const event = eventBuffer({
      path: `/jobs/${JOB_ID}`,
      method: 'PATCH',
      body,
      headers: { 'x-signature': header.header },
    });
    expect(readResponse(await t.handler(event, fakeContext())).status).toBe(200);
  });

  it('takes the first WEBHOOK_SECRET when --secret is absent, and honours --time', () => {
    const result = signRequest({
      ...base,
      argv: ['--body', '{}', '--time', '100'],
      env: { WEBHOOK_SECRET: 'a, b' },
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.header.startsWith('t=100,')).toBe(true);
    expect(verifySignature(result.header, '{}', ['a'], 100)).toEqual({ ok: true });
  });

  it.each([
    [['--body', '{}'], /--secret or env WEBHOOK_SECRET is required/],
    [['--secret', 's', '--time', 'soon'], /--time must be whole unix seconds/],
    [['--secret', 's', '--colour', 'red'], /Unknown option/],
  ])('explains bad usage: %j', (argv, message) => {
    const result = signRequest({ ...base, argv });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(message) });
  });
});
