/** The one adapter to `@alicloud/openapi-client`: RPC params exactly as the generated ICE SDK sends them. */
import OpenApiDefault, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtilDefault from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import type { Credentials } from '../credentials.js';
import { interopDefault } from '../interop.js';

const OpenApi = interopDefault(OpenApiDefault);
const OpenApiUtil = interopDefault(OpenApiUtilDefault);

export const ICE_API_VERSION = '2020-11-09';

export type IceAction =
  | 'CreateAvatarTrainingJob'
  | 'SubmitAvatarTrainingJob'
  | 'GetAvatarTrainingJob'
  | 'UpdateAvatarTrainingJob'
  | 'ListAvatarTrainingJobs'
  | 'DeleteAvatarTrainingJob';

export interface IceResponse {
  body: unknown;
  statusCode: number;
}

export interface IceTransport {
  call(
    action: IceAction,
    query: Record<string, string>,
    options: { credentials: Credentials; timeoutMs: number },
  ): Promise<IceResponse>;
}

/** RPC params exactly as the generated ICE SDK builds them (reference ice.md §1.1). */
export function iceParams(action: string): $OpenApi.Params {
  return new $OpenApi.Params({
    action,
    version: ICE_API_VERSION,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
}

/** `https://ice.cn-shanghai.aliyuncs.com` → what the client wants: host[:port] and protocol. */
export function iceEndpoint(endpointUrl: string): { endpoint: string; protocol: 'http' | 'https' } {
  const url = new URL(endpointUrl);
  return { endpoint: url.host, protocol: url.protocol === 'http:' ? 'http' : 'https' };
}

const sameKeys = (a: Credentials, b: Credentials) =>
  a.accessKeyId === b.accessKeyId &&
  a.accessKeySecret === b.accessKeySecret &&
  a.securityToken === b.securityToken;

export function createOpenApiTransport(options: { endpointUrl: string; regionId: string }): IceTransport {
  const { endpoint, protocol } = iceEndpoint(options.endpointUrl);
  // One client per key set: FC hands out fresh STS keys, and rebuilding per call would drop keep-alive.
  let cached: { credentials: Credentials; client: OpenApiDefault } | undefined;
  const clientFor = (credentials: Credentials): OpenApiDefault => {
    if (!cached || !sameKeys(cached.credentials, credentials)) {
      const client = new OpenApi(
        new $OpenApi.Config({ ...credentials, endpoint, protocol, regionId: options.regionId }),
      );
      cached = { credentials, client };
    }
    return cached.client;
  };

  return {
    async call(action, query, { credentials, timeoutMs }) {
      const request = new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(query) });
      const timeout = Math.max(1, Math.floor(timeoutMs));
      const runtime = new $Util.RuntimeOptions({ readTimeout: timeout, connectTimeout: timeout });
      const res = (await clientFor(credentials).callApi(iceParams(action), request, runtime)) as {
        body: unknown;
        statusCode: number;
      };
      return { body: res.body, statusCode: res.statusCode };
    },
  };
}
