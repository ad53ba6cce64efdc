/**
 * Production wiring, built once per FC instance on the first invocation: config from env (strict, naming
 * any bad variable), then the logger, the shared ICE throughput budget, and the ICE and MNS clients.
 */
import { systemClock } from '../../shared/clock.js';
import { iceEnv, logEnv, mnsEnv, parseEnv, queueNames, throughputEnv } from '../../shared/config.js';
import { createCredentialResolver } from '../../shared/credentials.js';
import { iceClientFromConfig } from '../../shared/ice/index.js';
import { createIceThroughput } from '../../shared/ice-throughput.js';
import { createLogger } from '../../shared/logger.js';
import { queueClientFromConfig } from '../../shared/mns/index.js';
import type { QueueDeps } from './process-batch.js';
import { reenqueueDelaySeconds } from './reenqueue.js';

export const queueEnv = { ...iceEnv, ...mnsEnv, ...queueNames, ...throughputEnv, ...logEnv };

export const DEFAULT_DEADLINE_MARGIN_MS = 5_000;
export const DEFAULT_SETTLE_RESERVE_MS = 3_000;

export function depsFromEnv(env: NodeJS.ProcessEnv = process.env): QueueDeps {
  const config = parseEnv(queueEnv, env);
  const logger = createLogger({ level: config.LOG_LEVEL, bindings: { fn: 'queue' } });
  const resolveCredentials = createCredentialResolver(env);
  const throughput = createIceThroughput({
    maxRps: config.ICE_MAX_RPS,
    concurrency: config.ICE_CONCURRENCY,
    clock: systemClock,
  });
  return {
    ice: iceClientFromConfig(config, { logger, pacer: throughput.pacer, resolveCredentials }),
    queues: queueClientFromConfig(config, resolveCredentials),
    throughput,
    logger,
    clock: systemClock,
    settings: {
      updatesQueue: config.UPDATES_QUEUE,
      deadLetterQueue: config.DEAD_LETTER_QUEUE,
      watchQueue: config.WATCH_QUEUE,
      maxAttempts: config.MAX_ATTEMPTS,
      deadlineMarginMs: DEFAULT_DEADLINE_MARGIN_MS,
      settleReserveMs: DEFAULT_SETTLE_RESERVE_MS,
      retryDelaySeconds: reenqueueDelaySeconds,
    },
  };
}
