import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KadabraLogger } from '../../logging/logger.js';
import { describeError } from '../channel-failures.js';
import { EXPOSITION_CONTENT_TYPE, negotiateExposition, OPENMETRICS_CONTENT_TYPE, type ExpositionFormat } from './exposition.js';

/** What the listener answers from. */
export interface AgentHttpHandlers {
  /** Problems of the agent's loops; empty while alive (`/healthz`). */
  liveness(): readonly string[];
  /** Why the agent is not ready, or undefined when it is (`/readyz`). */
  readiness(): string | undefined;
  /** The text of `/metrics`, in the format the scraper asked for (`negotiateExposition`). */
  metrics(format: ExpositionFormat): Promise<string>;
  /** The JSON the status page polls (`/status.json`). */
  status(): Promise<string>;
}

/** A file of the status page, held in memory. */
export interface PageFile {
  readonly contentType: string;
  readonly body: Buffer;
}

/** Where and how the listener listens. */
export interface AgentHttpServerOptions {
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  /**
   * Token every path but `/healthz` requires, as a bearer token or as the password of HTTP
   * Basic authentication (any user name: what a browser can send); none when undefined.
   */
  readonly token?: string | undefined;
  readonly handlers: AgentHttpHandlers;
  /** The status page's files by path (`/` and what it loads); none: no page. */
  readonly pageFiles?: ReadonlyMap<string, PageFile>;
  readonly logger: KadabraLogger;
}

const TEXT = 'text/plain; charset=utf-8';

/** The realm a browser shows when it asks for the token (as the password). */
export const BASIC_REALM = 'kadabra agent';

/** Headers of the page's answers: its own scripts only, never framed, no referrer, no caching. */
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

/** SHA-256 of `text`: equal-length digests let `timingSafeEqual` compare tokens of any length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * The agent's HTTP listener on `node:http` (a few endpoints need no framework):
 * `/healthz` (open to all, so a liveness probe needs no secret), `/readyz`, `/metrics`,
 * the status page (`/` and its files) and `/status.json`, which need the token when one
 * is set: as a bearer token, or as the password of HTTP Basic authentication so a browser
 * can open the page (its 401 asks for Basic there, and for Bearer on `/readyz` and
 * `/metrics`). The token is compared in constant time and never written into an answer:
 * the page's own requests carry the browser's credentials, not a copy of the token.
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
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
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
    const file = this.options.pageFiles?.get(path);
    const onPage = file !== undefined || path === '/status.json';
    if (!onPage && path !== '/readyz' && path !== '/metrics') {
      answer(response, 404, 'not found; the agent serves /healthz, /readyz, /metrics, /status.json and its status page at /');
      return;
    }
    const refusal = this.authorizationProblem(request, onPage);
    if (refusal !== undefined) {
      response.setHeader('WWW-Authenticate', onPage ? `Basic realm="${BASIC_REALM}", charset="UTF-8"` : 'Bearer');
      answer(response, 401, refusal);
      return;
    }
    if (file !== undefined) {
      send(response, 200, file.body, file.contentType, PAGE_HEADERS);
      return;
    }
    if (path === '/status.json') {
      send(response, 200, Buffer.from(await this.options.handlers.status(), 'utf8'), 'application/json; charset=utf-8', PAGE_HEADERS);
      return;
    }
    if (path === '/readyz') {
      const problem = this.options.handlers.readiness();
      answer(response, problem === undefined ? 200 : 503, problem ?? 'ready');
      return;
    }
    const format = negotiateExposition(request.headers.accept);
    const body = await this.options.handlers.metrics(format);
    answer(response, 200, body, format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : EXPOSITION_CONTENT_TYPE);
  }

  /**
   * Why the request may not read the path, or undefined when it may: the token as a bearer
   * token or, on the page's paths and the others alike, as a Basic password.
   */
  private authorizationProblem(request: IncomingMessage, onPage: boolean): string | undefined {
    if (this.tokenDigest === undefined) return undefined;
    const header = request.headers.authorization;
    if (header === undefined) {
      return onPage
        ? 'the token is required: sign in with any user name and AGENT_HTTP_TOKEN as the password'
        : 'a bearer token is required (Authorization: Bearer <AGENT_HTTP_TOKEN>)';
    }
    const given = presentedToken(header);
    if (given === undefined) return 'the Authorization header must be "Bearer <token>" or Basic with the token as the password';
    if (!timingSafeEqual(digest(given), this.tokenDigest)) return 'the token is wrong';
    return undefined;
  }
}

/** The token an Authorization header presents: a bearer token, or a Basic password; undefined for anything else. */
function presentedToken(header: string): string | undefined {
  const match = /^(Bearer|Basic)\s+(.+)$/i.exec(header.trim());
  if (match === null) return undefined;
  if ((match[1] as string).toLowerCase() === 'bearer') return match[2] as string;
  const credentials = Buffer.from(match[2] as string, 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon === -1 ? undefined : credentials.slice(colon + 1);
}

/** Writes `body` with its content type and `headers` (no body for HEAD). */
function send(response: ServerResponse, status: number, body: Buffer, contentType: string, headers: Readonly<Record<string, string>>): void {
  response.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': body.length });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** Writes a plain-text answer (one line plus a newline unless it is a metrics body). */
function answer(response: ServerResponse, status: number, body: string, contentType = TEXT): void {
  send(response, status, Buffer.from(body.endsWith('\n') ? body : `${body}\n`, 'utf8'), contentType, { 'Cache-Control': 'no-store' });
}
