import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { decodeMetrics } from '../../src/wire/codec.js';
import { LineFormatter } from '../../src/publishers/influxdb/line-formatter.js';

/** Lines per request of the minimal writer, as the issue sets it. */
export const LIMIT_BATCH_LINES = 5000;

/**
 * The points of `messages`, exactly as the InfluxDB publisher would write them, as
 * gzip-compressed bodies of {@link LIMIT_BATCH_LINES} lines each.
 */
export function gzipBatches(messages: readonly string[]): Buffer[] {
  const bodies: Buffer[] = [];
  let lines: string[] = [];
  const flush = (): void => {
    bodies.push(gzipSync(Buffer.from(lines.join('\n'), 'utf8')));
    lines = [];
  };
  const formatter = new LineFormatter(true);
  for (const message of messages) {
    for (const line of formatter.format(decodeMetrics(message)).lines) {
      lines.push(line);
      if (lines.length === LIMIT_BATCH_LINES) flush();
    }
  }
  if (lines.length > 0) flush();
  return bodies;
}

/**
 * The minimal writer: POSTs the pre-compressed bodies to `/write?db=` with `concurrency`
 * requests in flight over keep-alive connections; throws unless each answers 204.
 */
export async function postBatches(influxUrl: string, database: string, bodies: readonly Buffer[], concurrency: number): Promise<void> {
  const target = new URL(influxUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (body: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: `/write?db=${encodeURIComponent(database)}`,
          agent,
          headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Encoding': 'gzip', 'Content-Length': body.length },
        },
        (answer) => {
          let text = '';
          answer.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          answer.on('end', () => (answer.statusCode === 204 ? resolve() : reject(new Error(`write answered ${answer.statusCode}: ${text}`))));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next] as Buffer;
      next += 1;
      await post(body);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
}
