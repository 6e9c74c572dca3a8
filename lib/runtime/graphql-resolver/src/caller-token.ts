/**
 * The resolver's caller token: a presigned STS GetCallerIdentity request (SigV4 query-string
 * signing with the function's own credentials), signed over `host` and the audience header whose
 * value is the target API's name, sent base64url-encoded in one request header. The API forwards
 * it to STS with the audience header set to its own name, so the token proves this function's IAM
 * identity to that API only. This is the scheme of the Kubernetes aws-iam-authenticator (its
 * `x-k8s-aws-id` header carries the cluster name) and of Vault's AWS auth method
 * (`X-Vault-AWS-IAM-Server-ID`).
 *
 * SigV4 is written here with node:crypto rather than taken from the AWS SDK: the resolver's runtime
 * has no dependencies (cold start, bundle size), and presigning is a few HMACs. The signer is
 * checked against AWS's published presigned-URL example in the tests.
 *
 * Signing is local: no AWS call, and GetCallerIdentity needs no IAM permission (AWS documents that
 * it works even under an explicit deny).
 */
import { createHash, createHmac } from 'node:crypto';
import { CALLER_AUDIENCE_HEADER, CALLER_TOKEN_LIFETIME_SECONDS } from '../../api-service/src/contract';

/**
 * A token is reused until fewer than this many seconds of its validity remain: the API caches a
 * verified token until it expires, so a token that arrives with at least 5 minutes left is worth a
 * cache entry there, and the margin absorbs clock skew between the function and the API.
 */
export const CALLER_TOKEN_REFRESH_MARGIN_SECONDS = 300;

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** Hex SHA-256 of the empty body: a presigned GET signs an empty payload (S3 alone allows UNSIGNED-PAYLOAD). */
const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary credentials (a Lambda's role session always has one). */
  readonly sessionToken?: string;
}

/** One request to presign. Header names are lowercase; `host` is added from `host`. */
export interface PresignInput {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  readonly date: Date;
  readonly expiresSeconds: number;
  /** @default the SHA-256 of an empty body */
  readonly payloadHash?: string;
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded. */
export function sigV4Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical query string: encoded names and values, sorted by encoded name. */
export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([k, v]) => [sigV4Encode(k), sigV4Encode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** `YYYYMMDD'T'HHMMSS'Z'` */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The SigV4 signature of a request whose query already holds every X-Amz-* parameter but
 * X-Amz-Signature. Exported so a test stand-in for STS can check what the API forwards.
 */
export function sigV4Signature(input: {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
  readonly amzDate: string;
  readonly region: string;
  readonly service: string;
  readonly secretAccessKey: string;
}): string {
  const day = input.amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const canonicalHeaders = input.signedHeaders.map((name) => `${name}:${(input.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [
    input.method,
    input.path,
    canonicalQuery(input.query),
    canonicalHeaders,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, input.amzDate, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region), input.service), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

/** A presigned URL (SigV4 query-string authentication). */
export function presignUrl(input: PresignInput): string {
  const headers: Record<string, string> = { ...input.headers, host: input.host };
  const signedHeaders = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const date = amzDate(input.date);
  const query: Record<string, string> = {
    ...input.query,
    'X-Amz-Algorithm': ALGORITHM,
    'X-Amz-Credential': `${input.credentials.accessKeyId}/${date.slice(0, 8)}/${input.region}/${input.service}/aws4_request`,
    'X-Amz-Date': date,
    'X-Amz-Expires': String(input.expiresSeconds),
    'X-Amz-SignedHeaders': signedHeaders.join(';'),
  };
  if (input.credentials.sessionToken) query['X-Amz-Security-Token'] = input.credentials.sessionToken;
  const signature = sigV4Signature({
    method: input.method,
    path: input.path,
    query,
    headers,
    signedHeaders,
    payloadHash: input.payloadHash ?? EMPTY_PAYLOAD_SHA256,
    amzDate: date,
    region: input.region,
    service: input.service,
    secretAccessKey: input.credentials.secretAccessKey,
  });
  return `https://${input.host}${input.path}?${canonicalQuery(query)}&X-Amz-Signature=${signature}`;
}

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

/** Missing credentials or region in the function's environment: a deployment mistake. */
export class CallerTokenConfigError extends Error {
  static {
    this.prototype.name = 'CallerTokenConfigError';
  }
}

/** The function's credentials and region, as Lambda puts them in its environment. */
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
    throw new CallerTokenConfigError(`cannot sign a caller token: ${missing.join(', ')} not set in the environment`);
  }
  return {
    credentials: { accessKeyId: accessKeyId as string, secretAccessKey: secretAccessKey as string, sessionToken: env.AWS_SESSION_TOKEN || undefined },
    region: region as string,
  };
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
