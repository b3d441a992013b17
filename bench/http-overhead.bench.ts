import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { formatRatio, formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { HTTP_BENCH_VARIANTS, type HttpBenchVariant } from './support/http-bench-server.js';
import { MetricsCollector } from '../src/client/metrics-collector.js';
import { HttpRequestRecorder } from '../src/http/http-request-recorder.js';
import { DEFAULT_TIMESTAMP_FORMAT, type Metrics } from '../src/metrics/metrics.js';
import { encodeMetricsTo } from '../src/wire/codec.js';
import { WireWriter } from '../src/wire/writer.js';
import type { Loop } from './support/micro.js';
import { cpuSeconds } from './support/proc-sampler.js';
import { runIfMain } from './support/run-bench-main.js';
import { spawnScript } from './support/spawn-script.js';
import { median } from './support/stats.js';

const TARGET_ADDED_US = 6;
const CONNECTIONS = 8;

/** CPU µs the server process spent per request over one autocannon run. */
async function cpuPerRequest(variant: HttpBenchVariant, context: BenchContext, requests: number, queueKey: string): Promise<number> {
  const server = await spawnScript(new URL('./support/http-bench-server.js', import.meta.url), [
    variant,
    String(context.servers.redisPort),
    queueKey,
  ]);
  try {
    const pid = server.child.pid as number;
    const url = `http://127.0.0.1:${server.firstLine}/users/42`;
    // Warm-up: JIT, connections, the Redis connection.
    await autocannon({ url, connections: CONNECTIONS, amount: Math.max(100, requests / 4) });
    const before = cpuSeconds(pid) ?? Number.NaN;
    const result = await autocannon({ url, connections: CONNECTIONS, amount: requests });
    const used = (cpuSeconds(pid) ?? Number.NaN) - before;
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    return (used * 1e6) / result.requests.total;
  } finally {
    await server.stop();
  }
}

/**
 * One request's life in process, without a network: a request and response object, the
 * response written to a sink, finished and closed; `instrumented` adds Kadabra's
 * recording, closing and encoding (into bytes, as `Kadabra.send()` does).
 */
function requestLoop(instrumented: boolean): Loop {
  let bytes = 0;
  const writer = new WireWriter();
  const client = {
    metrics: () => new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { service: 'api' }),
    send: (metrics: Metrics) => (bytes += encodeMetricsTo(writer, metrics).length),
  };
  const recorder = new HttpRequestRecorder<IncomingMessage>(client, {}, () => '/users/:id', 'bench');
  const socket = new Socket();
  // Takes what the response writes, at once: the response finishes as over a socket, so
  // the request is recorded as answered, not as aborted (which would add an error counter).
  const sink = new Duplex({ write: (_chunk, _encoding, done: () => void) => done(), read: () => undefined });
  return (calls) => {
    for (let i = 0; i < calls; i += 1) {
      const req = new IncomingMessage(socket);
      req.method = 'GET';
      req.url = '/users/42';
      const res = new ServerResponse(req);
      res.assignSocket(sink as Socket);
      if (instrumented) recorder.begin(req, res, req);
      res.end('{"id":"42"}');
      res.detachSocket(sink as Socket);
      res.emit('close');
    }
    if (bytes < 0) throw new Error('unreachable');
  };
}

/**
 * CPU µs per call of `loop`, the median of `samples` samples after a warm-up. CPU time,
 * not wall time: on a shared machine the process is not running all the time it waits.
 */
function cpuMicrosPerCall(loop: Loop, calls: number, samples: number): number {
  loop(calls * 4); // until the JIT has optimised it

  const perCall: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const before = process.cpuUsage();
    loop(calls);
    const used = process.cpuUsage(before);
    perCall.push((used.user + used.system) / calls);
  }
  return median(perCall);
}

/**
 * CPU added per request by the HTTP instrumentation: the same Express app bare, with
 * Kadabra's middleware (recording, encoding and sending each request's message to Redis)
 * and with prom-client's (express-prom-bundle: in-memory histograms, paid again at scrape
 * time), measured in the server process, rounds interleaved.
 */
export async function httpOverheadBench(context: BenchContext): Promise<BenchRow[]> {
  const samples = context.smoke ? 3 : 15;
  const calls = context.smoke ? 200 : 5_000;
  const inProcessUs = cpuMicrosPerCall(requestLoop(true), calls, samples) - cpuMicrosPerCall(requestLoop(false), calls, samples);
  context.log(`http-overhead: record + close + encode in process ${inProcessUs.toFixed(2)} µs/request`);
  const rounds = context.smoke ? 1 : 5;
  const requests = context.smoke ? 300 : 6_000;
  const queueKey = `bench:http:${process.pid}`;
  const cpu: Record<HttpBenchVariant, number[]> = { bare: [], kadabra: [], 'prom-client': [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const variant of HTTP_BENCH_VARIANTS) {
      cpu[variant].push(await cpuPerRequest(variant, context, requests, queueKey));
      context.log(`http-overhead round ${round + 1}: ${variant} ${cpu[variant].at(-1)?.toFixed(2)} µs CPU/request`);
    }
  }
  const redis = new Redis(context.servers.redisPort, '127.0.0.1');
  const queued = await redis.llen(queueKey);
  await redis.del(queueKey);
  redis.disconnect();
  context.log(`http-overhead: ${queued} messages reached Redis`);

  const bare = median(cpu.bare);
  // A smoke run's few hundred requests can make a difference of noise negative; its figures mean nothing.
  const added = (variant: HttpBenchVariant): number => Math.max(context.smoke ? 0 : -Infinity, median(cpu[variant]) - bare);
  const kadabraAdded = added('kadabra');
  const promAdded = added('prom-client');
  const bench = 'http-overhead';
  return [
    {
      bench,
      figure: 'kadabra/http recording + close + encode per request, in process (no socket, no send)',
      ours: formatValue(Math.max(0, inProcessUs), 'µs'),
      value: Math.max(0, inProcessUs),
    },
    { bench, figure: 'Express app, bare: server CPU per request', ours: formatValue(bare, 'µs'), value: bare },
    {
      bench,
      figure: 'CPU added per request by kadabra/express (record, encode, send to Redis)',
      ours: formatValue(kadabraAdded, 'µs'),
      peer: `express-prom-bundle (prom-client): ${formatValue(promAdded, 'µs')}`,
      ratio: formatRatio(kadabraAdded, promAdded),
      target: `≤ ${TARGET_ADDED_US} µs`,
      met: kadabraAdded <= TARGET_ADDED_US,
      value: kadabraAdded,
    },
  ];
}

runIfMain(import.meta.url, httpOverheadBench);
