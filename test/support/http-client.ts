import { request, type IncomingHttpHeaders } from 'node:http';

/** What a client received for one request. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Bytes of the response body received. */
  readonly bodyBytes: number;
  readonly body: string;
  /** Milliseconds from sending the request to the end of the response, by the client's clock. */
  readonly elapsedMs: number;
}

/** Options of {@link httpRequest}. */
export interface HttpRequestOptions {
  readonly method?: string;
  /** The request body, sent with Content-Length; or, with `chunked`, in these pieces without it. */
  readonly body?: string;
  readonly chunked?: readonly string[];
  readonly headers?: Record<string, string>;
}

/** One request to 127.0.0.1:`port` on a fresh connection, read to the end. */
export function httpRequest(port: number, path: string, options: HttpRequestOptions = {}): Promise<HttpAnswer> {
  const begin = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bodyBytes: body.length,
          body: body.toString('utf8'),
          elapsedMs: performance.now() - begin,
        });
      });
    });
    req.once('error', reject);
    if (options.chunked !== undefined) {
      for (const piece of options.chunked) req.write(piece);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

/**
 * Sends a request and destroys its connection once `when` resolves (e.g. the handler has
 * started) or, with `afterFirstChunk`, once the first body bytes arrived: a client going away.
 * Resolves with the bytes of body it received.
 */
export function abortedRequest(port: number, path: string, when: Promise<void>, afterFirstChunk = false): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (afterFirstChunk) req.destroy();
      });
      res.on('error', () => undefined);
    });
    req.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && !req.destroyed) reject(error);
    });
    req.once('close', () => resolve(received));
    req.end();
    if (!afterFirstChunk) void when.then(() => req.destroy());
  });
}
