import express from 'express';
import express4 from 'express4';
import { describeRecordedRequests } from './recorded-requests.js';
import { startExpressApp } from './express-app.js';

describeRecordedRequests('Express 5', (client, signals) => startExpressApp(express, client, signals));
describeRecordedRequests('Express 4', (client, signals) => startExpressApp(express4 as unknown as typeof express, client, signals));
