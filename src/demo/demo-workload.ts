import type { Kadabra } from '../client/kadabra.js';
import { Units } from '../metrics/unit.js';

const ROUTES = [
  { method: 'GET', route: '/search' },
  { method: 'POST', route: '/checkout' },
  { method: 'GET', route: '/products/:id' },
  { method: 'POST', route: '/login' },
] as const;

/** A small deterministic generator, so two demo runs look alike. */
function sequence(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Python Kadabra 0.5.0's fib.py: computes the `n`th Fibonacci number, counting the loop
 * iterations and timing the run, with the dimension `program=fibonacci`.
 */
export function fibonacci(client: Kadabra, n: number): bigint {
  const metrics = client.metrics();
  metrics.setDimension('program', 'fibonacci');
  const stop = metrics.startTimer('runTime', Units.MILLISECONDS);
  let a = 0n;
  let b = 1n;
  for (let i = 0; i < n; i += 1) {
    metrics.addCount('iterations', 1);
    [a, b] = [b, a + b];
  }
  stop();
  client.send(metrics.close());
  return a;
}

/**
 * One request-like unit of work as a web handler would record it: dimensions for the
 * route, method and status; a request id as metadata; a latency timer around the
 * (simulated) work, and a response size counter.
 */
export async function handleRequest(client: Kadabra, requestNumber: number, random: () => number): Promise<string> {
  const { method, route } = ROUTES[requestNumber % ROUTES.length] ?? ROUTES[0];
  const metrics = client.metrics();
  metrics.setDimension('service', 'demo-api');
  metrics.setDimension('method', method);
  metrics.setDimension('route', route);
  const requestId = `req-${String(requestNumber).padStart(4, '0')}`;
  const stop = metrics.startTimer('latency', Units.MILLISECONDS, { metadata: { requestId } });
  await sleep(5 + Math.floor(random() * 30));
  stop();
  const status = random() < 0.85 ? '200' : random() < 0.5 ? '404' : '500';
  metrics.setDimension('status', status);
  metrics.addCount('requests', 1, { metadata: { requestId } });
  metrics.addCount('responseBytes', status === '200' ? 500 + Math.floor(random() * 4000) : 120);
  client.send(metrics.close());
  return `${method} ${route} ${status}`;
}

/** Options of `runDemoWorkload`. */
export interface DemoWorkloadOptions {
  /** Ends the workload (after the round in flight). */
  readonly signal: AbortSignal;
  /** Milliseconds between rounds. Default 1000. */
  readonly intervalMs?: number;
  /** Requests per round. Default 2. */
  readonly requestsPerRound?: number;
  /** Told what each round did, once it has sent its metrics. */
  readonly onRound?: (round: DemoRound) => void;
}

/** What one round of the workload did. */
export interface DemoRound {
  /** 1 for the first round. */
  readonly round: number;
  /** The Fibonacci number computed and its result. */
  readonly n: number;
  readonly fibonacci: bigint;
  /** Each request as `METHOD route status`. */
  readonly requests: readonly string[];
}

/**
 * Runs rounds of the sample workload until `signal` aborts: each round one Fibonacci
 * computation (N from 20 to 29) and a few requests. Resolves how many rounds ran.
 */
export async function runDemoWorkload(client: Kadabra, options: DemoWorkloadOptions): Promise<number> {
  const { signal, intervalMs = 1000, requestsPerRound = 2, onRound } = options;
  const random = sequence(42);
  let rounds = 0;
  let requests = 0;
  while (!signal.aborted) {
    const n = 20 + (rounds % 10);
    const value = fibonacci(client, n);
    const handled = await Promise.all(
      Array.from({ length: requestsPerRound }, () => handleRequest(client, (requests += 1), random)),
    );
    rounds += 1;
    onRound?.({ round: rounds, n, fibonacci: value, requests: handled });
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, intervalMs);
      signal.addEventListener('abort', done, { once: true });
    });
  }
  return rounds;
}
