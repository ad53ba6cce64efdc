/** The one report shape both `npm run bench` and `npm run harden` print: a figure, its goal, met or not. */

export interface Row {
  section: string;
  figure: string;
  value: string;
  /** Absent for context figures that carry no goal. */
  goal?: string;
  /** undefined: no goal. */
  met?: boolean;
}

export type Goal = { atMost: number } | { atLeast: number } | { exactly: number };

/** A row whose goal is `value ≤`, `≥` or `=` a limit; `detail` follows the value in brackets. */
export function goalRow(section: string, figure: string, value: number, goal: Goal, detail?: string): Row {
  const [sign, limit, met] =
    'atMost' in goal
      ? (['≤', goal.atMost, value <= goal.atMost] as const)
      : 'atLeast' in goal
        ? (['≥', goal.atLeast, value >= goal.atLeast] as const)
        : (['=', goal.exactly, value === goal.exactly] as const);
  const shown = detail === undefined ? String(value) : `${value} (${detail})`;
  return { section, figure, value: shown, goal: `${sign} ${limit}`, met };
}

export function formatTable(rows: readonly Row[]): string {
  const header: Row = { section: 'Section', figure: 'Figure', value: 'Value', goal: 'Goal' };
  const cells = [header, ...rows].map((r, i) => [
    r.section,
    r.figure,
    r.value,
    r.goal ?? '',
    i === 0 ? 'Met' : r.met === undefined ? '' : r.met ? 'met' : 'NOT MET',
  ]);
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join(' | ')
      .replace(/[\s|]+$/, '');
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-');
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}
