/**
 * The item API's answer mapped onto the resolver's result: the parsed JSON of a 2xx, else the
 * resolver error its status means (the API contract: 400 and 404 carry `error.message` meant for
 * the caller; 5xx and 429 are transient; anything else is a response we do not understand).
 */
import {
  BadRequest,
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

/** The API's own message, made safe to show to a GraphQL caller (single line, bounded). */
function safeApiMessage(message: string | undefined, fallback: string): string {
  if (!message) return fallback;
  // eslint-disable-next-line no-control-regex
  const cleaned = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (!cleaned) return fallback;
  return cleaned.length > 200 ? `${cleaned.slice(0, 197)}...` : cleaned;
}

/**
 * The JSON body of a 2xx response; otherwise throws: 400 -> BadRequest, 404 -> NotFound (both with
 * the API's own error.message), 5xx/429 -> UpstreamUnavailable, anything else or unparsable JSON
 * -> UpstreamBadResponse.
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
  const errorDetails: ErrorDetails = { ...details, apiErrorCode: apiError?.code, apiRequestId: apiError?.requestId };
  if (res.statusCode === 400) {
    throw new BadRequest(safeApiMessage(apiError?.message, 'The request was rejected as invalid.'), errorDetails);
  }
  if (res.statusCode === 404) {
    throw new NotFound(safeApiMessage(apiError?.message, 'Not found.'), errorDetails);
  }
  if (res.statusCode >= 500 || res.statusCode === 429) {
    throw new UpstreamUnavailable(UPSTREAM_UNAVAILABLE_MESSAGE, { ...errorDetails, apiMessage: apiError?.message });
  }
  throw new UpstreamBadResponse(UPSTREAM_BAD_RESPONSE_MESSAGE, {
    ...errorDetails,
    apiMessage: apiError?.message,
    reason: 'unexpected status',
  });
}
