/**
 * The producer CLI: `npm run enqueue -- <file.jsonl | ->`.
 * Reads JSON Lines (one update command, or an array of up to 100, per line; blank lines ignored),
 * validates every line before sending anything, reports each bad line (never sent), then sends one MNS
 * message per valid line to UPDATES_QUEUE and prints one JSON line per message sent:
 * `{"line":1,"messageId":"…","commands":1}`.
 * Exit code: 0 all sent, 1 a line was refused or a send failed, 2 bad usage or configuration.
 *
 * Settings from env: MNS_ENDPOINT / MNS_ACCOUNT_ID / ICE_REGION, UPDATES_QUEUE, keys as in shared/credentials.
 * With no MNS setting and no keys at all it targets the local MNS (`npm run mns:local`) with the demo pair.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { DEMO_CREDENTIALS, isLoopbackUrl } from '../local/demo-credentials.js';
import { UpdateMessage } from '../shared/commands.js';
import { iceEnv, mnsEnv, parseEnv, queueNames } from '../shared/config.js';
import {
  type CredentialResolver,
  createCredentialResolver,
  credentialsFromEnv,
} from '../shared/credentials.js';
import { type AppError, errorCode, type Issue } from '../shared/errors.js';
import { encodeBody, MAX_BATCH_BYTES, type QueueClient, queueClientFromConfig } from '../shared/mns/index.js';
import { issuesFromZod } from '../shared/validation.js';

export const LOCAL_MNS_ENDPOINT = 'http://127.0.0.1:9102';

const [SingleCommand, CommandArray] = UpdateMessage.options;

export interface ParsedLine {
  /** 1-based line number in the input. */
  line: number;
  /** The message body to send: the line's JSON, compacted. */
  body: string;
  commands: number;
}

export interface RefusedLine {
  line: number;
  issues: Issue[];
}

/** Validates one non-blank line; issue paths are inside the line (`2.avatarName` = third command). */
export function parseLine(text: string, line: number): ParsedLine | RefusedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, issues: [{ path: '', message: `Not JSON: ${(error as Error).message}` }] };
  }
  // Checked against the matching branch of UpdateMessage, so issues name the field, not "invalid union".
  const schema: z.ZodType = Array.isArray(value) ? CommandArray : SingleCommand;
  const result = schema.safeParse(value);
  if (!result.success) return { line, issues: issuesFromZod(result.error) };
  const body = JSON.stringify(value);
  const encodedBytes = encodeBody(body).length;
  if (encodedBytes > MAX_BATCH_BYTES) {
    return {
      line,
      issues: [
        {
          path: '',
          message: `Too large for one MNS message (${encodedBytes} bytes base64, at most ${MAX_BATCH_BYTES}); split the array`,
        },
      ],
    };
  }
  return { line, body, commands: Array.isArray(value) ? value.length : 1 };
}

export interface EnqueueDeps {
  queues: QueueClient;
  queue: string;
}

export interface EnqueueResult {
  refused: RefusedLine[];
  sent: { line: number; messageId: string; commands: number }[];
  failed: { line: number; error: AppError }[];
}

/** Validates every line first, then sends one message per valid line; bad lines are only reported. */
export async function enqueueCommands(lines: readonly string[], deps: EnqueueDeps): Promise<EnqueueResult> {
  const parsed: ParsedLine[] = [];
  const refused: RefusedLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const outcome = parseLine(text, i + 1);
    if ('issues' in outcome) refused.push(outcome);
    else parsed.push(outcome);
  });
  if (parsed.length === 0) return { refused, sent: [], failed: [] };

  const outcomes = await deps.queues.send(
    deps.queue,
    parsed.map((p) => ({ body: p.body })),
  );
  const result: EnqueueResult = { refused, sent: [], failed: [] };
  for (const outcome of outcomes) {
    const { line, commands } = parsed[outcome.index]!;
    if (outcome.ok) result.sent.push({ line, messageId: outcome.messageId, commands });
    else result.failed.push({ line, error: outcome.error });
  }
  return result;
}

export interface EnqueueSettings {
  queues: QueueClient;
  queue: string;
  /** Set when no MNS setting and no keys were found, so the local service and demo pair are used. */
  localDefault?: string;
}

const ENQUEUE_ENV = { ...mnsEnv, ICE_REGION: iceEnv.ICE_REGION, UPDATES_QUEUE: queueNames.UPDATES_QUEUE };

/** Reads the settings from env (throws a ConfigError naming the variable). */
export function enqueueSettings(env: NodeJS.ProcessEnv): EnqueueSettings {
  const config = parseEnv(ENQUEUE_ENV, env);
  const noMnsSetting = !config.MNS_ENDPOINT && !config.MNS_ACCOUNT_ID && !config.FC_ACCOUNT_ID;
  const endpoint = noMnsSetting ? LOCAL_MNS_ENDPOINT : config.MNS_ENDPOINT;
  // A local service takes the demo pair; the credential chain would probe the cloud metadata address.
  if (!credentialsFromEnv(env) && endpoint && isLoopbackUrl(endpoint)) {
    const resolve: CredentialResolver = async () => ({ ...DEMO_CREDENTIALS });
    return {
      queues: queueClientFromConfig({ ...config, MNS_ENDPOINT: endpoint }, resolve),
      queue: config.UPDATES_QUEUE,
      localDefault: endpoint,
    };
  }
  return {
    queues: queueClientFromConfig(config, createCredentialResolver(env)),
    queue: config.UPDATES_QUEUE,
  };
}

export const describeIssue = (line: number, issue: Issue) =>
  `line ${line}: ${issue.path || '(root)'}: ${issue.message}`;

export interface Io {
  readInput(source: string): string;
  out(line: string): void;
  err(line: string): void;
}

/** The CLI: returns the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  const [source, ...extra] = argv;
  if (!source || extra.length > 0) {
    io.err('usage: npm run enqueue -- <file.jsonl | ->   (one command or array of commands per line)');
    return 2;
  }
  let settings: EnqueueSettings;
  let text: string;
  try {
    settings = enqueueSettings(env);
    text = io.readInput(source);
  } catch (error) {
    io.err(
      errorCode(error) ? (error as AppError).message : `cannot read ${source}: ${(error as Error).message}`,
    );
    return 2;
  }
  if (settings.localDefault) {
    io.err(`no keys in env: using the local MNS at ${settings.localDefault} with the demo key pair`);
  }

  const result = await enqueueCommands(text.split(/\r?\n/), settings);
  for (const { line, issues } of result.refused)
    for (const issue of issues) io.err(describeIssue(line, issue));
  if (result.refused.length > 0) io.err(`${result.refused.length} line(s) refused and not sent`);
  for (const sent of result.sent) io.out(JSON.stringify(sent));
  for (const { line, error } of result.failed)
    io.err(
      `line ${line}: not sent: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`,
    );
  const commands = result.sent.reduce((n, s) => n + s.commands, 0);
  io.err(
    `sent ${result.sent.length} message(s) with ${commands} command(s) to ${settings.queue}` +
      (result.failed.length > 0 ? `; ${result.failed.length} failed` : ''),
  );
  if (result.failed.length > 0 && settings.localDefault) {
    io.err(`is the local MNS running? npm run mns:local -- --queues ${settings.queue}`);
  }
  return result.failed.length > 0 || result.refused.length > 0 ? 1 : 0;
}

/** `-` is stdin; results go to stdout, everything for people to stderr. */
export const processIo: Io = {
  readInput: (source) => readFileSync(source === '-' ? 0 : source, 'utf8'),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2), process.env, processIo);
}
