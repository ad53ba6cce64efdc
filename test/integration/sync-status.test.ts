/**
 * The status sync against the local ICE and MNS services through the REAL clients (@alicloud/openapi-client
 * and @alicloud/mns over loopback). One fake clock drives everything: the jobs' lifecycle in ICE, message
 * delays and visibility in MNS, and the sync's own deadline, pacing and backoff.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler, type SyncHandler } from '../../functions/sync/handler.js';
import { createStatusPublisher } from '../../functions/sync/publish.js';
import type { StatusEvent } from '../../functions/sync/status-event.js';
import type { SyncDeps } from '../../functions/sync/tick.js';
import { createWebhookPublisher } from '../../functions/sync/webhook-publisher.js';
import type { FcContext } from '../../shared/fc/context.js';
import { iceClientFromConfig } from '../../shared/ice/index.js';
import { createIceThroughput } from '../../shared/ice-throughput.js';
import { createLogger } from '../../shared/logger.js';
import { createQueueClient, type QueueClient } from '../../shared/mns/index.js';
import { enrolWatch, type WatchRecord } from '../../shared/watch.js';
import { verifySignature } from '../../shared/webhook-signature.js';
import { captureLogs, fakeClock, timerEvent } from '../helpers/fc.js';
import { startTestIceService, type TestIceService } from '../helpers/ice-service.js';
import { startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

const WATCH = 'sync-watch';
const STATUS = 'sync-status';
const MINUTE = 60_000;
const QUEUING_MS = 4 * MINUTE;
const TRAINING_MS = 8 * MINUTE;
/** Ticks run this far apart, so every phase is seen at least once. */
const TICK_EVERY = 2 * MINUTE;
const WEBHOOK_SECRET = 'status-hook-secret';

/** A seeded generator, so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

let clock: ReturnType<typeof fakeClock>;
let ice: TestIceService;
let mns: TestMnsService;
let queues: QueueClient;
let logs: ReturnType<typeof captureLogs>;
const seenEvents = new Set<string>();

beforeEach(async () => {
  seenEvents.clear();
  clock = fakeClock(Date.now());
  logs = captureLogs();
  ice = await startTestIceService({
    now: clock.now,
    random: lcg(7),
    queuingMs: QUEUING_MS,
    trainingMs: TRAINING_MS,
    // The client signs with the wall clock; the service runs on the fake one.
    skewMs: 30 * 24 * 60 * MINUTE,
  });
  mns = await startTestMnsService({ now: clock.now, queues: [WATCH, STATUS] });
  queues = createQueueClient({
    endpointUrl: mns.service.url,
    accountId: mns.service.accountId,
    resolveCredentials: async () => mns.service.credentials,
  });
});

afterEach(async () => {
  await Promise.all([ice?.close(), mns?.close()]);
});

function syncHandler(
  wrap: (real: QueueClient) => QueueClient = (real) => real,
  webhookUrl?: string,
): SyncHandler {
  const logger = createLogger({ sink: logs.sink, now: clock.now });
  const webhook = webhookUrl
    ? createWebhookPublisher({ url: webhookUrl, secret: WEBHOOK_SECRET, logger, clock })
    : undefined;
  const throughput = createIceThroughput({ maxRps: 20, concurrency: 4, clock });
  const iceClient = iceClientFromConfig(
    { ICE_ENDPOINT: ice.service.url, ICE_REGION: 'cn-shanghai', ICE_TIMEOUT_MS: 5_000 },
    { logger, clock, pacer: throughput.pacer, resolveCredentials: async () => ice.service.credentials },
  );
  const wrapped = wrap(queues);
  const deps: SyncDeps = {
    ice: iceClient,
    queues: wrapped,
    throughput,
    publisher: createStatusPublisher({ queues: wrapped, queue: STATUS, webhook, logger }),
    logger,
    clock,
    watchQueue: WATCH,
    initMaxDays: 7,
    receiveWaitSeconds: 0,
  };
  return createHandler(deps);
}

const context = (): FcContext => ({
  requestId: 'req',
  credentials: {},
  getRemainingTimeInMillis: () => MINUTE,
});

/** Moves every clock on, letting MNS release delayed messages and expired in-flight ones. */
function advance(ms: number): void {
  clock.advance(ms);
  mns.service.tick();
}

function enrol(jobIds: string[]) {
  return enrolWatch(
    { queues, queue: WATCH, logger: createLogger({ sink: () => {} }), now: clock.now },
    jobIds,
  );
}

