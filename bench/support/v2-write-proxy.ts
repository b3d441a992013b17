import { Agent, createServer, request } from 'node:http';
import { pathToFileURL } from 'node:url';

/**
 * A shim for `@influxdata/influxdb-client`, which writes only to the 2.x API: it turns
 * `POST /api/v2/write?bucket=db[/rp]&precision=p` into `POST /write?db=db[&rp=rp]&precision=p`
 * of an InfluxDB 1.6 (which lacks the 2.x API) and passes the body and the answer
 * through untouched. Run as its own process so its CPU is not the writer's:
 * `node v2-write-proxy.js <influxUrl>` prints `port <n>` once it listens.
 */
export function startV2WriteProxy(influxUrl: string): Promise<number> {
  const target = new URL(influxUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const server = createServer((incoming, answer) => {
    const url = new URL(incoming.url ?? '/', 'http://proxy');
    if (incoming.method !== 'POST' || url.pathname !== '/api/v2/write') {
      answer.writeHead(404).end();
      incoming.resume();
      return;
    }
    const [db = '', rp] = (url.searchParams.get('bucket') ?? '').split('/');
    const query = new URLSearchParams({ db, precision: url.searchParams.get('precision') ?? 'ns' });
    if (rp !== undefined && rp !== '') query.set('rp', rp);
    const headers = { ...incoming.headers, host: target.host };
    const outgoing = request(
      { host: target.hostname, port: target.port, method: 'POST', path: `/write?${query}`, headers, agent },
      (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      },
    );
    outgoing.on('error', (error) => answer.writeHead(502).end(error.message));
    incoming.pipe(outgoing);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const influxUrl = process.argv[2];
  if (influxUrl === undefined) throw new Error('usage: v2-write-proxy.js <influxUrl>');
  void startV2WriteProxy(influxUrl).then((port) => process.stdout.write(`port ${port}\n`));
}
