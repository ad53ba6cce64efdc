/**
 * The dead-letter contract: what lands in DEAD_LETTER_QUEUE when a command can never be applied as is.
 * Operators read these, fix the cause, and re-drive `command` to UPDATES_QUEUE.
 */
import * as z from 'zod';
import { errorCode, type Issue } from '../../shared/errors.js';

export const DEAD_LETTER_REASONS = ['invalid', 'rejected', 'exhausted'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

// Pure: the function builds letters in code; the schema is the contract for the generated JSON Schema and
// for tests, so the bundle drops it.
export const DeadLetter = /* @__PURE__ */ z
  .strictObject({
    reason: z.enum(DEAD_LETTER_REASONS).meta({
      description: 'invalid: failed validation; rejected: ICE refused it; exhausted: MAX_ATTEMPTS spent',
    }),
    error: z.strictObject({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
      requestId: z.string().optional().meta({ description: 'ICE RequestId of the refusing answer' }),
    }),
    attempts: z.number().int().min(1),
    command: z.unknown().meta({
      description: 'The command as received; the raw text when the message or event was not JSON',
    }),
    messageId: z.string().nullable().meta({ description: 'MNS message ID; null when the event had none' }),
    failedAt: z.iso.datetime(),
  })
  .meta({ id: 'DeadLetter', title: 'DEAD_LETTER_QUEUE message' });
export type DeadLetter = z.output<typeof DeadLetter>;

/** The `error` part from anything thrown; AppErrors keep their stable code, issues and RequestId. */
export function deadLetterError(error: unknown): DeadLetter['error'] {
  const e = (error ?? {}) as { message?: unknown; issues?: Issue[]; requestId?: unknown };
  return {
    code: errorCode(error) ?? 'UpstreamError',
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(e.issues?.length ? { issues: e.issues.map(({ path, message }) => ({ path, message })) } : {}),
    ...(typeof e.requestId === 'string' ? { requestId: e.requestId } : {}),
  };
}

/** MNS caps a message at 64 KB, and bodies travel base64-encoded (4/3 larger). */
export const MAX_MESSAGE_JSON_BYTES = Math.floor((64 * 1024 * 3) / 4) - 1024;

/** The dead letter as a message body; an oversized `command` (e.g. a whole unparseable event) is cut. */
export function deadLetterBody(letter: DeadLetter): string {
  const json = JSON.stringify(letter);
  if (Buffer.byteLength(json) <= MAX_MESSAGE_JSON_BYTES) return json;
  const original = typeof letter.command === 'string' ? letter.command : JSON.stringify(letter.command);
  const bytes = Buffer.from(original);
  // Escaping can grow text up to 6× (control characters), so halve the cut until the JSON fits.
  for (let keep = MAX_MESSAGE_JSON_BYTES; ; keep = Math.floor(keep / 2)) {
    // A character split by the cut decodes to U+FFFD: drop it.
    const cut = bytes
      .subarray(0, keep)
      .toString('utf8')
      .replace(/\uFFFD+$/, '');
    const body = JSON.stringify({ ...letter, command: `${cut}…[truncated ${bytes.length} bytes]` });
    if (Buffer.byteLength(body) <= MAX_MESSAGE_JSON_BYTES) return body;
  }
}
