/**
 * Every line the hardening run writes: what loggers hand to their sink, and everything written to stdout
 * and stderr (loggers built with the default stdout sink, SDK debug output, console calls). Captured lines
 * are kept for the secret scan and not printed, so the report stays readable.
 */
import type { LogSink } from '../../shared/logger.js';

export interface OutputCapture {
  /** Pass to loggers (`createLogger({sink})`, `depsFromEnv(env, sink)`). */
  sink: LogSink;
  /** Captured lines, by source. */
  lines: { sink: string[]; stdout: string[]; stderr: string[] };
  all(): string[];
  /** Puts stdout and stderr back. */
  restore(): void;
}

type Write = typeof process.stdout.write;

export function captureOutput(): OutputCapture {
  const lines = { sink: [] as string[], stdout: [] as string[], stderr: [] as string[] };
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const intercept = (into: string[]): Write =>
    ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      into.push(...text.split('\n').filter((line) => line !== ''));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') done();
      return true;
    }) as Write;
  process.stdout.write = intercept(lines.stdout);
  process.stderr.write = intercept(lines.stderr);
  return {
    sink: (line) => {
      lines.sink.push(line);
    },
    lines,
    all: () => [...lines.sink, ...lines.stdout, ...lines.stderr],
    restore: () => {
      process.stdout.write = originals.stdout;
      process.stderr.write = originals.stderr;
    },
  };
}
