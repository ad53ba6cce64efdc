/**
 * zod schemas of the FC 3.0 trigger events this project handles (see reference/fc.md). Each function reads
 * one of them: `@__PURE__` lets the bundler drop the other two instead of building them at every cold start.
 */
import * as z from 'zod';

/** HTTP trigger event (version v1); header lookup must be case-insensitive. */
export const HttpEvent = /* @__PURE__ */ z.object({
  version: z.string().optional(),
  rawPath: z.string(),
  body: z.string().optional().default(''),
  isBase64Encoded: z.boolean().optional().default(false),
  headers: z.record(z.string(), z.string()).optional().default({}),
  queryParameters: z.record(z.string(), z.string()).optional().default({}),
  requestContext: z.looseObject({
    requestId: z.string().optional(),
    http: z.looseObject({
      method: z.string(),
      path: z.string().optional(),
      sourceIp: z.string().optional(),
    }),
  }),
});
export type HttpEvent = z.output<typeof HttpEvent>;

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

/** One MNS message as EventBridge delivers it (CloudEvents schema). */
export const MnsCloudEvent = /* @__PURE__ */ z.looseObject({
  id: z.string(),
  source: z.string().optional(),
  type: z.string().optional(),
  time: z.string().optional(),
  data: z.looseObject({
    requestId: z.string().optional(),
    messageId: z.string(),
    messageBody: z.string(),
  }),
});
export type MnsCloudEvent = z.output<typeof MnsCloudEvent>;

export const TimerEvent = /* @__PURE__ */ z.object({
  triggerTime: z.string(),
  triggerName: z.string(),
  payload: z.string().optional().default(''),
});
export type TimerEvent = z.output<typeof TimerEvent>;

/** FC passes the event as a Buffer; local callers and tests sometimes pass a string or an object. */
export function eventText(event: unknown): string {
  if (Buffer.isBuffer(event)) return event.toString('utf8');
  if (typeof event === 'string') return event;
  if (event instanceof Uint8Array) return Buffer.from(event).toString('utf8');
  return JSON.stringify(event ?? null);
}
