// A TCP proxy on a free loopback port in front of a server on 127.0.0.1, whose protocol
// it does not read: each connection is passed on to the server, and what passes each way
// goes through a relay the caller gives (to hold answers back, or to lose one).
import { connect, createServer, type Server, type Socket } from 'node:net';

/** One client's connection and the proxy's own connection to the server for it. */
export interface ProxiedConnection {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Closes both at once (the client sees its connection drop). */
  close(): void;
}

/** What a proxy does with the chunks of one connection; unset: passes them on at once. */
export interface Relay {
  fromClient?(chunk: Buffer): void;
  fromServer?(chunk: Buffer): void;
}

/** A running proxy. */
export interface TcpProxy {
  readonly port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * Starts a proxy to `127.0.0.1:upstreamPort`; `relay` is called once per connection. A
 * connection the server refuses (it is down) is closed at once.
 */
export async function startTcpProxy(upstreamPort: number, relay: (connection: ProxiedConnection) => Relay = () => ({})): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    track(client);
    track(upstream);
    const connection: ProxiedConnection = {
      client,
      upstream,
      close: () => {
        client.destroy();
        upstream.destroy();
      },
    };
    client.on('error', connection.close).on('close', connection.close);
    upstream.on('error', connection.close).on('close', connection.close);
    const { fromClient = (chunk: Buffer) => void upstream.write(chunk), fromServer = (chunk: Buffer) => void client.write(chunk) } = relay(connection);
    client.on('data', fromClient);
    upstream.on('data', fromServer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A writer to `socket` that passes each chunk on `delayMs` after it was handed over (the
 * delay given with it), in the order handed over; what is still held when the socket
 * closes is dropped.
 */
export function delayedWriter(socket: Socket): (chunk: Buffer, delayMs: number) => void {
  let previous = Promise.resolve();
  return (chunk, delayMs) => {
    const due = Date.now() + delayMs;
    previous = previous.then(async () => {
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!socket.destroyed) socket.write(chunk);
    });
  };
}
