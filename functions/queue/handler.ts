/**
 * FC 3.0 handler for the EventBridge trigger on UPDATES_QUEUE (MNS source). Thin: the work is in
 * process-batch.ts; the wiring (config, clients, the shared ICE rate limit) is built on the first call
 * and kept for the life of the instance.
 */
import type { FcContext } from '../../shared/fc/context.js';
import { depsFromEnv } from './deps-from-env.js';
import { processBatch, type QueueDeps } from './process-batch.js';
import type { BatchSummary } from './summary.js';

export type QueueHandler = (event: Buffer, context: FcContext) => Promise<BatchSummary>;

/** `deps` or a factory called on the first invocation (and again after it threw, e.g. a ConfigError). */
export function createHandler(deps: QueueDeps | (() => QueueDeps)): QueueHandler {
  let resolved = typeof deps === 'function' ? undefined : deps;
  return async (event, context) => {
    resolved ??= (deps as () => QueueDeps)();
    return processBatch(event, context, resolved);
  };
}

export const handler: QueueHandler = createHandler(() => depsFromEnv());
