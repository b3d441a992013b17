import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { Kadabra } from '../../src/client/kadabra.js';
import type { Channel } from '../../src/channels/channel.js';
import { kadabraHttp } from '../../src/http/node-http.js';
import { recordTypical } from './typical-message.js';

/*
 * The operations whose CPU time the HTTP benchmark compares in process:
 *   request-bare      one request's life without a socket (request and response objects,
 *                     the response ended into a sink, finished and closed) through a bare listener;
 *   request-kadabra   the same listener wrapped by kadabraHttp: recorded, closed, encoded, sent;
 *   typical-message   the typical message recorded, closed, encoded and sent.
 * Sending goes through the client's buffer to a channel that takes each batch at once,
 * the buffer draining between every 100 operations, as it would between a server's turns.
 */

export const HTTP_OPERATIONS = ['request-bare', 'request-kadabra', 'typical-message'] as const;
export type HttpOperation = (typeof HTTP_OPERATIONS)[number];

/** A channel that takes every batch at once and keeps nothing. */
export function discardingChannel(): Channel {
  const channel: Pick<Channel, 'dialect' | 'describe' | 'sendEncoded' | 'close'> = {
    dialect: 'python',
    describe: () => ({ type: 'discard', endpoint: 'nowhere' }),
    sendEncoded: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return channel as Channel;
}

/** One operation of `name`, sending through `client`; `i` numbers the calls. */
export function operation(name: HttpOperation, client: Kadabra): (i: number) => void {
  if (name === 'typical-message') {
    return (i) => {
      const collector = client.metrics();
      recordTypical(collector, i);
      client.send(collector.close());
    };
  }
  const listener = (_req: IncomingMessage, res: ServerResponse): void => {
    res.end('{"id":"42"}');
  };
  const handle = name === 'request-kadabra' ? kadabraHttp(client, listener, { normalizeRoute: () => '/users/:id' }) : listener;
  const socket = new Socket();
  // Takes what the response writes at once: the response finishes as over a socket.
  const sink = new Duplex({ write: (_chunk, _encoding, done: () => void) => done(), read: () => undefined });
  return () => {
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = '/users/42';
    const res = new ServerResponse(req);
    res.assignSocket(sink as Socket);
    handle(req, res);
    res.detachSocket(sink as Socket);
    res.emit('close');
  };
}

/** Runs `count` operations, letting the client's buffer drain every 100. */
export async function runOperations(step: (i: number) => void, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    step(i);
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setImmediate(resolve));
}
