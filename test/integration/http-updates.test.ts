/** POST /updates end to end: handler → shared/mns → the real @alicloud/mns client → the local MNS service. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpHandler, type HttpHandler } from '../../functions/http/app.js';
import { depsFromEnv } from '../../functions/http/deps.js';
import { decodeBody } from '../../shared/mns/queue-client.js';
import { captureLogs, fakeContext } from '../helpers/fc.js';
import { readResponse, SECRET, signedEvent } from '../helpers/http.js';
import { startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

const UPDATES_QUEUE = 'http-it-updates';

let mns: TestMnsService;
const logs = captureLogs();

const handlerFor = (queue: string): HttpHandler =>
  createHttpHandler(
    depsFromEnv(
      {
        // ICE is never called on this route; an unroutable endpoint proves it.
        ICE_ENDPOINT: 'http://127.0.0.1:9',
        MNS_ENDPOINT: mns.service.url,
        MNS_ACCOUNT_ID: mns.service.accountId,
        UPDATES_QUEUE: queue,
        WEBHOOK_SECRET: SECRET,
      },
      logs.sink,
    ),
  );

beforeAll(async () => {
  mns = await startTestMnsService({ queues: [UPDATES_QUEUE] });
});

afterAll(async () => {
  await mns?.close();
});

async function post(handler: HttpHandler, commands: unknown) {
  const body = JSON.stringify(commands);
  const event = signedEvent({
    path: '/updates',
    method: 'POST',
    body,
    unixSeconds: Math.floor(Date.now() / 1000),
  });
  return readResponse(await handler(event, fakeContext({ credentials: { ...mns.service.credentials } })));
}

const queued = () => mns.service.queues.inspect(UPDATES_QUEUE).messages.visible;

describe('POST /updates against the local MNS service', () => {
  it('lands every valid command in UPDATES_QUEUE as its own message, and reports the invalid ones', async () => {
    const before = queued().length;
    const commands = Array.from({ length: 40 }, (_, i) => ({
      jobId: `job-${i}`,
      avatarDescription: `Ünïcode & <xml> ${i}`,
      idempotencyKey: `k-${i}`,
    }));
    const res = await post(handlerFor(UPDATES_QUEUE), [...commands, { jobId: 'job-x' }, { jobId: 'bad id' }]);
    expect(res.status).toBe(202);
    expect(res.json.accepted).toHaveLength(40);
    expect(res.json.rejected.map((r: { index: number }) => r.index)).toEqual([40, 41]);
    expect(res.json.failed).toEqual([]);

    const messages = queued().slice(before);
    expect(messages).toHaveLength(40);
    // Bodies travel base64-encoded, as the FC trigger (IsBase64Decode: true) expects.
    expect(messages.map((m) => JSON.parse(decodeBody(m.body)))).toEqual(commands);
    const ids = new Map(messages.map((m) => [m.messageId, JSON.parse(m.decodedBody!).jobId]));
    for (const { index, messageId } of res.json.accepted) expect(ids.get(messageId)).toBe(`job-${index}`);
  });

  it('answers 503 with every valid command in `failed` when the queue does not exist', async () => {
    const res = await post(handlerFor('no-such-queue'), [{ jobId: 'job-1', transparent: true }, {}]);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json).toMatchObject({
      error: { code: 'UpstreamUnavailable' },
      accepted: [],
      rejected: [{ index: 1 }],
      failed: [{ index: 0, error: { code: 'QueueError' } }],
    });
  });
});
