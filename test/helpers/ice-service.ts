import { type CallIce, createIceCaller, type IceClientOptions } from '../../local/ice/ice-client.js';
import { type IceService, type IceServiceOptions, startIceService } from '../../local/ice/server.js';

export interface TestIceService {
  service: IceService;
  /** The REAL openapi-client's `callApi`, configured for the service (endpoint, http, its credentials). */
  callIce: CallIce;
  /** Another real client for the same endpoint with some settings changed (wrong secret, STS token…). */
  clientWith(overrides: Partial<IceClientOptions>): CallIce;
  close(): Promise<void>;
}

/** Starts the local ICE service on an ephemeral loopback port; remember to `close()` it. */
export async function startTestIceService(options: IceServiceOptions = {}): Promise<TestIceService> {
  const service = await startIceService({ port: 0, ...options });
  const clientWith = (overrides: Partial<IceClientOptions>) =>
    createIceCaller({ endpoint: service.endpoint, ...service.credentials, ...overrides });
  return { service, callIce: clientWith({}), clientWith, close: () => service.close() };
}
