import { errorText } from '../../http-writes/error-text.js';
import type { HttpAnswer } from '../../http-writes/keep-alive-client.js';
import { parseRetryAfter } from '../../http-writes/retry-after.js';

/** What a receiver's answer to a push means. */
export type RemoteWriteVerdict =
  /** The receiver stored the snapshot. */
  | { readonly kind: 'written' }
  /** The receiver is unavailable or overloaded (5xx, 429): try again, with backoff. */
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs: number | undefined }
  /**
   * The receiver refused the push (another 4xx, or a redirect): the same snapshot would be
   * refused again, so it is not retried; the next interval's is sent. `fix` says what to change.
   */
  | { readonly kind: 'refused'; readonly reason: string; readonly fix: string };

/** Where receivers are configured, for the fixes. */
const ARGS = 'AGENT_PUBLISHER_ARGS.remote_write';

function fixFor(status: number, reason: string): string {
  if (/out of order|out of bounds|duplicate sample|too old/i.test(reason)) {
    return (
      'the receiver holds newer samples of these series: another writer sends them too (a second Kadabra channel, or a Prometheus ' +
      'scraping the same agents: tell them apart with remote_write_labels), or this agent\'s clock is behind the previous pusher\'s'
    );
  }
  if (status === 401) return `check username and password, or bearer_token, of this receiver in ${ARGS}`;
  if (status === 403) return `give the credentials of this receiver (${ARGS}) the right to write, or use others`;
  if (status === 404 || /remote.write receiver/i.test(reason)) {
    return (
      `check the url in ${ARGS}: Prometheus takes remote write on /api/v1/write when started with --web.enable-remote-write-receiver; ` +
      'VictoriaMetrics on /api/v1/write'
    );
  }
  if (status === 413) return 'the snapshot is larger than the receiver accepts: raise its request size limit, or keep fewer series (max_series)';
  if (status === 415) return 'the receiver does not take remote write 1.0 (protobuf, snappy): check the url points at a remote-write endpoint';
  if (status >= 300 && status < 400) return `the receiver redirects: give the url it redirects to in ${ARGS}`;
  return `check the receiver's words above and its settings in ${ARGS}`;
}

/**
 * Classifies a receiver's answer as the InfluxDB publisher does its server's: 2xx
 * written; 5xx and 429 retry (with the server's `Retry-After`); any other answer refused,
 * with what to change. The remote-write specification asks the same: retry 5xx (and may
 * retry 429), never retry another 4xx.
 */
export function classifyRemoteWriteAnswer(answer: HttpAnswer): RemoteWriteVerdict {
  const { status } = answer;
  if (status >= 200 && status < 300) return { kind: 'written' };
  const reason = errorText(answer);
  if (status >= 500 || status === 429) {
    return { kind: 'retry', reason: `HTTP ${status}: ${reason}`, retryAfterMs: parseRetryAfter(answer.headers['retry-after']) };
  }
  return { kind: 'refused', reason: `HTTP ${status}: ${reason}`, fix: fixFor(status, reason) };
}
