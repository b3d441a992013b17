// A TCP proxy on a free loopback port in front of one server, passing bytes both ways
// untouched, that can lose one reply: armed with a marker, the first request chunk that
// contains it is forwarded, and the connection is cut when the server's first answer to
// it arrives, so the server has run the request but the client never hears back.
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A running proxy. */
export interface ReplyDroppingProxy {
  readonly port: number;
  /** Loses the reply to the next request chunk containing `marker` (once). */
  dropReplyTo(marker: string): void;
  /** Replies lost so far. */
  readonly dropped: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Starts a proxy to `127.0.0.1:upstreamPort`. */
export async function startReplyDroppingProxy(upstreamPort: number): Promise<ReplyDroppingProxy> {
  let marker: Buffer | undefined;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    track(client);
    track(upstream);
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    let cutAtAnswer = false;
    client.on('data', (chunk: Buffer) => {
      if (marker !== undefined && chunk.includes(marker)) {
        marker = undefined;
        cutAtAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutAtAnswer) {
        dropped += 1;
        closeBoth();
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  return {
    port: address.port,
    dropReplyTo(text) {
      marker = Buffer.from(text);
    },
    get dropped() {
      return dropped;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
