/**
 * How the service answers: the request context, the JSON response with its fixed headers, and the
 * error type every failure is reported as (`{"error":{"code","message","requestId"}}`).
 */
import type * as http from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'URI_TOO_LONG'
  | 'HEADERS_TOO_LARGE'
  | 'EXPECTATION_FAILED'
  | 'REQUEST_TIMEOUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'IDENTITY_UNAVAILABLE'
  | 'INTERNAL';

/** One request as the routes see it: the path and the query string already split. */
export interface Context {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly requestId: string;
  readonly path: string;
  readonly query: string;
}

/** Thrown by a route (or a limit) to answer with this status and error code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, 'BAD_REQUEST', message);

export const errorBody = (code: ErrorCode, message: string, requestId: string): unknown => ({
  error: { code, message, requestId },
});

/**
 * Writes a JSON response. `json` is the body already serialized (a cached item); otherwise `body`
 * is stringified here.
 */
export type Send = (
  ctx: Context,
  status: number,
  body: unknown,
  headers?: Readonly<Record<string, string>>,
  json?: string,
) => void;

/** The response writer; `isDraining` decides whether each response also closes its connection. */
export function createSend(isDraining: () => boolean): Send {
  // One writeHead with every header (Node's fast path when nothing was set before) and one end.
  return (ctx, status, body, headers = {}, json) => {
    const payload = json ?? JSON.stringify(body);
    const head: Record<string, string | number> = {
      'content-type': JSON_CONTENT_TYPE,
      'content-length': Buffer.byteLength(payload),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-request-id': ctx.requestId,
      ...headers,
    };
    // Once draining, every response tells the client to open a new connection (which the NLB
    // sends to another task), and Node closes this one after the response.
    if (isDraining()) head.connection = 'close';
    ctx.res.writeHead(status, head);
    ctx.res.end(payload); // for HEAD, Node sends the headers only
  };
}

/** Answers with `err`'s status and the JSON error body. */
export function sendError(send: Send, ctx: Context, err: HttpError): void {
  send(ctx, err.status, errorBody(err.code, err.message, ctx.requestId), err.headers);
}

export function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}...`;
}
