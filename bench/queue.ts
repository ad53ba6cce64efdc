/**
 * Queue function throughput (issue 5 "Performance"): 10,000 update commands over 1,000 jobs, delivered as
 * EventBridge batches of 100 messages, against the local ICE service limited to 200 requests/s with
 * ICE_MAX_RPS=200. Figures: ICE calls made vs the minimum (distinct jobs per batch), achieved call rate as
 * a fraction of the limit (goal ≥ 0.9), throttling errors (goal 0), peak RSS.
 *
 * The local ICE and MNS services run in this process (MNS takes the watch enrolments and any re-enqueue),
 * so RSS includes them; `rssGrowthMb` is the growth during the run. Run: `npx tsx bench/queue.ts`.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { depsFromEnv } from '../functions/queue/deps-from-env.js';
import { createHandler } from '../functions/queue/handler.js';
import type { BatchSummary } from '../functions/queue/summary.js';
import { startIceService } from '../local/ice/server.js';
import { startMnsService } from '../local/mns/server.js';
import { createLogger } from '../shared/logger.js';

export interface QueueBenchOptions {
  commands?: number;
  jobs?: number;
  batchSize?: number;
  /** The local ICE limit and ICE_MAX_RPS (default 200). */
  maxRps?: number;
  /** ICE_CONCURRENCY (default 4, the function's default). */
  concurrency?: number;
}

export interface QueueBenchResult {
  commands: number;
  batches: number;
  iceCalls: number;
  /** Σ over batches of the distinct jobs in the batch: one call each is the best possible. */
  minimumCalls: number;
  callsOverMinimum: number;
  achievedCallsPerSecond: number;
  maxRps: number;
  /** achievedCallsPerSecond / maxRps; goal ≥ 0.9. */
  rateFraction: number;
  /** ICE answers `Throttling*` seen (the service's own rate limit); goal 0. */
  throttlingErrors: number;
  applied: number;
  deferred: number;
  deadLettered: number;
  durationMs: number;
  peakRssMb: number;
  rssGrowthMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

export async function runQueueBench(options: QueueBenchOptions = {}): Promise<QueueBenchResult> {
  const commands = options.commands ?? 10_000;
  const jobCount = options.jobs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const maxRps = options.maxRps ?? 200;
  const concurrency = options.concurrency ?? 4;

  const ice = await startIceService({ port: 0, faults: { maxRps } });
  const queues = ['avatar-job-updates', 'avatar-job-dead-letters', 'avatar-job-watch'];
  const mns = await startMnsService({ port: 0, queues });
  try {
    const jobIds = Array.from({ length: jobCount }, (_, i) => ice.jobs.create({ avatarName: `j${i}` }).JobId);
    const batches: Buffer[] = [];
    let minimumCalls = 0;
    for (let start = 0; start < commands; start += batchSize) {
      const jobsInBatch = new Set<string>();
      const events = Array.from({ length: Math.min(batchSize, commands - start) }, (_, k) => {
        const n = start + k;
        const jobId = jobIds[Math.floor(Math.random() * jobCount)]!;
        jobsInBatch.add(jobId);
        const command = { jobId, avatarName: `n${n % 100_000}`, avatarDescription: `update ${n}` };
        return {
          id: randomUUID(),
          source: 'MNS-avatar-job-queue-updates',
          specversion: '1.0',
          type: 'mns:Queue:SendMessage',
          time: new Date().toISOString(),
          data: { requestId: randomUUID(), messageId: randomUUID(), messageBody: JSON.stringify(command) },
        };
      });
      minimumCalls += jobsInBatch.size;
      batches.push(Buffer.from(JSON.stringify(events)));
    }

    const fromEnv = depsFromEnv({
      ICE_ENDPOINT: ice.url,
      MNS_ENDPOINT: mns.url,
      MNS_ACCOUNT_ID: mns.accountId,
      ICE_MAX_RPS: String(maxRps),
      ICE_CONCURRENCY: String(concurrency),
    });
    // Warnings only: 10,000 per-call info lines would measure stdout, not the function.
    const handler = createHandler({ ...fromEnv, logger: createLogger({ level: 'warn', sink: () => {} }) });
    const context = () => ({
      requestId: `bench-${randomUUID()}`,
      credentials: { ...ice.credentials },
      function: { name: 'avatar-job-queue', timeout: 300 },
    });

    const rssBefore = process.memoryUsage.rss();
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 20);
    const totals = { applied: 0, deferred: 0, deadLettered: 0 };
    const callsBefore = ice.counters().requests;
    const started = performance.now();
    for (const batch of batches) {
      const summary: BatchSummary = await handler(batch, context());
      totals.applied += summary.applied;
      totals.deferred += summary.deferred;
      totals.deadLettered += summary.deadLettered;
    }
    const durationMs = performance.now() - started;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());

    const counters = ice.counters();
    const iceCalls = counters.requests - callsBefore;
    const throttlingErrors = Object.entries(counters.errors)
      .filter(([code]) => code.startsWith('Throttling'))
      .reduce((sum, [, count]) => sum + count, 0);
    const achievedCallsPerSecond = iceCalls / (durationMs / 1000);
    return {
      commands,
      batches: batches.length,
      iceCalls,
      minimumCalls,
      callsOverMinimum: Math.round((iceCalls / minimumCalls) * 1000) / 1000,
      achievedCallsPerSecond: Math.round(achievedCallsPerSecond * 10) / 10,
      maxRps,
      rateFraction: Math.round((achievedCallsPerSecond / maxRps) * 1000) / 1000,
      throttlingErrors,
      ...totals,
      durationMs: Math.round(durationMs),
      peakRssMb: mb(peakRss),
      rssGrowthMb: mb(peakRss - rssBefore),
    };
  } finally {
    await Promise.all([ice.close(), mns.close()]);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runQueueBench();
  console.log(JSON.stringify(result, null, 2));
  const goals = [
    `calls ${result.iceCalls} vs minimum ${result.minimumCalls} (${result.iceCalls === result.minimumCalls ? 'equal' : 'MORE'})`,
    `rate ${result.rateFraction} of ${result.maxRps}/s (goal ≥ 0.9: ${result.rateFraction >= 0.9 ? 'met' : 'MISSED'})`,
    `throttling ${result.throttlingErrors} (goal 0: ${result.throttlingErrors === 0 ? 'met' : 'MISSED'})`,
    `peak RSS ${result.peakRssMb} MB`,
  ];
  console.log(goals.join('\n'));
}
