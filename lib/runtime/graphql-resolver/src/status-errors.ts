/**
 * The item API's answer mapped onto the resolver's result: the parsed JSON of a 2xx, else the
 * resolver error its status means (400 and 404 the caller's fault; 401 and 403 this resolver's
 * identity refused, by the API or by VPC Lattice in front of it; 5xx and 429 transient; anything
 * else a response we do not understand). The API's own words never reach the GraphQL caller: an
 * upstream message may carry a path, a host name or a port of the private side. The caller gets
 * the typed error with the resolver's message; the API's message and code go to the log.
 */
import {
  BadRequest,
  CALLER_NOT_AUTHORIZED_MESSAGE,
  CallerNotAuthorized,
  ErrorDetails,
  NotFound,
  UPSTREAM_BAD_RESPONSE_MESSAGE,
  UPSTREAM_UNAVAILABLE_MESSAGE,
  UpstreamBadResponse,
  UpstreamUnavailable,
} from './errors';
import type { ApiResponse } from './transport';

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

/** What the GraphQL caller reads for a 400 and a 404: the resolver's words, never the API's. */
export const BAD_REQUEST_MESSAGE = 'The request was rejected as invalid.';
export const NOT_FOUND_MESSAGE = 'Not found.';

/**
 * The JSON body of a 2xx response; otherwise throws: 400 -> BadRequest, 404 -> NotFound, 401/403
 * -> CallerNotAuthorized, 5xx/429 -> UpstreamUnavailable, anything else or unparsable JSON -> UpstreamBadResponse; the API's
 * message is in the error's details (logged, never returned).
 */
export function jsonOrStatusError(res: ApiResponse, path: string, requestId: string | undefined): unknown {
  const details: ErrorDetails = { path, statusCode: res.statusCode, requestId };

  if (res.statusCode >= 200 && res.statusCode < 300) {
    try {
      return JSON.parse(res.body) as unknown;
    } catch {
      throw new UpstreamBadResponse(UPSTREAM_BAD_RESPONSE_MESSAGE, {
        ...details,
        reason: 'invalid JSON',
        bodyPrefix: res.body.slice(0, 200),
      });
    }
  }

  const apiError = parseApiError(res.body);
  const errorDetails: ErrorDetails = { ...details, apiErrorCode: apiError?.code, apiRequestId: apiError?.requestId, apiMessage: apiError?.message?.slice(0, 500) };
  if (res.statusCode === 400) {
    throw new BadRequest(BAD_REQUEST_MESSAGE, errorDetails);
  }
  if (res.statusCode === 404) {
    throw new NotFound(NOT_FOUND_MESSAGE, errorDetails);
  }
  if (res.statusCode === 401 || res.statusCode === 403) {
    // The API answers JSON (UNAUTHENTICATED / FORBIDDEN); Lattice's own refusal is not, so its
    // first bytes are kept for the log to tell the two apart.
    throw new CallerNotAuthorized(CALLER_NOT_AUTHORIZED_MESSAGE, apiError ? errorDetails : { ...errorDetails, bodyPrefix: res.body.slice(0, 200) });
  }
  if (res.statusCode >= 500 || res.statusCode === 429) {
    throw new UpstreamUnavailable(UPSTREAM_UNAVAILABLE_MESSAGE, errorDetails);
  }
  throw new UpstreamBadResponse(UPSTREAM_BAD_RESPONSE_MESSAGE, { ...errorDetails, reason: 'unexpected status' });
}
