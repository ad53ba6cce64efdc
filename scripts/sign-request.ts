/**
 * Prints the `x-signature` header value for a request body, for calling the HTTP function by hand:
 *
 *   tsx scripts/sign-request.ts --secret S --body '{"avatarName":"小树"}'
 *   tsx scripts/sign-request.ts --secret S < body.json      # body from stdin, byte for byte
 *
 * The secret may come from env WEBHOOK_SECRET instead (the first of a comma-separated list), which keeps
 * it out of shell history. `--time <unix seconds>` signs for another time (default now). Sign exactly the
 * bytes you send: with curl use `--data-binary @body.json`, not `-d`, which strips newlines.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signPayload } from '../shared/webhook-signature.js';

const USAGE =
  'usage: tsx scripts/sign-request.ts [--secret S] [--body TEXT] [--time UNIX_SECONDS]  (body from stdin without --body)';

export interface SignOptions {
  argv: string[];
  env: NodeJS.ProcessEnv;
  readStdin: () => string;
  nowSeconds: () => number;
}

/** The header value, or an error message for bad usage. */
export function signRequest(
  options: SignOptions,
): { ok: true; header: string } | { ok: false; error: string } {
  let values: { secret?: string; body?: string; time?: string };
  try {
    ({ values } = parseArgs({
      args: options.argv,
      options: { secret: { type: 'string' }, body: { type: 'string' }, time: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    return { ok: false, error: `${(error as Error).message}\n${USAGE}` };
  }
  const secret = values.secret ?? options.env.WEBHOOK_SECRET?.split(',')[0]?.trim();
  if (!secret) return { ok: false, error: `--secret or env WEBHOOK_SECRET is required\n${USAGE}` };
  const time = values.time === undefined ? options.nowSeconds() : Number(values.time);
  if (!Number.isInteger(time) || time < 0)
    return { ok: false, error: `--time must be whole unix seconds\n${USAGE}` };
  const body = values.body ?? options.readStdin();
  return { ok: true, header: signPayload(secret, body, time) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = signRequest({
    argv: process.argv.slice(2),
    env: process.env,
    readStdin: () => readFileSync(0).toString('utf8'),
    nowSeconds: () => Math.floor(Date.now() / 1000),
  });
  if (result.ok) process.stdout.write(`${result.header}\n`);
  else {
    process.stderr.write(`${result.error}\n`);
    process.exitCode = 2;
  }
}
