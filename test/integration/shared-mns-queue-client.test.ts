import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialResolver } from '../../shared/credentials.js';
import { type AppError, errorCode, isRetryable } from '../../shared/errors.js';
import { MAX_BATCH_MESSAGES, type QueueClient, queueClientFromConfig } from '../../shared/mns/index.js';
import { startTestMnsService, type TestMnsService } from '../helpers/mns-service.js';

const QUEUE = 'shared-mns-test';
const SMALL = 'shared-mns-small';
const STS = { accessKeyId: 'STS.mnsKey', accessKeySecret: 'stsSecret', securityToken: 'CAIS-mns-token' };

let mns: TestMnsService;

/** The production wiring: queueClientFromConfig with keys from (fake) env. */
function queues(env?: NodeJS.ProcessEnv, service: TestMnsService = mns): QueueClient {
  const { accessKeyId, accessKeySecret } = service.service.credentials;
  return queueClientFromConfig(
    {
      MNS_ENDPOINT: service.service.url,
      MNS_ACCOUNT_ID: service.service.accountId,
      FC_ACCOUNT_ID: undefined,
      ICE_REGION: 'cn-shanghai',
    },
    createCredentialResolver(
      env ?? { ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: accessKeySecret },
    ),
  );
}

const snapshot = (queue = QUEUE) => mns.service.queues.inspect(queue);

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

/** Takes every message off the queue so each test starts empty. */
async function drain(queue = QUEUE) {
  for (;;) {
    const got = await queues().receive(queue, MAX_BATCH_MESSAGES, 0);
    if (got.length === 0) return;
    await queues().delete(
      queue,
      got.map((m) => m.receiptHandle),
    );
  }
}

beforeAll(async () => {
  mns = await startTestMnsService({
    queues: [QUEUE, { name: SMALL, attributes: { maximumMessageSize: 1024 } }],
  });
});

afterAll(async () => {
  await mns.close();
});

beforeEach(async () => {
  await drain();
  await drain(SMALL);
});

