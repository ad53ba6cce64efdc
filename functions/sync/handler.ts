/**
 * FC timer trigger: the status sync. Thin: read the settings, work out the time window, run one tick.
 * Never throws for bad input or a failing upstream (the next tick picks up whatever is left); a bad
 * environment fails loudly with a ConfigError naming the variable.
 */
import { type FcContext, invocationDeadline } from '../../shared/fc/context.js';
import { createLogger } from '../../shared/logger.js';
import type { TickSummary } from './summary.js';
import { runTick, type SyncDeps, tickWindow } from './tick.js';
import { parseTimerEvent } from './timer-payload.js';
import { syncDepsFromEnv } from './wiring.js';

export type SyncHandler = (event: Buffer, context: FcContext) => Promise<TickSummary>;

export function createHandler(deps: SyncDeps): SyncHandler {
  return async (event, context) => {
    const startedAt = deps.clock.now();
    const logger = deps.logger.child({ requestId: context.requestId });
    const settings = parseTimerEvent(event, logger);
    const window = tickWindow(startedAt, invocationDeadline(context, startedAt), settings.maxSeconds);
    return runTick({ ...deps, logger }, settings, window, context);
  };
}

// Built on the first invocation, once per instance: clients, the ICE budget and config live at module scope.
let live: SyncHandler | undefined;

export async function handler(event: Buffer, context: FcContext): Promise<TickSummary> {
  if (!live) {
    try {
      live = createHandler(syncDepsFromEnv());
    } catch (error) {
      createLogger({ bindings: { fn: 'sync' } }).error('status sync cannot start', { error });
      throw error;
    }
  }
  return live(event, context);
}
