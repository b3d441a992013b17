import type { AddressInfo } from 'node:net';
import type fastify from 'fastify';
import type { Kadabra } from '../../../src/client/kadabra.js';
import { kadabraFastify } from '../../../src/http/fastify.js';
import { badInputError, foreverStream, SKIPPED_PATHS, writeStream, type AppUnderTest, type ScenarioSignals } from './http-scenario-app.js';

/** The scenario application on Fastify (4 or 5: both take the same calls here), on a free loopback port. */
export async function startFastifyApp(createApp: typeof fastify, client: Kadabra, signals: ScenarioSignals): Promise<AppUnderTest> {
  const app = createApp();
  await app.register(kadabraFastify, { client, skipPaths: SKIPPED_PATHS });
  app.get('/healthz', async () => 'ok');
  app.get('/internal/ready', async () => 'ok');
  await app.register(
    async (users) => {
      users.get<{ Params: { id: string } }>('/:id', async (request) => {
        request.metrics?.addCount('user_lookups', 1);
        request.metrics?.setDimension('tenant', 'acme');
        return { id: request.params.id };
      });
    },
    { prefix: '/users' },
  );
  app.post('/echo', async (request) => `received ${Buffer.byteLength(request.body as string)}`);
  app.get('/stream', (_request, reply) => {
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    void writeStream((chunk) => reply.raw.write(chunk), () => reply.raw.end(), signals);
    return reply; // answered by hand: Fastify leaves the response alone
  });
  app.get('/stream-forever', (_request, reply) => reply.type('text/plain').send(foreverStream(signals)));
  app.get('/slow', async () => {
    signals.started.resolve();
    await signals.release.promise;
    return 'late';
  });
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  app.get('/bad-input', async () => {
    throw badInputError();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  let closing: Promise<void> | undefined;
  return {
    port: (app.server.address() as AddressInfo).port,
    close: () =>
      (closing ??= (async () => {
        app.server.closeAllConnections();
        await app.close();
      })()),
  };
}
