import { delayedWriter, startTcpProxy } from '../../test/support/tcp-proxy.js';

/**
 * A TCP proxy on a free loopback port in front of a server whose protocol it does not
 * read (PostgreSQL here), through which the agents connect. It can hold the server's
 * answers back: the requests reach the server at once, so a statement runs while its
 * client still waits for the answer, the window an agent SIGKILL should land in.
 */
export interface TcpDelayProxy {
  readonly port: number;
  /** Holds every chunk from the server for `delayMs` before passing it on, in order (0: at once). */
  setAnswerDelay(delayMs: number): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Starts a proxy to `127.0.0.1:upstreamPort`. A connection the server refuses (it is down) is closed at once. */
export async function startTcpDelayProxy(upstreamPort: number): Promise<TcpDelayProxy> {
  let answerDelayMs = 0;
  const proxy = await startTcpProxy(upstreamPort, ({ client }) => {
    // Each chunk is delayed by the delay in force when it arrived, in order.
    const write = delayedWriter(client);
    return { fromServer: (chunk) => write(chunk, answerDelayMs) };
  });
  return {
    port: proxy.port,
    setAnswerDelay(delayMs) {
      answerDelayMs = delayMs;
    },
    close: () => proxy.close(),
  };
}
