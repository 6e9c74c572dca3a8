/**
 * The resolver's caller token: a presigned STS GetCallerIdentity request (SigV4 query-string
 * signing with the function's own credentials), signed over `host` and the audience header whose
 * value is the target API's name, sent base64url-encoded in one request header. The API forwards
 * it to STS with the audience header set to its own name, so the token proves this function's IAM
 * identity to that API only. This is the scheme of the Kubernetes aws-iam-authenticator (its
 * `x-k8s-aws-id` header carries the cluster name) and of Vault's AWS auth method
 * (`X-Vault-AWS-IAM-Server-ID`).
 *
 * The SigV4 signer is ./sigv4.ts (node:crypto, no dependency), shared with the Lattice signing.
 *
 * Signing is local: no AWS call, and GetCallerIdentity needs no IAM permission (AWS documents that
 * it works even under an explicit deny).
 */
import { CALLER_AUDIENCE_HEADER, CALLER_TOKEN_LIFETIME_SECONDS } from '../../api-service/src/contract';
import { credentialsFromEnv } from './lambda-credentials';
import { AwsCredentials, presignUrl } from './sigv4';

/**
 * A token is reused until fewer than this many seconds of its validity remain: the API caches a
 * verified token until it expires, so a token that arrives with at least 5 minutes left is worth a
 * cache entry there, and the margin absorbs clock skew between the function and the API.
 */
export const CALLER_TOKEN_REFRESH_MARGIN_SECONDS = 300;

/** The regional STS host: the API accepts tokens for exactly this host (never the global endpoint). */
export function regionalStsHost(region: string): string {
  return region.startsWith('cn-') ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

export interface CallerToken {
  /** The header value: the presigned URL, base64url. */
  readonly token: string;
  /** When the API stops accepting it (ms since the epoch). */
  readonly expiresAt: number;
}

/** A fresh token for `audience` (the target API's name), signed at `now`. */
export function makeCallerToken(audience: string, credentials: AwsCredentials, region: string, now: number): CallerToken {
  const url = presignUrl({
    method: 'GET',
    host: regionalStsHost(region),
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { [CALLER_AUDIENCE_HEADER]: audience },
    region,
    service: 'sts',
    credentials,
    date: new Date(now),
    expiresSeconds: CALLER_TOKEN_LIFETIME_SECONDS,
  });
  // X-Amz-Date has whole seconds: the validity counts from the truncated time, as the API does.
  const signedAt = Math.floor(now / 1000) * 1000;
  return { token: Buffer.from(url, 'utf8').toString('base64url'), expiresAt: signedAt + CALLER_TOKEN_LIFETIME_SECONDS * 1000 };
}

interface CachedToken extends CallerToken {
  /** The credentials and region it was signed with: a rotation makes a new token at once. */
  readonly signer: string;
}

/** One entry per audience; a resolver calls a handful of APIs, so this never grows. */
const cache = new Map<string, CachedToken>();

/**
 * The token to send to `audience` now: the cached one while more than the refresh margin of its
 * validity remains and the credentials are unchanged, else a new one.
 */
export function getCallerToken(audience: string, env: NodeJS.ProcessEnv = process.env, now: number = Date.now()): string {
  const { credentials, region } = credentialsFromEnv(env);
  const signer = `${region}\n${credentials.accessKeyId}\n${credentials.sessionToken ?? ''}`;
  const cached = cache.get(audience);
  if (cached && cached.signer === signer && cached.expiresAt - now > CALLER_TOKEN_REFRESH_MARGIN_SECONDS * 1000) return cached.token;
  const fresh = makeCallerToken(audience, credentials, region, now);
  cache.set(audience, { ...fresh, signer });
  return fresh.token;
}

/** For tests: forgets every cached token. */
export function forgetCallerTokens(): void {
  cache.clear();
}
