/**
 * The local EventBridge for an MNS queue trigger: long-poll batch receives, a batch window (count and
 * time), one invocation per batch — sync, so the next batch waits, as with `asyncInvocationType: false` —
 * delete on success; on a throw, the same batch again per the retry strategy (messages kept invisible
 * meanwhile); after the last retry, per `errorsTolerance`: ALL → the dead-letter queue (or dropped), NONE →
 * consumption stops. Time comes from an injectable clock, and `timeScale` shrinks the batch window and
 * retry waits so tests need not wait minutes.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type EventSourceInfo, payloads, type SourceMessage, toEvent } from './cloud-events.js';
import type { InvocationOutcome } from './function-instance.js';
import { retryPlan } from './retry-strategy.js';
import type { EventBridgeTriggerConfig } from './s-yaml.js';

/** The queue side, one adapter (mns-event-source.ts) over the real @alicloud/mns client. */
export interface EventSourceQueue {
  receive(max: number, waitSeconds: number): Promise<SourceMessage[]>;
  /** Returns the receipt handles that could not be deleted. */
  delete(receiptHandles: string[]): Promise<string[]>;
  /** Keeps a message invisible for `seconds` more; returns its new receipt handle. */
  hide(receiptHandle: string, seconds: number): Promise<string>;
  /** Sends bodies (already encoded) to another queue of the same account. */
  sendTo(queue: string, bodies: string[]): Promise<void>;
}

export interface EventBridgeOptions {
  functionName: string;
  triggerName: string;
  config: EventBridgeTriggerConfig;
  region: string;
  accountId: string;
  source: EventSourceQueue;
  invoke: (event: Buffer, retryCount: number) => Promise<InvocationOutcome>;
  clock: Clock;
  logger: Logger;
  /** > 1 shortens the batch window and retry waits by that factor (default 1). */
  timeScale?: number;
  /** Long-poll wait while no batch is open (default 3 s). */
  idleWaitSeconds?: number;
  /** The function's timeout: a batch stays invisible at least this long while it is being handled. */
  functionTimeoutSeconds?: number;
  random?: () => number;
}

export type PollerState = 'running' | 'blocked' | 'stopped';

export interface EventBridgePoller {
  state(): PollerState;
  stop(): Promise<void>;
}

const MNS_MAX_BATCH = 16;
const SYNC_PAYLOAD_BYTES = 32 * 1024 * 1024;
const ASYNC_PAYLOAD_BYTES = 128 * 1024;
/** Extra invisibility beyond a retry wait, so a message does not reappear while it is being retried. */
const HIDE_MARGIN_S = 30;
const MNS_MAX_VISIBILITY_S = 43_200;

export const queueNameFromArn = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

