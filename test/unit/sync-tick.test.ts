import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/sync/handler.js';
import { createStatusPublisher } from '../../functions/sync/publish.js';
import { type StatusEvent, statusEventId } from '../../functions/sync/status-event.js';
import type { SyncDeps } from '../../functions/sync/tick.js';
import { createWebhookPublisher } from '../../functions/sync/webhook-publisher.js';
import {
  type AppError,
  JobNotFound,
  QueueError,
  Throttled,
  Timeout,
  Unauthorized,
} from '../../shared/errors.js';
import type { FcContext } from '../../shared/fc/context.js';
import type { IceClient, Job } from '../../shared/ice/index.js';
import { createIceThroughput } from '../../shared/ice-throughput.js';
import { createLogger } from '../../shared/logger.js';
import type { OutgoingMessage, QueueClient, ReceivedMessage, SendOutcome } from '../../shared/mns/index.js';
import { newWatchRecord, type WatchRecord } from '../../shared/watch.js';
import { captureLogs, fakeClock, timerEvent } from '../helpers/fc.js';

const WATCH = 'watch';
const STATUS = 'status';
const DAY = 86_400_000;
type Clock = ReturnType<typeof fakeClock>;

interface Stored {
  id: string;
  body: string;
  visibleAt: number;
  enqueueTime: number;
  handle?: string;
  dequeueCount: number;
}

/** An in-memory MNS: delays, visibility timeout, single-use receipt handles, all on the fake clock. */
class MemoryQueues implements QueueClient {
  readonly stored = new Map<string, Stored[]>();
  /** Replaces the next delete call (e.g. to simulate a crash right before it). */
  deleteHook?: () => Promise<never>;
  sendFailures = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly clock: Clock,
    private readonly visibilityMs = 60_000,
  ) {}

  private queue(name: string): Stored[] {
    const q = this.stored.get(name) ?? [];
    this.stored.set(name, q);
    return q;
  }

  async send(queue: string, messages: OutgoingMessage[]): Promise<SendOutcome[]> {
    const failures = this.sendFailures.get(queue) ?? 0;
    if (failures > 0) {
      this.sendFailures.set(queue, failures - 1);
      return messages.map((_, index) => ({ index, ok: false, error: QueueError('MNS is down') }));
    }
    return messages.map((m, index) => {
      const id = `msg-${++this.seq}`;
      const now = this.clock.now();
      this.queue(queue).push({
        id,
        body: m.body,
        visibleAt: now + (m.delaySeconds ?? 0) * 1000,
        enqueueTime: now,
        dequeueCount: 0,
      });
      return { index, ok: true, messageId: id };
    });
  }

  async receive(queue: string, max: number): Promise<ReceivedMessage[]> {
    const now = this.clock.now();
    return this.queue(queue)
      .filter((m) => m.visibleAt <= now)
      .slice(0, Math.min(max, 16))
      .map((m) => {
        m.handle = `rh-${++this.seq}`;
        m.visibleAt = now + this.visibilityMs;
        m.dequeueCount++;
        return {
          messageId: m.id,
          receiptHandle: m.handle,
          body: m.body,
          dequeueCount: m.dequeueCount,
          enqueueTime: m.enqueueTime,
          nextVisibleTime: m.visibleAt,
        };
      });
  }

  async delete(queue: string, handles: string[]): Promise<{ receiptHandle: string; error: AppError }[]> {
    const hook = this.deleteHook;
    this.deleteHook = undefined;
    if (hook) await hook();
    const q = this.queue(queue);
    const now = this.clock.now();
    const failures: { receiptHandle: string; error: AppError }[] = [];
    for (const handle of handles) {
      const index = q.findIndex((m) => m.handle === handle && m.visibleAt > now);
      if (index === -1) failures.push({ receiptHandle: handle, error: QueueError('MessageNotExist') });
      else q.splice(index, 1);
    }
    return failures;
  }

  bodies<T>(queue: string): T[] {
    return this.queue(queue).map((m) => JSON.parse(m.body) as T);
  }

  takeEvents(): StatusEvent[] {
    const events = this.bodies<StatusEvent>(STATUS);
    this.stored.set(STATUS, []);
    return events;
  }
}

