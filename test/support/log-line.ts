/** A parsed JSON log line (pino). */
export type LogLine = Record<string, unknown> & { name?: string; msg?: string; level?: number };

/** Parses a JSON log line; undefined for anything else. */
export function parseLogLine(line: string): LogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return undefined;
  }
}
