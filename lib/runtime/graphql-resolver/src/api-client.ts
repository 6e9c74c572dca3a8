/**
 * A small HTTPS client for the internal item API (no dependencies, no AWS SDK).
 *
 * - One keep-alive `https.Agent` at module scope, so the TLS connection survives across
 *   Lambda invocations of the same execution environment: every new TLS connection costs
 *   NLB capacity (new flows, TLS handshakes) and ~1 RTT + handshake of latency.
 * - Idle sockets older than IDLE_REUSE_WINDOW_MS (30 s) are never reused. The server's
 *   keep-alive timeout is 65 s, i.e. longer, so the server never closes a socket the client
 *   is about to reuse (which would otherwise surface as a random ECONNRESET). The check is
 *   done with wall-clock timestamps just before each request, because timers do not run
 *   while a Lambda execution environment is frozen between invocations.
 * - The certificate chain AND the host name (the base URL's host) are always verified.
 * - A hard per-request deadline (REQUEST_TIMEOUT_MS, 5 s) keeps us well inside AppSync's
 *   30 s resolver limit.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  BadRequest,
  ErrorDetails,
  InternalError,
  NotFound,
  UpstreamBadResponse,
  UpstreamCertificateRejected,
  UpstreamTimeout,
  UpstreamUnavailable,
  certificateProblem,
  describeError,
} from './errors';

/** Idle keep-alive sockets older than this are destroyed instead of reused (server keep-alive: 65 s). */
export const IDLE_REUSE_WINDOW_MS = 30_000;
/** Default hard deadline for one request (connect + TLS + response). AppSync's limit is 30 s. */
export const REQUEST_TIMEOUT_MS = 5_000;
/** Upper bound accepted for API_TIMEOUT_MS (AppSync gives up after 30 s anyway). */
export const MAX_TIMEOUT_MS = 29_000;
/** Sockets per origin. A Lambda environment runs one invocation at a time, so 1 is normally used. */
export const MAX_SOCKETS = 10;
/** Responses larger than this are rejected as UpstreamBadResponse. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface ApiClientConfig {
  /** The base URL as configured (https). */
  readonly baseUrl: string;
  /** Host name the certificate is verified against and sent as SNI / Host. */
  readonly hostname: string;
  /** Port of the base URL. */
  readonly port: number;
  /** Value of the Host header (host[:port]). */
  readonly hostHeader: string;
  /** Path prefix of the base URL without a trailing slash ('' for none). */
  readonly basePath: string;
  /** Address actually connected to (API_CONNECT_HOST, else the base URL's host). */
  readonly connectHost: string;
  /** Port actually connected to (API_CONNECT_PORT, else the base URL's port). */
  readonly connectPort: number;
  /** Extra trusted CA certificate(s), PEM, if any. */
  readonly extraCaPem?: string;
  readonly timeoutMs: number;
}

export type RequestPhase = 'dns' | 'connect' | 'tls' | 'response';

export interface ApiRequestOptions {
  /** Sent as `x-request-id`. */
  readonly requestId?: string;
  /** Overrides the configured per-request timeout. */
  readonly timeoutMs?: number;
}

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface AgentStats {
  /** TLS connections this module opened since the agent was (re)created. */
  readonly connectionsOpened: number;
  /** Sockets currently serving a request. */
  readonly activeSockets: number;
  /** Idle keep-alive sockets in the pool. */
  readonly freeSockets: number;
  /** Stale idle sockets destroyed by the IDLE_REUSE_WINDOW_MS rule. */
  readonly staleSocketsEvicted: number;
  /** Requests retried once because a reused keep-alive socket turned out to be dead. */
  readonly staleSocketRetries: number;
}

// ---------------------------------------------------------------------------------------------
// Configuration (read once, lazily)
// ---------------------------------------------------------------------------------------------

let config: ApiClientConfig | undefined;

/** Missing or invalid environment configuration (a deployment mistake, never the caller's). */
export class ConfigError extends Error {
  static {
    this.prototype.name = 'ConfigError';
  }
}

function invalidConfig(message: string): ConfigError {
  return new ConfigError(`Invalid API client configuration: ${message}`);
}

