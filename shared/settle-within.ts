/** Past 2^31 - 1 ms a Node timer fires at once, so "no limit" must not become a timer. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Waits for `work` at most `ms` (real time: it bounds I/O against the FC deadline). The work itself goes
 * on unawaited when late — a promise cannot be cancelled — so callers use this only for work that is safe
 * to finish, or to repeat, later.
 */
export async function settleWithin<T>(
  work: Promise<T>,
  ms: number,
): Promise<{ late: false; value: T } | { late: true }> {
  if (!(ms < MAX_TIMER_MS)) return { late: false, value: await work };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ late: true }>((resolve) => {
    timer = setTimeout(() => resolve({ late: true }), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then((value) => ({ late: false as const, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
