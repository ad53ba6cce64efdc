import { describe, expect, it } from 'vitest';
import { settleWithin } from '../../shared/settle-within.js';

describe('waiting for work at most a given time', () => {
  it('hands over the value of work that settles in time', async () => {
    expect(await settleWithin(Promise.resolve(42), 1_000)).toEqual({ late: false, value: 42 });
  });

  it('reports work that has not settled when the time is up, without waiting for it', async () => {
    expect(await settleWithin(new Promise(() => {}), 5)).toEqual({ late: true });
  });

  it('passes a rejection of work that fails in time on to the caller', async () => {
    await expect(settleWithin(Promise.reject(new Error('down')), 1_000)).rejects.toThrow('down');
  });

  it('waits without a timer when there is no limit (a Node timer past 2^31 ms would fire at once)', async () => {
    const slow = new Promise((resolve) => setTimeout(() => resolve('done'), 20));
    expect(await settleWithin(slow, Number.POSITIVE_INFINITY)).toEqual({ late: false, value: 'done' });
  });
});
