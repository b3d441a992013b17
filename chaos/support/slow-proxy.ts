import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * An HTTP proxy on a free loopback port in front of InfluxDB, through which the agents
 * write. It counts the points InfluxDB accepted per database (so every write is seen,
 * including those whose answer never reached the agent), and can hold answers back.
 */
export interface SlowProxy {
  /** The port clients connect to. */
  readonly port: number;
  /**
   * Holds every answer from InfluxDB for `delayMs` before passing it on (0: at once).
   * Requests still reach InfluxDB at once, so a write is made while its client times out:
   * the client retries, and the same points are written again.
   */
  setAnswerDelay(delayMs: number): void;
  /**
   * While `text` is set, answers every write itself with `400 text`, without passing it on,
   * as a server the agent is misconfigured for would (`undefined`: pass writes on again).
   */
  refuseWrites(text: string | undefined): void;
  /** Points (lines) InfluxDB accepted (HTTP 204) for `database` so far. */
  pointsWritten(database: string): number;
  /** Answers that found their client gone (timed out): writes the agent never heard of. */
  readonly answersLost: number;
  /** Points in those writes. */
  readonly pointsInLostAnswers: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function countLines(body: Buffer, encoding: string | undefined): number {
  const text = (encoding === 'gzip' ? gunzipSync(body) : body).toString('utf8');
  // String fields may hold raw newlines; chaos messages have none, and bad ones never get here.
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
}

/** Starts a proxy that forwards 127.0.0.1:<free port> to InfluxDB at 127.0.0.1:`upstreamPort`. */
export async function startSlowProxy(upstreamPort: number): Promise<SlowProxy> {
  let delayMs = 0;
  let refusal: string | undefined;
  let answersLost = 0;
  let pointsInLostAnswers = 0;
  const written = new Map<string, number>();
  const upstreamAgent = new Agent({ keepAlive: true, maxSockets: 16 });
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    if (refusal !== undefined && new URL(req.url ?? '/', 'http://proxy').pathname.endsWith('/write')) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(refusal);
      return;
    }
    const headers = { ...req.headers, host: `127.0.0.1:${upstreamPort}` };
    const forward = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers, agent: upstreamAgent });
    // InfluxDB down: the client sees its connection reset, as behind a real load balancer.
    forward.on('error', () => req.socket.destroy());
    forward.on('response', (answer) => {
      void readBody(answer).then((answerBody) => {
        const url = new URL(req.url ?? '/', 'http://proxy');
        let points = 0;
        if (answer.statusCode === 204 && url.pathname.endsWith('/write')) {
          const database = url.searchParams.get('db') ?? url.searchParams.get('bucket') ?? '';
          points = countLines(body, req.headers['content-encoding']);
          written.set(database, (written.get(database) ?? 0) + points);
        }
        const reply = (): void => {
          if (req.socket.destroyed) {
            answersLost += 1;
            pointsInLostAnswers += points;
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(answerBody);
        };
        if (delayMs > 0) setTimeout(reply, delayMs).unref();
        else reply();
      });
    });
    forward.end(body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the proxy has no port');

  return {
    port: address.port,
    setAnswerDelay(ms: number): void {
      delayMs = ms;
    },
    refuseWrites(text: string | undefined): void {
      refusal = text;
    },
    pointsWritten: (database) => written.get(database) ?? 0,
    get answersLost(): number {
      return answersLost;
    },
    get pointsInLostAnswers(): number {
      return pointsInLostAnswers;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        upstreamAgent.destroy();
        server.close(() => resolve());
      }),
  };
}