/** Status events published since the last call, read without consuming them. */
function newEvents(): StatusEvent[] {
  const snapshot = mns.service.queues.inspect(STATUS);
  const all = Object.values(snapshot.messages).flat();
  const fresh = all.filter((m) => !seenEvents.has(m.messageId));
  for (const m of fresh) seenEvents.add(m.messageId);
  return fresh.map((m) => JSON.parse(m.decodedBody ?? m.body) as StatusEvent);
}

/** Every watch record in the queue, whatever its state (visible, in flight, delayed). */
function watchRecords(): WatchRecord[] {
  const snapshot = mns.service.queues.inspect(WATCH);
  return Object.values(snapshot.messages)
    .flat()
    .map((m) => JSON.parse(m.decodedBody ?? m.body) as WatchRecord);
}

/** Events per job as `status<-previousStatus`, after dropping duplicates by eventId. */
function timeline(events: StatusEvent[]): Map<string, string[]> {
  const byJob = new Map<string, string[]>();
  const ids = new Set<string>();
  for (const e of events) {
    if (ids.has(e.eventId)) continue;
    ids.add(e.eventId);
    byJob.set(e.jobId, [...(byJob.get(e.jobId) ?? []), `${e.status}<-${e.previousStatus}`]);
  }
  return byJob;
}

/** Same eventId always means the same (job, status, lastTrainingTime). */
function expectConsistentIds(events: StatusEvent[]): void {
  const meaning = new Map<string, string>();
  for (const e of events) {
    const what = `${e.jobId}/${e.status}/${e.lastTrainingTime}`;
    expect(meaning.get(e.eventId) ?? what).toBe(what);
    meaning.set(e.eventId, what);
  }
}

