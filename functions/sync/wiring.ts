/** Production wiring from the environment: one ICE budget, ICE client, queue client and publisher per instance. */
import { systemClock } from '../../shared/clock.js';
import { createCredentialResolver } from '../../shared/credentials.js';
import { iceClientFromConfig } from '../../shared/ice/index.js';
import { createIceThroughput } from '../../shared/ice-throughput.js';
import { createLogger } from '../../shared/logger.js';
import { queueClientFromConfig } from '../../shared/mns/index.js';
import { loadSyncConfig } from './env.js';
import { createStatusPublisher } from './publish.js';
import type { SyncDeps } from './tick.js';
import { createWebhookPublisher } from './webhook-publisher.js';

export function syncDepsFromEnv(env: NodeJS.ProcessEnv = process.env): SyncDeps {
  const config = loadSyncConfig(env);
  const logger = createLogger({ level: config.LOG_LEVEL, bindings: { fn: 'sync' } });
  const clock = systemClock;
  const throughput = createIceThroughput({
    maxRps: config.ICE_MAX_RPS,
    concurrency: config.ICE_CONCURRENCY,
    clock,
  });
  const resolveCredentials = createCredentialResolver(env);
  const ice = iceClientFromConfig(config, { logger, clock, pacer: throughput.pacer, resolveCredentials });
  const queues = queueClientFromConfig(config, resolveCredentials);
  const webhook = config.STATUS_WEBHOOK_URL
    ? createWebhookPublisher({
        url: config.STATUS_WEBHOOK_URL,
        // The first secret is the current one; receivers that verify accept any of the listed ones.
        secret: config.WEBHOOK_SECRET[0],
        logger,
        clock,
      })
    : undefined;
  if (webhook && config.WEBHOOK_SECRET.length === 0) {
    logger.warn('ALLOW_UNSIGNED=true: status events are pushed to the webhook unsigned');
  }
  return {
    ice,
    queues,
    throughput,
    publisher: createStatusPublisher({ queues, queue: config.STATUS_QUEUE, webhook, logger }),
    logger,
    clock,
    watchQueue: config.WATCH_QUEUE,
    initMaxDays: config.WATCH_INIT_MAX_DAYS,
  };
}
