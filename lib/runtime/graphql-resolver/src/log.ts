/** Minimal structured logger: one JSON object per line, which CloudWatch Logs Insights can query. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  let line: string;
  try {
    line = JSON.stringify({ level, msg, ...fields });
  } catch {
    line = JSON.stringify({ level, msg, note: 'fields were not serialisable' });
  }
  (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(line);
}
