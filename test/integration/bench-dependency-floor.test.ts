/**
 * The cold-start bench compares each function with a floor that makes the same network calls with the bare
 * SDKs (bench/lib/dependency-floor.ts). This checks that the floor really makes them, against the local
 * ICE and MNS over loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FloorCall, handler } from '../../bench/lib/dependency-floor.js';
import { type IceService, startIceService } from '../../local/ice/server.js';
import { type MnsService, startMnsService } from '../../local/mns/server.js';

const QUEUE = 'floor';

describe('the cold-start dependency floor', () => {
  let ice: IceService;
  let mns: MnsService;

  beforeAll(async () => {
    ice = await startIceService({ port: 0 });
    mns = await startMnsService({ port: 0, queues: [QUEUE] });
  });

  afterAll(async () => {
    await Promise.all([ice.close(), mns.close()]);
  });

  const invoke = (jobId: string, calls: FloorCall[]) =>
    handler(
      Buffer.from(
        JSON.stringify({ jobId, iceUrl: ice.url, mns: { url: mns.url, accountId: mns.accountId }, calls }),
      ),
      { credentials: { ...ice.credentials } },
    );

  it('without calls only loads, builds its clients and parses once', async () => {
    expect(await invoke('job-1', [])).toEqual({ ok: true, done: [] });
    expect(ice.counters().requests).toBe(0);
  });

  it('makes the ICE and MNS calls it is given, in order, with the context keys', async () => {
    const jobId = ice.jobs.create({ avatarName: 'floor' }).JobId;
    mns.queues.send(QUEUE, { body: 'queued before' });
    const answer = await invoke(jobId, [
      { ice: 'ListAvatarTrainingJobs', query: { PageNo: '1', PageSize: '100', Status: 'Training' } },
      { mns: 'receive', queue: QUEUE, max: 1, waitSeconds: 1 },
      { ice: 'GetAvatarTrainingJob', query: { JobId: jobId } },
      { ice: 'UpdateAvatarTrainingJob', query: { JobId: jobId, AvatarDescription: 'from the floor' } },
      { mns: 'send', queue: QUEUE, body: 'written back', delaySeconds: 60 },
      { mns: 'delete', queue: QUEUE },
    ]);

    expect(answer.ok).toBe(true);
    expect(answer.done).toHaveLength(6);
    expect(ice.counters().actions).toMatchObject({
      ListAvatarTrainingJobs: 1,
      GetAvatarTrainingJob: 1,
      UpdateAvatarTrainingJob: 1,
    });
    expect(ice.jobs.get(jobId)?.AvatarDescription).toBe('from the floor');
    const { messages } = mns.queues.inspect(QUEUE);
    // The received message was deleted; the one sent stays, delayed.
    expect(messages.inFlight).toHaveLength(0);
    expect(messages.visible).toHaveLength(0);
    expect(messages.delayed.map((m) => m.body)).toEqual(['written back']);
  });
});
