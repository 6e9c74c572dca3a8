/**
 * The HTTP server: a tiny router over bare `node:http` (no framework, no runtime dependencies).
 *
 * Routes (GET; HEAD is answered like GET without a body; anything else on a known path is 405):
 *   GET /healthz            200 {"status":"ok"} | 503 {"status":"draining"} once draining
 *   GET /v1/items/{id}      200 item | 400 BAD_REQUEST | 404 NOT_FOUND
 *   GET /v1/items           200 {"items":[...],"nextCursor":string|null} | 400 BAD_REQUEST
 *   GET /__test/slow?ms=N   only when `enableTestSlowRoute` (env API_TEST_SLOW_ROUTE=1); tests only
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { URLSearchParams } from 'node:url';
import { Catalogue, createDefaultCatalogue } from './catalogue';
import { Logger, createLogger, resolveRequestId } from './logger';
import {
  CONNECTIONS_CHECKING_INTERVAL_MS,
  DRAIN_IDLE_GRACE_MS,
  HEADERS_TIMEOUT_MS,
  HEALTH_CHECK_PATH,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_BODY_BYTES,
  MAX_URL_BYTES,
  REQUEST_TIMEOUT_MS,
} from './settings';

export interface ApiServerOptions {
  readonly catalogue?: Catalogue;
  readonly logger?: Logger;
  /** Enables `GET /__test/slow?ms=N` (responds after N ms). Never enable in production. */
  readonly enableTestSlowRoute?: boolean;
  /** Overrides, for tests. Production uses the constants from ./settings. */
  readonly maxBodyBytes?: number;
  readonly keepAliveTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly connectionsCheckingIntervalMs?: number;
  readonly drainIdleGraceMs?: number;
}

/** 'drained': every connection finished on its own; 'forced': the deadline destroyed some. */
export type DrainResult = 'drained' | 'forced';

