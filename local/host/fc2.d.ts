/** Declarations for the parts of `@alicloud/fc2` 2.6 (it ships none) that the invoke CLI and tests use. */
declare module '@alicloud/fc2' {
  interface FcClientConfig {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    secure?: boolean;
    internal?: boolean;
    endpoint?: string;
    timeout?: number;
    headers?: Record<string, string>;
  }

  interface FcResponse<T = unknown> {
    headers: Record<string, string | undefined>;
    /** A utf8 string, JSON-parsed when the response is application/json, or a Buffer with `rawBuf`. */
    data: T;
  }

  class FCClient {
    constructor(accountId: string, config: FcClientConfig);
    /** API version prepended to every path; `2016-08-15` unless changed. */
    version: string;
    endpoint: string;
    post(
      path: string,
      body: string | Buffer | undefined,
      headers?: Record<string, string>,
      queries?: Record<string, string> | null,
      opts?: { rawBuf?: boolean },
    ): Promise<FcResponse>;
    invokeFunction(
      serviceName: string,
      functionName: string,
      event: string | Buffer,
      headers?: Record<string, string>,
      qualifier?: string,
      opts?: { rawBuf?: boolean },
    ): Promise<FcResponse>;
  }

  export = FCClient;
}
