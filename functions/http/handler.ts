/** FC 3.0 HTTP trigger entry point (bundled to dist/http/index.js, `index.handler`). */
import type { FcContext } from '../../shared/fc/context.js';
import type { HttpResponse } from '../../shared/fc/events.js';
import type { HttpHandler } from './app.js';
import { handlerFromEnv } from './deps.js';

// Built on the first invocation, once per instance, so that importing this module does no work.
let instance: HttpHandler | undefined;

export async function handler(event: Buffer, context: FcContext): Promise<HttpResponse> {
  instance ??= handlerFromEnv(process.env);
  return instance(event, context);
}
