import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TimeSeries } from '../../src/publishers/prometheus/remote-write/write-request.js';
import { decodeRemoteWriteBody } from './remote-write-decoder.js';

/** One push a fake receiver got: its headers and its series, decoded. */
export interface ReceivedPush {
  readonly headers: IncomingHttpHeaders;
  readonly series: TimeSeries[];
}

/** A loopback remote-write receiver for unit tests (the integration tests use real ones). */
export interface FakeReceiver {
  readonly url: string;
  readonly received: ReceivedPush[];
  close(): Promise<void>;
}

/** TLS files of an https fake receiver; with `ca`, it requires a client certificate signed by it. */
export interface FakeReceiverTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile?: string;
}

/**
 * Starts a loopback receiver that records each push (snappy, protobuf decoded) and answers
 * the n-th (from 0) with `status(n)` (503 with `Retry-After: 0`; 4xx and 5xx with a body
 * that says "out of order sample").
 */
export async function fakeReceiver(status: (n: number) => number = () => 204, tls?: FakeReceiverTls): Promise<FakeReceiver> {
  const received: ReceivedPush[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, series: decodeRemoteWriteBody(Buffer.concat(chunks)) });
      const code = status(received.length - 1);
      res.writeHead(code, code === 503 ? { 'Retry-After': '0' } : {});
      res.end(code >= 400 ? `answer ${code}: out of order sample` : '');
    });
  };
  const server =
    tls === undefined
      ? createServer(handle)
      : createHttpsServer(
          {
            cert: readFileSync(tls.certFile),
            key: readFileSync(tls.keyFile),
            ...(tls.clientCaFile === undefined ? {} : { ca: readFileSync(tls.clientCaFile), requestCert: true, rejectUnauthorized: true }),
          },
          handle,
        );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}/api/v1/write`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
