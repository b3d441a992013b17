import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TlsOptions } from '../../config/tls-files.js';
import { explainConnectionFailure, type ConnectionTarget } from '../../logging/explain-connection-failure.js';

/** What a server answered. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body as text, cut at 64 KiB (only error texts are read). */
  readonly body: string;
}

/** The request did not complete within the timeout. */
export class HttpTimeoutError extends Error {
  override readonly name = 'HttpTimeoutError';
}

/**
 * The connection failed (refused, TLS verification, no client certificate, ...): the
 * message has the network's or TLS layer's own words and the argument to change; `cause`
 * is the original error.
 */
export class HttpConnectionError extends Error {
  override readonly name = 'HttpConnectionError';
}

/** Where the client connects and how. */
export interface KeepAliveClientOptions {
  /** Origin and path prefix (no credentials). */
  readonly base: URL;
  /** Longest time one request may take, connect to last byte, in whole milliseconds. */
  readonly timeoutMs: number;
  /** For https: CA, client certificate and key (file contents), server name to verify. */
  readonly tls?: TlsOptions | undefined;
  /** The server and its arguments, named by connection errors. Default: InfluxDB, `AGENT_PUBLISHER_ARGS`. */
  readonly target?: Omit<ConnectionTarget, 'tls'>;
}

const INFLUXDB_TARGET: ConnectionTarget = {
  server: 'InfluxDB',
  argsKey: 'AGENT_PUBLISHER_ARGS',
  tlsSwitch: 'an http:// or https:// url, or ssl: false or true',
};

const MAX_BODY_BYTES = 64 * 1024;

/**
 * POSTs to one origin over keep-alive connections of its own (closed by `close()`),
 * with a per-request timeout covering connect, upload and the whole answer.
 */
export class KeepAliveClient {
  private readonly base: URL;
  private readonly agent: HttpAgent;
  private readonly timeoutMs: number;
  private readonly request: typeof httpRequest;
  private readonly target: ConnectionTarget;

  constructor({ base, timeoutMs, tls, target = INFLUXDB_TARGET }: KeepAliveClientOptions) {
    this.base = base;
    this.timeoutMs = timeoutMs;
    const https = base.protocol === 'https:';
    const options = { keepAlive: true, maxSockets: 4, scheduling: 'lifo' as const };
    this.agent = https ? new HttpsAgent({ ...options, ...tls }) : new HttpAgent(options);
    this.request = https ? httpsRequest : httpRequest;
    this.target = { ...target, tls: https };
  }

  /** POSTs `body` to `path` (path and query, from the origin). */
  async post(path: string, body: Buffer, headers: Readonly<Record<string, string>>): Promise<HttpAnswer> {
    try {
      return await this.attempt(path, body, headers);
    } catch (error) {
      // The server may close an idle keep-alive connection just as we reuse it; the
      // write never reached it, and writes are idempotent anyway: try once more.
      if (isStaleConnection(error)) return this.attempt(path, body, headers);
      throw error;
    }
  }

  private attempt(path: string, body: Buffer, headers: Readonly<Record<string, string>>): Promise<HttpAnswer> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    return new Promise<HttpAnswer>((resolve, reject) => {
      const fail = (error: unknown): void => {
        if (signal.aborted) reject(new HttpTimeoutError(`no answer within ${this.timeoutMs / 1000} s`, { cause: error }));
        else reject(new HttpConnectionError(explainConnectionFailure(error, this.target), { cause: error }));
      };
      const req = this.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          path,
          method: 'POST',
          agent: this.agent,
          signal,
          headers: { ...headers, 'Content-Length': String(body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < MAX_BODY_BYTES) chunks.push(chunk);
            size += chunk.length;
          });
          res.on('error', fail);
          res.on('end', () => {
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
            });
          });
          // Settles the promise if the connection dies mid-answer without an 'error'.
          res.on('close', () => {
            if (!res.complete) fail(new Error('the connection closed before the answer was complete'));
          });
        },
      );
      req.on('error', (error) => {
        if (req.reusedSocket && isResetCode(error)) reject(new StaleConnectionError(error));
        else fail(error);
      });
      req.end(body);
    });
  }

  /** Closes every connection. */
  close(): void {
    this.agent.destroy();
  }
}

class StaleConnectionError extends Error {
  constructor(cause: unknown) {
    super('keep-alive connection closed by the server', { cause });
  }
}

function isStaleConnection(error: unknown): boolean {
  return error instanceof StaleConnectionError;
}

function isResetCode(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
