/**
 * One status-sync tick: discover in-flight jobs, drain the watch set batch by batch (look up, publish,
 * write back, delete), then add the discovered jobs nobody watched yet.
 *
 * Ordering guarantees, per job: an event is published before the record that remembers it is written, and
 * that record is written (delayed, so this tick never reads it) before the old ones are deleted. A crash or
 * a failed step anywhere leaves the old record in the queue: the next tick sees the change again and
 * re-publishes it with the same eventId. Duplicates are possible; a lost change or a lost job is not.
 */
import type { Clock } from '../../shared/clock.js';
import type { CredentialsCarrier } from '../../shared/credentials.js';
import { Timeout } from '../../shared/errors.js';
import type { IceClient } from '../../shared/ice/index.js';
import type { IceThroughput } from '../../shared/ice-throughput.js';
import type { Logger } from '../../shared/logger.js';
import type { QueueClient, ReceivedMessage } from '../../shared/mns/index.js';
import { newWatchRecord } from '../../shared/watch.js';
import { statusChange, type WatchState } from './diff.js';
import { discoverJobs } from './discover.js';
import { drainWatchQueue } from './drain.js';
import { type Fate, keepOrDrop } from './keep-or-drop.js';
import { type LookUp, lookUpJob } from './look-up.js';
import type { StatusPublisher } from './publish.js';
import type { StatusEvent } from './status-event.js';
import { emptySummary, type TickSummary } from './summary.js';
import type { TimerSettings } from './timer-payload.js';
import { decodeWatchMessage, groupWatchRecords, type WatchEntry } from './watch-set.js';

export interface SyncDeps {
  ice: Pick<IceClient, 'getJob' | 'listJobs'>;
  queues: QueueClient;
  /** The instance-wide ICE budget: its pacer is the ICE client's, `run` bounds the Gets in flight. */
  throughput: Pick<IceThroughput, 'run'>;
  publisher: StatusPublisher;
  logger: Logger;
  clock: Clock;
  watchQueue: string;
  initMaxDays: number;
  /** Long poll per receive; 1 s (default) so that an empty answer means empty. */
  receiveWaitSeconds?: number;
}

export interface TickWindow {
  startedAt: number;
  /** No receive, List or Get starts after this; the rest of the time finishes what was started. */
  stopAt: number;
  /** Nothing runs after this (the FC deadline minus a safety margin). */
  deadline: number;
}

const SAFETY_MS = 500;
const FINISH_RESERVE_MS = 5_000;
const MAX_DELAY_SECONDS = 604_800;

export function tickWindow(startedAt: number, invocationDeadline: number, maxSeconds?: number): TickWindow {
  const deadline = invocationDeadline - SAFETY_MS;
  const reserve = Math.min(FINISH_RESERVE_MS, Math.max(0, deadline - startedAt) / 4);
  const readUntil = maxSeconds === undefined ? Number.POSITIVE_INFINITY : startedAt + maxSeconds * 1000;
  return { startedAt, stopAt: Math.min(deadline - reserve, readUntil), deadline };
}

/** What this tick already did with a job, for records of it that arrive in later batches. */
type Handled =
  | { kind: 'kept' }
  | { kind: 'dropped'; state: WatchState }
  /** Its records stay queued; later copies are left alone too. */
  | { kind: 'deferred' };

interface Item {
  entry: WatchEntry;
  /** What the watch set says, best first. */
  known: WatchState[];
  lookUp: LookUp;
}

/** What happens to one job; `defer` (set at any step) means its records stay queued for the next tick. */
interface Step {
  item: Item;
  event?: StatusEvent;
  fate?: Fate;
  defer?: { why: string; error?: unknown };
}

