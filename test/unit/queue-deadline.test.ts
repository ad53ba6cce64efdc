import { describe, expect, it } from 'vitest';
import { processBatch } from '../../functions/queue/process-batch.js';
import { mnsBatchEvent } from '../helpers/fc.js';
import { contextWithTimeout, fakeIce, fakeQueues, queueTestDeps, SETTINGS } from '../helpers/queue-fakes.js';

const batchOf = (jobs: number, commandsPerJob = 1) =>
  mnsBatchEvent(
    Array.from({ length: jobs * commandsPerJob }, (_, i) => ({
      body: JSON.stringify({ jobId: `job-${i % jobs}`, avatarName: `n${i}` }),
    })),
  );

describe('the FC deadline', () => {
  it('starts no ICE call after the deadline minus the margin and defers the jobs it did not reach', async () => {
    // 20 s budget, 5 s margin: calls of 1 s each, one at a time, start at t = 0 … 14 s.
    const { deps: base, clock } = queueTestDeps({ concurrency: 1 });
    const ice = fakeIce({ latencyMs: 1_000, clock });
    const mns = fakeQueues();
    const deps = { ...base, ice: ice.ice, queues: mns.queues };
    const start = clock.now();

    const summary = await processBatch(batchOf(30, 2), contextWithTimeout(20), deps);

    expect(ice.calls.map((c) => c.at - start)).toEqual(Array.from({ length: 15 }, (_, i) => i * 1_000));
    expect(summary).toMatchObject({ commands: 60, calls: 15, applied: 30, deferred: 30, deadLettered: 0 });
    const retried = mns.bodies('updates') as { jobId: string; attempt: number }[][];
    expect(retried).toHaveLength(15);
    expect(retried.every((m) => m.length === 2 && m.every((c) => c.attempt === 2))).toBe(true);
  });

  it('tells the ICE client to finish each call before the deadline minus the reserve for re-enqueueing', async () => {
    const { deps: base, clock } = queueTestDeps();
    const ice = fakeIce();
    const start = clock.now();
    await processBatch(batchOf(1), contextWithTimeout(60), { ...base, ice: ice.ice });
    expect(ice.calls[0]?.options?.deadline).toBe(start + 60_000 - SETTINGS.settleReserveMs);
  });

  it('scales the margin down for a short timeout, so some calls still start', async () => {
    const { deps: base, clock } = queueTestDeps({ concurrency: 1 });
    const ice = fakeIce({ latencyMs: 500, clock });
    // 4 s budget: the margin is a quarter (1 s), so calls start at 0, 0.5 … 2.5 s.
    const summary = await processBatch(batchOf(10), contextWithTimeout(4), { ...base, ice: ice.ice });
    expect(summary).toMatchObject({ calls: 6, applied: 6, deferred: 4 });
  });

  it('logs the not-reached commands as deferred with code Timeout', async () => {
    const { deps: base, clock, logs } = queueTestDeps({ concurrency: 1 });
    const ice = fakeIce({ latencyMs: 10_000, clock });
    await processBatch(batchOf(3), contextWithTimeout(12), { ...base, ice: ice.ice });
    expect(
      logs
        .records()
        .filter((l) => l.level === 'warn')
        .map((l) => [l.jobId, l.code, l.outcome]),
    ).toEqual([
      ['job-1', 'Timeout', 'deferred'],
      ['job-2', 'Timeout', 'deferred'],
    ]);
  });
});
