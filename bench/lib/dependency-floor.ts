/**
 * The cold-start floor: a handler that loads only the three runtime dependencies every function needs —
 * `@alicloud/openapi-client`, `@alicloud/mns` and zod — and touches each (builds a client, parses with a
 * schema) without any network call. bench/cold-start.ts bundles it with the functions' own build options.
 */

import MNSClient from '@alicloud/mns';
import OpenApiDefault, * as $OpenApi from '@alicloud/openapi-client';
import { z } from 'zod';
import { interopDefault } from '../../shared/interop.js';

const OpenApi = interopDefault(OpenApiDefault);
const Mns = interopDefault(MNSClient);

const Input = z.strictObject({ jobId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export async function handler(event: Buffer): Promise<{ ok: boolean; touched: string[] }> {
  const keys = { accessKeyId: 'floor', accessKeySecret: 'floor' };
  const ice = new OpenApi(
    new $OpenApi.Config({ ...keys, endpoint: '127.0.0.1:1', protocol: 'http', regionId: 'cn-shanghai' }),
  );
  const mns = new Mns('floor', { ...keys, endpoint: 'http://127.0.0.1:1' });
  const ok = Input.safeParse(JSON.parse(event.toString('utf8'))).success;
  return { ok, touched: [typeof ice.callApi, typeof mns.sendMessage] };
}
