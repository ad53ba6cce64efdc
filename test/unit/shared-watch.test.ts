import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.js';
import type { QueueClient, SendOutcome } from '../../shared/mns/queue-client.js';
import { enrolWatch } from '../../shared/watch.js';
import { captureLogs } from '../helpers/fc.js';

const NOW = Date.parse('2025-01-15T08:00:00Z');

function recordingQueues(send: QueueClient['send']) {
  const calls: { queue: string; bodies: string[] }[] = [];
  const queues: QueueClient = {
    send: async (queue, messages, options) => {
      calls.push({ queue, bodies: messages.map((m) => m.body) });
      return send(queue, messages, options);
    },
    receive: async () => [],
    delete: async () => [],
  };
  return { queues, calls };
}

const ok = async (_q: string, messages: { body: string }[]): Promise<SendOutcome[]> =>
  messages.map((_, index) => ({ index, ok: true, messageId: `m${index}` }));

function deps(queues: QueueClient | (() => Promise<QueueClient>), budgetMs?: number) {
  const logs = captureLogs();
  return {
    logs,
    deps: { queues, queue: 'watch', logger: createLogger({ sink: logs.sink }), now: () => NOW, budgetMs },
  };
}

describe('enrolling jobs for status sync', () => {
  it('sends one unobserved watch record per job', async () => {
    const q = recordingQueues(ok);
    await enrolWatch(deps(q.queues).deps, ['job-a', 'job-b']);
    expect(q.calls).toHaveLength(1);
    expect(q.calls[0]?.queue).toBe('watch');
    expect(q.calls[0]?.bodies.map((b) => JSON.parse(b))).toEqual([
      { jobId: 'job-a', status: null, lastTrainingTime: null, watchedSince: '2025-01-15T08:00:00.000Z' },
      { jobId: 'job-b', status: null, lastTrainingTime: null, watchedSince: '2025-01-15T08:00:00.000Z' },
    ]);
  });

  it('accepts a factory for the queue client, called only when there is something to enrol', async () => {
    const q = recordingQueues(ok);
    let made = 0;
    const factory = async () => {
      made++;
      return q.queues;
    };
    await enrolWatch(deps(factory).deps, []);
    expect(made).toBe(0);
    await enrolWatch(deps(factory).deps, ['job-a']);
    expect([made, q.calls.length]).toEqual([1, 1]);
  });

  it('sends nothing, and says so, when no time is left', async () => {
    const q = recordingQueues(ok);
    const { deps: d, logs } = deps(q.queues, 0);
    await enrolWatch(d, ['job-a']);
    expect(q.calls).toEqual([]);
    expect(logs.records().map((r) => r.message)).toEqual(['no time left to enrol jobs for status sync']);
  });

  it('never throws: a failed send is logged as a warning', async () => {
    const { deps: d, logs } = deps(
      recordingQueues(async () => {
        throw new Error('MNS down');
      }).queues,
    );
    await expect(enrolWatch(d, ['job-a'])).resolves.toBeUndefined();
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'could not enrol jobs for status sync', jobs: 1 }),
    );
  });

  it('stops waiting for a stuck send after its budget', async () => {
    const { deps: d, logs } = deps(recordingQueues(() => new Promise(() => {})).queues, 5);
    await enrolWatch(d, ['job-a']);
    expect(logs.records().map((r) => r.message)).toContain(
      'status-sync enrolment is slow; going on without waiting for it',
    );
  });
});
