import { describe, expect, it } from 'vitest';
import { discoverJobs } from '../../functions/sync/discover.js';
import { Throttled } from '../../shared/errors.js';
import type { IceClient, Job, ListJobsInput } from '../../shared/ice/index.js';

function fakeList(jobsByStatus: Record<string, number>, failOn?: { status: string; pageNo: number }) {
  const calls: ListJobsInput[] = [];
  const ice: Pick<IceClient, 'listJobs'> = {
    async listJobs(input = {}) {
      calls.push(input);
      const status = input.status ?? '';
      const pageNo = input.pageNo ?? 1;
      const pageSize = input.pageSize ?? 10;
      if (failOn && failOn.status === status && failOn.pageNo === pageNo) throw Throttled('slow down');
      const total = jobsByStatus[status] ?? 0;
      const jobs = Array.from(
        { length: Math.max(0, Math.min(pageSize, total - (pageNo - 1) * pageSize)) },
        (_, i) => ({
          jobId: `${status}-${(pageNo - 1) * pageSize + i}`,
          status,
        }),
      ) as Job[];
      return { jobs, totalCount: total, pageNo, pageSize, requestId: 'r' };
    },
  };
  return { ice, calls };
}
const options = { now: () => 0, deadline: 1 };

describe('discovering in-flight jobs', () => {
  it('lists every page of every status, 100 a page', async () => {
    const { ice, calls } = fakeList({ Queuing: 150, Training: 100 });
    const result = await discoverJobs(ice, { statuses: ['Queuing', 'Training'], maxJobs: 1000 }, options);
    expect(result.complete).toBe(true);
    expect(result.observations).toHaveLength(250);
    expect(calls).toEqual([
      { status: 'Queuing', pageNo: 1, pageSize: 100 },
      { status: 'Queuing', pageNo: 2, pageSize: 100 },
      { status: 'Training', pageNo: 1, pageSize: 100 },
    ]);
  });

  it('stops at maxJobs across statuses', async () => {
    const { ice, calls } = fakeList({ Queuing: 150, Training: 100 });
    const result = await discoverJobs(ice, { statuses: ['Queuing', 'Training'], maxJobs: 120 }, options);
    expect(result.observations).toHaveLength(120);
    expect(calls).toHaveLength(2);
  });

  it('keeps what it listed and reports itself incomplete when a page fails', async () => {
    const { ice } = fakeList({ Queuing: 150, Training: 10 }, { status: 'Queuing', pageNo: 2 });
    const result = await discoverJobs(ice, { statuses: ['Queuing', 'Training'], maxJobs: 1000 }, options);
    expect(result.complete).toBe(false);
    expect(result.observations).toHaveLength(100);
    expect(result.error).toMatchObject({ code: 'Throttled' });
  });

  it('lists nothing once the deadline has passed', async () => {
    const { ice, calls } = fakeList({ Queuing: 5 });
    const result = await discoverJobs(
      ice,
      { statuses: ['Queuing'], maxJobs: 10 },
      { now: () => 2, deadline: 1 },
    );
    expect(result).toMatchObject({ complete: false, observations: [] });
    expect(calls).toEqual([]);
  });
});
