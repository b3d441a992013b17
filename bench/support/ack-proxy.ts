import { Agent, createServer, request, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** Called for every write InfluxDB acknowledged (204), with the body's text and when the answer arrived. */
export type OnAcknowledged = (lineProtocol: string, acknowledgedAt: number) => void;

/** A running {@link startAckProxy}. */
export interface AckProxy {
  /** `http://127.0.0.1:<port>`: give it to the publisher instead of influxd's. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of influxd that sees each write: it forwards every
 * request unchanged and, when influxd answers a `/write` with 204, reports the
 * (decompressed) body with the time (performance.now()) the answer reached the proxy,
 * before the agent sees it.
 */
export function startAckProxy(influxUrl: string, onAcknowledged: OnAcknowledged): Promise<AckProxy> {
  const target = new URL(influxUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const server: Server = createServer((incoming, answer) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
          agent,
        },
        (reply) => {
          if (reply.statusCode === 204 && (incoming.url ?? '').startsWith('/write')) {
            const acknowledgedAt = performance.now();
            const text = (incoming.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
            onAcknowledged(text, acknowledgedAt);
          }
          answer.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(answer);
        },
      );
      outgoing.on('error', (error) => answer.writeHead(502).end(error.message));
      outgoing.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            agent.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
