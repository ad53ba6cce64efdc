/**
 * The cold-start floor: a handler that loads only the three runtime dependencies every function needs —
 * `@alicloud/openapi-client`, `@alicloud/mns` and zod — touches each (builds a client, parses with a
 * schema), then makes the network calls its event lists with those bare SDKs: the same ICE actions and MNS
 * operations, in the same order, that the function case it stands beside makes. The function's figure over
 * this floor is then what our code costs, not what the network and the SDKs' first calls cost (with no
 * calls it is the load-only floor). bench/cold-start.ts bundles it with the functions' own build options.
 * zod is imported the way the functions import it (`* as z`, which esbuild tree-shakes), so the floor holds
 * only the zod it uses, as each function does.
 */

import MNSClient from '@alicloud/mns';
import OpenApiDefault, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import * as z from 'zod';
import { interopDefault } from '../../shared/interop.js';

const OpenApi = interopDefault(OpenApiDefault);
const Mns = interopDefault(MNSClient);

/** One network call. `delete` deletes what the previous `receive` got. */
export type FloorCall =
  | { ice: string; query: Record<string, string> }
  | { mns: 'send'; queue: string; body: string; delaySeconds?: number }
  | { mns: 'receive'; queue: string; max: number; waitSeconds: number }
  | { mns: 'delete'; queue: string };

export interface FloorEvent {
  jobId: string;
  /** `http://host:port` of ICE and MNS; placeholders when there are no calls. */
  iceUrl?: string;
  mns?: { url: string; accountId: string };
  calls?: FloorCall[];
}

export interface FloorAnswer {
  ok: boolean;
  /** One entry per call: the ICE RequestId, or what MNS answered with. */
  done: string[];
}

const Input = z.strictObject({ jobId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

interface Keys {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** The RPC params the generated ICE SDK builds (as shared/ice/transport.ts does; reference ice.md §1.1). */
const iceParams = (action: string) =>
  new $OpenApi.Params({
    action,
    version: '2020-11-09',
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });

export async function handler(event: Buffer, context?: { credentials?: Keys }): Promise<FloorAnswer> {
  const input = JSON.parse(event.toString('utf8')) as FloorEvent;
  const keys: Keys = context?.credentials ?? { accessKeyId: 'floor', accessKeySecret: 'floor' };
  const iceUrl = new URL(input.iceUrl ?? 'http://127.0.0.1:1');
  const ice = new OpenApi(
    new $OpenApi.Config({ ...keys, endpoint: iceUrl.host, protocol: 'http', regionId: 'cn-shanghai' }),
  );
  const mns = new Mns(input.mns?.accountId ?? 'floor', {
    ...keys,
    endpoint: input.mns?.url ?? 'http://127.0.0.1:1',
  });
  const ok = Input.safeParse({ jobId: input.jobId }).success;

  const done: string[] = [];
  let received: string[] = [];
  for (const call of input.calls ?? []) {
    if ('ice' in call) {
      const request = new $OpenApi.OpenApiRequest({ query: call.query });
      const res = (await ice.callApi(iceParams(call.ice), request, new $Util.RuntimeOptions({}))) as {
        body: { RequestId: string };
      };
      done.push(res.body.RequestId);
    } else if (call.mns === 'send') {
      const res = await mns.batchSendMessage(call.queue, [
        { MessageBody: call.body, ...(call.delaySeconds ? { DelaySeconds: call.delaySeconds } : {}) },
      ]);
      done.push(String(res.code));
    } else if (call.mns === 'receive') {
      const res = await mns.batchReceiveMessage(call.queue, call.max, call.waitSeconds);
      received = (Array.isArray(res.body) ? res.body : [res.body]).map((m) => m.ReceiptHandle);
      done.push(String(res.code));
    } else {
      const res = await mns.batchDeleteMessage(call.queue, received);
      done.push(String(res.code));
    }
  }
  return { ok, done };
}
