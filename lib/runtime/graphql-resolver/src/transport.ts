/**
 * One `GET` over the keep-alive agent, with a hard deadline and at most one retry, returning the
 * raw response for any HTTP status. Transport failures become typed resolver errors whose
 * `details` say where the request failed (DNS, connect, TLS, response) for the logs.
 *
 * - The certificate chain AND the host name (the base URL's host) are always verified.
 * - The deadline (REQUEST_TIMEOUT_MS, 5 s by default) keeps us well inside AppSync's 30 s
 *   resolver limit, and covers the retry too.
 */
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { evictStaleSockets, getAgent, prepareRetryOnFreshSocket } from './agent-pool';
import { CALLER_TOKEN_HEADER } from '../../api-service/src/contract';
import { getCallerToken } from './caller-token';
import { ApiClientConfig, getConfig } from './client-config';
import { latticeSigningHeaders } from './lattice-signing';
import {
  ErrorDetails,
  InternalError,
  UPSTREAM_BAD_RESPONSE_MESSAGE,
  UPSTREAM_TIMEOUT_MESSAGE,
  UPSTREAM_UNAVAILABLE_MESSAGE,
  UpstreamBadResponse,
  UpstreamCertificateRejected,
  UpstreamTimeout,
  UpstreamUnavailable,
  certificateProblem,
  certificateRejectedMessage,
  describeError,
} from './errors';

/** Responses larger than this are rejected as UpstreamBadResponse. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

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
  identityHeaders: Readonly<Record<string, string>> | undefined,
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
    if (identityHeaders !== undefined) Object.assign(headers, identityHeaders);

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
      // report it as a typed error like every other failure, so the caller gets InternalError
      // and the log its reason, instead of a bare TypeError escaping the resolver.
      const reason = describeError(err);
      resolve({ error: new InternalError('Internal error while calling the item service.', { path, reason }, err) });
      return;
    }

    // Registered synchronously right after the request is created; every use of `timer` in
    // `finish` happens later (from events), so it is always initialised by then.
    const timer = setTimeout(() => {
      finish({
        error: new UpstreamTimeout(UPSTREAM_TIMEOUT_MESSAGE, { ...baseDetails(), code: 'ETIMEDOUT', timeoutMs }),
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
        finish({ error: new UpstreamCertificateRejected(certificateRejectedMessage(problem), details, err) });
        return;
      }
      finish({
        error: new UpstreamUnavailable(UPSTREAM_UNAVAILABLE_MESSAGE, details, err),
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
            error: new UpstreamBadResponse(UPSTREAM_BAD_RESPONSE_MESSAGE, {
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
            UPSTREAM_UNAVAILABLE_MESSAGE,
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

  // Signed locally (no AWS call); missing credentials are a deployment mistake and throw their
  // config error. A Lattice signature covers the date and the path, so it is made per request (the
  // one retry below reuses it: it is seconds old).
  const identityHeaders =
    cfg.signing === 'lattice'
      ? latticeSigningHeaders('GET', cfg.hostHeader, cfg.basePath + path)
      : cfg.audience === undefined
        ? undefined
        : { [CALLER_TOKEN_HEADER]: getCallerToken(cfg.audience) };

  evictStaleSockets(target, Date.now());
  let result = await attempt(cfg, target, path, options.requestId, timeoutMs, identityHeaders);
  if (result.retryOnFreshSocket && deadline - Date.now() > 0) {
    // The server closed an idle socket just as we reused it. GET is idempotent: retry once, on a
    // new connection (the other idle sockets are dropped first: they are likely dead too).
    prepareRetryOnFreshSocket(target);
    result = await attempt(cfg, target, path, options.requestId, deadline - Date.now(), identityHeaders);
  }
  if (result.error) throw result.error;
  return result.response as ApiResponse;
}
