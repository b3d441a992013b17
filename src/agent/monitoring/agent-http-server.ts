import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KadabraLogger } from '../../logging/logger.js';
import { describeError } from '../channel-failures.js';
import { EXPOSITION_CONTENT_TYPE } from './exposition.js';

/** What the listener answers from. */
export interface AgentHttpHandlers {
  /** Problems of the agent's loops; empty while alive (`/healthz`). */
  liveness(): readonly string[];
  /** Why the agent is not ready, or undefined when it is (`/readyz`). */
  readiness(): string | undefined;
  /** The Prometheus text of `/metrics`. */
  metrics(): Promise<string>;
}

/** Where and how the listener listens. */
export interface AgentHttpServerOptions {
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  /** Bearer token every path but `/healthz` requires; none when undefined. */
  readonly token?: string | undefined;
  readonly handlers: AgentHttpHandlers;
  readonly logger: KadabraLogger;
}

const TEXT = 'text/plain; charset=utf-8';

/** SHA-256 of `text`: equal-length digests let `timingSafeEqual` compare tokens of any length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The agent's HTTP listener on `node:http` (three plain-text endpoints need no framework):
 * `/healthz` (open to all, so a liveness probe needs no secret), `/readyz` and `/metrics`
 * (the bearer token, when one is set, compared in constant time). Every answer is built
 * from the agent's own state; no configuration value is echoed, so none can leak a secret.
 */
export class AgentHttpServer {
  private readonly server: Server;
  private readonly tokenDigest: Buffer | undefined;

  constructor(private readonly options: AgentHttpServerOptions) {
    this.tokenDigest = options.token === undefined ? undefined : digest(options.token);
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        options.logger.error({ err: describeError(error), path: request.url }, 'agent HTTP request failed');
        if (!response.headersSent) answer(response, 500, 'internal error; see the agent log');
        else response.destroy();
      });
    });
  }

  /** Starts listening; resolves with the address bound (the port chosen when 0 was asked). */
  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        // The agent keeps the process alive while it runs; a scraper's open connection
        // must not (close() drops those).
        this.server.unref();
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      answer(response, 405, 'only GET and HEAD are served');
      return;
    }
    if (path === '/healthz') {
      const problems = this.options.handlers.liveness();
      answer(response, problems.length === 0 ? 200 : 503, problems.length === 0 ? 'ok' : problems.join('; '));
      return;
    }
    if (path !== '/readyz' && path !== '/metrics') {
      answer(response, 404, 'not found; the agent serves /healthz, /readyz and /metrics');
      return;
    }
    const refusal = this.authorizationProblem(request);
    if (refusal !== undefined) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      answer(response, 401, refusal);
      return;
    }
    if (path === '/readyz') {
      const problem = this.options.handlers.readiness();
      answer(response, problem === undefined ? 200 : 503, problem ?? 'ready');
      return;
    }
    const body = await this.options.handlers.metrics();
    answer(response, 200, body, EXPOSITION_CONTENT_TYPE);
  }

  /** Why the request may not read the path, or undefined when it may. */
  private authorizationProblem(request: IncomingMessage): string | undefined {
    if (this.tokenDigest === undefined) return undefined;
    const header = request.headers.authorization;
    if (header === undefined) return 'a bearer token is required (Authorization: Bearer <AGENT_HTTP_TOKEN>)';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match === null) return 'the Authorization header must be "Bearer <token>"';
    if (!timingSafeEqual(digest(match[1] as string), this.tokenDigest)) return 'the bearer token is wrong';
    return undefined;
  }
}

/** Writes a plain-text answer (one line plus a newline unless it is a metrics body). */
function answer(response: ServerResponse, status: number, body: string, contentType = TEXT): void {
  const text = body.endsWith('\n') ? body : `${body}\n`;
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}
