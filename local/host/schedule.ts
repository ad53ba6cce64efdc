/**
 * FC timer-trigger schedules: a 6-field cron with seconds (`sec min hour day month weekday`), read in UTC
 * unless prefixed `CRON_TZ=<IANA zone> `, or `@every <duration>` (e.g. `5m`, `1h30m`, `10s`), which croner
 * does not parse and which counts from when the trigger started.
 */
import { Cron } from 'croner';

export interface Schedule {
  /** The expression as written in s.yaml. */
  readonly expression: string;
  /** The first fire time strictly after `after` (epoch ms); `startedAt` anchors `@every`. */
  next(after: number, startedAt: number): number;
}

const CRON_TZ = /^CRON_TZ=(\S+)\s+(.+)$/;
const EVERY = /^@every\s+(\S+)$/;
const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Parses an expression; throws a RangeError that says what is wrong. */
export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  const every = EVERY.exec(text);
  if (every) {
    const intervalMs = parseDuration(every[1] as string);
    return {
      expression,
      next: (after, startedAt) => {
        const periods = Math.floor(Math.max(0, after - startedAt) / intervalMs) + 1;
        return startedAt + periods * intervalMs;
      },
    };
  }
  const zoned = CRON_TZ.exec(text);
  const timezone = zoned ? (zoned[1] as string) : 'UTC';
  const pattern = zoned ? (zoned[2] as string).trim() : text;
  if (!isTimeZone(timezone)) throw new RangeError(`unknown time zone '${timezone}' in CRON_TZ`);
  const fields = pattern.split(/\s+/).length;
  if (fields !== 6) {
    throw new RangeError(
      `'${pattern}' has ${fields} fields; FC cron needs 6 (seconds minutes hours day-of-month month day-of-week)`,
    );
  }
  const cron = new Cron(pattern, { timezone, mode: '6-part', paused: true });
  return {
    expression,
    next: (after) => {
      const next = cron.nextRun(new Date(after));
      if (next === null) throw new RangeError(`'${expression}' never fires again`);
      return next.getTime();
    },
  };
}

/** Go-style `1h30m`, `5m`, `10s` (what FC documents for `@every`). */
function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (!match || text === '')
    throw new RangeError(`'@every ${text}' needs a duration such as 5m, 1h30m or 10s`);
  const [, h = '0', m = '0', s = '0'] = match;
  const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  if (ms <= 0) throw new RangeError(`'@every ${text}' must be longer than zero`);
  return ms;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** FC's `triggerTime` format: UTC, whole seconds, `Z`. */
export const triggerTime = (epochMs: number): string =>
  new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
