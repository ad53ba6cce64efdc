import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import { iceParams } from '../../shared/ice/transport.js';
import { interopDefault } from '../../shared/interop.js';

/**
 * The REAL `@alicloud/openapi-client` set up exactly as the generated ICE SDK calls the avatar APIs
 * (reference ice.md §2.2), pointed at a local service over plain HTTP.
 */

const OpenApiClient = interopDefault(OpenApi);
const Util = interopDefault(OpenApiUtil);

export interface IceClientOptions {
  /** `host:port`, e.g. `127.0.0.1:9101`. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** Default `http` (a local service); `https` for the cloud. */
  protocol?: 'http' | 'https';
}

export interface IceCallOptions {
  readTimeout?: number;
  connectTimeout?: number;
}

export interface IceResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export type CallIce = (
  action: string,
  query?: Record<string, string | number | boolean | undefined>,
  options?: IceCallOptions,
) => Promise<IceResponse>;

/** A `callApi` wrapper bound to one client; errors are the client's own (`ResponseError`, httpx errors). */
export function createIceCaller(options: IceClientOptions): CallIce {
  const client = new OpenApiClient(
    new $OpenApi.Config({
      endpoint: options.endpoint,
      protocol: options.protocol ?? 'http',
      accessKeyId: options.accessKeyId,
      accessKeySecret: options.accessKeySecret,
      securityToken: options.securityToken,
    }),
  );
  return async (action, query = {}, callOptions = {}) => {
    const request = new $OpenApi.OpenApiRequest({ query: Util.query(query) });
    const runtime = new $Util.RuntimeOptions({
      readTimeout: callOptions.readTimeout,
      connectTimeout: callOptions.connectTimeout,
    });
    return (await client.callApi(iceParams(action), request, runtime)) as IceResponse;
  };
}
