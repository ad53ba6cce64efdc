/** How a set of requests was answered: by status class and by status, plus handler throws (crashes). */

export interface StatusTally {
  total: number;
  byClass: Record<'2xx' | '3xx' | '4xx' | '5xx', number>;
  byStatus: Record<string, number>;
  /** The handler threw instead of answering (FC would report a function error). */
  threw: number;
}

export const emptyTally = (): StatusTally => ({
  total: 0,
  byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
  byStatus: {},
  threw: 0,
});

export function count(tally: StatusTally, status: number | 'threw'): void {
  tally.total++;
  if (status === 'threw') {
    tally.threw++;
    return;
  }
  const cls = `${Math.min(5, Math.max(2, Math.floor(status / 100)))}xx` as keyof StatusTally['byClass'];
  tally.byClass[cls]++;
  tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
}

/** `400×512, 401×3` */
export const describeStatuses = (tally: StatusTally): string =>
  Object.entries(tally.byStatus)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}×${n}`)
    .concat(tally.threw > 0 ? [`threw×${tally.threw}`] : [])
    .join(', ');
