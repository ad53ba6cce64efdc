import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaults } from '../../local/ice/faults.js';

function sequence(...values: number[]): () => number {
  return () => {
    const next = values.shift();
    if (next === undefined) throw new Error('random source exhausted');
    return next;
  };
}

describe('fault injection', () => {
  it('maps one random draw to drop, slow, throttle, error, unavailable or nothing by cumulative rate', () => {
    const faults = new FaultInjector(sequence(0.05, 0.15, 0.25, 0.35, 0.45, 0.55), () => 0, {
      dropRate: 0.1,
      slowRate: 0.1,
      slowMs: 400,
      throttleRate: 0.1,
      errorRate: 0.1,
      unavailableRate: 0.1,
    });
    const kinds = Array.from({ length: 6 }, () => {
      const decision = faults.decide();
      if (decision.kind === 'error') return `${decision.error.status} ${decision.error.code}`;
      if (decision.kind === 'slow') return `slow ${decision.delayMs}`;
      return decision.kind;
    });
    expect(kinds).toEqual([
      'drop',
      'slow 400',
      '400 Throttling',
      '500 InternalError',
      '503 ServiceUnAvailable',
      'none',
    ]);
  });

  it('gives Throttling the documented message', () => {
    const decision = new FaultInjector(
      () => 0,
      () => 0,
      { throttleRate: 1 },
    ).decide();
    expect(decision).toMatchObject({
      kind: 'error',
      error: { message: 'Request was denied due to request throttling.' },
    });
  });

  it('does not consume the random source when no rate is set, and can be changed at run time', () => {
    const faults = new FaultInjector(sequence(0), () => 0);
    expect(faults.decide().kind).toBe('none');
    faults.set({ errorRate: 1 });
    expect(faults.decide()).toMatchObject({ kind: 'error', error: { code: 'InternalError' } });
    expect(faults.current).toEqual({ errorRate: 1 });
  });

  it('answers Throttling.User beyond maxRps within one second of the service clock', () => {
    let now = 10_000;
    const faults = new FaultInjector(Math.random, () => now, { maxRps: 2 });
    expect(faults.rateLimit()).toBeUndefined();
    expect(faults.rateLimit()).toBeUndefined();
    expect(faults.rateLimit()).toMatchObject({ status: 400, code: 'Throttling.User' });
    now += 999;
    expect(faults.rateLimit()).toMatchObject({ code: 'Throttling.User' });
    now += 1;
    expect(faults.rateLimit()).toBeUndefined();
  });

  it('refuses invalid settings: unknown keys, rates outside 0–1, rates adding up to more than 1', () => {
    expect(() => parseFaults({ typo: 1 })).toThrow(/unknown fault setting "typo"/);
    expect(() => parseFaults({ errorRate: 1.5 })).toThrow(RangeError);
    expect(() => parseFaults({ errorRate: -0.1 })).toThrow(RangeError);
    expect(() => parseFaults({ errorRate: 0.6, throttleRate: 0.6 })).toThrow(/at most 1/);
    expect(() => parseFaults({ slowMs: 1.5 })).toThrow(/integer/);
    expect(() => parseFaults([])).toThrow(/object/);
    expect(parseFaults({ errorRate: 0.5, throttleRate: 0.5, maxRps: 10 })).toEqual({
      errorRate: 0.5,
      throttleRate: 0.5,
      maxRps: 10,
    });
  });
});
