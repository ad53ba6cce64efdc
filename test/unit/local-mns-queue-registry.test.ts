import { afterEach, describe, expect, it } from 'vitest';
import { QueueRegistry } from '../../local/mns/queue-registry.js';

let now = 1_736_928_600_000;
const clock = () => now;
const registries: QueueRegistry[] = [];

function registry(): QueueRegistry {
  const created = new QueueRegistry(clock);
  registries.push(created);
  return created;
}

afterEach(() => {
  for (const created of registries.splice(0)) created.close();
});

/** Whether a promise has settled, without waiting on real time. */
async function settled<T>(promise: Promise<T>): Promise<{ done: boolean; value?: T }> {
  let state: { done: boolean; value?: T } = { done: false };
  promise.then((value) => {
    state = { done: true, value };
  });
  await new Promise((resolve) => setImmediate(resolve));
  return state;
}

describe('the queue registry', () => {
  it('creates queues (created / unchanged) and refuses different attributes, bad names and self-redrive', () => {
    const queues = registry();
    expect(queues.create('jobs')).toBe('created');
    expect(queues.create('jobs', { visibilityTimeout: 30 })).toBe('unchanged');
    expect(() => queues.create('jobs', { visibilityTimeout: 31 })).toThrow(
      expect.objectContaining({ status: 409, code: 'QueueAlreadyExist' }),
    );
    expect(() => queues.create('bad_name')).toThrow(expect.objectContaining({ code: 'InvalidQueueName' }));
    expect(() => queues.create('-leading-hyphen')).toThrow(
      expect.objectContaining({ code: 'InvalidQueueName' }),
    );
    expect(() => queues.create('a'.repeat(121))).toThrow(
      expect.objectContaining({ code: 'QueueNameLengthError' }),
    );
    expect(() =>
      queues.create('loop', { deadLetterPolicy: { deadLetterTargetQueue: 'loop', maxReceiveCount: 1 } }),
    ).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    expect(() => queues.send('missing', { body: 'x' })).toThrow(
      expect.objectContaining({ status: 404, code: 'QueueNotExist' }),
    );
    expect(queues.names()).toEqual(['jobs']);
  });

  it('holds a long poll until a message is sent, then answers it at once', async () => {
    const queues = registry();
    queues.create('jobs');
    const polling = queues.receive('jobs', 1, 30);
    expect((await settled(polling)).done).toBe(false);
    queues.send('jobs', { body: 'hello' });
    const result = await settled(polling);
    expect(result.value?.map((m) => m.body)).toEqual(['hello']);
  });

  it('ends a long poll with no message at its deadline on the fake clock', async () => {
    const queues = registry();
    queues.create('jobs', { pollingWaitSeconds: 5 });
    const polling = queues.receive('jobs', 1);
    now += 4_999;
    queues.tick();
    expect((await settled(polling)).done).toBe(false);
    now += 1;
    queues.tick();
    expect(await settled(polling)).toEqual({ done: true, value: [] });
  });

  it('answers a long poll when a delayed or expired in-flight message becomes visible on tick', async () => {
    const queues = registry();
    queues.create('jobs', { visibilityTimeout: 10 });
    queues.send('jobs', { body: 'later', delaySeconds: 3 });
    const polling = queues.receive('jobs', 16, 30);
    now += 3_000;
    queues.tick();
    const [first] = (await settled(polling)).value ?? [];
    expect(first).toMatchObject({ body: 'later', dequeueCount: 1 });
    const again = queues.receive('jobs', 1, 30);
    now += 10_000;
    queues.tick();
    expect((await settled(again)).value?.[0]).toMatchObject({ body: 'later', dequeueCount: 2 });
  });

  it('gives up a long poll when its signal aborts, taking no message', async () => {
    const queues = registry();
    queues.create('jobs');
    const aborted = new AbortController();
    const polling = queues.receive('jobs', 1, 30, aborted.signal);
    aborted.abort();
    expect(await settled(polling)).toEqual({ done: true, value: [] });
    queues.send('jobs', { body: 'x' });
    expect(queues.inspect('jobs').messages.visible).toHaveLength(1);
  });

  it('dead-letters into the target queue and wakes a long poll waiting there', async () => {
    const queues = registry();
    queues.create('dead');
    queues.create('jobs', {
      visibilityTimeout: 1,
      deadLetterPolicy: { deadLetterTargetQueue: 'dead', maxReceiveCount: 1 },
    });
    const onDead = queues.receive('dead', 1, 30);
    queues.send('jobs', { body: 'poison' });
    expect((await queues.receive('jobs', 1, 0))[0]!.dequeueCount).toBe(1);
    now += 1_000;
    expect(await queues.receive('jobs', 1, 0)).toEqual([]);
    expect((await settled(onDead)).value?.[0]).toMatchObject({ body: 'poison', dequeueCount: 1 });
    expect(queues.list().map(({ name, counters }) => [name, counters.deadLettered])).toEqual([
      ['dead', 0],
      ['jobs', 1],
    ]);
  });

  it('answers pending long polls with no message when the queue is deleted or the registry closes', async () => {
    const queues = registry();
    queues.create('a');
    queues.create('b');
    const onA = queues.receive('a', 1, 30);
    const onB = queues.receive('b', 1, 30);
    queues.delete('a');
    expect(await settled(onA)).toEqual({ done: true, value: [] });
    queues.close();
    expect(await settled(onB)).toEqual({ done: true, value: [] });
  });
});
