import { afterEach, describe, expect, it } from 'vitest';
import { captureOutput, type OutputCapture } from '../../bench/harden/output-capture.js';
import { createLogger } from '../../shared/logger.js';

describe('capturing the output of a hardening run', () => {
  let capture: OutputCapture | undefined;
  afterEach(() => capture?.restore());

  it('keeps logger sink lines and every line written to stdout and stderr, without printing them', () => {
    const original = process.stdout.write;
    capture = captureOutput();
    createLogger({ sink: capture.sink }).info('through the sink');
    createLogger().warn('through stdout');
    process.stdout.write('two\nlines\n');
    process.stderr.write(Buffer.from('from stderr\n'));
    capture.restore();
    expect(process.stdout.write).toBe(original);
    expect(capture.lines.sink).toHaveLength(1);
    expect(capture.lines.stdout).toEqual([expect.stringContaining('through stdout'), 'two', 'lines']);
    expect(capture.lines.stderr).toEqual(['from stderr']);
    expect(capture.all()).toHaveLength(5);
  });

  it('calls a write callback so that writers waiting on it go on', async () => {
    capture = captureOutput();
    await new Promise<void>((done) => process.stdout.write('x\n', () => done()));
    capture.restore();
    expect(capture.lines.stdout).toEqual(['x']);
  });
});
