import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';

/*
 * The one application every framework's test builds, route for route, so that one
 * scenario list (recorded-requests.ts) checks them all:
 *   GET  /users/:id        200 JSON; the handler adds its own counter and a dimension
 *   POST /echo             reads the body, answers "received <n>"
 *   GET  /stream           three chunks (100, 200, 300 bytes) written over three turns
 *   GET  /stream-forever   one 1,000-byte chunk, then waits for the client to go away
 *   GET  /slow             answers only once the test released it (after the client left)
 *   GET  /boom             throws: answered 500 by the framework
 *   GET  /bad-input        throws an error carrying status 400
 *   GET  /healthz          skipped by the instrumentation (skipPaths)
 */

/** A promise with its resolve, for the test and a handler to meet. */
export class Signal<T = void> {
  resolve!: (value: T) => void;
  readonly promise = new Promise<T>((resolve) => (this.resolve = resolve));
}

/** What the handlers tell the test, and what the test tells them; new for each scenario. */
export class ScenarioSignals {
  /** The /slow or /stream-forever handler has started (and written its first chunk). */
  started = new Signal();
  /** The test lets /slow answer (after the client aborted). */
  release = new Signal();
  /** Milliseconds the /stream handler took from its start to its end() call, by its own clock. */
  streamHandlerMs = 0;
  reset(): void {
    this.started = new Signal();
    this.release = new Signal();
    this.streamHandlerMs = 0;
  }
}

export const STREAM_CHUNKS = [100, 200, 300] as const;
export const FOREVER_CHUNK = 1000;
export const SKIPPED_PATHS = ['/healthz', /^\/internal\//];

/** Reads a request body to the end (for frameworks that leave it to the handler). */
export async function readBody(req: IncomingMessage): Promise<number> {
  let bytes = 0;
  for await (const chunk of req) bytes += (chunk as Buffer).length;
  return bytes;
}

/** The /stream body, written over several turns of the event loop. */
export async function writeStream(write: (chunk: string) => void, end: () => void, signals: ScenarioSignals): Promise<void> {
  const begin = performance.now();
  for (const size of STREAM_CHUNKS) {
    write('s'.repeat(size));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  signals.streamHandlerMs = performance.now() - begin;
  end();
}

/** The /stream-forever body: one chunk, then nothing until the client goes away. */
export function foreverStream(signals: ScenarioSignals): PassThrough {
  const stream = new PassThrough();
  stream.write('f'.repeat(FOREVER_CHUNK), () => signals.started.resolve());
  return stream;
}

/** An error a framework answers with status 400. */
export function badInputError(): Error {
  return Object.assign(new Error('bad input'), { status: 400, statusCode: 400 });
}

/** A server under test, listening on a free loopback port. */
export interface AppUnderTest {
  readonly port: number;
  /** Closes it, ending open connections (idempotent). */
  close(): Promise<void>;
}

/** Starts `server` on a free loopback port. */
export async function serveOnLoopback(server: Server): Promise<AppUnderTest> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      (closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
