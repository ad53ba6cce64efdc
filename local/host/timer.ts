/**
 * A timer trigger: fires on its schedule and invokes with `{triggerTime, triggerName, payload}`. Locally one
 * tick runs at a time: a fire time that comes while the previous invocation still runs is skipped (logged),
 * so a slow tick never piles up behind itself.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { InvocationOutcome } from './function-instance.js';
import type { TimerTriggerConfig } from './s-yaml.js';
import { parseSchedule, triggerTime } from './schedule.js';

export interface TimerOptions {
  triggerName: string;
  config: TimerTriggerConfig;
  invoke: (event: Buffer) => Promise<InvocationOutcome>;
  clock: Clock;
  logger: Logger;
}

export interface TimerTrigger {
  /** Fire times so far. */
  fired(): number;
  stop(): Promise<void>;
}

export function timerEvent(triggerName: string, payload: string | undefined, at: number): Buffer {
  return Buffer.from(JSON.stringify({ triggerTime: triggerTime(at), triggerName, payload: payload ?? '' }));
}

export function startTimerTrigger(options: TimerOptions): TimerTrigger {
  const { config, clock, triggerName } = options;
  const log = options.logger.child({ trigger: triggerName });
  const schedule = parseSchedule(config.cronExpression);
  let running = config.enable;
  let fired = 0;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  if (!config.enable) log.info('timer trigger disabled (enable: false)');

  const loop = async () => {
    const startedAt = clock.now();
    let next = schedule.next(startedAt, startedAt);
    while (running) {
      await Promise.race([clock.sleep(Math.max(0, next - clock.now())), stopped]);
      if (!running) break;
      fired++;
      const outcome = await options.invoke(timerEvent(triggerName, config.payload, next));
      if (!outcome.ok && running)
        log.warn('timer invocation failed', {
          errorType: outcome.error.errorType,
          errorMessage: outcome.error.errorMessage,
        });
      const after = Math.max(next, clock.now());
      const following = schedule.next(after, startedAt);
      const skipped = schedule.next(next, startedAt) < following;
      if (skipped)
        log.debug('fire times skipped while the previous invocation ran', {
          resumeAt: triggerTime(following),
        });
      next = following;
    }
  };
  const done = running
    ? loop().catch((error: unknown) => log.error('timer trigger stopped on an unexpected error', { error }))
    : Promise.resolve();

  return {
    fired: () => fired,
    async stop() {
      running = false;
      wake();
      await done;
    },
  };
}
