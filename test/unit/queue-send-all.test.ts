import { describe, expect, it } from 'vitest';
import { sendAll } from '../../functions/queue/send-all.js';
import { systemClock } from '../../shared/clock.js';
import type { QueueClient } from '../../shared/mns/queue-client.js';

describe('sending what must not be lost', () => {
  it('returns every message as unsent when MNS hangs past the deadline, instead of waiting for it', async () => {
    const hung: Pick<QueueClient, 'send'> = { send: () => new Promise(() => {}) };
    // Without the bound this never resolves and the test fails on its timeout.
    const unsent = await sendAll(hung, 'updates', [{ body: 'a' }, { body: 'b' }], {
      clock: systemClock,
      deadline: Date.now() + 50,
    });
    expect(unsent.map((u) => u.message.body)).toEqual(['a', 'b']);
  });
});
