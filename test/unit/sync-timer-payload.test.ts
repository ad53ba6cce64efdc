import { describe, expect, it } from 'vitest';
import { tickWindow } from '../../functions/sync/tick.js';
import { DEFAULT_MAX_JOBS, parseTimerEvent } from '../../functions/sync/timer-payload.js';
import { createLogger } from '../../shared/logger.js';
import { captureLogs, timerEvent } from '../helpers/fc.js';

const DEFAULTS = { statuses: ['Queuing', 'Training'], maxJobs: DEFAULT_MAX_JOBS };

function parse(event: unknown) {
  const logs = captureLogs();
  const settings = parseTimerEvent(event, createLogger({ sink: logs.sink }));
  return { settings, errors: logs.records().filter((r) => r.level === 'error') };
}

describe('reading the timer event', () => {
  it('uses the defaults (Queuing and Training, 2000 jobs) without a payload', () => {
    const { settings, errors } = parse(timerEvent(''));
    expect(settings).toEqual(DEFAULTS);
    expect(errors).toEqual([]);
  });

  it('reads statuses and maxJobs from the JSON payload string', () => {
    const { settings, errors } = parse(
      timerEvent({ statuses: ['Training', 'Init', 'Training'], maxJobs: 50 }),
    );
    expect(settings).toEqual({ statuses: ['Training', 'Init'], maxJobs: 50 });
    expect(errors).toEqual([]);
  });

  it('reads maxSeconds, and a bad one falls back to reading until the deadline', () => {
    expect(parse(timerEvent({ maxSeconds: 4 })).settings.maxSeconds).toBe(4);
    const { settings, errors } = parse(timerEvent({ maxSeconds: -1, maxJobs: 7 }));
    expect(settings).toEqual({ ...DEFAULTS, maxJobs: 7 });
    expect(errors[0]?.message).toContain('maxSeconds');
  });

  it('accepts an event given as a string or an object as well as a Buffer', () => {
    const event = { triggerTime: '2025-01-15T08:00:00Z', triggerName: 't', payload: '{"maxJobs":3}' };
    expect(parse(JSON.stringify(event)).settings.maxJobs).toBe(3);
    expect(parse(event).settings.maxJobs).toBe(3);
  });

  describe('rejects a bad payload loudly but keeps syncing', () => {
    it('names an invalid field in an error log and uses its default, keeping the valid ones', () => {
      const { settings, errors } = parse(timerEvent({ statuses: ['Queuing'], maxJobs: 'lots' }));
      expect(settings).toEqual({ statuses: ['Queuing'], maxJobs: DEFAULT_MAX_JOBS });
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toContain('maxJobs');
      expect(errors[0]?.issues).toEqual([{ path: 'maxJobs', message: expect.any(String) }]);
    });

    it('refuses finished statuses, which would be re-announced every tick', () => {
      const { settings, errors } = parse(timerEvent({ statuses: ['Success'] }));
      expect(settings).toEqual(DEFAULTS);
      expect(errors[0]?.message).toContain('statuses.0');
    });

    it('names an unknown field', () => {
      const { settings, errors } = parse(timerEvent({ maxjobs: 10 }));
      expect(settings).toEqual(DEFAULTS);
      expect(errors[0]?.issues).toEqual([{ path: 'maxjobs', message: 'Unknown field' }]);
    });

    it.each([
      ['a payload that is not JSON', timerEvent('every 5 minutes'), 'Timer payload is not JSON'],
      ['a payload that is not an object', timerEvent('[1]'), 'Timer payload must be a JSON object'],
      ['an event that is not JSON', Buffer.from('nope'), 'Timer event is not JSON'],
      ['an event without triggerName', Buffer.from('{"triggerTime":"x"}'), 'Invalid timer event'],
    ])('logs %s and uses the defaults', (_, event, message) => {
      const { settings, errors } = parse(event);
      expect(settings).toEqual(DEFAULTS);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toContain(message);
    });
  });
});

describe('the tick window', () => {
  const start = Date.parse('2025-01-15T08:00:00Z');

  it('reads until shortly before the FC deadline by default', () => {
    const window = tickWindow(start, start + 50_000);
    expect(window.stopAt).toBeGreaterThan(start + 40_000);
    expect(window.stopAt).toBeLessThan(window.deadline);
  });

  it('stops reading after maxSeconds when that comes first, keeping the FC deadline for finishing', () => {
    const window = tickWindow(start, start + 50_000, 4);
    expect(window.stopAt).toBe(start + 4_000);
    expect(window.deadline).toBe(start + 49_500);
  });
});
