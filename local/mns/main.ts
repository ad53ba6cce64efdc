/**
 * Standalone local MNS: `tsx local/mns/main.ts --port 9102 --queues a,b,c [--account-id ID]`.
 * Prints one line once listening; SIGINT/SIGTERM close it cleanly.
 */
import { parseArgs } from 'node:util';
import { startMnsService } from './server.js';

const USAGE = 'usage: tsx local/mns/main.ts [--port 9102] [--queues a,b,c] [--account-id ID]';

function parseOptions(): { port: number; queues: string[]; accountId: string | undefined } {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9102' },
      queues: { type: 'string', default: '' },
      'account-id': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid --port ${values.port}`);
  return {
    port,
    queues: values.queues
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
    accountId: values['account-id'],
  };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const service = await startMnsService(options);
  console.log(`local MNS listening on ${service.url}`);
  const shutdown = () => {
    service.close().catch((error: unknown) => {
      console.error('local MNS: failed to close', error);
      process.exitCode = 1;
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

await main();
