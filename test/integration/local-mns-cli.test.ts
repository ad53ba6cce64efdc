import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import MNSClient from '@alicloud/mns';
import { describe, expect, it } from 'vitest';
import { localServiceCredentials } from '../../local/demo-credentials.js';

const MAIN = fileURLToPath(new URL('../../local/mns/main.ts', import.meta.url));

describe('the local MNS command line', () => {
  it('prints one listening line, serves the given queues and exits cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, '--port', '0', '--queues', 'a, b', '--account-id', '42'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout });
    const [line] = (await once(lines, 'line')) as [string];
    expect(line).toMatch(/^local MNS listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice('local MNS listening on '.length);

    const client = new MNSClient('42', { ...localServiceCredentials(), endpoint: url });
    const listed = await client.listQueue(undefined, 10, '');
    expect(listed.body).toEqual([{ QueueURL: `${url}/queues/a` }, { QueueURL: `${url}/queues/b` }]);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('rejects an invalid port with usage and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--port', 'abc'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('usage: tsx local/mns/main.ts');
  });
});
