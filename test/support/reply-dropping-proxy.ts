// A TCP proxy in front of one server, passing bytes both ways untouched, that can lose one
// reply: armed with a marker, the first request chunk that contains it is forwarded, and
// the connection is cut when the server's first answer to it arrives, so the server has
// run the request but the client never hears back.
import { startTcpProxy } from './tcp-proxy.js';

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
  const proxy = await startTcpProxy(upstreamPort, (connection) => {
    let cutAtAnswer = false;
    return {
      fromClient: (chunk) => {
        if (marker !== undefined && chunk.includes(marker)) {
          marker = undefined;
          cutAtAnswer = true;
        }
        connection.upstream.write(chunk);
      },
      fromServer: (chunk) => {
        if (!cutAtAnswer) {
          connection.client.write(chunk);
          return;
        }
        dropped += 1;
        connection.close();
      },
    };
  });
  return {
    port: proxy.port,
    dropReplyTo(text) {
      marker = Buffer.from(text);
    },
    get dropped() {
      return dropped;
    },
    close: () => proxy.close(),
  };
}