export async function runTick(
  deps: SyncDeps,
  settings: TimerSettings,
  window: TickWindow,
  context?: CredentialsCarrier,
): Promise<TickSummary> {
  const { logger, queues, watchQueue } = deps;
  const now = () => deps.clock.now();
  const summary = emptySummary();
  const handled = new Map<string, Handled>();
  const seenMessages = new Set<string>();

  const discovery = await discoverJobs(deps.ice, settings, { now, deadline: window.stopAt, context });
  if (!discovery.complete) {
    logger.warn('job discovery was cut short; the next tick lists again', {
      listed: discovery.observations.length,
      error: discovery.error,
    });
  }

  async function settle(items: Item[], alsoDelete: string[]): Promise<void> {
    const steps = items.map((item): Step => {
      const { lookUp } = item;
      if (lookUp.kind === 'failed') return { item, defer: { why: 'look-up failed', error: lookUp.error } };
      if (lookUp.kind === 'gone') return { item, fate: { kind: 'drop', reason: 'not-found' } };
      summary.checked++;
      const { observation } = lookUp;
      return {
        item,
        event: statusChange(item.known, observation),
        fate: keepOrDrop(observation.job, item.entry.watchedSince, now(), deps.initMaxDays),
      };
    });

    // 1. Publish.
    const publishing = steps.filter((s) => s.event !== undefined);
    const events = publishing.map((s) => s.event as StatusEvent);
    summary.changed += events.length;
    let delivered: boolean[] = [];
    try {
      delivered = await deps.publisher.publish(events, { deadline: window.deadline, context });
    } catch (error) {
      logger.warn('could not publish status events; the next tick retries', { events: events.length, error });
    }
    publishing.forEach((step, i) => {
      if (delivered[i]) summary.published++;
      else step.defer = { why: 'event not published' };
    });

    // 2. Write back the jobs that stay, delayed until this tick stops receiving, so it never drains them
    //    again (and not longer: the next tick should see them).
    const keeps = steps.flatMap((step) =>
      !step.defer && step.fate?.kind === 'keep' ? [{ step, record: step.fate.record }] : [],
    );
    const delaySeconds = Math.min(
      MAX_DELAY_SECONDS,
      Math.max(1, Math.ceil((window.stopAt - now()) / 1000) + 1),
    );
    let written: boolean[] = [];
    if (keeps.length > 0) {
      try {
        const outcomes = await queues.send(
          watchQueue,
          keeps.map(({ record }) => ({ body: JSON.stringify(record), delaySeconds })),
          { context },
        );
        written = keeps.map((_, i) => {
          const outcome = outcomes.find((o) => o.index === i);
          // Should a record come back this tick anyway (a delay not honoured), it is left alone, not
          // mistaken for a stale copy and deleted.
          if (outcome?.ok) seenMessages.add(outcome.messageId);
          return outcome?.ok === true;
        });
      } catch (error) {
        logger.warn('could not write watch records back; the old ones stay', { error });
      }
    }
    keeps.forEach(({ step }, i) => {
      if (!written[i]) step.defer = { why: 'record not written back' };
    });

    // 3. Delete what the new records (or a legitimate drop) replace.
    const handles = [...alsoDelete];
    for (const { item, fate, defer } of steps) {
      const { entry } = item;
      if (defer || !fate) {
        summary.deferred++;
        handled.set(entry.jobId, { kind: 'deferred' });
        logger.warn('job stays for the next tick', {
          jobId: entry.jobId,
          why: defer?.why,
          error: defer?.error,
        });
        continue;
      }
      handles.push(...entry.messages.map((m) => m.receiptHandle));
      if (fate.kind === 'keep') {
        handled.set(entry.jobId, { kind: 'kept' });
        continue;
      }
      // A job dropped earlier this tick and looked at again (a later copy) still counts once.
      if (handled.get(entry.jobId)?.kind !== 'dropped') summary.dropped++;
      const { lookUp } = item;
      const job = lookUp.kind === 'found' ? lookUp.observation.job : undefined;
      handled.set(entry.jobId, {
        kind: 'dropped',
        state: { status: job?.status ?? null, lastTrainingTime: job?.lastTrainingTime ?? null },
      });
      logger.info('job left the watch set', {
        jobId: entry.jobId,
        reason: fate.reason,
        status: job?.status,
        watchedSince: entry.watchedSince,
      });
    }
    if (handles.length === 0) return;
    try {
      const failures = await queues.delete(watchQueue, handles, { context });
      if (failures.length > 0) {
        logger.warn('could not delete some replaced watch records; the next tick merges the copies', {
          failed: failures.length,
          error: failures[0]?.error,
        });
      }
    } catch (error) {
      logger.warn('could not delete replaced watch records; the next tick merges the copies', { error });
    }
  }

  async function settleBatch(messages: ReceivedMessage[]): Promise<void> {
    // A message seen before came back because its visibility ran out: this tick already dealt with it.
    const fresh = messages.filter((m) => !seenMessages.has(m.messageId));
    for (const m of fresh) seenMessages.add(m.messageId);

    const alsoDelete: string[] = [];
    const valid = [];
    for (const decoded of fresh.map(decodeWatchMessage)) {
      if (decoded.ok) {
        valid.push(decoded);
        continue;
      }
      // Not a watch record: it can never be looked up, and keeping it would only make it come back forever.
      summary.invalid++;
      alsoDelete.push(decoded.message.receiptHandle);
      logger.error('deleted a watch message that is not a watch record', {
        messageId: decoded.message.messageId,
        issues: decoded.issues,
      });
    }

    const pending: Omit<Item, 'lookUp'>[] = [];
    for (const entry of groupWatchRecords(valid, now())) {
      const earlier = handled.get(entry.jobId);
      // This tick already wrote the job a newer record; these copies are stale.
      if (earlier?.kind === 'kept') alsoDelete.push(...entry.messages.map((m) => m.receiptHandle));
      else if (earlier?.kind === 'deferred') continue;
      else {
        // A job dropped earlier this tick may have been resubmitted and enrolled since: look again.
        if (!earlier) summary.watched++;
        const known = earlier ? [earlier.state, ...entry.records] : entry.records;
        pending.push({ entry, known });
      }
    }

    const lookUps =
      now() < window.stopAt
        ? await deps.throughput.run(pending, ({ entry }) =>
            lookUpJob(deps.ice, entry.jobId, { now, deadline: window.stopAt, context }),
          )
        : pending.map((): LookUp => ({ kind: 'failed', error: Timeout('The tick ran out of time') }));
    await settle(
      pending.map((p, i) => ({ ...p, lookUp: lookUps[i] as LookUp })),
      alsoDelete,
    );
  }

  let emptied = false;
  try {
    const drained = await drainWatchQueue(
      { queues, queue: watchQueue, now },
      {
        stopAt: window.stopAt,
        maxMessages: settings.maxJobs,
        waitSeconds: deps.receiveWaitSeconds ?? 1,
        context,
      },
      settleBatch,
    );
    emptied = drained.emptied;
  } catch (error) {
    logger.error('could not drain the watch queue; undrained records stay for the next tick', { error });
  }

  // Only with the whole watch set seen can "not watched yet" be told apart from "not drained yet".
  const unwatched = discovery.observations.filter((o) => !handled.has(o.job.jobId));
  if (emptied && unwatched.length > 0 && now() < window.stopAt) {
    summary.discovered = unwatched.length;
    summary.watched += unwatched.length;
    await settle(
      unwatched.map((observation) => {
        const record = newWatchRecord(observation.job.jobId, observation.observedAt);
        const entry: WatchEntry = {
          jobId: record.jobId,
          records: [record],
          messages: [],
          watchedSince: record.watchedSince,
        };
        return { entry, known: entry.records, lookUp: { kind: 'found', observation } };
      }),
      [],
    );
  } else if (unwatched.length > 0) {
    logger.info('discovered jobs wait for a tick that drains the whole watch set', {
      unwatched: unwatched.length,
    });
  }

  summary.durationMs = now() - window.startedAt;
  logger.info('status sync tick', { ...summary });
  return summary;
}
