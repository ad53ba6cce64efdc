import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InvocationOutcome } from '../../local/host/function-instance.js';
import { parseSchedule, triggerTime } from '../../local/host/schedule.js';
import { startTimerTrigger } from '../../local/host/timer.js';
import { createLogger } from '../../shared/logger.js';
import { captureLogs, fakeClock } from '../helpers/fc.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('parseSchedule (FC timer expressions)', () => {
  it('reads 6-field cron with seconds in UTC', () => {
    const every5 = parseSchedule('0 */5 * * * *');
    expect(iso(every5.next(at('2025-01-01T00:05:00Z'), 0))).toBe('2025-01-01T00:10:00.000Z');
    expect(iso(every5.next(at('2025-01-01T00:04:59.500Z'), 0))).toBe('2025-01-01T00:05:00.000Z');
    expect(iso(parseSchedule('0 0 4 * * *').next(at('2025-01-01T05:00:00Z'), 0))).toBe(
      '2025-01-02T04:00:00.000Z',
    );
    expect(iso(parseSchedule('30 * * * * *').next(at('2025-01-01T00:00:00Z'), 0))).toBe(
      '2025-01-01T00:00:30.000Z',
    );
  });

  it('reads the zone of a CRON_TZ= prefix', () => {
    const shanghai = parseSchedule('CRON_TZ=Asia/Shanghai 0 0 4 * * *');
    // 04:00 in Shanghai (UTC+8) is 20:00 UTC the day before.
    expect(iso(shanghai.next(at('2025-01-01T00:00:00Z'), 0))).toBe('2025-01-01T20:00:00.000Z');
  });

  it('fires @every at whole intervals from the start, strictly after the given time', () => {
    const start = at('2025-01-01T00:00:07Z');
    const every = parseSchedule('@every 1h30m');
    expect(iso(every.next(start, start))).toBe('2025-01-01T01:30:07.000Z');
    expect(iso(every.next(at('2025-01-01T01:30:07Z'), start))).toBe('2025-01-01T03:00:07.000Z');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7200 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (seconds, offset) => {
          const schedule = parseSchedule(`@every ${seconds}s`);
          const next = schedule.next(start + offset, start);
          expect(next).toBeGreaterThan(start + offset);
          expect(next - (start + offset)).toBeLessThanOrEqual(seconds * 1000);
          expect((next - start) % (seconds * 1000)).toBe(0);
        },
      ),
    );
  });

  it('refuses 5- or 7-field cron, unknown zones, bad durations and bad field values, saying why', () => {
    expect(() => parseSchedule('*/5 * * * *')).toThrow(/5 fields; FC cron needs 6/);
    expect(() => parseSchedule('0 0 4 * * * 2025')).toThrow(/7 fields/);
    expect(() => parseSchedule('CRON_TZ=Mars/Base 0 0 4 * * *')).toThrow(/unknown time zone 'Mars\/Base'/);
    expect(() => parseSchedule('@every 5x')).toThrow(/needs a duration/);
    expect(() => parseSchedule('@every 0s')).toThrow(/longer than zero/);
    expect(() => parseSchedule('0 61 * * * *')).toThrow(/minute/);
  });

  it('formats triggerTime as UTC whole seconds', () => {
    expect(triggerTime(at('2023-12-26T07:49:00.999Z'))).toBe('2023-12-26T07:49:00Z');
  });
});

describe('startTimerTrigger (fake clock)', () => {
  const ok: InvocationOutcome = { ok: true, result: { kind: 'empty' } };

  it('invokes with {triggerTime, triggerName, payload} at each fire time', async () => {
    const clock = fakeClock(at('2025-01-15T08:00:00Z'));
    const events: unknown[] = [];
    let stop = () => {};
    const timer = startTimerTrigger({
      triggerName: 'status-sync',
      config: { cronExpression: '0 */1 * * * *', enable: true, payload: '{"maxJobs":10}' },
      clock,
      logger: createLogger({ sink: () => {} }),
      invoke: async (event) => {
        events.push(JSON.parse(event.toString()));
        if (events.length === 3) stop();
        return ok;
      },
    });
    stop = () => void timer.stop();
    await expect.poll(() => events.length).toBe(3);
    await timer.stop();
    expect(events).toEqual([
      { triggerTime: '2025-01-15T08:01:00Z', triggerName: 'status-sync', payload: '{"maxJobs":10}' },
      { triggerTime: '2025-01-15T08:02:00Z', triggerName: 'status-sync', payload: '{"maxJobs":10}' },
      { triggerTime: '2025-01-15T08:03:00Z', triggerName: 'status-sync', payload: '{"maxJobs":10}' },
    ]);
    expect(timer.fired()).toBe(3);
  });

  it('skips fire times that pass while an invocation runs, and says so', async () => {
    const clock = fakeClock(at('2025-01-15T08:00:00Z'));
    const logs = captureLogs();
    const times: string[] = [];
    let timer: ReturnType<typeof startTimerTrigger> | undefined;
    timer = startTimerTrigger({
      triggerName: 't',
      config: { cronExpression: '@every 10s', enable: true },
      clock,
      logger: createLogger({ level: 'debug', sink: logs.sink }),
      invoke: async (event) => {
        times.push(JSON.parse(event.toString()).triggerTime);
        if (times.length === 1) clock.advance(25_000);
        if (times.length === 2) void timer?.stop();
        return ok;
      },
    });
    await expect.poll(() => times.length).toBe(2);
    await timer.stop();
    expect(times).toEqual(['2025-01-15T08:00:10Z', '2025-01-15T08:00:40Z']);
    expect(
      logs.records().some((r) => r.message === 'fire times skipped while the previous invocation ran'),
    ).toBe(true);
  });

  it('never fires when the trigger is disabled', async () => {
    const clock = fakeClock();
    let calls = 0;
    const timer = startTimerTrigger({
      triggerName: 'off',
      config: { cronExpression: '@every 1s', enable: false },
      clock,
      logger: createLogger({ sink: () => {} }),
      invoke: async () => {
        calls++;
        return ok;
      },
    });
    await timer.stop();
    expect(calls).toBe(0);
    expect(clock.sleeps).toEqual([]);
  });
});
