import fastify from 'fastify';
import fastify4 from 'fastify4';
import { describeRecordedRequests } from './recorded-requests.js';
import { startFastifyApp } from './fastify-app.js';

describeRecordedRequests('Fastify 5', (client, signals) => startFastifyApp(fastify, client, signals));
describeRecordedRequests('Fastify 4', (client, signals) => startFastifyApp(fastify4 as unknown as typeof fastify, client, signals));
