import type { AddressInfo } from 'node:net';
import express from 'express';
import promBundle from 'express-prom-bundle';
import { Kadabra } from '../../src/client/kadabra.js';
import { kadabraExpress } from '../../src/http/express.js';
import { discardingChannel } from './http-operation-loop.js';

/*
 * One Express server for the HTTP benchmark, in its own process so that its CPU time is
 * its own: `node http-bench-server.js <variant> <redisPort> <queueKey>`. It prints its
 * port, serves GET /users/:id until SIGTERM, then flushes and reports what it sent.
 */

/**
 * The servers compared: the same app bare, with Kadabra's middleware (sending to Redis),
 * with the same middleware and a client whose channel discards every batch (recording,
 * closing and encoding, without the socket), and with prom-client's (express-prom-bundle).
 */
export const HTTP_BENCH_VARIANTS = ['bare', 'kadabra', 'kadabra-unsent', 'prom-client'] as const;
export type HttpBenchVariant = (typeof HTTP_BENCH_VARIANTS)[number];

async function main(): Promise<void> {
  const [variant, redisPort, queueKey] = process.argv.slice(2);
  const app = express();
  let client: Kadabra | undefined;
  if (variant === 'kadabra') {
    client = new Kadabra({
      CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: Number(redisPort), queue_key: queueKey },
      CLIENT_LOG_LEVEL: 'warn',
    });
    app.use(kadabraExpress(client));
  } else if (variant === 'kadabra-unsent') {
    client = new Kadabra({ CLIENT_LOG_LEVEL: 'warn' }, { channel: discardingChannel() });
    app.use(kadabraExpress(client));
  } else if (variant === 'prom-client') {
    // Method, route template and status as labels, a duration histogram: what Kadabra records.
    app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true, autoregister: false }));
  } else if (variant !== 'bare') {
    throw new Error(`unknown variant ${variant}; known: ${HTTP_BENCH_VARIANTS.join(', ')}`);
  }
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id, name: 'user' });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
    void (async () => {
      const stats = await client?.close();
      process.stderr.write(stats === undefined ? '' : `    ${variant}: delivered ${stats.delivered}, dropped ${stats.dropped}\n`);
      process.exit(0);
    })();
  });
}

if (process.argv[1]?.endsWith('http-bench-server.js')) void main();
