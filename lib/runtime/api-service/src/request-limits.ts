/**
 * Requests beyond the service's limits get a JSON error, not Node's bare status line and not a
 * reset: a body over MAX_BODY_BYTES (413), a request target over MAX_URL_BYTES (414), headers over
 * Node's 16 KiB (431), an unsupported Expect (417), a request not received in time (408), and
 * anything Node's parser rejects (400).
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from './logger';
import { resolveRequestId } from './request-id';
import { Context, ErrorCode, HttpError, JSON_CONTENT_TYPE, Send, errorBody, sendError } from './respond';
import { MAX_URL_BYTES } from './settings';

/** How long a socket closed after an error keeps discarding the client's input before it is destroyed. */
const LINGER_MS = 2_000;

/**
 * "Lingering close" for a socket whose client may still be sending a body we will not read.
 * Node calls socket.destroySoon() after a `Connection: close` response; destroying a socket with
 * unread input makes the kernel send a RST, which can discard the 413 before the client reads it.
 * Instead: send FIN, keep discarding input for at most LINGER_MS, then destroy.
 */
export function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringClose(this: Socket): void {
    this.end();
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}

/** Answers a request Node rejected before any handler (`rejected`), closing its connection after. */
export function rejectRequest(send: Send, ctx: Context, rejected: HttpError): void {
  ctx.res.setHeader('connection', 'close'); // the request may carry a body we will not read
  lingerOnClose(ctx.req.socket);
  sendError(send, ctx, rejected);
}

/** The 414 for a request target over MAX_URL_BYTES, or undefined when it fits. */
export function checkUrlLength(url: string): HttpError | undefined {
  return url.length > MAX_URL_BYTES
    ? new HttpError(414, 'URI_TOO_LONG', `request target exceeds ${MAX_URL_BYTES} bytes`)
    : undefined;
}

/**
 * No route accepts a body, but clients may send one. Calls `next` once the body (if any) is
 * consumed; rejects by declared Content-Length before reading anything, and counts streamed
 * (chunked) bytes without buffering them.
 */
export function withBodyLimit(send: Send, maxBodyBytes: number, ctx: Context, next: () => void): void {
  const payloadTooLarge = (): void => {
    // Close the connection after the 413 rather than reading the rest of a body that may be
    // arbitrarily large (Node ends the socket once a `Connection: close` response is flushed).
    ctx.res.setHeader('connection', 'close');
    lingerOnClose(ctx.req.socket);
    sendError(send, ctx, new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${maxBodyBytes} bytes`));
  };
  const { req } = ctx;
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    // llhttp has already rejected malformed or conflicting Content-Length values.
    const length = Number(declared);
    if (length > maxBodyBytes) {
      payloadTooLarge();
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
  req.on('data', (chunk: Buffer) => {
    received += chunk.length; // counted, never retained
    if (received > maxBodyBytes && !settled) {
      settled = true;
      payloadTooLarge();
    }
  });
  req.once('end', () => {
    if (settled) return;
    settled = true;
    next();
  });
}

/**
 * The server's 'clientError' listener: malformed requests and header/request timeouts never reach
 * the 'request' handler, so they are answered here with the same JSON error shape.
 */
export function answerClientError(logger: Logger): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err, socket) => {
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
