import { describeError } from '../../../agent/channel-failures.js';
import { abortableSleep } from '../../../agent/abortable-sleep.js';
import { secondsToMilliseconds } from '../../../config/duration-seconds.js';
import { readTlsFiles } from '../../../config/tls-files.js';
import { LogLimiter } from '../../../logging/log-limiter.js';
import type { KadabraLogger } from '../../../logging/logger.js';
import { registerSecret } from '../../../logging/redact-secrets.js';
import { Backoff } from '../../../retry/backoff.js';
import { KeepAliveClient } from '../../http-writes/keep-alive-client.js';
import { classifyRemoteWriteAnswer, type RemoteWriteVerdict } from './classify-remote-write-answer.js';
import { DEFAULT_REMOTE_WRITE_TIMEOUT_SECONDS, type RemoteWriteReceiverArgs } from './remote-write-args.js';

const ARGS_KEY = 'AGENT_PUBLISHER_ARGS.remote_write';

/** At most one line per receiver and kind of trouble per this many ms. */
const LOG_INTERVAL_MS = 60_000;

/** The headers of remote write 1.0, beside the receiver's own and its credentials. */
const PROTOCOL_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'User-Agent': 'kadabra-agent',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
});

function authorization(args: RemoteWriteReceiverArgs): Record<string, string> {
  if (args.bearer_token !== undefined) return { Authorization: `Bearer ${args.bearer_token}` };
  if (args.username !== undefined) {
    return { Authorization: `Basic ${Buffer.from(`${args.username}:${args.password ?? ''}`).toString('base64')}` };
  }
  return {};
}

/**
 * One remote-write receiver: its connection, headers and credentials, and what its
 * answers mean. At most one push is in flight; a push the receiver cannot take now
 * (5xx, 429, no connection, no answer in time) is retried with a growing backoff while
 * it is the newest snapshot, and once a newer one exists the backoff carries over to it:
 * totals are cumulative, so the newest snapshot is all a receiver needs, and an outage
 * leaves a gap in its samples, never wrong totals. A refusal (another 4xx) is logged at
 * error level with the receiver's words and what to change, and that snapshot is not
 * sent again.
 */
export class RemoteWriteReceiver {
  /** The receiver's url without credentials, for logs. */
  readonly url: string;
  private readonly client: KeepAliveClient;
  private readonly path: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly logger: KadabraLogger;
  private readonly backoff = new Backoff({ initialMs: 250, maxMs: 30_000 });
  private readonly retryLogs = new LogLimiter(LOG_INTERVAL_MS);
  private readonly refusalLogs = new LogLimiter(LOG_INTERVAL_MS);
  private busy = false;
  /** No push before this time (ms since the epoch): the backoff after a failure. */
  private retryAt = 0;
  /** Whether the last request could not be taken (5xx, 429, no connection). */
  private unavailable = false;

  /**
   * @throws ConfigurationError for a TLS file that cannot be read, or TLS arguments on an http:// url.
   */
  constructor(args: RemoteWriteReceiverArgs, logger: KadabraLogger) {
    for (const secret of [args.password, args.bearer_token, ...Object.values(args.headers ?? {})]) {
      if (secret !== undefined && secret !== '') registerSecret(secret);
    }
    const url = new URL(args.url);
    this.url = `${url.origin}${url.pathname}`;
    this.path = `${url.pathname}${url.search}`;
    const https = url.protocol === 'https:';
    const tls = readTlsFiles(args, { what: 'remote-write receiver', argsKey: ARGS_KEY, enabled: https, enableHint: 'use an https:// url' });
    this.client = new KeepAliveClient({
      base: url,
      timeoutMs: secondsToMilliseconds(args.timeout ?? DEFAULT_REMOTE_WRITE_TIMEOUT_SECONDS),
      tls: https ? tls : undefined,
      target: { server: `the remote-write receiver ${this.url}`, argsKey: ARGS_KEY, tlsSwitch: 'an http:// or https:// url' },
    });
    this.headers = Object.freeze({ ...args.headers, ...PROTOCOL_HEADERS, ...authorization(args) });
    this.logger = logger.child({ receiver: this.url });
  }

  /**
   * Pushes one snapshot (its requests: snappy-compressed `WriteRequest`s, in order) unless
   * a push is still in flight or the backoff says wait. A request the receiver cannot
   * take now is tried again after the backoff while that falls before `untilMs` (when the
   * next snapshot is due); after that, the rest of this snapshot is left to the next one.
   * A refused request is skipped. Ends when `signal` aborts. Never rejects.
   */
  async push(requests: readonly Buffer[], untilMs: number, signal: AbortSignal): Promise<void> {
    if (this.busy || Date.now() < this.retryAt) return;
    this.busy = true;
    try {
      for (const body of requests) {
        if (!(await this.deliver(body, untilMs, signal))) return;
      }
    } finally {
      this.busy = false;
    }
  }

  /** Closes the receiver's connections. */
  close(): void {
    this.client.close();
  }

  /** Sends one request until it is written or refused (true), or the rest must wait for the next snapshot (false). */
  private async deliver(body: Buffer, untilMs: number, signal: AbortSignal): Promise<boolean> {
    for (;;) {
      const verdict = await this.attempt(body);
      // Stopping closed the connection under it: nothing to report.
      if (signal.aborted) return false;
      if (verdict.kind === 'written') {
        if (this.unavailable) this.logger.info('the remote-write receiver takes pushes again');
        this.unavailable = false;
        this.backoff.reset();
        this.retryLogs.reset();
        return true;
      }
      if (verdict.kind === 'refused') {
        this.refusalLogs.log(this.logger, 'error', 'refused', { reason: verdict.reason, fix: verdict.fix }, 'the remote-write receiver refused a push; it is not sent again, the next snapshot is');
        return true;
      }
      this.unavailable = true;
      const delayMs = this.backoff.next(verdict.retryAfterMs);
      this.retryLogs.log(
        this.logger,
        'warn',
        'unavailable',
        { reason: verdict.reason, retryInMs: Math.round(delayMs) },
        'the remote-write receiver cannot take pushes now; retrying with backoff (the totals are kept: the newest snapshot is sent once it can)',
      );
      if (Date.now() + delayMs >= untilMs) {
        this.retryAt = Date.now() + delayMs;
        return false;
      }
      if (!(await abortableSleep(delayMs, signal))) return false;
    }
  }

  private async attempt(body: Buffer): Promise<RemoteWriteVerdict> {
    try {
      return classifyRemoteWriteAnswer(await this.client.post(this.path, body, this.headers));
    } catch (error) {
      return { kind: 'retry', reason: describeError(error), retryAfterMs: undefined };
    }
  }
}
