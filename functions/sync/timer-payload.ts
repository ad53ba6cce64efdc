/**
 * The timer trigger's settings. FC passes `{triggerTime, triggerName, payload}` where `payload` is the
 * configured string as is; ours is optional JSON `{"statuses": [...], "maxJobs": N, "maxSeconds": S}`. A bad payload never
 * stops the sync: the error is logged naming the field, and that field falls back to its default.
 */
import * as z from 'zod';
import type { Issue } from '../../shared/errors.js';
import { eventText, TimerEvent } from '../../shared/fc/events.js';
import type { Logger } from '../../shared/logger.js';
import { issuesFromZod } from '../../shared/validation.js';

/** Only jobs that can still change are worth discovering; finished ones would be re-announced every tick. */
export const DISCOVERABLE_STATUSES = ['Init', 'Queuing', 'Training'] as const;
export const DEFAULT_STATUSES = ['Queuing', 'Training'] as const satisfies readonly string[];
export const DEFAULT_MAX_JOBS = 2000;

export const TimerPayload = z
  .strictObject({
    statuses: z
      .array(
        z.enum(DISCOVERABLE_STATUSES, {
          message: `Must be one of ${DISCOVERABLE_STATUSES.join(', ')} (finished jobs are not discovered)`,
        }),
      )
      .min(1)
      .transform((statuses) => [...new Set(statuses)])
      .default([...DEFAULT_STATUSES])
      .meta({ description: 'Job statuses listed to discover jobs not yet watched' }),
    maxJobs: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(DEFAULT_MAX_JOBS)
      .meta({ description: 'Most watch records drained, and most jobs listed, per tick' }),
    maxSeconds: z.number().positive().max(86_400).optional().meta({
      description:
        'Longest a tick reads the watch queue (default: until the FC deadline). Keep it under the timer period: records written back stay hidden until the reading ends',
    }),
  })
  .meta({ id: 'SyncTimerPayload' });
export type TimerSettings = z.output<typeof TimerPayload>;

export const defaultTimerSettings = (): TimerSettings => TimerPayload.parse({});

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Valid fields are kept; each invalid one is replaced by its default. */
export function timerSettingsFrom(payload: unknown): { settings: TimerSettings; issues: Issue[] } {
  const parsed = TimerPayload.safeParse(payload);
  if (parsed.success) return { settings: parsed.data, issues: [] };
  const source = isRecord(payload) ? payload : {};
  const settings = defaultTimerSettings();
  const shape = TimerPayload.shape;
  const statuses = shape.statuses.safeParse(source.statuses);
  if (statuses.success) settings.statuses = statuses.data;
  const maxJobs = shape.maxJobs.safeParse(source.maxJobs);
  if (maxJobs.success) settings.maxJobs = maxJobs.data;
  const maxSeconds = shape.maxSeconds.safeParse(source.maxSeconds);
  if (maxSeconds.success) settings.maxSeconds = maxSeconds.data;
  return { settings, issues: issuesFromZod(parsed.error) };
}

/** Reads the timer event (a Buffer on FC); never throws. */
export function parseTimerEvent(event: unknown, logger: Logger): TimerSettings {
  const rejected = (message: string, fields: Record<string, unknown>) => {
    logger.error(`${message}; using the default sync settings`, {
      defaults: defaultTimerSettings(),
      ...fields,
    });
    return defaultTimerSettings();
  };

  let json: unknown;
  try {
    json = JSON.parse(eventText(event));
  } catch {
    return rejected('Timer event is not JSON', {});
  }
  const timer = TimerEvent.safeParse(json);
  if (!timer.success) return rejected('Invalid timer event', { issues: issuesFromZod(timer.error) });
  const { payload, triggerName } = timer.data;
  if (payload.trim() === '') return defaultTimerSettings();

  let settingsJson: unknown;
  try {
    settingsJson = JSON.parse(payload);
  } catch {
    return rejected('Timer payload is not JSON', { triggerName });
  }
  if (!isRecord(settingsJson)) {
    return rejected('Timer payload must be a JSON object such as {"statuses":["Queuing"],"maxJobs":500}', {
      triggerName,
    });
  }
  const { settings, issues } = timerSettingsFrom(settingsJson);
  if (issues.length > 0) {
    logger.error(
      `Invalid timer payload field(s) ${issues.map((i) => i.path || '(root)').join(', ')}; they fall back to their defaults`,
      { triggerName, issues, settings },
    );
  }
  return settings;
}
