/**
 * In-memory stand-ins for the queue function's unit tests: an ICE client that applies updates to a map
 * (with scripted failures and a per-call cost on a fake clock), and an MNS client that records sends.
 */

import type { QueueDeps, QueueSettings } from '../../functions/queue/process-batch.js';
import type { Clock } from '../../shared/clock.js';
import { QueueError } from '../../shared/errors.js';
import type { CallOptions, IceClient, UpdateJobInput } from '../../shared/ice/index.js';
import { createIceThroughput } from '../../shared/ice-throughput.js';
import { createLogger } from '../../shared/logger.js';
import type { OutgoingMessage, QueueClient, SendOutcome } from '../../shared/mns/index.js';
import { captureLogs, fakeClock } from './fc.js';

export interface FakeIceOptions {
  /** Throw this for the call (0-based index) when it returns something. */
  fail?: (input: UpdateJobInput, call: number) => unknown;
  /** Advance the clock by this much per call (the call's latency). */
  latencyMs?: number;
  clock?: Clock;
}

export function fakeIce(options: FakeIceOptions = {}) {
  const jobs = new Map<string, Record<string, unknown>>();
  const calls: { input: UpdateJobInput; options: CallOptions | undefined; at: number }[] = [];
  const ice: Pick<IceClient, 'updateJob'> = {
    async updateJob(input, callOptions) {
      const index = calls.length;
      calls.push({ input, options: callOptions, at: options.clock?.now() ?? 0 });
      if (options.latencyMs) await options.clock?.sleep(options.latencyMs);
      const error = options.fail?.(input, index);
      if (error !== undefined) throw error;
      const { jobId, ...fields } = input;
      jobs.set(jobId, { ...jobs.get(jobId), ...fields });
      return { jobId, requestId: `req-${index}` };
    },
  };
  return { ice, jobs, calls };
}

export interface Sent {
  queue: string;
  message: OutgoingMessage;
}

/** Records every accepted message; `reject(queue, message, attempt)` refuses one (attempt = send call no.). */
export function fakeQueues(reject?: (queue: string, message: OutgoingMessage, call: number) => boolean) {
  const sent: Sent[] = [];
  let sendCalls = 0;
  const queues: QueueClient = {
    async send(queue, messages) {
      const call = sendCalls++;
      return messages.map((message, index): SendOutcome => {
        if (reject?.(queue, message, call)) {
          return { index, ok: false, error: QueueError('refused', { retryable: true }) };
        }
        sent.push({ queue, message });
        return { index, ok: true, messageId: `msg-${sent.length}` };
      });
    },
    receive: async () => [],
    delete: async () => [],
  };
  const bodies = (queue: string) =>
    sent.filter((s) => s.queue === queue).map((s) => JSON.parse(s.message.body) as unknown);
  return { queues, sent, bodies };
}

export const SETTINGS: QueueSettings = {
  updatesQueue: 'updates',
  deadLetterQueue: 'dead-letters',
  watchQueue: 'watch',
  maxAttempts: 5,
  deadlineMarginMs: 5_000,
  settleReserveMs: 3_000,
  retryDelaySeconds: (failures) => failures * 10,
};

/** Deps wired with the fakes above and a fake clock; override any part. */
export function queueTestDeps(overrides: Partial<QueueDeps> & { concurrency?: number } = {}) {
  const clock = fakeClock();
  const logs = captureLogs();
  const { concurrency = 4, ...rest } = overrides;
  const deps: QueueDeps = {
    ice: fakeIce().ice,
    queues: fakeQueues().queues,
    throughput: createIceThroughput({ maxRps: 1_000, concurrency, clock: rest.clock ?? clock }),
    logger: createLogger({ level: 'debug', sink: logs.sink, now: () => clock.now() }),
    clock,
    settings: SETTINGS,
    ...rest,
  };
  return { deps, clock, logs };
}

/** An FC context whose deadline is `timeoutSeconds` after the invocation starts (no wall clock). */
export const contextWithTimeout = (timeoutSeconds = 60) => ({
  requestId: 'req-test',
  credentials: {},
  function: { name: 'queue', timeout: timeoutSeconds },
});