describe('shared/mns through the real @alicloud/mns client', () => {
  describe('send', () => {
    it('sends bodies with & and < base64-encoded, where the raw SDK fails with MalformedXML', async () => {
      const body = JSON.stringify({ jobId: 'a1', avatarDescription: 'Tom & Jerry <3 ]]>' });
      const raw = await failure(mns.client.sendMessage(QUEUE, { MessageBody: body }));
      expect(raw.name).toBe('MNSMalformedXMLError');

      const [outcome] = await queues().send(QUEUE, [{ body }]);
      expect(outcome).toEqual({ index: 0, ok: true, messageId: expect.any(String) });
      const [stored] = snapshot().messages.visible;
      expect(stored?.body).toBe(Buffer.from(body).toString('base64'));
      expect(stored?.decodedBody).toBe(body);
    });

    it('sends 40 messages in batches of at most 16, one outcome per message, in order', async () => {
      const bodies = Array.from({ length: 40 }, (_, i) =>
        JSON.stringify({ jobId: `job-${i}`, avatarName: `n${i}` }),
      );
      const outcomes = await queues().send(
        QUEUE,
        bodies.map((body) => ({ body })),
      );
      expect(outcomes.map((o) => [o.index, o.ok])).toEqual(bodies.map((_, i) => [i, true]));
      const ids = outcomes.map((o) => (o.ok ? o.messageId : ''));
      expect(new Set(ids).size).toBe(40);
      const stored = snapshot().messages.visible;
      expect(stored.map((m) => m.messageId).sort()).toEqual([...ids].sort());
      expect(stored.map((m) => m.decodedBody).sort()).toEqual([...bodies].sort());
    });

    it('keeps each batch within 64 KB of encoded bodies (the service refuses bigger batches)', async () => {
      // 20 KB of text is ~27 KB base64: two fit in a batch, three do not.
      const bodies = Array.from({ length: 5 }, (_, i) => `${i}${'x'.repeat(20 * 1024)}`);
      const outcomes = await queues().send(
        QUEUE,
        bodies.map((body) => ({ body })),
      );
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(snapshot().messages.visible).toHaveLength(5);
    });

    it('reports a message too large for MNS as failed and still sends the others', async () => {
      const outcomes = await queues().send(QUEUE, [
        { body: 'small' },
        { body: 'y'.repeat(60 * 1024) },
        { body: 'also small' },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
      const failed = outcomes[1]!;
      if (failed.ok) throw new Error('unreachable');
      expect(failed.error).toMatchObject({ code: 'QueueError', upstreamCode: 'InvalidArgument' });
    });

    it('reports per-message refusals inside an accepted batch with their own codes', async () => {
      const outcomes = await queues().send(SMALL, [
        { body: 'fits' },
        { body: 'z'.repeat(2_000) },
        { body: 'ok' },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
      const failed = outcomes[1]!;
      if (failed.ok) throw new Error('unreachable');
      expect(failed.error).toMatchObject({ code: 'QueueError', upstreamCode: 'InvalidArgument' });
      expect(isRetryable(failed.error)).toBe(false);
    });

    it('passes delay and priority through', async () => {
      await queues().send(QUEUE, [{ body: 'later', delaySeconds: 60, priority: 2 }]);
      const { delayed } = snapshot().messages;
      expect(delayed).toHaveLength(1);
      expect(delayed[0]).toMatchObject({ decodedBody: 'later', priority: 2 });
    });

    it('fails every message of a send to an unknown queue with QueueNotExist', async () => {
      const outcomes = await queues().send('no-such-queue', [{ body: 'a' }, { body: 'b' }]);
      expect(outcomes.map((o) => (o.ok ? 'ok' : [o.index, o.error.code, o.error.upstreamCode]))).toEqual([
        [0, 'QueueError', 'QueueNotExist'],
        [1, 'QueueError', 'QueueNotExist'],
      ]);
    });

    it('sends nothing and makes no call for no messages', async () => {
      expect(await queues().send(QUEUE, [])).toEqual([]);
    });
  });

  describe('receive', () => {
    it('returns decoded bodies with their receipt handles and counts', async () => {
      const body = '{"jobId":"r1","avatarDescription":"a & b < c 中文 😀"}';
      await queues().send(QUEUE, [{ body }, { body: 'second' }]);
      const got = await queues().receive(QUEUE, 16, 1);
      expect(got.map((m) => m.body).sort()).toEqual([body, 'second'].sort());
      for (const m of got) {
        expect(m).toMatchObject({
          messageId: expect.any(String),
          receiptHandle: expect.any(String),
          dequeueCount: 1,
        });
        expect(m.nextVisibleTime).toBeGreaterThan(m.enqueueTime);
      }
    });

    it('keeps a body another producer sent raw (not base64)', async () => {
      await mns.client.sendMessage(QUEUE, { MessageBody: '{"jobId":"raw-1"}' });
      const [m] = await queues().receive(QUEUE, 1, 1);
      expect(m?.body).toBe('{"jobId":"raw-1"}');
    });

    it('returns [] for an empty queue instead of throwing MessageNotExist', async () => {
      expect(await queues().receive(QUEUE, 16, 0)).toEqual([]);
    });

    it('caps a receive at 16 messages', async () => {
      await queues().send(
        QUEUE,
        Array.from({ length: 20 }, (_, i) => ({ body: `m${i}` })),
      );
      const got = await queues().receive(QUEUE, 50, 1);
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThanOrEqual(MAX_BATCH_MESSAGES);
      await queues().delete(
        QUEUE,
        got.map((m) => m.receiptHandle),
      );
    });

    it('throws a QueueError for an unknown queue', async () => {
      const error = await failure(queues().receive('no-such-queue', 1, 0));
      expect(error).toMatchObject({ code: 'QueueError', upstreamCode: 'QueueNotExist' });
      expect(error.requestId).toEqual(expect.any(String));
      expect(isRetryable(error)).toBe(false);
    });
  });

  describe('delete', () => {
    it('deletes received messages by receipt handle, reporting no failures', async () => {
      await queues().send(
        QUEUE,
        Array.from({ length: 18 }, (_, i) => ({ body: `d${i}` })),
      );
      const got = [...(await queues().receive(QUEUE, 16, 1)), ...(await queues().receive(QUEUE, 16, 1))];
      expect(got).toHaveLength(18);
      expect(
        await queues().delete(
          QUEUE,
          got.map((m) => m.receiptHandle),
        ),
      ).toEqual([]);
      const { visible, inFlight, delayed } = snapshot().messages;
      const left = [...visible, ...inFlight, ...delayed].map((m) => m.messageId);
      for (const m of got) expect(left).not.toContain(m.messageId);
    });

    it('reports only the handles it could not delete (stale after use), with the MNS code', async () => {
      await queues().send(QUEUE, [{ body: 'x' }, { body: 'y' }]);
      const [first, second] = await queues().receive(QUEUE, 2, 1);
      await queues().delete(QUEUE, [first!.receiptHandle]);
      const failures = await queues().delete(QUEUE, [first!.receiptHandle, second!.receiptHandle]);
      expect(failures).toHaveLength(1);
      expect(failures[0]?.receiptHandle).toBe(first!.receiptHandle);
      expect(failures[0]?.error.code).toBe('QueueError');
      expect(['MessageNotExist', 'ReceiptHandleError']).toContain(failures[0]?.error.upstreamCode);
    });

    it('reports every handle as failed when the whole request fails', async () => {
      const failures = await queues().delete('no-such-queue', ['1-abc', '1-def']);
      expect(failures.map((f) => [f.receiptHandle, f.error.upstreamCode])).toEqual([
        ['1-abc', 'QueueNotExist'],
        ['1-def', 'QueueNotExist'],
      ]);
    });

    it('makes no call for no handles', async () => {
      expect(await queues().delete(QUEUE, [])).toEqual([]);
    });
  });

  describe('credentials and typed errors', () => {
    it('maps a wrong secret to QueueError SignatureDoesNotMatch', async () => {
      const { accessKeyId } = mns.service.credentials;
      const wrong = queues({
        ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'nope',
      });
      const [outcome] = await wrong.send(QUEUE, [{ body: 'a' }]);
      expect(outcome?.ok).toBe(false);
      if (outcome?.ok !== false) throw new Error('unreachable');
      expect(outcome.error).toMatchObject({ code: 'QueueError', upstreamCode: 'SignatureDoesNotMatch' });
      expect(errorCode(await failure(wrong.receive(QUEUE, 1, 0)))).toBe('QueueError');
    });

    describe('with STS keys', () => {
      let sts: TestMnsService;

      beforeAll(async () => {
        sts = await startTestMnsService({
          queues: [QUEUE],
          credentials: { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret },
          securityToken: STS.securityToken,
        });
      });

      afterAll(async () => {
        await sts.close();
      });

      const envKeys = {
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenv',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'envSecret',
      };

      it('uses the invocation context keys and token over env', async () => {
        const client = queues(envKeys, sts);
        const [outcome] = await client.send(QUEUE, [{ body: 'sts' }], { context: { credentials: STS } });
        expect(outcome?.ok).toBe(true);
        const [got] = await client.receive(QUEUE, 1, 1, { context: { credentials: STS } });
        expect(got?.body).toBe('sts');
      });

      it('switches keys per call: without the context, env keys are refused', async () => {
        const client = queues(envKeys, sts);
        await client.send(QUEUE, [{ body: 'warm' }], { context: { credentials: STS } });
        const [outcome] = await client.send(QUEUE, [{ body: 'env' }]);
        expect(outcome?.ok).toBe(false);
      });
    });
  });
});
