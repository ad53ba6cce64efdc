import { describe, expect, it } from 'vitest';
import { queuePlan } from '../../bench/harden/queue-corpus.js';
import { UpdateCommand } from '../../shared/commands.js';

const plan = () => {
  let n = 0;
  return queuePlan({ newJob: () => `job-${++n}`, queuingJobId: 'queuing-job', generated: 40, seed: 7 });
};

describe('the bad queue message corpus', () => {
  it('gives every keyed bad item its own message ID, so each dead letter is found again', () => {
    const keys = plan()
      .bad.map((item) => item.key)
      .filter((key) => key !== null);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives every valid neighbour a job of its own and a valid command', () => {
    const { neighbours } = plan();
    expect(new Set(neighbours.map((n) => n.jobId)).size).toBe(neighbours.length);
    for (const n of neighbours) expect(UpdateCommand.safeParse(n).success).toBe(true);
  });

  it('generates the same cases from the same seed', () => {
    const bodies = (events: Buffer[]) =>
      events.map((e) => String(e).replace(/"(id|requestId|time|aliyunpublishtime)":"[^"]*"/g, ''));
    const [a, b] = [plan(), plan()];
    expect(a.bad).toEqual(b.bad);
    expect(bodies(a.events)).toEqual(bodies(b.events));
  });

  it('mixes bad items and valid neighbours in the same batches', () => {
    const first = JSON.parse(String(plan().events[0])) as { data?: { messageBody?: string } }[];
    const bodies = first.map((element) => element?.data?.messageBody ?? '');
    expect(bodies.some((body) => body.includes('neighbour'))).toBe(true);
    expect(bodies.some((body) => !body.includes('neighbour'))).toBe(true);
  });
});
