import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Unauthorized } from '../../shared/errors.js';
import { createLogger, REDACTED } from '../../shared/logger.js';
import { captureLogs } from '../helpers/fc.js';

const NOW = Date.parse('2025-01-15T08:10:00Z');
const SECRET = 'S3CR3T-VALUE';

function logger(level?: 'debug' | 'info' | 'warn' | 'error') {
  const logs = captureLogs();
  return { log: createLogger({ sink: logs.sink, level, now: () => NOW }), logs };
}

describe('createLogger', () => {
  it('writes one JSON line per call with time, level, message and fields', () => {
    const { log, logs } = logger();
    log.info('job updated', { jobId: 'a1', attempts: 2 });
    expect(logs.lines).toHaveLength(1);
    expect(JSON.parse(logs.lines[0]!)).toEqual({
      time: '2025-01-15T08:10:00.000Z',
      level: 'info',
      message: 'job updated',
      jobId: 'a1',
      attempts: 2,
    });
  });

  it('drops lines below its level', () => {
    const { log, logs } = logger('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(logs.records().map((r) => r.level)).toEqual(['warn', 'error']);
  });

  it('adds the bindings of a child logger to every line, fields winning', () => {
    const { log, logs } = logger();
    log.child({ requestId: 'req-1', fn: 'queue' }).child({ fn: 'queue-batch' }).info('x', { extra: true });
    expect(logs.records()[0]).toMatchObject({ requestId: 'req-1', fn: 'queue-batch', extra: true });
  });

  it.each([
    'accessKeySecret',
    'accessKeyId',
    'securityToken',
    'x-acs-security-token',
    'Authorization',
    'x-signature',
    'password',
    'credentials',
    'WEBHOOK_SECRET',
    'cookie',
  ])('redacts the value of a %s key', (key) => {
    const { log, logs } = logger();
    log.info('x', { [key]: SECRET, nested: { deeper: [{ [key]: SECRET }] } });
    expect(logs.lines[0]).not.toContain(SECRET);
    expect(logs.records()[0]).toMatchObject({ [key]: REDACTED, nested: { deeper: [{ [key]: REDACTED }] } });
  });

  it('never writes a secret-named value, wherever it sits among other data (property)', () => {
    const secretKey = fc.constantFrom(
      'accessKeySecret',
      'securityToken',
      'authorization',
      'signature',
      'token',
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        fc.constant(SECRET).map((value) => ({ value })),
        fc.tuple(secretKey, fc.constant(SECRET)).map(([k, v]) => ({ [k]: v })),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'data', 'headers'), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, secretKey, (fields, key) => {
        const { log, logs } = logger();
        log.info('x', { fields, [key]: SECRET });
        const line = logs.lines[0]!;
        // A secret may appear only under a non-secret key ("value"), which the tree puts there on purpose.
        const visible = JSON.stringify({ fields }).split(`"value":"${SECRET}"`).length - 1;
        expect(line.split(SECRET).length - 1).toBe(visible);
      }),
    );
  });

  it('logs errors by their safe JSON view, without the cause', () => {
    const { log, logs } = logger();
    const cause = new Error(`GET https://x/?Signature=${SECRET}`);
    log.error('failed', { error: Unauthorized('ICE refused our credentials', { cause, requestId: 'RID' }) });
    log.error('failed', { error: Object.assign(new TypeError('boom'), { code: 'E1', stack: SECRET }) });
    expect(logs.lines.join('\n')).not.toContain(SECRET);
    expect(logs.records()[0]!.error).toMatchObject({ code: 'Unauthorized', requestId: 'RID' });
    expect(logs.records()[1]!.error).toEqual({ name: 'TypeError', message: 'boom', code: 'E1' });
  });

  it('redacts secret-named bindings too', () => {
    const { log, logs } = logger();
    log.child({ securityToken: SECRET }).info('x');
    expect(logs.lines[0]).not.toContain(SECRET);
  });
});