function parsePositiveInt(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) throw invalidConfig(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw invalidConfig(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Builds the configuration from an environment object (exported for tests). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiClientConfig {
  const rawBase = env.API_BASE_URL?.trim();
  if (!rawBase) throw invalidConfig('API_BASE_URL is not set');
  let url: URL;
  try {
    url = new URL(rawBase);
  } catch {
    throw invalidConfig(`API_BASE_URL is not a valid URL: "${rawBase}"`);
  }
  if (url.protocol !== 'https:') throw invalidConfig(`API_BASE_URL must use https, got "${url.protocol}"`);
  if (url.username || url.password) throw invalidConfig('API_BASE_URL must not contain credentials');
  if (url.search || url.hash) throw invalidConfig('API_BASE_URL must not contain a query string or fragment');

  // URL.hostname keeps the brackets of IPv6 literals; node:https wants them without.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : 443;

  const connectHost = env.API_CONNECT_HOST?.trim() || hostname;
  const connectPort = env.API_CONNECT_PORT?.trim()
    ? parsePositiveInt('API_CONNECT_PORT', env.API_CONNECT_PORT, 1, 65_535)
    : port;
  const timeoutMs = env.API_TIMEOUT_MS?.trim()
    ? parsePositiveInt('API_TIMEOUT_MS', env.API_TIMEOUT_MS, 1, MAX_TIMEOUT_MS)
    : REQUEST_TIMEOUT_MS;

  let extraCaPem: string | undefined;
  if (env.API_CA_PEM?.trim()) {
    extraCaPem = env.API_CA_PEM;
  } else if (env.API_CA_FILE?.trim()) {
    try {
      extraCaPem = readFileSync(env.API_CA_FILE.trim(), 'utf8');
    } catch (err) {
      throw invalidConfig(`API_CA_FILE could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (extraCaPem !== undefined && !extraCaPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalidConfig('API_CA_PEM / API_CA_FILE does not contain a PEM certificate');
  }

  return {
    baseUrl: url.origin + url.pathname.replace(/\/+$/, ''),
    hostname,
    port,
    hostHeader: url.host,
    basePath: url.pathname.replace(/\/+$/, ''),
    connectHost,
    connectPort,
    extraCaPem,
    timeoutMs,
  };
}

/** The configuration, read from process.env on first use and then cached. */
export function getConfig(): ApiClientConfig {
  config ??= loadConfig(process.env);
  return config;
}

// ---------------------------------------------------------------------------------------------
// The module-level keep-alive agent
// ---------------------------------------------------------------------------------------------

type CountingAgent = https.Agent & { readonly createdFor: ApiClientConfig };

let agent: CountingAgent | undefined;
let connectionsOpened = 0;
let staleSocketsEvicted = 0;
let staleSocketRetries = 0;
/** When each pooled socket became idle (wall clock, so it is correct across Lambda freezes). */
let idleSince = new WeakMap<object, number>();

function createAgent(cfg: ApiClientConfig): CountingAgent {
  const options: https.AgentOptions = {
    keepAlive: true,
    maxSockets: MAX_SOCKETS,
    maxFreeSockets: MAX_SOCKETS,
    // Most recently used socket first: the others age out instead of all staying warm.
    scheduling: 'lifo',
    // While the process is not frozen, idle sockets are also closed by a timer after the window.
    timeout: IDLE_REUSE_WINDOW_MS,
    minVersion: 'TLSv1.2',
    // Certificate verification always uses the base URL's host name, even when API_CONNECT_HOST
    // points the TCP connection somewhere else. It is an agent option, not a request option: on
    // Node.js 24 a per-request function in the options makes every request open a new socket.
    checkServerIdentity: (_connectHost: string, cert: tls.PeerCertificate) =>
      tls.checkServerIdentity(cfg.hostname, cert),
  };
  if (cfg.extraCaPem !== undefined) {
    // A prebuilt secure context: `ca` itself would be concatenated into the pool key on every request.
    options.secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, cfg.extraCaPem] });
  }
  class Counting extends https.Agent {
    readonly createdFor = cfg;
    override createConnection(
      opts: https.RequestOptions,
      callback?: (err: Error | null, stream: Duplex) => void,
    ): Duplex | null | undefined {
      connectionsOpened += 1;
      return super.createConnection(opts, callback);
    }
  }
  const created = new Counting(options);
  created.on('free', (socket: object) => idleSince.set(socket, Date.now()));
  return created;
}

function getAgent(cfg: ApiClientConfig): CountingAgent {
  if (agent === undefined || agent.createdFor !== cfg) {
    agent?.destroy();
    agent = createAgent(cfg);
  }
  return agent;
}

/**
 * Destroys every idle pooled socket. Used before the one retry: when one pooled socket turned out
 * dead, its siblings usually share the cause (a task that drained, an NLB flow that timed out), and
 * the agent would otherwise hand the retry another of them (#14).
 */
function destroyFreeSockets(target: https.Agent): void {
  for (const sockets of Object.values(target.freeSockets)) {
    for (const socket of sockets ?? []) socket.destroy();
  }
}

/** Destroys pooled sockets that have been idle for longer than IDLE_REUSE_WINDOW_MS. */
function evictStaleSockets(target: https.Agent, now: number): void {
  for (const sockets of Object.values(target.freeSockets)) {
    for (const socket of sockets ?? []) {
      const since = idleSince.get(socket);
      if (!socket.destroyed && since !== undefined && now - since >= IDLE_REUSE_WINDOW_MS) {
        staleSocketsEvicted += 1;
        // Destroyed sockets are skipped by the agent when it picks a free socket.
        socket.destroy();
      }
    }
  }
}

/** Counters for tests and diagnostics. */
export function getAgentStats(): AgentStats {
  const count = (lists: NodeJS.ReadOnlyDict<unknown[]> | undefined): number =>
    Object.values(lists ?? {}).reduce((n, l) => n + (l?.length ?? 0), 0);
  return {
    connectionsOpened,
    activeSockets: count(agent?.sockets),
    freeSockets: count(agent?.freeSockets),
    staleSocketsEvicted,
    staleSocketRetries,
  };
}

/** Destroys the agent and all its sockets; the next request creates a fresh one. Counters reset. */
export function destroyAgent(): void {
  agent?.destroy();
  agent = undefined;
  connectionsOpened = 0;
  staleSocketsEvicted = 0;
  staleSocketRetries = 0;
  idleSince = new WeakMap();
}

/** For tests: destroys the agent and forgets the configuration so that env is read again. */
export function resetApiClient(): void {
  destroyAgent();
  config = undefined;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

const PUBLIC_UNAVAILABLE = 'The item service is temporarily unavailable. Please retry.';
const PUBLIC_TIMEOUT = 'The item service did not answer in time. Please retry.';
const PUBLIC_BAD_RESPONSE = 'The item service returned an unexpected response.';
const certificateMessage = (problem: string): string =>
  `The item service's TLS certificate ${problem}; this is a configuration problem of the service, not a transient outage.`;

interface AttemptResult {
  readonly response?: ApiResponse;
  readonly error?: Error;
  /** A reused keep-alive socket failed before any response byte: safe to retry a GET once. */
  readonly retryOnFreshSocket?: boolean;
}

function attempt(
  cfg: ApiClientConfig,
  target: https.Agent,
  path: string,
  requestId: string | undefined,
  timeoutMs: number,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let phase: RequestPhase = isIP(cfg.connectHost) ? 'connect' : 'dns';
    let gotResponse = false;
    let settled = false;
    const started = Date.now();

    const headers: Record<string, string> = {
      host: cfg.hostHeader,
      accept: 'application/json',
      'user-agent': 'graphql-resolver',
    };
    if (requestId) headers['x-request-id'] = requestId;

    const baseDetails = (): ErrorDetails => ({
      host: cfg.hostname,
      connectHost: cfg.connectHost,
      connectPort: cfg.connectPort,
      path,
      phase,
      reusedSocket: req.reusedSocket,
      elapsedMs: Date.now() - started,
    });

    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };

    let req: ReturnType<typeof https.request>;
    try {
      req = https.request({
        agent: target,
        method: 'GET',
        host: cfg.connectHost,
        port: cfg.connectPort,
        path: cfg.basePath + path,
        headers,
        // SNI uses the base URL's host name too (see the agent's checkServerIdentity).
        servername: isIP(cfg.hostname) ? '' : cfg.hostname,
        rejectUnauthorized: true,
      });
    } catch (err) {
      // node:http validates the path and headers synchronously (e.g. ERR_UNESCAPED_CHARACTERS):
      // report it as a typed error like every other failure instead of a bare TypeError (#14).
      const reason = describeError(err);
      resolve({ error: new InternalError('Internal error while calling the item service.', { path, reason }, err) });
      return;
    }

    // Registered synchronously right after the request is created; every use of `timer` in
    // `finish` happens later (from events), so it is always initialised by then.
    const timer = setTimeout(() => {
      finish({
        error: new UpstreamTimeout(PUBLIC_TIMEOUT, { ...baseDetails(), code: 'ETIMEDOUT', timeoutMs }),
      });
      req.destroy();
    }, timeoutMs);

    req.once('socket', (socket) => {
      if (!socket.connecting) {
        phase = 'response'; // reused keep-alive socket
        return;
      }
      socket.once('lookup', () => {
        if (phase === 'dns') phase = 'connect';
      });
      socket.once('connect', () => {
        phase = 'tls';
      });
      socket.once('secureConnect', () => {
        phase = 'response';
      });
    });

    req.on('error', (err: NodeJS.ErrnoException) => {
      const details = { ...baseDetails(), code: err.code ?? 'UNKNOWN' };
      const problem = certificateProblem(err.code);
      if (problem !== undefined) {
        finish({ error: new UpstreamCertificateRejected(certificateMessage(problem), details, err) });
        return;
      }
      finish({
        error: new UpstreamUnavailable(PUBLIC_UNAVAILABLE, details, err),
        retryOnFreshSocket: req.reusedSocket && !gotResponse && phase === 'response',
      });
    });

    req.on('response', (res) => {
      gotResponse = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          finish({
            error: new UpstreamBadResponse(PUBLIC_BAD_RESPONSE, {
              ...baseDetails(),
              statusCode: res.statusCode,
              reason: `response larger than ${MAX_RESPONSE_BYTES} bytes`,
            }),
          });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        finish({
          error: new UpstreamUnavailable(
            PUBLIC_UNAVAILABLE,
            { ...baseDetails(), code: err.code ?? 'UNKNOWN', statusCode: res.statusCode, reason: 'response aborted' },
            err,
          ),
        });
      });
      res.on('end', () => {
        finish({
          response: {
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          },
        });
      });
    });

    req.end();
  });
}

/**
 * Performs `GET {base}{path}` and returns the raw response for ANY HTTP status.
 * Throws UpstreamTimeout when the deadline passes and UpstreamUnavailable for transport
 * failures (DNS, refused, reset, TLS); `error.details` carries phase/code for logs.
 */
export async function apiRequest(path: string, options: ApiRequestOptions = {}): Promise<ApiResponse> {
  const cfg = getConfig();
  const target = getAgent(cfg);
  const timeoutMs = options.timeoutMs ?? cfg.timeoutMs;
  const deadline = Date.now() + timeoutMs;

  evictStaleSockets(target, Date.now());
  let result = await attempt(cfg, target, path, options.requestId, timeoutMs);
  if (result.retryOnFreshSocket && deadline - Date.now() > 0) {
    // The server closed an idle socket just as we reused it. GET is idempotent: retry once, on a
    // new connection (the other idle sockets are dropped first: they are likely dead too).
    staleSocketRetries += 1;
    destroyFreeSockets(target);
    result = await attempt(cfg, target, path, options.requestId, deadline - Date.now());
  }
  if (result.error) throw result.error;
  return result.response as ApiResponse;
}

interface ApiErrorBody {
  readonly code?: string;
  readonly message?: string;
  readonly requestId?: string;
}

function parseApiError(body: string): ApiErrorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const error = (parsed as { error?: unknown } | null)?.error;
    if (error && typeof error === 'object') {
      const e = error as Record<string, unknown>;
      return {
        code: typeof e.code === 'string' ? e.code : undefined,
        message: typeof e.message === 'string' ? e.message : undefined,
        requestId: typeof e.requestId === 'string' ? e.requestId : undefined,
      };
    }
  } catch {
    // not JSON: handled by the caller
  }
  return undefined;
}

