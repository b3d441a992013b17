import type { HttpAnswer } from './keep-alive-client.js';

const MAX_REASON_LENGTH = 1000;

/**
 * A write server's own error text, cut at 1,000 characters: `{"error": ...}` (InfluxDB
 * 1.x), `{"message": ...}` (InfluxDB 2.x), else the body (VictoriaMetrics, Prometheus,
 * proxies), else InfluxDB's `X-Influxdb-Error` header, else the status.
 */
export function errorText(answer: HttpAnswer): string {
  let text = answer.body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') {
      const { error, message } = parsed as { error?: unknown; message?: unknown };
      if (typeof error === 'string') text = error;
      else if (typeof message === 'string') text = message;
    }
  } catch {
    // Not JSON (VictoriaMetrics, proxies): the body is the text.
  }
  if (text === '') {
    const header = answer.headers['x-influxdb-error'];
    text = (Array.isArray(header) ? header[0] : header) ?? `HTTP ${answer.status}`;
  }
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}...` : text;
}
