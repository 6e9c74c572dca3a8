/**
 * AWS Signature Version 4, written with node:crypto rather than taken from the AWS SDK: the
 * resolver's runtime has no dependencies (cold start, bundle size), and signing is a few HMACs.
 * Two forms, one canonical request:
 *
 *   presignUrl()       query-string signing (the caller token: a presigned STS GetCallerIdentity)
 *   signedHeaders()    header signing, `Authorization: AWS4-HMAC-SHA256 ...` (VPC Lattice)
 *
 * Both are checked against AWS's published examples in the tests (the S3 presigned-URL example and
 * the get-vanilla vectors of AWS's SigV4 test suite). Signing is local: no AWS call.
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** Hex SHA-256 of the empty body: what a GET signs when it signs its payload. */
export const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');
/** The payload hash of a request whose body is not signed (VPC Lattice accepts no other). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary credentials (a Lambda's role session always has one). */
  readonly sessionToken?: string;
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded. */
export function sigV4Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical query string: encoded names and values, sorted by encoded name (then value). */
export function canonicalQuery(query: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>): string {
  const entries = Array.isArray(query) ? (query as ReadonlyArray<readonly [string, string]>) : Object.entries(query);
  return entries
    .map(([k, v]) => [sigV4Encode(k), sigV4Encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * The canonical URI of every service but S3: each segment of the path as sent is encoded once more
 * (AWS: "each path segment must be URI-encoded twice"), so `%` in the request becomes `%25` here.
 * The resolver's paths are already normalized (no `.` or `..` segments, no `//`): ids are checked.
 */
export function canonicalUri(pathAsSent: string): string {
  return pathAsSent === '' ? '/' : pathAsSent.split('/').map(sigV4Encode).join('/');
}

/** The name=value pairs of a raw query string, percent-decoded (`+` is not a space in SigV4). */
export function parseRawQuery(raw: string): Array<[string, string]> {
  if (raw === '') return [];
  return raw.split('&').filter((p) => p !== '').map((pair) => {
    const eq = pair.indexOf('=');
    const [k, v] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    return [decodeURIComponent(k), decodeURIComponent(v)];
  });
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** `YYYYMMDD'T'HHMMSS'Z'` */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * The signing key changes once a day per (secret, region, service): derived once, not four HMACs
 * per request. One entry: a function signs with one key for one service.
 */
let lastKey: { id: string; key: Buffer } | undefined;
function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const id = `${day}\n${region}\n${service}\n${secretAccessKey}`;
  if (lastKey?.id !== id) lastKey = { id, key: hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request') };
  return lastKey.key;
}

/** What is signed: the request's canonical parts (`uri` and `query` already canonical). */
export interface CanonicalRequestParts {
  readonly method: string;
  /** The canonical URI (see canonicalUri; S3 alone uses the path as is). */
  readonly uri: string;
  /** The canonical query string (see canonicalQuery). */
  readonly query: string;
  /** Lowercase names; the values of `signedHeaders` are trimmed and their inner spaces folded. */
  readonly headers: Readonly<Record<string, string>>;
  /** Sorted lowercase names. */
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
  readonly amzDate: string;
  readonly region: string;
  readonly service: string;
  readonly secretAccessKey: string;
}

/** The hex SHA-256 of the canonical request (exported for the known-answer tests). */
export function canonicalRequestHash(input: Omit<CanonicalRequestParts, 'amzDate' | 'region' | 'service' | 'secretAccessKey'>): string {
  const canonicalHeaders = input.signedHeaders.map((name) => `${name}:${(input.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [input.method, input.uri, input.query, canonicalHeaders, input.signedHeaders.join(';'), input.payloadHash].join('\n');
  return createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
}

/** The SigV4 signature (hex) of a canonical request. */
export function signCanonical(input: CanonicalRequestParts): string {
  const day = input.amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [SIGV4_ALGORITHM, input.amzDate, scope, canonicalRequestHash(input)].join('\n');
  return createHmac('sha256', signingKey(input.secretAccessKey, day, input.region, input.service)).update(stringToSign, 'utf8').digest('hex');
}

/**
 * The signature of a request whose query already holds every X-Amz-* parameter but
 * X-Amz-Signature (the query-string form; `path` is used as is, as S3 and STS presigning do).
 */
export function sigV4Signature(
  input: Omit<CanonicalRequestParts, 'uri' | 'query'> & { readonly path: string; readonly query: Readonly<Record<string, string>> },
): string {
  return signCanonical({ ...input, uri: input.path, query: canonicalQuery(input.query) });
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

/** A presigned URL (SigV4 query-string authentication). */
export function presignUrl(input: PresignInput): string {
  const headers: Record<string, string> = { ...input.headers, host: input.host };
  const signedHeaders = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const date = amzDate(input.date);
  const query: Record<string, string> = {
    ...input.query,
    'X-Amz-Algorithm': SIGV4_ALGORITHM,
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

/** One request to sign in its headers. */
export interface SignHeadersInput {
  readonly method: string;
  /** The Host header's value as sent (host[:port]). */
  readonly host: string;
  /** The request target as sent: path (already percent-encoded) and optional `?query`. */
  readonly pathAndQuery: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  readonly date: Date;
  /** @default UNSIGNED_PAYLOAD */
  readonly payloadHash?: string;
}

/**
 * The headers that sign a request: `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token`
 * (temporary credentials) and `authorization`, signed over `host` and the x-amz-* ones (the session
 * token included, as the AWS SDKs sign it). Add them to the request as they are.
 */
export function signedHeaders(input: SignHeadersInput): Record<string, string> {
  const date = amzDate(input.date);
  const payloadHash = input.payloadHash ?? UNSIGNED_PAYLOAD;
  const added: Record<string, string> = { 'x-amz-content-sha256': payloadHash, 'x-amz-date': date };
  if (input.credentials.sessionToken) added['x-amz-security-token'] = input.credentials.sessionToken;
  const headers: Record<string, string> = { host: input.host, ...added };
  const names = Object.keys(headers).sort();
  const q = input.pathAndQuery.indexOf('?');
  const path = q === -1 ? input.pathAndQuery : input.pathAndQuery.slice(0, q);
  const signature = signCanonical({
    method: input.method,
    uri: canonicalUri(path),
    query: canonicalQuery(parseRawQuery(q === -1 ? '' : input.pathAndQuery.slice(q + 1))),
    headers,
    signedHeaders: names,
    payloadHash,
    amzDate: date,
    region: input.region,
    service: input.service,
    secretAccessKey: input.credentials.secretAccessKey,
  });
  const scope = `${date.slice(0, 8)}/${input.region}/${input.service}/aws4_request`;
  return {
    ...added,
    authorization: `${SIGV4_ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}