/** The API's own message, made safe to show to a GraphQL caller (single line, bounded). */
function safeApiMessage(message: string | undefined, fallback: string): string {
  if (!message) return fallback;
  // eslint-disable-next-line no-control-regex
  const cleaned = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (!cleaned) return fallback;
  return cleaned.length > 200 ? `${cleaned.slice(0, 197)}...` : cleaned;
}

/**
 * `GET {base}{path}` expecting a 2xx JSON body. Maps the API contract onto resolver errors:
 * 400 -> BadRequest, 404 -> NotFound (both with the API's own error.message),
 * 5xx/429 -> UpstreamUnavailable, anything else or unparsable JSON -> UpstreamBadResponse.
 */
export async function getJson(path: string, options: ApiRequestOptions = {}): Promise<unknown> {
  const res = await apiRequest(path, options);
  const details: ErrorDetails = { path, statusCode: res.statusCode, requestId: options.requestId };

  if (res.statusCode >= 200 && res.statusCode < 300) {
    try {
      return JSON.parse(res.body) as unknown;
    } catch {
      throw new UpstreamBadResponse(PUBLIC_BAD_RESPONSE, {
        ...details,
        reason: 'invalid JSON',
        bodyPrefix: res.body.slice(0, 200),
      });
    }
  }

  const apiError = parseApiError(res.body);
  const errorDetails: ErrorDetails = { ...details, apiErrorCode: apiError?.code, apiRequestId: apiError?.requestId };
  if (res.statusCode === 400) {
    throw new BadRequest(safeApiMessage(apiError?.message, 'The request was rejected as invalid.'), errorDetails);
  }
  if (res.statusCode === 404) {
    throw new NotFound(safeApiMessage(apiError?.message, 'Not found.'), errorDetails);
  }
  if (res.statusCode >= 500 || res.statusCode === 429) {
    throw new UpstreamUnavailable(PUBLIC_UNAVAILABLE, { ...errorDetails, apiMessage: apiError?.message });
  }
  throw new UpstreamBadResponse(PUBLIC_BAD_RESPONSE, {
    ...errorDetails,
    apiMessage: apiError?.message,
    reason: 'unexpected status',
  });
}
