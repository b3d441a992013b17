import { createServer } from 'node:http';
import type express from 'express';
import type { Kadabra } from '../../../src/client/kadabra.js';
import { kadabraExpress } from '../../../src/http/express.js';
import {
  badInputError,
  foreverStream,
  readBody,
  serveOnLoopback,
  SKIPPED_PATHS,
  writeStream,
  type AppUnderTest,
  type ScenarioSignals,
} from './http-scenario-app.js';

/** The scenario application on Express (4 or 5: both take the same calls here), on a free loopback port. */
export async function startExpressApp(createApp: typeof express, client: Kadabra, signals: ScenarioSignals): Promise<AppUnderTest> {
  const app = createApp();
  app.set('env', 'test'); // Express logs every error it answers otherwise
  const metrics = kadabraExpress(client, { skipPaths: SKIPPED_PATHS });
  app.use(metrics);
  app.get('/healthz', (_req, res) => {
    res.send('ok');
  });
  app.get('/internal/ready', (_req, res) => {
    res.send('ok');
  });
  // A router mounted under a prefix: the template is the mount path plus the route's.
  const users = createApp.Router();
  users.get('/:id', (req, res) => {
    req.metrics?.addCount('user_lookups', 1);
    req.metrics?.setDimension('tenant', 'acme');
    res.json({ id: req.params.id });
  });
  app.use('/users', users);
  app.post('/echo', (req, res, next) => {
    readBody(req).then((bytes) => res.type('text/plain').send(`received ${bytes}`), next);
  });
  app.get('/stream', (_req, res) => {
    res.type('text/plain');
    void writeStream((chunk) => res.write(chunk), () => res.end(), signals);
  });
  app.get('/stream-forever', (_req, res) => {
    res.type('text/plain');
    foreverStream(signals).pipe(res);
  });
  app.get('/slow', (_req, res) => {
    signals.started.resolve();
    void signals.release.promise.then(() => res.send('late'));
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.get('/bad-input', () => {
    throw badInputError();
  });
  app.use(metrics.recordErrors);
  return serveOnLoopback(createServer(app));
}
