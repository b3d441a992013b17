import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A request the fake InfluxDB received, its body already gunzipped. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Client port: equal for requests on one keep-alive connection. */
  readonly remotePort: number;
}

/** What the fake answers; `hang` never answers. */
export type FakeAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** A local HTTP server standing in for InfluxDB, answering what `respond` says. */
export interface FakeInflux {
  readonly port: number;
  readonly requests: ReceivedRequest[];
  respond: (request: ReceivedRequest) => FakeAnswer;
  close(): Promise<void>;
}

/** Starts a fake InfluxDB on a free 127.0.0.1 port; it answers 204 until told otherwise. */
export async function startFakeInflux(): Promise<FakeInflux> {
  const requests: ReceivedRequest[] = [];
  const fake: { respond: (request: ReceivedRequest) => FakeAnswer } = { respond: () => ({ status: 204 }) };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort ?? 0,
      };
      requests.push(request);
      const answer = fake.respond(request);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    get respond() {
      return fake.respond;
    },
    set respond(value) {
      fake.respond = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
