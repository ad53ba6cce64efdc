/**
 * The documented demo key pair the local services accept when ALIBABA_CLOUD_ACCESS_KEY_ID /
 * ALIBABA_CLOUD_ACCESS_KEY_SECRET are unset. It only ever unlocks loopback services.
 */
export const DEMO_CREDENTIALS = {
  accessKeyId: 'LTAIlocaldemo0000000000',
  accessKeySecret: 'local-demo-secret-do-not-use-in-cloud',
} as const;

export interface AccessKeyPair {
  accessKeyId: string;
  accessKeySecret: string;
}

/** The key pair a local service accepts: env first, else the demo pair. */
export function localServiceCredentials(env: NodeJS.ProcessEnv = process.env): AccessKeyPair {
  const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (accessKeyId && accessKeySecret) return { accessKeyId, accessKeySecret };
  return { ...DEMO_CREDENTIALS };
}

/** True for http(s) URLs on this machine (127.0.0.0/8, localhost, [::1]). */
export function isLoopbackUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
