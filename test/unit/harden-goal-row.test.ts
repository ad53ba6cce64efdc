import { describe, expect, it } from 'vitest';
import { formatTable, goalRow } from '../../bench/lib/table.js';

describe('report rows with a goal', () => {
  it('are met exactly when the value is within the goal', () => {
    expect(goalRow('s', 'f', 1.1, { atMost: 1.1 }).met).toBe(true);
    expect(goalRow('s', 'f', 1.11, { atMost: 1.1 }).met).toBe(false);
    expect(goalRow('s', 'f', 500, { atLeast: 500 }).met).toBe(true);
    expect(goalRow('s', 'f', 499, { atLeast: 500 }).met).toBe(false);
    expect(goalRow('s', 'f', 0, { exactly: 0 }).met).toBe(true);
    expect(goalRow('s', 'f', 1, { exactly: 0 }).met).toBe(false);
  });

  it('show the goal and the detail next to the value', () => {
    expect(goalRow('HTTP', 'ratio', 1.2, { atMost: 1.1 }, '0.5 ms vs 0.4 ms')).toEqual({
      section: 'HTTP',
      figure: 'ratio',
      value: '1.2 (0.5 ms vs 0.4 ms)',
      goal: '≤ 1.1',
      met: false,
    });
  });

  it('print as one aligned table that says which goals are not met', () => {
    const table = formatTable([
      goalRow('A', 'one', 0, { exactly: 0 }),
      { section: 'B', figure: 'info', value: 'x' },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^Section \| Figure \| Value \| Goal\s+\| Met$/);
    expect(lines[2]).toMatch(/\| met$/);
    expect(lines[3]).toMatch(/^B\s+\| info\s+\| x$/);
    expect(new Set(lines.map((l) => l.indexOf('|')))).toEqual(new Set([lines[0]!.indexOf('|')]));
  });
});
