import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import MNSClient from '@alicloud/mns';
import { localServiceCredentials } from '../local/demo-credentials.js';

/**
 * Send + receive + delete round trips per second against the local MNS service, through the real
 * `@alicloud/mns` client. The service runs in a child process (the real CLI, `local/mns/main.ts`), so
 * the load generator and the server each get their own event loop and core. Two figures:
 * - `mnsRoundTripsPerSecond`: one message per call (sendMessage, receiveMessage, deleteMessage);
 * - `batch.roundTripsPerSecond`: 16 messages per call (batchSend, batchReceive, batchDelete), which
 *   shows how much of the single-message figure is per-request overhead, mostly in the client.
 */

export interface MnsLocalBenchOptions {
  /** Wall-clock budget per mode (default 3 s). */
  durationMs?: number;
  /** Round-trip cap per mode (default 100,000). */
  maxRoundTrips?: number;
  /** Workers, each with one round trip in flight (default 24). */
  concurrency?: number;
}

export interface RoundTripFigures {
  roundTripsPerSecond: number;
  roundTrips: number;
  errors: number;
}

export interface MnsLocalBenchResult {
  mnsRoundTripsPerSecond: number;
  roundTrips: number;
  errors: number;
  concurrency: number;
  loadGenerator: 'real @alicloud/mns client, service in a child process';
  /** The same with batch operations of 16 messages; a round trip is still one message. */
  batch: RoundTripFigures;
}

const MAIN = fileURLToPath(new URL('../local/mns/main.ts', import.meta.url));
const BATCH = 16;
const QUEUE = 'bench';

/** Starts `local/mns/main.ts --port 0` and reads its URL from the listening line. */
async function startChildService(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', '0', '--queues', QUEUE], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const listening = /^local MNS listening on (http:\/\/\S+)$/.exec(line);
    if (listening?.[1]) {
      lines.close();
      return { child, url: listening[1] };
    }
  }
  throw new Error('the local MNS service exited before it was listening');
}

/** Runs `roundTrip` on `concurrency` workers until the budget is spent; it resolves the messages done. */
async function drive(
  settings: Required<MnsLocalBenchOptions>,
  roundTrip: () => Promise<number>,
): Promise<RoundTripFigures> {
  let done = 0;
  let errors = 0;
  const begin = performance.now();
  const deadline = begin + settings.durationMs;
  const worker = async () => {
    while (done < settings.maxRoundTrips && performance.now() < deadline) {
      try {
        // Not `done += await …`: that reads `done` before the await and loses the other workers' counts.
        const messages = await roundTrip();
        done += messages;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;
  return { roundTripsPerSecond: Math.round(done / seconds), roundTrips: done, errors };
}

export async function runMnsLocalBench(options: MnsLocalBenchOptions = {}): Promise<MnsLocalBenchResult> {
  const settings = { durationMs: 3_000, maxRoundTrips: 100_000, concurrency: 24, ...options };
  const service = await startChildService();
  try {
    const client = new MNSClient('local', { ...localServiceCredentials(), endpoint: service.url });
    const body = Buffer.from('{"jobId":"a1b255d86f7f4587943ce7734d6b9c0d","avatarName":"bench"}').toString(
      'base64',
    );
    // Each worker sends before it receives, so a message is almost always there; the 1 s long poll
    // covers the moments another worker took it first.
    const single = async () => {
      await client.sendMessage(QUEUE, { MessageBody: body });
      const { body: message } = await client.receiveMessage(QUEUE, 1);
      await client.deleteMessage(QUEUE, message.ReceiptHandle);
      return 1;
    };
    const batch = async () => {
      await client.batchSendMessage(
        QUEUE,
        Array.from({ length: BATCH }, () => ({ MessageBody: body })),
      );
      const { body: messages } = await client.batchReceiveMessage(QUEUE, BATCH, 1);
      await client.batchDeleteMessage(
        QUEUE,
        messages.map((message) => message.ReceiptHandle),
      );
      return messages.length;
    };
    // Short warm-ups so JIT and connection setup are not measured.
    const warmUp = { ...settings, durationMs: 300 };
    await drive(warmUp, single);
    const singleFigures = await drive(settings, single);
    await drive(warmUp, batch);
    const batchFigures = await drive(settings, batch);
    return {
      mnsRoundTripsPerSecond: singleFigures.roundTripsPerSecond,
      roundTrips: singleFigures.roundTrips,
      errors: singleFigures.errors,
      concurrency: settings.concurrency,
      loadGenerator: 'real @alicloud/mns client, service in a child process',
      batch: batchFigures,
    };
  } finally {
    service.child.kill('SIGTERM');
    await once(service.child, 'exit');
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runMnsLocalBench();
  console.log(JSON.stringify(result));
  console.log(
    `local MNS send+receive+delete: ${result.mnsRoundTripsPerSecond} round trips/s one message per call ` +
      `(${result.roundTrips} round trips, ${result.errors} errors); ` +
      `${result.batch.roundTripsPerSecond} round trips/s with batches of ${BATCH} ` +
      `(${result.batch.roundTrips} round trips, ${result.batch.errors} errors); ` +
      `real @alicloud/mns client, ${result.concurrency} workers, service in a child process`,
  );
}
