import { describe, expect, it } from 'vitest';
import { statusEvent } from '../../functions/sync/status-event.js';
import { createWebhookPublisher } from '../../functions/sync/webhook-publisher.js';
import { createLogger } from '../../shared/logger.js';
import { verifySignature } from '../../shared/webhook-signature.js';
import { captureLogs, fakeClock } from '../helpers/fc.js';

const URL = 'https://hooks.example.com/avatar-status?token=abc';
const event = statusEvent(
  { job: { jobId: 'job-1', status: 'Success', lastTrainingTime: '2025-01-15T08:00:00Z' }, observedAt: 0 },
  'Training',
);
const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 10_000 };

/** Each request takes `requestMs` of the fake clock. */
function setUp(answers: (number | Error)[], { secret = 'whsec-1' as string | null, requestMs = 0 } = {}) {
  const clock = fakeClock();
  const logs = captureLogs();
  const requests: { url: string; init: RequestInit; at: number }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, init, at: clock.now() });
    clock.advance(requestMs);
    const answer = answers.shift() ?? 200;
    if (answer instanceof Error) throw answer;
    return new Response('{}', { status: answer });
  }) as unknown as typeof globalThis.fetch;
  const publisher = createWebhookPublisher({
    url: URL,
    secret: secret ?? undefined,
    logger: createLogger({ sink: logs.sink, level: 'debug' }),
    fetch,
    clock,
    random: () => 0.5,
    retry: policy,
  });
  return { publisher, requests, clock, logs };
}

describe('pushing a status event to the webhook', () => {
  it('POSTs the event as JSON with an x-signature the receiver can verify', async () => {
    const { publisher, requests, clock } = setUp([200]);
    expect(await publisher.post(event, { deadline: clock.now() + 60_000 })).toEqual({
      ok: true,
      attempts: 1,
    });
    const [request] = requests;
    const headers = request?.init.headers as Record<string, string>;
    expect(request?.init.method).toBe('POST');
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(String(request?.init.body))).toEqual(event);
    const check = verifySignature(
      headers['x-signature'],
      String(request?.init.body),
      ['whsec-1'],
      clock.now() / 1000,
    );
    expect(check).toEqual({ ok: true });
  });

  it('sends no signature when no secret is configured (ALLOW_UNSIGNED)', async () => {
    const { publisher, requests, clock } = setUp([200], { secret: null });
    await publisher.post(event, { deadline: clock.now() + 60_000 });
    expect(requests[0]?.init.headers).not.toHaveProperty('x-signature');
  });

  it.each([
    ['503', 503],
    ['429', 429],
    ['408', 408],
    ['a network error', new TypeError('fetch failed')],
  ])('retries after %s with backoff, re-signing each attempt', async (_, failure) => {
    const { publisher, requests, clock } = setUp([failure, failure, 200], { requestMs: 1_000 });
    expect(await publisher.post(event, { deadline: clock.now() + 60_000 })).toEqual({
      ok: true,
      attempts: 3,
    });
    expect(clock.sleeps).toEqual([50, 100]);
    const signatures = requests.map((r) => (r.init.headers as Record<string, string>)['x-signature']);
    expect(signatures[0]).not.toBe(signatures[2]);
  });

  it('gives up on a 4xx at once and calls it permanent', async () => {
    const { publisher, requests, clock } = setUp([400]);
    const result = await publisher.post(event, { deadline: clock.now() + 60_000 });
    expect(result).toMatchObject({ ok: false, permanent: true, attempts: 1 });
    expect(requests).toHaveLength(1);
  });

  it('reports a transient failure after the last attempt, never waiting past the deadline', async () => {
    const { publisher, requests, clock } = setUp([503, 503, 503, 503, 503, 503]);
    const deadline = clock.now() + 120;
    const result = await publisher.post(event, { deadline });
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(requests.length).toBeLessThan(4);
    expect(requests.every((r) => r.at < deadline)).toBe(true);
  });

  it('never logs the webhook query string or the secret', async () => {
    const { publisher, clock, logs } = setUp([503, 200]);
    await publisher.post(event, { deadline: clock.now() + 60_000 });
    expect(logs.lines.length).toBeGreaterThan(0);
    for (const line of logs.lines) {
      expect(line).not.toContain('token=abc');
      expect(line).not.toContain('whsec-1');
    }
  });
});
