/**
 * A local service CLI (`local/ice/main.ts`, `local/mns/main.ts`) in a child process, so its CPU does not
 * share the event loop being measured.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ChildService {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT` from the listening line. */
  url: string;
  /** The `extraLines` stdout lines printed after the listening line (e.g. seeded job IDs). */
  lines: string[];
  stop(): Promise<void>;
}

/** Runs `node --import tsx <script> ...args` and waits for a stdout line matching `listening` (group 1 = URL). */
export async function startChildService(
  script: string,
  args: string[],
  listening: RegExp,
  extraLines = 0,
): Promise<ChildService> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  const input = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let url: string | undefined;
  const lines: string[] = [];
  for await (const line of input) {
    if (url === undefined) url = listening.exec(line)?.[1];
    else lines.push(line.trim());
    if (url !== undefined && lines.length >= extraLines) {
      input.close();
      // Keep draining stdout so a chatty service never blocks on a full pipe.
      child.stdout?.resume();
      return { child, url, lines, stop };
    }
  }
  await stop();
  throw new Error(`${script} exited before it was listening`);
}
