/**
 * SigV4 verification as an AWS service does it, for the local stand-ins (the STS stand-in checks
 * presigned GetCallerIdentity requests, the Lattice stand-in header-signed requests): find the
 * access key, recompute the signature with that principal's secret over what was received, compare.
 * One verifier for both forms, so a stand-in never accepts what the other would refuse.
 *
 * It recomputes with the resolver's signer (graphql-resolver/src/sigv4.ts): what it proves is that
 * what arrived is what was signed (host, path, query, signed headers) with the right secret. That
 * the signer itself is AWS's algorithm is proven by the known-answer tests of AWS's own vectors.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AwsCredentials, SIGV4_ALGORITHM, canonicalQuery, canonicalUri, parseRawQuery, signCanonical } from '../../graphql-resolver/src/sigv4';

/** A principal a stand-in knows by its access key. */
export interface SigningPrincipal {
  readonly credentials: AwsCredentials;
}

/** What was received. */
export interface ReceivedRequest {
  readonly method: string;
  /** The request target exactly as received (path and raw query). */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
}

export interface VerifyOptions {
  readonly service: string;
  readonly region: string;
  /**
   * `query`: presigned (X-Amz-* in the query, the path signed as is, as STS does);
   * `header`: `Authorization` header, each path segment encoded once more (every service but S3).
   */
  readonly form: 'query' | 'header';
  /** Largest accepted difference between X-Amz-Date and now, header form. @default 300 (AWS: 5 minutes) */
  readonly maxSkewSeconds?: number;
  /** @default Date.now() */
  readonly now?: number;
}

/** AWS's error codes for the ways a signature fails. */
export type SigV4Failure =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'InvalidClientTokenId'
  | 'SignatureDoesNotMatch'
  | 'RequestExpired';

export type SigV4Result<P> = { readonly ok: true; readonly principal: P } | { readonly ok: false; readonly code: SigV4Failure; readonly reason: string };

const fail = (code: SigV4Failure, reason: string): { ok: false; code: SigV4Failure; reason: string } => ({ ok: false, code, reason });
const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Verifies the request's signature against `principals` (by access key id). */
export function verifySigV4<P extends SigningPrincipal>(req: ReceivedRequest, principals: ReadonlyMap<string, P>, options: VerifyOptions): SigV4Result<P> {
  const q = req.target.indexOf('?');
  const path = q === -1 ? req.target : req.target.slice(0, q);
  let query: Array<[string, string]>;
  try {
    query = parseRawQuery(q === -1 ? '' : req.target.slice(q + 1));
  } catch {
    return fail('IncompleteSignature', 'the query string is not valid percent-encoding');
  }
  let credential: string;
  let signedHeaderList: string;
  let signature: string;
  let amzDate: string;
  let payloadHash: string;
  let sessionToken: string | undefined;
  let signedQuery: Array<[string, string]>;
  if (options.form === 'query') {
    const get = (k: string): string | undefined => query.find(([name]) => name === k)?.[1];
    if (get('X-Amz-Algorithm') !== SIGV4_ALGORITHM || get('X-Amz-Signature') === undefined) return fail('MissingAuthenticationToken', 'no presigned signature');
    credential = get('X-Amz-Credential') ?? '';
    signedHeaderList = get('X-Amz-SignedHeaders') ?? '';
    signature = get('X-Amz-Signature') as string;
    amzDate = get('X-Amz-Date') ?? '';
    sessionToken = get('X-Amz-Security-Token');
    payloadHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    signedQuery = query.filter(([name]) => name !== 'X-Amz-Signature');
  } else {
    const auth = header(req.headers, 'authorization');
    if (auth === undefined) return fail('MissingAuthenticationToken', 'no Authorization header');
    const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return fail('IncompleteSignature', 'the Authorization header is not AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...');
    [, credential, signedHeaderList, signature] = m;
    amzDate = header(req.headers, 'x-amz-date') ?? '';
    sessionToken = header(req.headers, 'x-amz-security-token');
    payloadHash = header(req.headers, 'x-amz-content-sha256') ?? '';
    if (payloadHash === '') return fail('IncompleteSignature', 'no x-amz-content-sha256 header');
    signedQuery = query;
  }
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') return fail('IncompleteSignature', 'the credential is not <key>/<date>/<region>/<service>/aws4_request');
  if (scope[1] !== amzDate.slice(0, 8) || scope[2] !== options.region || scope[3] !== options.service) {
    return fail('SignatureDoesNotMatch', `the credential scope is not <date>/${options.region}/${options.service}`);
  }
  const principal = principals.get(scope[0]);
  if (principal === undefined) return fail('InvalidClientTokenId', 'unknown access key');
  if ((principal.credentials.sessionToken ?? undefined) !== (sessionToken || undefined)) return fail('InvalidClientTokenId', 'the security token does not belong to this access key');
  const signedNames = signedHeaderList.split(';');
  if (!signedNames.includes('host') || [...signedNames].sort().join(';') !== signedHeaderList) return fail('SignatureDoesNotMatch', 'SignedHeaders must be sorted and include host');
  if (options.form === 'header') {
    const signedAt = parseAmzDate(amzDate);
    const skew = (options.maxSkewSeconds ?? 300) * 1000;
    if (Number.isNaN(signedAt) || Math.abs((options.now ?? Date.now()) - signedAt) > skew) return fail('RequestExpired', 'X-Amz-Date is missing or more than 5 minutes from now');
    for (const required of ['x-amz-date', 'x-amz-content-sha256', ...(sessionToken ? ['x-amz-security-token'] : [])]) {
      if (!signedNames.includes(required)) return fail('SignatureDoesNotMatch', `${required} is not signed`);
    }
  }
  const expected = signCanonical({
    method: req.method,
    uri: options.form === 'header' ? canonicalUri(path) : path,
    query: canonicalQuery(signedQuery),
    headers: Object.fromEntries(signedNames.map((h) => [h, header(req.headers, h) ?? ''])),
    signedHeaders: signedNames,
    payloadHash,
    amzDate,
    region: options.region,
    service: options.service,
    secretAccessKey: principal.credentials.secretAccessKey,
  });
  if (!sameHex(expected, signature)) return fail('SignatureDoesNotMatch', 'the signature does not match what was received');
  return { ok: true, principal };
}