/** ICE as a map of jobs; `failures` makes a job's Get throw; each Get takes `getMs` of the clock. */
class MemoryIce implements Pick<IceClient, 'getJob' | 'listJobs'> {
  readonly jobs = new Map<string, Job>();
  readonly failures = new Map<string, () => Error>();
  gets: string[] = [];
  getMs = 0;

  constructor(private readonly clock: Clock) {}

  set(jobId: string, status: string, fields: Partial<Job> = {}): void {
    this.jobs.set(jobId, { jobId, status, message: `${status} message`, ...fields });
  }

  async getJob(jobId: string, options?: { deadline?: number }) {
    // Like the real client: no attempt starts after the deadline.
    if (options?.deadline !== undefined && this.clock.now() >= options.deadline)
      throw Timeout('no time left');
    this.gets.push(jobId);
    this.clock.advance(this.getMs);
    const failure = this.failures.get(jobId);
    if (failure) throw failure();
    const job = this.jobs.get(jobId);
    if (!job) throw JobNotFound(`no job ${jobId}`);
    return { job: { ...job }, requestId: 'r' };
  }

  async listJobs(input: { status?: string; pageNo?: number; pageSize?: number } = {}) {
    const pageNo = input.pageNo ?? 1;
    const pageSize = input.pageSize ?? 10;
    const all = [...this.jobs.values()].filter((j) => j.status === input.status);
    const jobs = all.slice((pageNo - 1) * pageSize, pageNo * pageSize).map((j) => ({ ...j }));
    return { jobs, totalCount: all.length, pageNo, pageSize, requestId: 'r' };
  }
}

function setUp(options: { visibilityMs?: number; fetch?: typeof fetch; initMaxDays?: number } = {}) {
  const clock = fakeClock();
  const logs = captureLogs();
  const logger = createLogger({ sink: logs.sink, now: clock.now });
  const queues = new MemoryQueues(clock, options.visibilityMs);
  const ice = new MemoryIce(clock);
  const webhook = options.fetch
    ? createWebhookPublisher({
        url: 'https://hooks.example.com/status',
        secret: 's1',
        logger,
        fetch: options.fetch,
        clock,
        random: () => 0,
      })
    : undefined;
  const deps: SyncDeps = {
    ice,
    queues,
    throughput: createIceThroughput({ maxRps: 1000, concurrency: 4, clock }),
    publisher: createStatusPublisher({ queues, queue: STATUS, webhook, logger }),
    logger,
    clock,
    watchQueue: WATCH,
    initMaxDays: options.initMaxDays ?? 7,
  };
  const handler = createHandler(deps);
  /** One timer invocation with `budgetMs` to run; then the clock moves on to the next tick. */
  const tick = async (payload: unknown = '', budgetMs = 60_000) => {
    const context: FcContext = {
      requestId: 'req',
      credentials: {},
      getRemainingTimeInMillis: () => budgetMs,
    };
    const summary = await handler(timerEvent(payload), context);
    clock.advance(5 * 60_000);
    return summary;
  };
  const enrol = (jobId: string) =>
    queues.send(WATCH, [{ body: JSON.stringify(newWatchRecord(jobId, clock.now())) }]);
  const summaries = () => logs.records().filter((r) => r.message === 'status sync tick');
  return { clock, logs, queues, ice, tick, enrol, summaries, deps };
}

const T1 = '2025-01-15T08:00:00Z';
const T2 = '2025-01-15T09:00:00Z';