describe('the status sync against the local ICE and MNS', () => {
  it('follows jobs Init → Queuing → Training → Success and → Fail, publishing exactly each change', async () => {
    const handler = syncHandler();
    const ok = ice.service.jobs.create({ avatarName: 'ok' }).JobId;
    const bad = ice.service.jobs.create({ avatarName: 'bad' }).JobId;
    ice.service.jobs.setOutcome(bad, 'Fail');
    await enrol([ok, bad]);

    const perTick: string[][] = [];
    const tick = async () => {
      await handler(timerEvent(''), context());
      perTick.push(
        newEvents().map((e) => `${e.jobId === ok ? 'ok' : 'bad'}:${e.status}<-${e.previousStatus}`),
      );
      advance(TICK_EVERY);
    };

    await tick();
    ice.service.jobs.submit(ok);
    ice.service.jobs.submit(bad);
    for (let i = 0; i < 8; i++) await tick();

    expect(perTick.filter((events) => events.length > 0)).toEqual([
      ['ok:Queuing<-Init', 'bad:Queuing<-Init'],
      ['ok:Training<-Queuing', 'bad:Training<-Queuing'],
      ['ok:Success<-Training', 'bad:Fail<-Training'],
    ]);
    expect(perTick[0]).toEqual([]);
    expect(watchRecords()).toEqual([]);
    const summaries = logs.records().filter((r) => r.message === 'status sync tick');
    expect(summaries).toHaveLength(9);
  });

  it('announces where a job already is when it is enrolled mid-flight, with the ICE fields', async () => {
    const handler = syncHandler();
    const [jobId] = ice.service.jobs.seed(3).slice(2); // the third seeded job is Training
    await enrol([jobId as string]);
    await handler(timerEvent(''), context());
    const [event, ...rest] = newEvents();
    expect(rest).toEqual([]);
    const job = ice.service.jobs.get(jobId as string);
    expect(event).toMatchObject({
      type: 'avatar.training.status',
      jobId,
      status: 'Training',
      previousStatus: null,
      message: job?.Message,
      lastTrainingTime: job?.LastTrainingTime,
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('discovers in-flight jobs nobody enrolled and follows them to the end', async () => {
    const handler = syncHandler();
    const jobId = ice.service.jobs.create({ avatarName: 'stray' }).JobId;
    ice.service.jobs.submit(jobId);
    for (let i = 0; i < 8; i++) {
      await handler(timerEvent(''), context());
      advance(TICK_EVERY);
    }
    expect(timeline(newEvents()).get(jobId)).toEqual([
      'Queuing<-null',
      'Training<-Queuing',
      'Success<-Training',
    ]);
    expect(watchRecords()).toEqual([]);
  });

  it('after a crash between publish and delete, only same-eventId duplicates appear and no change is missed', async () => {
    let armed = false;
    let reached: () => void = () => {};
    const crashed = new Promise<void>((resolve) => {
      reached = resolve;
    });
    // The invocation dies inside the delete: nothing after it runs, nothing is deleted.
    const crashing = syncHandler((real) => ({
      ...real,
      delete: (queue, handles, options) => {
        if (!armed) return real.delete(queue, handles, options);
        reached();
        return new Promise(() => {});
      },
    }));
    const handler = syncHandler();
    const jobIds = ['a', 'b', 'c'].map((name) => ice.service.jobs.create({ avatarName: name }).JobId);
    await enrol(jobIds);
    for (const id of jobIds) ice.service.jobs.submit(id);

    await handler(timerEvent(''), context());
    const before = newEvents();
    advance(QUEUING_MS + MINUTE);
    armed = true;
    void crashing(timerEvent(''), context());
    await crashed;
    const atCrash = newEvents();
    expect(atCrash.map((e) => e.status)).toEqual(['Training', 'Training', 'Training']);

    // The crashed invocation held its records in flight; they come back when their visibility ends.
    advance(TICK_EVERY);
    for (let i = 0; i < 8; i++) {
      await handler(timerEvent(''), context());
      advance(TICK_EVERY);
    }
    const events = [...before, ...atCrash, ...newEvents()];
    expectConsistentIds(events);
    const lines = timeline(events);
    for (const id of jobIds) {
      expect(lines.get(id)).toEqual(['Queuing<-null', 'Training<-Queuing', 'Success<-Training']);
    }
    expect(watchRecords()).toEqual([]);
  });

  it('misses no change and never loses a non-terminal job while ICE calls fail', async () => {
    const handler = syncHandler();
    const jobIds = Array.from(
      { length: 8 },
      (_, i) => ice.service.jobs.create({ avatarName: `j${i}` }).JobId,
    );
    for (const id of jobIds.slice(0, 3)) ice.service.jobs.setOutcome(id, 'Fail');
    await enrol(jobIds);
    await handler(timerEvent(''), context());
    for (const id of jobIds) ice.service.jobs.submit(id);
    ice.service.setFaults({ throttleRate: 0.15, errorRate: 0.1, unavailableRate: 0.1, dropRate: 0.05 });

    const finished = new Set<string>();
    // One tick a minute: each phase spans several ticks, so a job whose Gets all fail in one tick is
    // still seen in that phase by a later one.
    for (let i = 0; i < 14; i++) {
      advance(MINUTE);
      await handler(timerEvent(''), context());
      for (const e of newEvents()) if (e.status === 'Success' || e.status === 'Fail') finished.add(e.jobId);
      const watched = new Set(watchRecords().map((r) => r.jobId));
      // Every job not yet announced as finished is still in the watch set.
      for (const id of jobIds) if (!finished.has(id)) expect(watched).toContain(id);
    }
    // The faults got through the client's own retries: some jobs had to wait for a later tick.
    const deferred = logs
      .records()
      .filter((r) => r.message === 'status sync tick')
      .reduce((sum, r) => sum + (r.deferred as number), 0);
    expect(deferred).toBeGreaterThan(0);

    ice.service.setFaults({});
    advance(TICK_EVERY);
    await handler(timerEvent(''), context());
    const events = mns.service.queues.inspect(STATUS);
    const all = Object.values(events.messages)
      .flat()
      .map((m) => JSON.parse(m.decodedBody ?? m.body) as StatusEvent);
    expectConsistentIds(all);
    const lines = timeline(all);
    for (const [i, id] of jobIds.entries()) {
      expect(lines.get(id)).toEqual([
        'Queuing<-Init',
        'Training<-Queuing',
        i < 3 ? 'Fail<-Training' : 'Success<-Training',
      ]);
    }
    expect(watchRecords()).toEqual([]);
  });

  it('pushes every event, signed, to a webhook that fails at first, as well as to the status queue', async () => {
    const received: { body: string; check: ReturnType<typeof verifySignature> }[] = [];
    let requests = 0;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (++requests === 1) {
          response.writeHead(503).end();
          return;
        }
        const header = request.headers['x-signature'] as string | undefined;
        received.push({ body, check: verifySignature(header, body, [WEBHOOK_SECRET], clock.now() / 1000) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const handler = syncHandler(undefined, `http://127.0.0.1:${port}/hooks/status`);
      const jobId = ice.service.jobs.create({ avatarName: 'hooked' }).JobId;
      await enrol([jobId]);
      ice.service.jobs.submit(jobId);
      for (let i = 0; i < 8; i++) {
        await handler(timerEvent(''), context());
        advance(TICK_EVERY);
      }
      const queued = newEvents();
      expect(queued.map((e) => e.status)).toEqual(['Queuing', 'Training', 'Success']);
      expect(received.map((r) => r.check)).toEqual(queued.map(() => ({ ok: true })));
      expect(received.map((r) => JSON.parse(r.body))).toEqual(queued);
      expect(requests).toBe(4);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
