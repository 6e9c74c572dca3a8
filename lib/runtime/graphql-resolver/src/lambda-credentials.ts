/**
 * The function's own AWS credentials and region, as Lambda puts them in its environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN of its role session; AWS_REGION).
 * Read at each signature: they are in memory, and a rotation is picked up at once.
 */
import type { AwsCredentials } from './sigv4';

/** Missing credentials or region in the function's environment: a deployment mistake. */
export class SigningConfigError extends Error {
  static {
    this.prototype.name = 'SigningConfigError';
  }
}

export function credentialsFromEnv(env: NodeJS.ProcessEnv): { credentials: AwsCredentials; region: string } {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const region = env.AWS_REGION;
  const missing = [
    accessKeyId ? undefined : 'AWS_ACCESS_KEY_ID',
    secretAccessKey ? undefined : 'AWS_SECRET_ACCESS_KEY',
    region ? undefined : 'AWS_REGION',
  ].filter((n) => n !== undefined);
  if (missing.length > 0) {
    throw new SigningConfigError(`cannot sign requests to the API: ${missing.join(', ')} not set in the environment`);
  }
  return {
    credentials: { accessKeyId: accessKeyId as string, secretAccessKey: secretAccessKey as string, sessionToken: env.AWS_SESSION_TOKEN || undefined },
    region: region as string,
  };
}