describe('a status sync tick', () => {
  it('publishes a job enrolled mid-flight with previousStatus null and keeps watching it', async () => {
    const { queues, ice, tick, enrol, clock } = setUp();
    ice.set('job-1', 'Training', { lastTrainingTime: T1, avatarId: undefined });
    await enrol('job-1');

    const summary = await tick();

    const [event, ...more] = queues.takeEvents();
    expect(more).toEqual([]);
    expect(event).toEqual({
      type: 'avatar.training.status',
      eventId: statusEventId('job-1', 'Training', T1),
      jobId: 'job-1',
      avatarId: null,
      status: 'Training',
      previousStatus: null,
      message: 'Training message',
      lastTrainingTime: T1,
      observedAt: new Date(clock.now() - 5 * 60_000).toISOString(),
    });
    expect(queues.bodies<WatchRecord>(WATCH)).toEqual([
      { jobId: 'job-1', status: 'Training', lastTrainingTime: T1, watchedSince: expect.any(String) },
    ]);
    expect(summary).toMatchObject({
      watched: 1,
      checked: 1,
      changed: 1,
      published: 1,
      dropped: 0,
      deferred: 0,
    });
  });

  it('writes the new record with a delay that hides it until this tick has stopped receiving', async () => {
    const { queues, ice, tick, enrol, clock } = setUp();
    ice.set('job-1', 'Queuing');
    await enrol('job-1');
    const start = clock.now();
    await tick('', 30_000);
    const [record] = queues.stored.get(WATCH) ?? [];
    expect(record?.dequeueCount).toBe(0);
    // A 30 s budget stops receiving 5.5 s before its end (finish reserve + safety margin).
    expect(record?.visibleAt).toBeGreaterThan(start + 24_500);
    expect(record?.visibleAt).toBeLessThanOrEqual(start + 30_000);
  });

  it('publishes nothing for a job still in Init but keeps watching it', async () => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('job-1', 'Init');
    await enrol('job-1');
    expect(await tick()).toMatchObject({ changed: 0, dropped: 0 });
    expect(queues.takeEvents()).toEqual([]);
    expect(queues.bodies<WatchRecord>(WATCH)).toMatchObject([{ jobId: 'job-1', status: 'Init' }]);
  });

  it('follows a job Init → Queuing → Training → Success with one event per change, then stops watching', async () => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('job-1', 'Init');
    await enrol('job-1');
    const seen: [string, string | null][] = [];
    for (const [status, lastTrainingTime] of [
      ['Init', undefined],
      ['Queuing', T1],
      ['Queuing', T1],
      ['Training', T1],
      ['Success', T1],
      ['Success', T1],
    ] as const) {
      ice.set('job-1', status, { lastTrainingTime, avatarId: status === 'Success' ? 'Avatar-1' : undefined });
      await tick();
      for (const e of queues.takeEvents()) seen.push([e.status, e.previousStatus]);
    }
    expect(seen).toEqual([
      ['Queuing', 'Init'],
      ['Training', 'Queuing'],
      ['Success', 'Training'],
    ]);
    expect(queues.bodies(WATCH)).toEqual([]);
    expect(ice.gets).toHaveLength(5);
  });

  it('announces a retraining after Fail as a change of lastTrainingTime', async () => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('job-1', 'Training', { lastTrainingTime: T1 });
    await enrol('job-1');
    await tick();
    ice.set('job-1', 'Fail', { lastTrainingTime: T1 });
    await tick();
    expect(queues.bodies(WATCH)).toEqual([]);
    ice.set('job-1', 'Queuing', { lastTrainingTime: T2 });
    await enrol('job-1');
    await tick();
    expect(queues.takeEvents().map((e) => [e.status, e.lastTrainingTime])).toEqual([
      ['Training', T1],
      ['Fail', T1],
      ['Queuing', T2],
    ]);
  });

  it('merges duplicate records of one job: one Get, one event, one record left', async () => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('job-1', 'Queuing', { lastTrainingTime: T1 });
    await enrol('job-1');
    await enrol('job-1');
    await enrol('job-1');
    await tick();
    expect(ice.gets).toEqual(['job-1']);
    expect(queues.takeEvents()).toHaveLength(1);
    expect(queues.bodies(WATCH)).toHaveLength(1);
  });

  describe('when copies of one job land in different batches', () => {
    async function enrolTwentyThenAgain(setup: ReturnType<typeof setUp>, status: string) {
      for (let i = 0; i < 20; i++) {
        setup.ice.set(`job-${i}`, status, { lastTrainingTime: T1 });
        await setup.enrol(`job-${i}`);
      }
      await setup.enrol('job-0');
    }

    it('deletes the later copy of a job this tick already wrote a new record for', async () => {
      const setup = setUp();
      await enrolTwentyThenAgain(setup, 'Training');
      expect(await setup.tick()).toMatchObject({ watched: 20, changed: 20 });
      expect(setup.ice.gets.filter((id) => id === 'job-0')).toHaveLength(1);
      expect(setup.queues.bodies(WATCH)).toHaveLength(20);
    });

    it('looks again at a job dropped earlier this tick, without announcing the same state twice', async () => {
      const setup = setUp();
      await enrolTwentyThenAgain(setup, 'Success');
      expect(await setup.tick()).toMatchObject({ changed: 20, dropped: 20 });
      expect(setup.ice.gets.filter((id) => id === 'job-0')).toHaveLength(2);
      expect(setup.queues.takeEvents().filter((e) => e.jobId === 'job-0')).toHaveLength(1);
      expect(setup.queues.bodies(WATCH)).toEqual([]);
    });
  });

  it('drops a job ICE no longer knows, with a log line', async () => {
    const { queues, tick, enrol, logs } = setUp();
    await enrol('gone-job');
    expect(await tick()).toMatchObject({ dropped: 1, changed: 0 });
    expect(queues.bodies(WATCH)).toEqual([]);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ message: 'job left the watch set', jobId: 'gone-job', reason: 'not-found' }),
    );
  });

  it('drops a job left in Init for longer than WATCH_INIT_MAX_DAYS, with a log line', async () => {
    const { queues, ice, tick, enrol, clock, logs } = setUp({ initMaxDays: 2 });
    ice.set('job-1', 'Init');
    await enrol('job-1');
    await tick();
    clock.advance(2 * DAY);
    expect(await tick()).toMatchObject({ dropped: 1 });
    expect(queues.bodies(WATCH)).toEqual([]);
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ message: 'job left the watch set', jobId: 'job-1', reason: 'init-expired' }),
    );
  });

  it('counts Init age from the latest enrolment, so an update restarts it', async () => {
    const { queues, ice, tick, enrol, clock } = setUp({ initMaxDays: 2 });
    ice.set('job-1', 'Init');
    await enrol('job-1');
    await tick();
    clock.advance(1.5 * DAY);
    await enrol('job-1');
    clock.advance(1 * DAY);
    expect(await tick()).toMatchObject({ dropped: 0 });
    expect(queues.bodies<WatchRecord>(WATCH)).toMatchObject([{ jobId: 'job-1', status: 'Init' }]);
  });

  it.each([
    ['a retryable', () => Throttled('slow down')],
    ['a non-retryable', () => Unauthorized('bad keys')],
  ])('keeps the record of a job whose Get fails with %s error and publishes nothing', async (_, failure) => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('job-1', 'Training', { lastTrainingTime: T1 });
    await enrol('job-1');
    ice.failures.set('job-1', failure);
    expect(await tick()).toMatchObject({ deferred: 1, changed: 0, dropped: 0 });
    expect(queues.bodies<WatchRecord>(WATCH)).toMatchObject([{ jobId: 'job-1', status: null }]);
    ice.failures.clear();
    await tick();
    expect(queues.takeEvents().map((e) => e.status)).toEqual(['Training']);
  });

  it('keeps the old record when the event cannot be published, and publishes it the next tick', async () => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('job-1', 'Success', { lastTrainingTime: T1 });
    await enrol('job-1');
    queues.sendFailures.set(STATUS, 1);
    expect(await tick()).toMatchObject({ changed: 1, published: 0, deferred: 1, dropped: 0 });
    expect(queues.bodies(WATCH)).toHaveLength(1);
    expect(await tick()).toMatchObject({ published: 1, dropped: 1 });
    expect(queues.takeEvents().map((e) => e.status)).toEqual(['Success']);
    expect(queues.bodies(WATCH)).toEqual([]);
  });

  it('keeps the old record when the new one cannot be written back', async () => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('job-1', 'Queuing', { lastTrainingTime: T1 });
    await enrol('job-1');
    queues.sendFailures.set(WATCH, 1);
    expect(await tick()).toMatchObject({ published: 1, deferred: 1 });
    expect(queues.bodies<WatchRecord>(WATCH)).toMatchObject([{ jobId: 'job-1', status: null }]);
  });

  it('after a crash between publish and delete, yields only a same-eventId duplicate and misses nothing', async () => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('job-1', 'Queuing', { lastTrainingTime: T1 });
    ice.set('job-2', 'Queuing', { lastTrainingTime: T1 });
    await enrol('job-1');
    await enrol('job-2');
    await tick();
    ice.set('job-1', 'Training', { lastTrainingTime: T1 });
    queues.deleteHook = () => Promise.reject(new Error('instance crashed'));
    await tick();
    expect(queues.bodies(WATCH)).toHaveLength(4);
    ice.set('job-2', 'Training', { lastTrainingTime: T1 });
    await tick();
    ice.set('job-1', 'Success', { lastTrainingTime: T1 });
    ice.set('job-2', 'Success', { lastTrainingTime: T1 });
    await tick();

    const events = queues.takeEvents();
    const byJob = (jobId: string) => events.filter((e) => e.jobId === jobId).map((e) => e.status);
    expect(byJob('job-1')).toEqual(['Queuing', 'Training', 'Success']);
    expect(byJob('job-2')).toEqual(['Queuing', 'Training', 'Success']);
    const ids = new Map(events.map((e) => [e.eventId, `${e.jobId}/${e.status}/${e.lastTrainingTime}`]));
    expect(new Set(ids.values()).size).toBe(ids.size);
    expect(queues.bodies(WATCH)).toEqual([]);
  });

  it('deletes a message that is not a watch record, naming what is wrong', async () => {
    const { queues, tick, logs } = setUp();
    await queues.send(WATCH, [{ body: '{"jobId":"x y"}' }]);
    expect(await tick()).toMatchObject({ invalid: 1, watched: 0 });
    expect(queues.bodies(WATCH)).toEqual([]);
    const error = logs.records().find((r) => r.level === 'error');
    expect(error).toMatchObject({ message: 'deleted a watch message that is not a watch record' });
    expect(error?.issues).toContainEqual(expect.objectContaining({ path: 'jobId' }));
  });

  it('discovers in-flight jobs nobody watched, from the list alone, without re-adding watched ones', async () => {
    const { queues, ice, tick, enrol } = setUp();
    ice.set('watched', 'Training', { lastTrainingTime: T1 });
    ice.set('new-q', 'Queuing', { lastTrainingTime: T1 });
    ice.set('new-t', 'Training', { lastTrainingTime: T1 });
    ice.set('idle', 'Init');
    ice.set('done', 'Success', { lastTrainingTime: T1 });
    await enrol('watched');

    expect(await tick()).toMatchObject({ watched: 3, discovered: 2, checked: 3, changed: 3 });
    expect(ice.gets).toEqual(['watched']);
    expect(queues.takeEvents().map((e) => [e.jobId, e.status, e.previousStatus])).toEqual([
      ['watched', 'Training', null],
      ['new-q', 'Queuing', null],
      ['new-t', 'Training', null],
    ]);
    expect(
      queues
        .bodies<WatchRecord>(WATCH)
        .map((r) => r.jobId)
        .sort(),
    ).toEqual(['new-q', 'new-t', 'watched']);

    expect(await tick()).toMatchObject({ watched: 3, discovered: 0, changed: 0 });
  });

  it('reads discovery statuses and maxJobs from the timer payload', async () => {
    const { queues, ice, tick } = setUp();
    ice.set('q', 'Queuing');
    ice.set('t1', 'Training');
    ice.set('t2', 'Training');
    expect(await tick({ statuses: ['Training'], maxJobs: 1 })).toMatchObject({ discovered: 1 });
    expect(queues.takeEvents().map((e) => e.jobId)).toEqual(['t1']);
  });

  it('adds no discovered job while part of the watch set is still undrained', async () => {
    const { queues, ice, tick, enrol } = setUp();
    for (const id of ['a', 'b', 'c']) {
      ice.set(id, 'Training');
      await enrol(id);
    }
    const summary = await tick({ maxJobs: 2 });
    expect(summary).toMatchObject({ watched: 2, discovered: 0 });
    expect(queues.bodies(WATCH)).toHaveLength(3);
  });

  it('stops at the deadline and leaves undrained and unlooked-up records for the next tick', async () => {
    const { queues, ice, tick, enrol, clock, summaries } = setUp();
    const ids = Array.from({ length: 40 }, (_, i) => `job-${i}`);
    for (const id of ids) {
      ice.set(id, 'Training', { lastTrainingTime: T1 });
      await enrol(id);
    }
    ice.getMs = 1_000;
    const start = clock.now();
    const first = await tick({ statuses: ['Init'] }, 20_000);
    const end = start + (first.durationMs as number);
    expect(end).toBeLessThanOrEqual(start + 20_000);
    expect(first.published).toBeGreaterThan(0);
    expect(first.published).toBeLessThan(40);
    expect(queues.bodies(WATCH)).toHaveLength(40);

    // Left-over records come back once their visibility expires; a long enough tick then finishes them.
    clock.advance(60_000);
    ice.getMs = 0;
    await tick({ statuses: ['Init'] });
    const published = new Set(queues.takeEvents().map((e) => e.jobId));
    expect([...published].sort()).toEqual([...ids].sort());
    expect(summaries()).toHaveLength(2);
  });

  it('does not handle a record twice when its visibility runs out during the tick', async () => {
    const { queues, ice, tick, enrol } = setUp({ visibilityMs: 1_000 });
    ice.set('slow', 'Training', { lastTrainingTime: T1 });
    ice.set('other', 'Training', { lastTrainingTime: T1 });
    await enrol('slow');
    ice.getMs = 3_000;
    const summary = await tick('', 60_000);
    expect(summary).toMatchObject({ checked: 2, changed: 2 });
    expect(ice.gets.filter((id) => id === 'slow')).toHaveLength(1);
    expect(queues.takeEvents().filter((e) => e.jobId === 'slow')).toHaveLength(1);
    // The expired handle could not be deleted: both copies remain and the next tick merges them.
    expect(queues.bodies<WatchRecord>(WATCH).filter((r) => r.jobId === 'slow')).toHaveLength(2);
    ice.getMs = 0;
    await tick();
    expect(queues.takeEvents()).toEqual([]);
    expect(
      queues
        .bodies<WatchRecord>(WATCH)
        .map((r) => r.jobId)
        .sort(),
    ).toEqual(['other', 'slow']);
  });

  it('ends with one summary log line carrying every counter', async () => {
    const { ice, tick, enrol, summaries } = setUp();
    ice.set('job-1', 'Queuing');
    await enrol('job-1');
    await tick();
    expect(summaries()).toEqual([
      expect.objectContaining({
        level: 'info',
        requestId: 'req',
        watched: 1,
        discovered: 0,
        checked: 1,
        changed: 1,
        published: 1,
        dropped: 0,
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it('logs a bad timer payload as an error and still runs with the defaults', async () => {
    const { ice, tick, logs } = setUp();
    ice.set('job-1', 'Queuing');
    expect(await tick({ maxJobs: -1 })).toMatchObject({ discovered: 1 });
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ level: 'error', issues: [expect.objectContaining({ path: 'maxJobs' })] }),
    );
  });
});

describe('a status sync tick with a webhook', () => {
  it('pushes each event to the webhook as well as the status queue', async () => {
    const bodies: string[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      bodies.push(String(init.body));
      return new Response(null, { status: 204 });
    }) as unknown as typeof globalThis.fetch;
    const { queues, ice, tick, enrol } = setUp({ fetch });
    ice.set('job-1', 'Training', { lastTrainingTime: T1 });
    await enrol('job-1');
    await tick();
    expect(bodies.map((b) => JSON.parse(b))).toEqual(queues.takeEvents());
  });

  it('keeps the old record while the webhook is failing, and pushes the change again later', async () => {
    let up = false;
    const fetch = (async () =>
      new Response(null, { status: up ? 200 : 503 })) as unknown as typeof globalThis.fetch;
    const { queues, ice, tick, enrol } = setUp({ fetch });
    ice.set('job-1', 'Success', { lastTrainingTime: T1 });
    await enrol('job-1');
    expect(await tick()).toMatchObject({ published: 0, deferred: 1 });
    up = true;
    expect(await tick()).toMatchObject({ published: 1, dropped: 1 });
    const events = queues.takeEvents();
    expect(events).toHaveLength(2);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(1);
  });

  it('does not block a job on a webhook that refuses its event for good', async () => {
    const fetch = (async () => new Response(null, { status: 400 })) as unknown as typeof globalThis.fetch;
    const { queues, ice, tick, enrol, logs } = setUp({ fetch });
    ice.set('job-1', 'Success', { lastTrainingTime: T1 });
    await enrol('job-1');
    expect(await tick()).toMatchObject({ published: 1, dropped: 1 });
    expect(queues.bodies(WATCH)).toEqual([]);
    expect(logs.records()).toContainEqual(expect.objectContaining({ level: 'error', jobId: 'job-1' }));
  });
});
