import { describe, expect, it, vi } from 'vitest';
import { depsFromEnv } from '../../functions/queue/deps-from-env.js';
import { createHandler, handler } from '../../functions/queue/handler.js';
import { fakeContext, mnsBatchEvent } from '../helpers/fc.js';
import { fakeIce, queueTestDeps } from '../helpers/queue-fakes.js';

const LOCAL_ENV = { MNS_ENDPOINT: 'http://127.0.0.1:9102', ICE_ENDPOINT: 'http://127.0.0.1:9101' };

describe('the queue handler', () => {
  it('runs a batch with the deps it was given', async () => {
    const ice = fakeIce();
    const { deps } = queueTestDeps({ ice: ice.ice });
    const run = createHandler(deps);
    const summary = await run(
      mnsBatchEvent([{ body: JSON.stringify({ jobId: 'job-a', avatarName: 'a' }) }]),
      fakeContext({ remainingMs: 30_000 }),
    );
    expect(summary).toMatchObject({ received: 1, applied: 1 });
    expect(ice.jobs.get('job-a')).toEqual({ avatarName: 'a' });
  });

  it('builds its deps on the first call only, and again after the factory threw', async () => {
    let built = 0;
    const { deps } = queueTestDeps();
    const run = createHandler(() => {
      built++;
      if (built === 1) throw new Error('first build fails');
      return deps;
    });
    const event = mnsBatchEvent([{ body: JSON.stringify({ jobId: 'job-a', avatarName: 'a' }) }]);
    await expect(run(event, fakeContext())).rejects.toThrow('first build fails');
    await run(event, fakeContext());
    await run(event, fakeContext());
    expect(built).toBe(2);
  });

  it('is exported ready-made, reads the environment on its first call and names a bad variable', async () => {
    vi.stubEnv('MNS_ENDPOINT', LOCAL_ENV.MNS_ENDPOINT);
    vi.stubEnv('ICE_CONCURRENCY', 'many');
    try {
      await expect(handler(Buffer.from('[]'), fakeContext())).rejects.toMatchObject({
        code: 'ConfigError',
        message: expect.stringContaining('ICE_CONCURRENCY'),
      });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('configuration from the environment', () => {
  it('builds clients for a valid environment without touching the network', () => {
    const deps = depsFromEnv({ ...LOCAL_ENV, ICE_MAX_RPS: '25', ICE_CONCURRENCY: '2', MAX_ATTEMPTS: '7' });
    expect(deps.settings).toMatchObject({
      updatesQueue: 'avatar-job-updates',
      deadLetterQueue: 'avatar-job-dead-letters',
      watchQueue: 'avatar-job-watch',
      maxAttempts: 7,
    });
  });

  it('fails naming the variable when one is invalid', () => {
    expect(() => depsFromEnv({ ...LOCAL_ENV, ICE_MAX_RPS: 'fast' })).toThrow(/ICE_MAX_RPS/);
    expect(() => depsFromEnv({ ...LOCAL_ENV, ICE_CONCURRENCY: '0' })).toThrow(/ICE_CONCURRENCY/);
  });

  it('fails naming MNS_ENDPOINT when MNS cannot be located', () => {
    expect(() => depsFromEnv({ ICE_ENDPOINT: LOCAL_ENV.ICE_ENDPOINT })).toThrow(
      expect.objectContaining({ code: 'ConfigError', message: expect.stringContaining('MNS_ENDPOINT') }),
    );
  });
});
