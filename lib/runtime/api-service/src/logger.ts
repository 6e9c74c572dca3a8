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
}

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  request(entry: RequestLogEntry): void;
}

/** stdout writes are synchronous for files and pipes on Linux, so lines are not lost on exit. */
export const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

export function createLogger(sink: LogSink = stdoutSink, now: () => Date = () => new Date()): Logger {
  const write = (level: LogLevel, msg: string, fields?: LogFields | RequestLogEntry): void => {
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
    request: (entry) => write(entry.status >= 500 ? 'error' : 'info', 'request', entry),
  };
}

/** A logger that discards everything (handy in tests that do not look at logs). */
export const silentLogger: Logger = createLogger(() => undefined);

export { REQUEST_ID_PATTERN, resolveRequestId } from './request-id';
