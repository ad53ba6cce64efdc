/**
 * Structured JSON logs, one line per call. Keys that name secrets are redacted wherever they appear, so
 * signatures, keys and tokens cannot reach the log even when a caller passes a whole object.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /secret|signature|token|password|authorization|credential|accesskey|cookie/i;
export const REDACTED = '[redacted]';

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

export type LogSink = (line: string) => void;

const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

function describeError(error: Error): LogFields {
  const json = (error as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return json.call(error) as LogFields;
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }) };
}

function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return redact(describeError(value), depth);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: LogFields = {};
  for (const [key, v] of Object.entries(value))
    out[key] = SECRET_KEY.test(key) ? REDACTED : redact(v, depth + 1);
  return out;
}

/** Copies `from` into the line `into`, redacted; its values sit one level below the line's top. */
function assignRedacted(into: LogFields, from: LogFields): void {
  for (const key of Object.keys(from)) into[key] = SECRET_KEY.test(key) ? REDACTED : redact(from[key], 1);
}

export function createLogger(
  options: { level?: LogLevel; sink?: LogSink; bindings?: LogFields; now?: () => number } = {},
): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const sink = options.sink ?? stdoutSink;
  const now = options.now ?? Date.now;
  const bindings = options.bindings ?? {};
  const write = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    // Straight into the line, fields after (and over) bindings: every request logs a line, and merged
    // copies first (`{ ...bindings, ...fields }` is slow in V8) cost more than the rest of the line.
    const line: LogFields = { time: new Date(now()).toISOString(), level, message };
    assignRedacted(line, bindings);
    if (fields) assignRedacted(line, fields);
    sink(JSON.stringify(line));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    // Object.assign for the same reason as in `write`.
    child: (more) => createLogger({ ...options, bindings: Object.assign({}, bindings, more) }),
  };
}
