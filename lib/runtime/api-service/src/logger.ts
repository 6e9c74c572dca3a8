/**
 * Structured JSON logging: one JSON object per line on stdout (picked up by the awslogs /
 * FireLens driver). The sink is injectable so tests can capture lines.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogSink = (line: string) => void;
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** One line per HTTP request, written when the response is finished (or the client went away). */
export interface RequestLogEntry {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** True when the connection closed before the response was fully sent. */
  readonly aborted?: boolean;
  /**
   * The verified caller's consumer name (caller identity on). A CloudWatch metric filter on
   * `{ $.msg = "request" && $.consumer = * }` with the dimension `consumer = $.consumer` counts
   * requests per consumer.
   */
  readonly consumer?: string;
}

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  request(entry: RequestLogEntry): void;
}

export interface BatchedSink {
  readonly sink: LogSink;
  /** Writes what is buffered now (also run on process 'exit'). */
  flush(): void;
}

/**
 * Lines logged in one turn of the event loop leave in one write, on setImmediate, rather than one
 * write per line: under load that is one `write(2)` for many requests (measured: the per-line write and
 * JSON building cost about 18% of the api-service's throughput). A buffer of `maxChars` characters
 * or more is written at once. stdout is synchronous for files and pipes on Linux (the awslogs driver reads a pipe),
 * so a flushed line is written when `write` returns; `flushOnExit` writes what is still buffered
 * on process 'exit' (process.exit() after a drain or a fatal error included). Only a SIGKILL can
 * lose the lines of the last turn, as with any buffered logger.
 */
export function createBatchedSink(write: (chunk: string) => void, maxChars = 64 * 1024, flushOnExit = false): BatchedSink {
  let buffer = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    write(chunk);
  };
  if (flushOnExit) process.on('exit', flush);
  const sink: LogSink = (line) => {
    buffer += `${line}\n`;
    if (buffer.length >= maxChars) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return { sink, flush };
}

let stdout: BatchedSink | undefined;

/** The process's batched stdout sink (created on first use, flushed on exit). */
export const stdoutSink: LogSink = (line) => {
  stdout ??= createBatchedSink((chunk) => process.stdout.write(chunk), 64 * 1024, true);
  stdout.sink(line);
};

export function createLogger(sink: LogSink = stdoutSink, now: () => Date = () => new Date()): Logger {
  const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
    // time, level and msg come first and cannot be overridden by fields.
    const record: Record<string, unknown> = { time: now().toISOString(), level, msg };
    if (fields) {
      for (const [key, value] of Object.entries(fields)) {
        if (!(key in record) && value !== undefined) record[key] = value;
      }
    }
    sink(JSON.stringify(record));
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    // The per-request line is the hot path: built directly, in the same key order and with the same
    // JSON as write() would produce (a unit test compares the two).
    request: (e) => {
      const line =
        `{"time":"${now().toISOString()}","level":"${e.status >= 500 ? 'error' : 'info'}","msg":"request",` +
        `"requestId":${JSON.stringify(e.requestId)},"method":${JSON.stringify(e.method)},"path":${JSON.stringify(e.path)},` +
        `"status":${JSON.stringify(e.status)},"durationMs":${JSON.stringify(e.durationMs)}`;
      const consumer = e.consumer === undefined ? '' : `,"consumer":${JSON.stringify(e.consumer)}`;
      sink(e.aborted === undefined ? `${line}${consumer}}` : `${line},"aborted":${JSON.stringify(e.aborted)}${consumer}}`);
    },
  };
}
