/**
 * The `sts-token` caller identity source (./caller-identity-source): verifies the caller token (a presigned STS GetCallerIdentity request, base64url,
 * in CALLER_TOKEN_HEADER) and maps the IAM role it proves to a consumer of the configuration.
 *
 * A token is not a URL to fetch: it is checked to be exactly a GetCallerIdentity request to the
 * configured regional STS host, signed over `host` and the audience header, within its validity,
 * before anything is sent; then it goes to the configured STS endpoint only (in AWS the regional
 * name, resolved by the VPC's STS interface endpoint with private DNS), with the audience header
 * set to THIS API's name, so STS rejects a token signed for another API. A verified token is cached
 * until it expires (bounded, single-flight), so a warm caller costs no STS call.
 *
 *   no / malformed / expired / forged / other-API token   401 UNAUTHENTICATED
 *   valid token of a principal the configuration omits     403 FORBIDDEN
 *   STS unreachable, 5xx or throttling                     503 IDENTITY_UNAVAILABLE
 *
 * Node built-ins only: the service has no runtime dependencies.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { Caller, CallerIdentitySource, CallerMapping, mapCaller, unauthenticated } from './caller-identity-source';
import { CALLER_AUDIENCE_HEADER, CALLER_TOKEN_HEADER, CALLER_TOKEN_LIFETIME_SECONDS } from './contract';
import { HttpError } from './respond';

export type { Caller, CallerMapping } from './caller-identity-source';

export interface CallerIdentityConfig {
  /** This API's name: the audience every accepted token must be signed for. */
  readonly apiName: string;
  /** The host a token must be signed for (sts.<region>.amazonaws.com); never taken from the token. */
  readonly stsHost: string;
  /** The region in the token's credential scope. */
  readonly stsRegion: string;
  /** Where tokens are sent: https://<stsHost> in AWS; a loopback URL in tests. */
  readonly stsEndpoint: string;
  readonly callers: readonly CallerMapping[];
}

export interface CallerVerifierOptions {
  /** @default Date.now */
  readonly now?: () => number;
  /** Verified tokens kept; the oldest is evicted beyond it. @default MAX_CACHED_TOKENS */
  readonly maxCachedTokens?: number;
  /** Distinct tokens being verified at once; more get 503. @default MAX_PENDING_VERIFICATIONS */
  readonly maxPendingVerifications?: number;
  /** Deadline of one STS call. @default STS_TIMEOUT_MS */
  readonly stsTimeoutMs?: number;
}

/** The caller of a request, from its caller token, or why it has none. */
export interface CallerVerifier extends CallerIdentitySource {
  readonly kind: 'sts-token';
  /** The caller (synchronously when cached), or throws / rejects with an HttpError (401/403/503). */
  verify(header: string | string[] | undefined): Caller | Promise<Caller>;
  /** Tokens cached now (for tests and metrics). */
  readonly cachedTokens: number;
  /** STS calls made so far. */
  readonly stsCalls: number;
}

/** About 10,000 x (64-character key + a small record): a few MB at most, whatever the traffic. */
export const MAX_CACHED_TOKENS = 10_000;
export const MAX_PENDING_VERIFICATIONS = 256;
/** STS answers in milliseconds through the endpoint; a caller waits at most this on a cold token. */
export const STS_TIMEOUT_MS = 2_000;
/** Accepted clock difference between the caller and this task (X-Amz-Date in the future). */
export const CLOCK_SKEW_SECONDS = 60;
/** A session token is ~1-2 KB; a header larger than this is not a token. */
export const MAX_TOKEN_LENGTH = 8 * 1024;
const MAX_STS_RESPONSE_BYTES = 64 * 1024;

