import { describeRecordedRequests } from './recorded-requests.js';
import { startNodeHttpApp } from './node-http-app.js';

describeRecordedRequests('node:http', startNodeHttpApp);
