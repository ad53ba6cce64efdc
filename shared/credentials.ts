/**
 * Where keys come from, in order: the FC invocation context (STS keys from the function's role, fresh per
 * invocation), env ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN, then the @alicloud/credentials
 * default chain. Keys are never logged.
 */
import type CredentialDefault from '@alicloud/credentials';
import { interopDefault } from './interop.js';

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** The part of an FC context that carries keys; `{}` when the function has no role. */
export interface CredentialsCarrier {
  credentials?: Partial<Credentials> | null;
}

export function credentialsFromContext(context?: CredentialsCarrier): Credentials | undefined {
  const c = context?.credentials;
  if (!c?.accessKeyId || !c.accessKeySecret) return undefined;
  return {
    accessKeyId: c.accessKeyId,
    accessKeySecret: c.accessKeySecret,
    ...(c.securityToken ? { securityToken: c.securityToken } : {}),
  };
}

export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) return undefined;
  const securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN;
  return { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) };
}

export type CredentialResolver = (context?: CredentialsCarrier) => Promise<Credentials>;

/**
 * Builds the resolver; the default chain is created lazily and only once per instance, and its SDK is only
 * loaded then: with keys in the context or the environment (FC with a role), it never is.
 */
export function createCredentialResolver(env: NodeJS.ProcessEnv = process.env): CredentialResolver {
  let chain: Promise<CredentialDefault> | undefined;
  return async (context) => {
    const direct = credentialsFromContext(context) ?? credentialsFromEnv(env);
    if (direct) return direct;
    chain ??= import('@alicloud/credentials').then((sdk) => new (interopDefault(sdk.default))());
    const model = await (await chain).getCredential();
    return {
      accessKeyId: model.accessKeyId ?? '',
      accessKeySecret: model.accessKeySecret ?? '',
      ...(model.securityToken ? { securityToken: model.securityToken } : {}),
    };
  };
}