export interface ApiServer {
  readonly server: http.Server;
  /** True from the moment drain() or close() is called. */
  readonly draining: boolean;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Graceful drain: healthz -> 503, stop accepting connections, keep answering requests on open
   * connections with `Connection: close`, close the keep-alive connections still idle after a
   * grace (DRAIN_IDLE_GRACE_MS), let in-flight requests finish. After `deadlineMs` the remaining
   * connections are destroyed. Idempotent.
   */
  drain(deadlineMs: number): Promise<DrainResult>;
  /** Immediate close: stop accepting and destroy every connection (tests, fatal errors). */
  close(): Promise<void>;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const ALLOWED_METHODS = 'GET, HEAD';
export const ITEM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
export const TEST_SLOW_ROUTE_PATH = '/__test/slow';
const TEST_SLOW_ROUTE_MAX_MS = 60_000;
const ITEMS_PATH = '/v1/items';
const ITEM_PATH_PREFIX = '/v1/items/';
const LIMIT_PATTERN = /^(?:[1-9][0-9]?|100)$/;
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;
const CURSOR_PREFIX = 'v1:';
const MAX_LOGGED_PATH_LENGTH = 256;
/** Paths echoed in error messages are cut here: a 15 KB path must not come back as 15 KB (#14). */
const MAX_ECHOED_PATH_LENGTH = 64;
const LINGER_MS = 2_000;

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'URI_TOO_LONG'
  | 'HEADERS_TOO_LARGE'
  | 'EXPECTATION_FAILED'
  | 'REQUEST_TIMEOUT'
  | 'INTERNAL';

/** Opaque pagination cursor: base64url("v1:<id of the last item returned>"). */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${lastId}`, 'utf8').toString('base64url');
}

/** Returns the id encoded in the cursor, or undefined when the cursor is malformed. */
export function decodeCursor(cursor: string): string | undefined {
  if (!CURSOR_PATTERN.test(cursor)) return undefined;
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(CURSOR_PREFIX)) return undefined;
  const id = decoded.slice(CURSOR_PREFIX.length);
  // Round-trip check rejects non-canonical encodings and trailing garbage bits.
  if (!ITEM_ID_PATTERN.test(id) || encodeCursor(id) !== cursor) return undefined;
  return id;
}

interface Context {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly requestId: string;
  readonly path: string;
  readonly query: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const badRequest = (message: string): HttpError => new HttpError(400, 'BAD_REQUEST', message);

export function createApiServer(options: ApiServerOptions = {}): ApiServer {
  const catalogue = options.catalogue ?? createDefaultCatalogue();
  const logger = options.logger ?? createLogger();
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const enableTestSlowRoute = options.enableTestSlowRoute === true;
  let draining = false;

  const server = http.createServer({
    headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
    requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: options.connectionsCheckingIntervalMs ?? CONNECTIONS_CHECKING_INTERVAL_MS,
    // Routing never looks at Host, and a load-balancer health check must not fail because a
    // prober omitted it (Node would answer a bare 400 before our handler runs).
    requireHostHeader: false,
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
  server.maxRequestsPerSocket = 0; // unlimited: connection reuse is the point of keep-alive
  server.timeout = 0; // no socket inactivity timeout; the timeouts above cover every phase

  // ---- responses -------------------------------------------------------------------------

  /**
   * One writeHead with every header (Node's fast path when nothing was set before) and one end.
   * `json` is the body already serialized (a cached item); otherwise `body` is stringified here.
   */
  const send = (ctx: Context, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}, json?: string): void => {
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
    if (draining) head.connection = 'close';
    ctx.res.writeHead(status, head);
    ctx.res.end(payload); // for HEAD, Node sends the headers only
  };

  /** Items are immutable (frozen): each is serialized once, on its first request. */
  const itemJson = new WeakMap<object, string>();
  const serializedItem = (item: object): string | undefined => {
    if (!Object.isFrozen(item)) return undefined; // a custom catalogue may hand out mutable items
    let json = itemJson.get(item);
    if (json === undefined) itemJson.set(item, (json = JSON.stringify(item)));
    return json;
  };

  const errorBody = (code: ErrorCode, message: string, requestId: string): unknown => ({
    error: { code, message, requestId },
  });

  const sendError = (ctx: Context, err: HttpError): void => {
    send(ctx, err.status, errorBody(err.code, err.message, ctx.requestId), err.headers);
  };

  // ---- routes ----------------------------------------------------------------------------

  const requireGet = (ctx: Context): void => {
    const method = ctx.req.method;
    if (method !== 'GET' && method !== 'HEAD') {
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `method ${method ?? ''} is not allowed on ${truncate(ctx.path, MAX_ECHOED_PATH_LENGTH)}`, {
        allow: ALLOWED_METHODS,
      });
    }
  };

  /** Parses the query string: only `allowed` names, each at most once. */
  const parseQuery = (ctx: Context, allowed: readonly string[]): Map<string, string> => {
    const params = new URLSearchParams(ctx.query);
    const values = new Map<string, string>();
    for (const [name, value] of params) {
      if (!allowed.includes(name)) throw badRequest(`unknown query parameter "${truncate(name, 64)}"`);
      if (values.has(name)) throw badRequest(`query parameter "${name}" must not be repeated`);
      values.set(name, value);
    }
    return values;
  };

  const healthz = (ctx: Context): void => {
    if (draining) send(ctx, 503, { status: 'draining' });
    else send(ctx, 200, { status: 'ok' });
  };

  const getItem = (ctx: Context, rawId: string): void => {
    parseQuery(ctx, []);
    let id: string;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      throw badRequest('item id is not valid percent-encoding');
    }
    if (!ITEM_ID_PATTERN.test(id)) throw badRequest('item id must match ^[A-Za-z0-9_-]{1,64}$');
    const item = catalogue.get(id);
    if (!item) throw new HttpError(404, 'NOT_FOUND', `item ${id} not found`);
    send(ctx, 200, item, undefined, serializedItem(item));
  };

  const listItems = (ctx: Context): void => {
    const query = parseQuery(ctx, ['limit', 'cursor']);
    let limit = DEFAULT_PAGE_LIMIT;
    const rawLimit = query.get('limit');
    if (rawLimit !== undefined) {
      if (!LIMIT_PATTERN.test(rawLimit)) {
        throw badRequest(`query parameter "limit" must be an integer between 1 and ${MAX_PAGE_LIMIT}`);
      }
      limit = Number(rawLimit);
    }
    let afterId: string | undefined;
    const rawCursor = query.get('cursor');
    if (rawCursor !== undefined) {
      afterId = decodeCursor(rawCursor);
      if (afterId === undefined) throw badRequest('query parameter "cursor" is malformed');
    }
    const page = catalogue.page(afterId, limit);
    send(ctx, 200, { items: page.items, nextCursor: page.lastId === undefined ? null : encodeCursor(page.lastId) });
  };

  const testSlow = (ctx: Context): void => {
    const raw = parseQuery(ctx, ['ms']).get('ms') ?? '0';
    const ms = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : NaN;
    if (!(ms <= TEST_SLOW_ROUTE_MAX_MS)) throw badRequest(`query parameter "ms" must be 0..${TEST_SLOW_ROUTE_MAX_MS}`);
    const timer = setTimeout(() => send(ctx, 200, { sleptMs: ms }), ms);
    ctx.res.once('close', () => clearTimeout(timer));
  };

  const route = (ctx: Context): void => {
    const { path } = ctx;
    if (path === HEALTH_CHECK_PATH) {
      requireGet(ctx);
      healthz(ctx); // ignores the query string: a health check must not fail on incidentals
      return;
    }
    if (path === ITEMS_PATH) {
      requireGet(ctx);
      listItems(ctx);
      return;
    }
    if (path.startsWith(ITEM_PATH_PREFIX)) {
      const rawId = path.slice(ITEM_PATH_PREFIX.length);
      if (rawId !== '' && !rawId.includes('/')) {
        requireGet(ctx);
        getItem(ctx, rawId);
        return;
      }
    }
    if (enableTestSlowRoute && path === TEST_SLOW_ROUTE_PATH) {
      requireGet(ctx);
      testSlow(ctx);
      return;
    }
    throw new HttpError(404, 'NOT_FOUND', 'no such route');
  };

  const dispatch = (ctx: Context): void => {
    try {
      route(ctx);
    } catch (err) {
      if (err instanceof HttpError) {
        sendError(ctx, err);
        return;
      }
      // Details go to the log only; the client gets a generic message and the request id.
      logger.error('unhandled error', {
        requestId: ctx.requestId,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
      if (!ctx.res.headersSent) sendError(ctx, new HttpError(500, 'INTERNAL', 'internal error'));
      else ctx.res.destroy();
    }
  };

  // ---- request body limit ----------------------------------------------------------------

  const payloadTooLarge = (ctx: Context): void => {
    // Close the connection after the 413 rather than reading the rest of a body that may be
    // arbitrarily large (Node ends the socket once a `Connection: close` response is flushed).
    ctx.res.setHeader('connection', 'close');
    lingerOnClose(ctx.req.socket);
    sendError(ctx, new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${maxBodyBytes} bytes`));
  };

  /**
   * No route accepts a body, but clients may send one. Reject by declared Content-Length before
   * reading anything, and count streamed (chunked) bytes without buffering them.
   */
  const withBodyLimit = (ctx: Context, next: () => void): void => {
    const { req } = ctx;
    const declared = req.headers['content-length'];
    if (declared !== undefined) {
      // llhttp has already rejected malformed or conflicting Content-Length values.
      const length = Number(declared);
      if (length > maxBodyBytes) {
        payloadTooLarge(ctx);
        return;
      }
      if (length === 0) {
        next();
        return;
      }
    } else if (req.headers['transfer-encoding'] === undefined) {
      next(); // no body
      return;
    }
    let received = 0;
    let settled = false;
    const onData = (chunk: Buffer): void => {
      received += chunk.length; // counted, never retained
      if (received > maxBodyBytes && !settled) {
        settled = true;
        payloadTooLarge(ctx);
      }
    };
    const onEnd = (): void => {
      if (settled) return;
      settled = true;
      next();
    };
    req.on('data', onData);
    req.once('end', onEnd);
  };

  // ---- wiring ----------------------------------------------------------------------------

  /** Every request, including those Node answers for us (`rejected`), gets the same id, headers and log line. */
  const handle = (req: http.IncomingMessage, res: http.ServerResponse, rejected?: HttpError): void => {
    const started = process.hrtime.bigint();
    const requestId = resolveRequestId(req.headers['x-request-id']);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const ctx: Context = {
      req,
      res,
      requestId,
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
    };
    res.once('close', () => {
      logger.request({
        requestId,
        method: req.method ?? '-',
        path: truncate(ctx.path, MAX_LOGGED_PATH_LENGTH), // query omitted: it may carry cursors
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3,
        aborted: res.writableFinished ? undefined : true,
      });
    });
    if (rejected) {
      res.setHeader('connection', 'close'); // the request may carry a body we will not read
      lingerOnClose(req.socket);
      sendError(ctx, rejected);
      return;
    }
    if (url.length > MAX_URL_BYTES) {
      sendError(ctx, new HttpError(414, 'URI_TOO_LONG', `request target exceeds ${MAX_URL_BYTES} bytes`));
      return;
    }
    withBodyLimit(ctx, () => dispatch(ctx));
  };

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => handle(req, res));
  // An Expect other than 100-continue: Node would answer a bare 417 without our JSON body.
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) =>
    handle(req, res, new HttpError(417, 'EXPECTATION_FAILED', 'only "Expect: 100-continue" is supported')),
  );

  // Malformed requests and header/request timeouts never reach the 'request' handler; answer
  // them with the same JSON error shape (Node's default is a bare status line).
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const inProgress = (socket as unknown as { _httpMessage?: http.ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, code, message] = classifyClientError(err);
    const requestId = resolveRequestId(undefined);
    const body = JSON.stringify(errorBody(code, message, requestId));
    logger.warn('client error', { requestId, status, errorCode: err.code });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
        `content-type: ${JSON_CONTENT_TYPE}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        'connection: close\r\n\r\n' +
        body,
      () => socket.destroy(),
    );
  });

  // ---- lifecycle -------------------------------------------------------------------------

  let closing: Promise<DrainResult> | undefined;
  let forced = false;

  const drainIdleGraceMs = options.drainIdleGraceMs ?? DRAIN_IDLE_GRACE_MS;

  const startClosing = (): Promise<DrainResult> => {
    draining = true;
    closing ??= new Promise<DrainResult>((resolve) => {
      // Stop accepting, and nothing else: http.Server#close() also closes every keep-alive
      // connection it considers idle, including one whose next request has arrived but is not
      // parsed yet, and that request is reset (#14). net.Server#close only closes the listener; its
      // callback runs once every connection has ended. (It errors only if the server was never
      // listening, which is fine.)
      net.Server.prototype.close.call(server, () => {
        clearTimeout(idleGrace);
        server.close(); // http.Server's own cleanup (its connection-checking timer); nothing is open
        resolve(forced ? 'forced' : 'drained');
      });
      // Busy connections close after their current response (Connection: close). Idle ones get a
      // grace in which a request that arrives is still answered; then Node closes the idle ones.
      const idleGrace = setTimeout(() => server.closeIdleConnections(), drainIdleGraceMs);
    });
    return closing;
  };

  const destroyAll = (): void => {
    forced = true;
    server.closeAllConnections();
  };

  return {
    server,
    get draining() {
      return draining;
    },
    listen(port: number, host?: string): Promise<AddressInfo> {
      return new Promise((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    drain(deadlineMs: number): Promise<DrainResult> {
      const wasClosing = closing !== undefined;
      const result = startClosing();
      if (!wasClosing) {
        logger.info('draining', { deadlineMs });
        const timer = setTimeout(destroyAll, deadlineMs);
        void result.then(() => clearTimeout(timer));
      }
      return result;
    },
    async close(): Promise<void> {
      const result = startClosing();
      destroyAll();
      await result;
    },
  };
}

/**
 * "Lingering close" for a socket whose client may still be sending a body we will not read.
 * Node calls socket.destroySoon() after a `Connection: close` response; destroying a socket with
 * unread input makes the kernel send a RST, which can discard the 413 before the client reads it.
 * Instead: send FIN, keep discarding input for at most LINGER_MS, then destroy.
 */
function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringClose(this: Socket): void {
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}

/**
 * Status, code and message for a request Node's parser rejected. Header overflow (request line +
 * headers over Node's 16 KiB) is 431, or 414 when the request line alone did not fit: the chunk
 * being parsed starts with a method and has no line end before MAX_URL_BYTES.
 */
function classifyClientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }): [number, ErrorCode, string] {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'REQUEST_TIMEOUT', 'request not received in time'];
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    const packet = err.rawPacket;
    const lineEnd = packet?.indexOf('\r\n') ?? -1;
    if (packet && /^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1')) && (lineEnd === -1 || lineEnd > MAX_URL_BYTES)) {
      return [414, 'URI_TOO_LONG', `request target exceeds ${MAX_URL_BYTES} bytes`];
    }
    return [431, 'HEADERS_TOO_LARGE', 'request headers are too large'];
  }
  return [400, 'BAD_REQUEST', 'malformed HTTP request'];
}

function truncate(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}...`;
}