const EXPECTED_SIGNED_HEADERS = ['host', CALLER_AUDIENCE_HEADER].sort().join(';');
const REQUIRED_PARAMS = ['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];
const ALLOWED_PARAMS = new Set([...REQUIRED_PARAMS, 'X-Amz-Security-Token']);
const unavailable = (): HttpError => new HttpError(503, 'IDENTITY_UNAVAILABLE', 'caller identity cannot be verified now; retry');

interface CachedCaller {
  readonly expiresAt: number;
  /** The caller, or the 403 of a verified principal that is not listed (cached too: the list is static). */
  readonly result: Caller | HttpError;
}

/** A token that passed every local check: what to send to STS and until when it is valid. */
interface CheckedToken {
  readonly pathAndQuery: string;
  readonly expiresAt: number;
}

/** RFC 3986 encoding as SigV4 canonicalizes it. */
const encode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Parses `YYYYMMDD'T'HHMMSS'Z'`; NaN when malformed. */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return NaN;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return new Date(t).toISOString().startsWith(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`) ? t : NaN;
}

/** Every check that needs no network, in the order a forger would hit them. Throws 401. */
export function checkToken(token: string, config: CallerIdentityConfig, now: number): CheckedToken {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) throw unauthenticated('caller token is not base64url');
  let url: URL;
  try {
    url = new URL(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw unauthenticated('caller token is not a URL');
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.port !== '' || url.hash !== '') {
    throw unauthenticated('caller token is not a plain https URL');
  }
  if (url.hostname !== config.stsHost) throw unauthenticated(`caller token is not for ${config.stsHost}`);
  if (url.pathname !== '/') throw unauthenticated('caller token is not a GetCallerIdentity request');
  const q = new Map<string, string>();
  for (const [k, v] of url.searchParams) {
    if (!ALLOWED_PARAMS.has(k) || q.has(k)) throw unauthenticated(`caller token has an unexpected or repeated parameter "${k.slice(0, 32)}"`);
    q.set(k, v);
  }
  for (const k of REQUIRED_PARAMS) if (!q.has(k)) throw unauthenticated(`caller token lacks ${k}`);
  if (q.get('Action') !== 'GetCallerIdentity' || q.get('Version') !== '2011-06-15') {
    throw unauthenticated('caller token is not a GetCallerIdentity request');
  }
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw unauthenticated('caller token is not signed with AWS4-HMAC-SHA256');
  if (q.get('X-Amz-SignedHeaders') !== EXPECTED_SIGNED_HEADERS) {
    throw unauthenticated(`caller token must be signed over exactly "${EXPECTED_SIGNED_HEADERS}"`);
  }
  const amzDate = q.get('X-Amz-Date') as string;
  const signedAt = parseAmzDate(amzDate);
  const scope = (q.get('X-Amz-Credential') as string).split('/');
  if (scope.length !== 5 || scope[1] !== amzDate.slice(0, 8) || scope[2] !== config.stsRegion || scope[3] !== 'sts' || scope[4] !== 'aws4_request') {
    throw unauthenticated(`caller token's credential scope is not <key>/<date>/${config.stsRegion}/sts/aws4_request`);
  }
  const expiresRaw = q.get('X-Amz-Expires') as string;
  const expires = /^[0-9]{1,6}$/.test(expiresRaw) ? Number(expiresRaw) : NaN;
  if (!(expires >= 1 && expires <= CALLER_TOKEN_LIFETIME_SECONDS)) {
    throw unauthenticated(`caller token's X-Amz-Expires must be 1..${CALLER_TOKEN_LIFETIME_SECONDS}`);
  }
  if (Number.isNaN(signedAt)) throw unauthenticated('caller token has a malformed X-Amz-Date');
  // STS itself accepts a presigned GetCallerIdentity for 15 minutes whatever X-Amz-Expires says,
  // so the validity is enforced here.
  const expiresAt = signedAt + expires * 1000;
  if (signedAt - now > CLOCK_SKEW_SECONDS * 1000) throw unauthenticated('caller token is signed in the future');
  if (now >= expiresAt) throw unauthenticated('caller token has expired');
  // Rebuilt from the checked parameters (canonical order and encoding), not forwarded raw: what is
  // sent is exactly what was checked.
  const query = [...q.entries()]
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join('&');
  return { pathAndQuery: `/?${query}`, expiresAt };
}

/** The `<Code>` of an STS error body, if any. */
const errorCode = (body: string): string | undefined => /<Code>([^<]{1,100})<\/Code>/.exec(body)?.[1];

