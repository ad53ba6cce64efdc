/**
 * Tiny FC projects for the local-host tests: a temp folder with an s.yaml and one CommonJS `index.js` per
 * function, so the host is exercised exactly as with the real bundles (s.yaml → code dir → worker).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface FixtureFunction {
  resource: string;
  /** CommonJS source of `index.js`; must export `handler`. */
  code: string;
  functionName?: string;
  timeout?: number;
  memorySize?: number;
  /** Default true: FC passes credentials only to functions with a role. */
  role?: boolean;
  environmentVariables?: Record<string, string>;
  triggers?: unknown[];
}

export interface FixtureProject {
  dir: string;
  template: string;
  /** Lines appended by `recordingHandler` handlers, parsed. */
  records(): Record<string, unknown>[];
  cleanup(): void;
}

export function writeFixtureProject(functions: FixtureFunction[]): FixtureProject {
  const dir = mkdtempSync(join(tmpdir(), 'fc-host-'));
  const log = join(dir, 'records.jsonl');
  writeFileSync(log, '');
  const resources = Object.fromEntries(
    functions.map((fn) => {
      mkdirSync(join(dir, 'code', fn.resource), { recursive: true });
      writeFileSync(join(dir, 'code', fn.resource, 'index.js'), fn.code);
      writeFileSync(join(dir, 'code', fn.resource, 'package.json'), '{"type":"commonjs"}\n');
      const props = {
        region: 'cn-shanghai',
        functionName: fn.functionName ?? `fixture-${fn.resource}`,
        runtime: 'nodejs20',
        code: `./code/${fn.resource}`,
        handler: 'index.handler',
        memorySize: fn.memorySize ?? 256,
        timeout: fn.timeout ?? 10,
        ...(fn.role === false ? {} : { role: 'acs:ram::1234567890123456:role/fixture' }),
        environmentVariables: { RECORDS: log, ...fn.environmentVariables },
        triggers: fn.triggers ?? [],
      };
      return [fn.resource, { component: 'fc3', props }];
    }),
  );
  const template = join(dir, 's.yaml');
  writeFileSync(template, stringify({ edition: '3.0.0', name: 'fixture', access: 'default', resources }));
  return {
    dir,
    template,
    records: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Appends `{event, context}` to the project's records and returns `result` (a JS expression). */
export const recordingHandler = (result = 'undefined') => `
const { appendFileSync } = require('node:fs');
exports.handler = async (event, context) => {
  const text = event.toString('utf8');
  const { getRemainingTimeInMillis, logger, ...plain } = context;
  appendFileSync(process.env.RECORDS, JSON.stringify({
    event: text === '' ? null : JSON.parse(text),
    context: { ...plain, remainingMs: getRemainingTimeInMillis(), hasLogger: typeof logger.info === 'function' },
    env: { ...process.env },
  }) + '\\n');
  return ${result};
};`;

export const httpTrigger = (methods = ['GET', 'POST', 'PATCH']) => ({
  triggerName: 'http',
  triggerType: 'http',
  triggerConfig: { authType: 'anonymous', methods },
});
