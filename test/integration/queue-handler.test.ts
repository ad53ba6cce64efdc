/**
 * The queue function end to end on loopback: the local MNS service feeds it through the EventBridge-like
 * poller, and it updates the local ICE service — through the real @alicloud clients.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeadLetter } from '../../functions/queue/dead-letter.js';
import { depsFromEnv } from '../../functions/queue/deps-from-env.js';
import { createHandler } from '../../functions/queue/handler.js';
import type { QueueDeps } from '../../functions/queue/process-batch.js';
import type { BatchSummary } from '../../functions/queue/summary.js';
import { createLogger } from '../../shared/logger.js';
import { createQueueClient, type QueueClient } from '../../shared/mns/index.js';
import { WatchRecord } from '../../shared/watch.js';
import { createEventBridgePoller } from '../helpers/eventbridge.js';
import { captureLogs, fakeContext } from '../helpers/fc.js';
import { startTestIceService, type TestIceService } from '../helpers/ice-service.js';
import { startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

const UPDATES = 'avatar-job-updates';
const DLQ = 'avatar-job-dead-letters';
const WATCH = 'avatar-job-watch';
const PORTRAIT = 'p'.repeat(32);

let ice: TestIceService;
let mns: TestMnsService;
let producer: QueueClient;
let logs: ReturnType<typeof captureLogs>;
let deps: QueueDeps;

const messagesIn = (queue: string) => {
  const { visible, inFlight, delayed } = mns.service.queues.inspect(queue).messages;
  return [...visible, ...inFlight, ...delayed].map((m) => JSON.parse(m.decodedBody ?? m.body) as unknown);
};
const pending = () => {
  const { inFlight, delayed } = mns.service.queues.inspect(UPDATES).messages;
  return inFlight.length + delayed.length;
};
const send = (...bodies: unknown[]) =>
  producer.send(
    UPDATES,
    bodies.map((b) => ({ body: JSON.stringify(b) })),
  );

beforeAll(async () => {
  ice = await startTestIceService();
  mns = await startTestMnsService({ queues: [UPDATES, DLQ, WATCH] });
  const credentials = async () => ({ ...mns.service.credentials });
  producer = createQueueClient({
    endpointUrl: mns.service.url,
    accountId: mns.service.accountId,
    resolveCredentials: credentials,
  });
});

afterAll(async () => {
  await Promise.all([ice?.close(), mns?.close()]);
});

beforeEach(() => {
  for (const queue of [UPDATES, DLQ, WATCH]) {
    mns.service.queues.delete(queue);
    mns.service.queues.create(queue);
  }
  ice.service.setFaults({});
  logs = captureLogs();
  const fromEnv = depsFromEnv({
    ICE_ENDPOINT: ice.service.url,
    MNS_ENDPOINT: mns.service.url,
    MNS_ACCOUNT_ID: mns.service.accountId,
    ICE_MAX_RPS: '500',
  });
  deps = { ...fromEnv, logger: createLogger({ level: 'info', sink: logs.sink }) };
});

function poller(batchSize = 16) {
  return createEventBridgePoller({
    queues: producer,
    queue: UPDATES,
    handler: createHandler(deps),
    batchSize,
    // Keys come from the invocation context, as on FC.
    context: () => fakeContext({ remainingMs: 30_000, credentials: { ...ice.service.credentials } }),
  });
}

describe('the queue function against the local ICE and MNS services', () => {
  it('applies coalesced updates, dead-letters the invalid and the refused, and enrols the applied jobs', async () => {
    const a = ice.service.jobs.create({ avatarName: 'a' }).JobId;
    const b = ice.service.jobs.create({ avatarName: 'b' }).JobId;
    const trained = ice.service.jobs.create({ avatarName: 't' }).JobId;
    ice.service.jobs.submit(trained);
    const missing = 'f'.repeat(32);
    await send(
      { jobId: a, avatarName: 'late', sentAt: '2025-01-15T08:00:09Z' },
      [
        { jobId: a, avatarName: 'early', avatarDescription: '描述 & <xml>', sentAt: '2025-01-15T08:00:01Z' },
        { jobId: b, portrait: PORTRAIT },
        { jobId: b, avatarName: 'much too long' },
      ],
      { jobId: missing, avatarName: 'ghost' },
      [
        { jobId: trained, transparent: true },
        { jobId: trained, avatarDescription: 'still fine' },
      ],
    );

    const delivery = await poller().pollOnce();

    expect(delivery?.ok).toBe(true);
    expect(delivery?.result).toEqual<BatchSummary>({
      received: 4,
      commands: 7,
      calls: 6, // a, b, missing, trained merged + trained replayed one by one
      applied: 4,
      deferred: 0,
      deadLettered: 3,
      durationMs: expect.any(Number),
    });
    expect(ice.service.jobs.get(a)).toMatchObject({ AvatarName: 'late', AvatarDescription: '描述 & <xml>' });
    expect(ice.service.jobs.get(b)).toMatchObject({ AvatarName: 'b', Portrait: PORTRAIT });
    expect(ice.service.jobs.get(trained)).toMatchObject({ AvatarDescription: 'still fine' });
    expect(ice.service.jobs.get(trained)?.Transparent).toBeUndefined();

    const letters = messagesIn(DLQ).map((d) => DeadLetter.parse(d));
    expect(letters.map((d) => [d.reason, d.error.code, d.command]).sort()).toEqual(
      [
        ['invalid', 'ValidationError', { jobId: b, avatarName: 'much too long' }],
        ['rejected', 'InvalidJobState', { jobId: trained, transparent: true }],
        ['rejected', 'JobNotFound', { jobId: missing, avatarName: 'ghost' }],
      ].sort(),
    );
    expect(letters.find((d) => d.error.code === 'JobNotFound')?.error.requestId).toMatch(/\S/);
    expect(letters.every((d) => d.messageId && d.attempts === 1)).toBe(true);

    const watched = messagesIn(WATCH).map((w) => WatchRecord.parse(w).jobId);
    expect(watched.sort()).toEqual([a, b, trained].sort());
    expect(messagesIn(UPDATES)).toEqual([]);
  });

  it('re-enqueues throttled updates with a delay and applies them on a later delivery', async () => {
    const a = ice.service.jobs.create({ avatarName: 'a' }).JobId;
    deps = { ...deps, settings: { ...deps.settings, retryDelaySeconds: () => 1 } };
    await send({ jobId: a, avatarName: 'v1', idempotencyKey: 'k1' }, { jobId: a, avatarDescription: 'd1' });
    ice.service.setFaults({ throttleRate: 1 });

    const first = await poller().pollOnce();
    expect(first?.result).toMatchObject({ calls: 1, applied: 0, deferred: 2 });
    const { delayed } = mns.service.queues.inspect(UPDATES).messages;
    expect(delayed.map((m) => JSON.parse(m.decodedBody ?? ''))).toEqual([
      [
        { jobId: a, avatarName: 'v1', idempotencyKey: 'k1', sentAt: expect.any(String), attempt: 2 },
        { jobId: a, avatarDescription: 'd1', sentAt: expect.any(String), attempt: 2 },
      ],
    ]);
    expect(
      logs
        .records()
        .filter((l) => l.level === 'warn')
        .map((l) => l.code),
    ).toEqual(['Throttled', 'Throttled']);

    ice.service.setFaults({});
    const stats = await poller().drain({ pending });
    expect(stats).toMatchObject({ invocations: 1, failedInvocations: 0 });
    expect(ice.service.jobs.get(a)).toMatchObject({ AvatarName: 'v1', AvatarDescription: 'd1' });
  });

  it('fails the invocation, and is redelivered, when the dead-letter queue is missing', async () => {
    mns.service.queues.delete(DLQ);
    await send({ jobId: 'no-such-job', avatarName: 'x' });
    const delivery = await poller().pollOnce();
    expect(delivery?.ok).toBe(false);
    expect(delivery?.error).toMatchObject({ code: 'QueueError' });
    expect(mns.service.queues.inspect(UPDATES).messages.inFlight).toHaveLength(1);
  });
});
