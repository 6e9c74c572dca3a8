/**
 * Test helpers: real servers on 127.0.0.1:0, real sockets. Node built-ins only.
 */
import * as http from 'node:http';
import type { Server } from 'node:net';
import * as net from 'node:net';
import { ApiServer, ApiServerOptions, createApiServer } from '../src/app';
import { createLogger } from '../src/logger';

export interface Started {
  readonly api: ApiServer;
  readonly port: number;
  /** Every log line written by the server, parsed. */
  readonly logs: Array<Record<string, unknown>>;
}

/** Starts a server on an ephemeral loopback port; register `api.close()` in afterEach/afterAll. */
export async function startServer(options: ApiServerOptions = {}): Promise<Started> {
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger((line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const api = createApiServer({ logger, ...options });
  const address = await api.listen(0, '127.0.0.1');
  return { api, port: address.port, logs };
}

export interface Response {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: string | Buffer;
  readonly agent?: http.Agent | false;
}

/** One HTTP request over a fresh loopback connection (unless an agent is given). */
export function request(port: number, path: string, options: RequestOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A raw TCP client that can send partial requests and parse Content-Length framed responses. */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined); // resets are asserted through `closed`
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /** Resolves with the next complete response; rejects if the connection closes first. */
  async readResponse(timeoutMs = 5_000): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.tryParse();
      if (parsed) return parsed;
      if (this.closed) throw new Error('connection closed before a complete response');
      if (Date.now() > deadline) throw new Error('timed out waiting for a response');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private tryParse(): Response | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end === -1) return undefined;
    const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number((lines[0] ?? '').split(' ')[1]);
    const headers: http.IncomingHttpHeaders = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return undefined;
    const text = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status, headers, text, json: text === '' ? undefined : JSON.parse(text) };
  }
}

/** Resolves with the error code of a connection attempt ('connected' if it succeeded). */
export function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

export async function waitFor(condition: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the server has at least `count` open connections. */
export async function waitForConnections(server: Server, count: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<number>((resolve, reject) =>
      server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
    );
    if (open >= count) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} connections (have ${open})`);
    await sleep(10);
  }
}

/** Waits until `lines` (appended to concurrently) contains a line matching `predicate`. */
export async function waitForLine(
  lines: ReadonlyArray<Record<string, unknown>>,
  predicate: (line: Record<string, unknown>) => boolean,
  timeoutMs = 5_000,
): Promise<Record<string, unknown>> {
  let found: Record<string, unknown> | undefined;
  await waitFor(() => (found = lines.find(predicate)) !== undefined, timeoutMs, 'log line');
  return found as Record<string, unknown>;
}

export interface LoadResult {
  /** Responses received, by status. */
  readonly statuses: Record<number, number>;
  /** Requests that failed on a connection opened before `signal` ran (a reset or hang-up): must be 0. */
  readonly failedOnPreSignalConnections: number;
  /** Error codes of failures on connections opened after the signal (refused once the listener is closed). */
  readonly postSignalErrors: Record<string, number>;
  /** Connections opened before the signal. */
  readonly preSignalConnections: number;
}

/**
 * Keeps `connections` keep-alive clients busy (node:http Agent, which honours `Connection: close`)
 * for `durationMs`, calls `signal` after `signalAfterMs`, and sorts every failure by whether its
 * connection was opened before the signal. Bounded in time, loopback only.
 */
export async function loadWithSignal(
  port: number,
  options: { connections: number; durationMs: number; signalAfterMs: number; path: string; signal: () => void },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const preSignal = new WeakSet<object>();
  let signalled = false;
  let preSignalConnections = 0;
  let failedOnPreSignalConnections = 0;
  const statuses: Record<number, number> = {};
  const postSignalErrors: Record<string, number> = {};
  const stopAt = Date.now() + options.durationMs;

  const one = (): Promise<boolean> =>
    new Promise((resolve) => {
      let socketRef: object | undefined;
      const req = http.request({ host: '127.0.0.1', port, path: options.path, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          resolve(true);
        });
      });
      req.on('socket', (socket) => {
        socketRef = socket;
        if (!signalled && !preSignal.has(socket) && socket.connecting) {
          preSignal.add(socket);
          preSignalConnections += 1;
        }
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (socketRef !== undefined && preSignal.has(socketRef)) failedOnPreSignalConnections += 1;
        else postSignalErrors[err.code ?? err.message] = (postSignalErrors[err.code ?? err.message] ?? 0) + 1;
        resolve(false);
      });
      req.end();
    });

  const worker = async (): Promise<void> => {
    while (Date.now() < stopAt) {
      if (!(await one()) && signalled) return; // refused after the signal: this client is done
    }
  };
  const timer = setTimeout(() => {
    signalled = true;
    options.signal();
  }, options.signalAfterMs);
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    clearTimeout(timer);
    agent.destroy();
  }
  return { statuses, failedOnPreSignalConnections, postSignalErrors, preSignalConnections };
}