export function createCallerVerifier(config: CallerIdentityConfig, options: CallerVerifierOptions = {}): CallerVerifier {
  const now = options.now ?? Date.now;
  const maxCached = options.maxCachedTokens ?? MAX_CACHED_TOKENS;
  const maxPending = options.maxPendingVerifications ?? MAX_PENDING_VERIFICATIONS;
  const timeoutMs = options.stsTimeoutMs ?? STS_TIMEOUT_MS;
  const endpoint = new URL(config.stsEndpoint);
  const transport = endpoint.protocol === 'http:' ? http : https;
  // Keep-alive to the endpoint: a cold token costs one round trip, not a TLS handshake too.
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 32 });
  const cache = new Map<string, CachedCaller>();
  const pending = new Map<string, Promise<Caller>>();
  let stsCalls = 0;
  // The last token seen and its entry: a resolver sends one token for minutes, so comparing the
  // header string (a memcmp) usually replaces hashing it (SHA-256 of ~2 KB) on the hot path.
  let lastHeader: string | undefined;
  let lastEntry: CachedCaller | undefined;

  const remember = (key: string, entry: CachedCaller): void => {
    cache.delete(key);
    while (cache.size >= maxCached) {
      // Insertion order: the first key is the oldest entry.
      const oldest = cache.keys().next().value as string;
      cache.delete(oldest);
    }
    cache.set(key, entry);
  };

  const callSts = (pathAndQuery: string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      stsCalls += 1;
      const req = transport.request(
        {
          agent,
          method: 'GET',
          host: endpoint.hostname,
          port: endpoint.port || undefined,
          path: pathAndQuery,
          // The signed host, whatever address is connected to; the audience is ours, not the token's.
          headers: { host: config.stsHost, [CALLER_AUDIENCE_HEADER]: config.apiName, accept: 'application/xml' },
          servername: config.stsHost,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_STS_RESPONSE_BYTES) req.destroy(new Error('STS response too large'));
            else chunks.push(c);
          });
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('STS timed out')));
      req.on('error', reject);
      req.end();
    });

  const verifyAtSts = async (key: string, checked: CheckedToken): Promise<Caller> => {
    let answer: { status: number; body: string };
    try {
      answer = await callSts(checked.pathAndQuery);
    } catch {
      throw unavailable();
    }
    const code = errorCode(answer.body);
    if (answer.status >= 500 || answer.status === 429 || code === 'Throttling' || code === 'RequestLimitExceeded') throw unavailable();
    if (answer.status !== 200) throw unauthenticated(`caller token rejected by STS${code ? ` (${code})` : ''}`);
    const arn = /<Arn>([^<]{1,2048})<\/Arn>/.exec(answer.body)?.[1];
    if (arn === undefined) throw unavailable();
    const result = mapCaller(arn, config.callers);
    remember(key, { expiresAt: checked.expiresAt, result });
    if (result instanceof HttpError) throw result;
    return result;
  };

  const verifier: CallerVerifier = {
    kind: 'sts-token',
    identify: (req) => verifier.verify(req.headers[CALLER_TOKEN_HEADER]),
    verify(header) {
      if (typeof header !== 'string' || header === '') throw unauthenticated('caller token missing');
      const at = now();
      let cached = header === lastHeader ? lastEntry : undefined;
      let key: string | undefined;
      if (cached === undefined) {
        key = createHash('sha256').update(header).digest('base64url');
        cached = cache.get(key);
      }
      if (cached !== undefined && at < cached.expiresAt) {
        lastHeader = header;
        lastEntry = cached;
        if (cached.result instanceof HttpError) throw cached.result;
        return cached.result;
      }
      key ??= createHash('sha256').update(header).digest('base64url');
      if (cached !== undefined) cache.delete(key);
      if (header === lastHeader) lastHeader = lastEntry = undefined;
      const inFlight = pending.get(key);
      if (inFlight !== undefined) return inFlight;
      const checked = checkToken(header, config, at);
      if (pending.size >= maxPending) throw unavailable();
      const verification = verifyAtSts(key, checked).finally(() => pending.delete(key));
      pending.set(key, verification);
      return verification;
    },
    get cachedTokens() {
      return cache.size;
    },
    get stsCalls() {
      return stsCalls;
    },
  };
  return verifier;
}