export function startEventBridgePoller(options: EventBridgeOptions): EventBridgePoller {
  const { config, source, clock, logger } = options;
  const scale = options.timeScale ?? 1;
  const run = config.runOptions;
  const mns = config.eventSourceConfig.eventSourceParameters.sourceMNSParameters;
  const driven = run.mode === 'event-driven';
  const count = driven ? 1 : (run.batchWindow?.CountBasedWindow ?? 1);
  const windowMs = driven ? 0 : ((run.batchWindow?.TimeBasedWindow ?? 0) * 1000) / scale;
  const idleWait = options.idleWaitSeconds ?? 3;
  const plan = retryPlan(run.retryStrategy, options.random);
  const maxBytes = config.asyncInvocationType ? ASYNC_PAYLOAD_BYTES : SYNC_PAYLOAD_BYTES;
  const info: EventSourceInfo = {
    functionName: options.functionName,
    triggerName: options.triggerName,
    queueName: mns.QueueName,
    region: options.region,
    accountId: options.accountId,
    base64Decode: mns.IsBase64Decode,
    eventSchema: config.eventSinkConfig.deliveryOption.eventSchema,
  };
  const log = logger.child({ trigger: options.triggerName, queue: mns.QueueName });

  let state: PollerState = 'running';
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  /** Resolves after `ms` or at stop, whichever comes first. */
  const pause = (ms: number) => Promise.race([clock.sleep(ms), stopped]);
  const active = () => state === 'running';

  /** Receives until the batch is full, the time window closes, or (with no window) anything arrived. */
  const collect = async (): Promise<SourceMessage[]> => {
    const batch: SourceMessage[] = [];
    let closesAt = Infinity;
    while (active()) {
      const open = batch.length > 0;
      const remaining = closesAt - clock.now();
      if (open && remaining <= 0) break;
      const wait = open ? Math.min(30, Math.floor(remaining / 1000)) : idleWait;
      const received = await Promise.race([
        source.receive(Math.min(MNS_MAX_BATCH, count - batch.length), wait),
        stopped.then(() => [] as SourceMessage[]),
      ]);
      if (!active()) break;
      if (received.length > 0 && !open) closesAt = clock.now() + windowMs;
      batch.push(...received);
      if (batch.length >= count || (batch.length > 0 && windowMs === 0)) break;
      // Under a second left and the queue is empty: wait the rest out instead of polling in a loop.
      if (batch.length > 0 && received.length === 0 && wait === 0) await pause(closesAt - clock.now());
    }
    return batch;
  };

  const hideAll = async (messages: SourceMessage[], seconds: number) => {
    const visibility = Math.min(MNS_MAX_VISIBILITY_S, Math.ceil(seconds) + HIDE_MARGIN_S);
    await Promise.all(
      messages.map(async (message) => {
        try {
          message.receiptHandle = await source.hide(message.receiptHandle, visibility);
        } catch (error) {
          log.warn('could not keep a message invisible; it may be delivered twice', {
            messageId: message.messageId,
            error,
          });
        }
      }),
    );
  };

  const remove = async (messages: SourceMessage[]) => {
    const failed = await source.delete(messages.map((m) => m.receiptHandle));
    if (failed.length > 0)
      log.warn('messages could not be deleted and will be delivered again', { count: failed.length });
  };

  const giveUp = async (messages: SourceMessage[], events: Record<string, unknown>[]) => {
    if (run.errorsTolerance === 'NONE') {
      log.error('batch failed after the last retry; errorsTolerance NONE stops consumption', {
        messages: messages.length,
      });
      state = 'blocked';
      wake();
      return;
    }
    const dlq = run.deadLetterQueue?.Arn;
    if (dlq) {
      try {
        await source.sendTo(
          queueNameFromArn(dlq),
          events.map((event) => Buffer.from(JSON.stringify(event)).toString('base64')),
        );
      } catch (error) {
        log.error('dead-letter queue refused the batch; it stays in the source queue', { error });
        return;
      }
      log.warn('batch dead-lettered after the last retry', {
        messages: messages.length,
        deadLetterQueue: queueNameFromArn(dlq),
      });
    } else {
      log.warn('batch dropped after the last retry (no deadLetterQueue)', { messages: messages.length });
    }
    await remove(messages);
  };

  const deliver = async (messages: SourceMessage[], events: Record<string, unknown>[], body: Buffer) => {
    const oldestEnqueueTime = Math.min(...messages.map((m) => m.enqueueTime));
    // The queue's own visibility timeout may be shorter than the function's: stale handles could not delete
    // the batch afterwards, and it would be delivered again.
    if (options.functionTimeoutSeconds !== undefined) await hideAll(messages, options.functionTimeoutSeconds);
    for (let retry = 0; ; retry++) {
      const outcome = await options.invoke(body, retry);
      if (outcome.ok) return remove(messages);
      if (!active()) return;
      const delayMs = plan(retry + 1, { now: clock.now(), oldestEnqueueTime });
      log.warn('function failed on a batch', {
        retry,
        messages: messages.length,
        errorType: outcome.error.errorType,
        errorMessage: outcome.error.errorMessage,
        nextRetryInMs: delayMs,
      });
      if (delayMs === undefined) return giveUp(messages, events);
      const waitMs = delayMs / scale;
      await hideAll(messages, waitMs / 1000);
      await pause(waitMs);
      // Stopping mid-retry leaves the batch in the queue: it reappears once invisibility ends.
      if (!active()) return;
    }
  };

  const loop = async () => {
    while (active()) {
      let batch: SourceMessage[];
      try {
        batch = await collect();
      } catch (error) {
        log.warn('receive failed; polling again shortly', { error });
        await pause(1000);
        continue;
      }
      if (batch.length === 0 || !active()) continue;
      const events = batch.map((message) => toEvent(message, info, clock.now()));
      for (const { indexes, body } of payloads(events, run.mode, maxBytes)) {
        if (!active()) break;
        await deliver(
          indexes.map((i) => batch[i] as SourceMessage),
          indexes.map((i) => events[i] as Record<string, unknown>),
          body,
        );
      }
    }
  };

  const done = loop().catch((error: unknown) => {
    log.error('the EventBridge poller stopped on an unexpected error', { error });
    state = 'stopped';
  });

  return {
    state: () => state,
    async stop() {
      if (state === 'running') state = 'stopped';
      wake();
      await done;
    },
  };
}
