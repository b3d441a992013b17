import { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsCollector } from '../client/metrics-collector.js';
import { Units } from '../metrics/unit.js';
import { resolveHttpOptions, UNMATCHED_ROUTE, type MetricsClient, type ResolvedHttpOptions } from './http-instrumentation-options.js';

/** The names of the metrics recorded for every request. */
export const HTTP_METRICS = {
  /** Counter, 1 per request. */
  requests: 'http_requests',
  /** Counter, 1 for a request that failed (status 5xx, handler threw, connection closed first); absent otherwise. */
  errors: 'http_errors',
  /** Counter: bytes of the request body received while the request was handled. */
  requestBytes: 'http_request_bytes',
  /** Counter: bytes of the response body handed to Node's HTTP layer (after any compression). */
  responseBytes: 'http_response_bytes',
  /** Timer in milliseconds: from the request's head parsed to the response finished (or the connection closed). */
  duration: 'http_request_duration',
} as const;

/** Why a request counts in `http_errors`: the counter's `reason` metadata. */
export type HttpErrorReason = 'thrown' | 'aborted' | 'status';

/**
 * The `status` dimension of a request whose connection closed before a status was sent
 * (nginx's code for "client closed request").
 */
export const CLOSED_BEFORE_RESPONSE_STATUS = '499';

/**
 * The latest recording of each request, by request; a response finds its request's as
 * `res.req` (Node sets it on every server response).
 */
const RECORDINGS = new WeakMap<IncomingMessage, RequestRecording>();

type Chunk = string | Uint8Array | null | undefined;

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

/**
 * Records one request into its own collector and sends it once, when the response's
 * connection is done with it (`close`: after `finish`, or when the client went away).
 * The counting functions below find the request's recordings: the latest, and through
 * `earlier` those that began before it on the same request (instrumentation added
 * twice), which count the same bytes and are sent first.
 */
class RequestRecording {
  /** Monotonic milliseconds (`performance.now()`) when the recording began. */
  readonly started = performance.now();
  requestBytes = 0;
  responseBytes = 0;
  /** The route, taken when the response starts: the framework's routing state is the handler's then. */
  route: string | undefined;
  thrown = false;
  private done = false;

  constructor(
    private readonly recorder: { routeOf(recording: RequestRecording): string; send(recording: RequestRecording): void },
    readonly source: unknown,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly collector: MetricsCollector,
    private readonly earlier: RequestRecording | undefined,
  ) {}

  /** Adds request body bytes to this recording and the earlier ones. */
  received(bytes: number): void {
    this.requestBytes += bytes;
    this.earlier?.received(bytes);
  }

  /** Adds response body bytes to this recording and the earlier ones, each taking its route at the first byte out. */
  responded(bytes: number): void {
    this.responding();
    this.responseBytes += bytes;
    this.earlier?.responded(bytes);
  }

  /** Takes the route at the first byte out. */
  responding(): void {
    if (this.route === undefined) this.route = this.recorder.routeOf(this);
  }

  /** Sends the earlier recordings, then this one; each once. */
  finish(): void {
    this.earlier?.finish();
    if (this.done) return;
    this.done = true;
    this.recorder.send(this);
  }
}

/** The recording of a server response's request, if it is recorded. */
function recordingOf(res: ServerResponse): RequestRecording | undefined {
  const req = (res as { req?: IncomingMessage }).req;
  return req === undefined ? undefined : RECORDINGS.get(req);
}

/** `close` of a recorded response (after `finish`, or when the client went away); a second one changes nothing. */
function responseClosed(this: ServerResponse): void {
  recordingOf(this)?.finish();
}

/** Finds the recording a counted call belongs to, from the request or response it was called on. */
type FindRecording<T> = (self: T) => RequestRecording | undefined;

/** `push` that counts request body bytes, then calls `push`: Node's parser hands each body chunk to it, read or not. */
function countingPush(push: IncomingMessage['push'], find: FindRecording<IncomingMessage>): IncomingMessage['push'] {
  return function countedPush(this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding): boolean {
    find(this)?.received(byteLength(chunk, encoding));
    return push.call(this, chunk, encoding);
  };
}

/** `write` that counts response body bytes, then calls `write`. */
function countingWrite(write: ServerResponse['write'], find: FindRecording<ServerResponse>): ServerResponse['write'] {
  return function countedWrite(this: ServerResponse, chunk: Chunk, encoding?: unknown): boolean {
    find(this)?.responded(byteLength(chunk, encoding));
    // eslint-disable-next-line prefer-rest-params
    return Reflect.apply(write, this, arguments) as boolean;
  } as ServerResponse['write'];
}

/** `end` that counts its response body bytes, then calls `end`. */
function countingEnd(end: ServerResponse['end'], find: FindRecording<ServerResponse>): ServerResponse['end'] {
  return function countedEnd(this: ServerResponse, chunk?: unknown, encoding?: unknown): ServerResponse {
    find(this)?.responded(typeof chunk !== 'function' && !this.writableEnded ? byteLength(chunk, encoding) : 0);
    // eslint-disable-next-line prefer-rest-params
    return Reflect.apply(end, this, arguments) as ServerResponse;
  } as ServerResponse['end'];
}

/**
 * The `metrics` accessor: the latest recording's collector, else what `previous` (an
 * accessor this one replaced) reads. An application's own `req.metrics = ...` stays its
 * own, on that request.
 */
function metricsAccessor(previous?: PropertyDescriptor): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: false,
    get(this: IncomingMessage): MetricsCollector | undefined {
      return RECORDINGS.get(this)?.collector ?? (previous?.get?.call(this) as MetricsCollector | undefined);
    },
    set(this: IncomingMessage, value: unknown): void {
      Object.defineProperty(this, 'metrics', { value, writable: true, configurable: true, enumerable: true });
    },
  };
}

/** Whether this copy of the module has installed its counting. */
let installed = false;

/**
 * Puts the byte counting and `req.metrics` on Node's own `IncomingMessage` and
 * `ServerResponse` prototypes, once per copy of this module (another copy, with its own
 * recordings, chains its functions in front of these); a request or response that is
 * not recorded passes straight through (one `WeakMap` lookup).
 *
 * Why on the prototypes rather than on each request and response: Express gives every
 * request and response its app's own prototype, and V8 then copies the object's map
 * (with its 40-odd properties) for each property added to it. Three
 * such properties per request (`req.metrics`, `res.write`, `res.end`) were most of what
 * the instrumentation cost in an Express server, measured with a CPU profile under load.
 * Every framework's prototypes inherit from Node's, so every request of every app and
 * mounted sub-app is counted. A method set on the instance (a compression middleware's
 * `res.write`) calls these in turn: the response bytes are those handed to Node's HTTP
 * layer, after any compression, whatever the middleware order. Objects that are not
 * Node's (Fastify's `inject`) get the same functions on themselves (`countOnInstances`).
 */
function installCounting(): void {
  if (installed) return;
  installed = true;
  const requests = IncomingMessage.prototype;
  const responses = ServerResponse.prototype;
  const ofRequest = (req: IncomingMessage): RequestRecording | undefined => RECORDINGS.get(req);
  requests.push = countingPush(requests.push, ofRequest);
  responses.write = countingWrite(responses.write, recordingOf);
  responses.end = countingEnd(responses.end, recordingOf);
  Object.defineProperty(requests, 'metrics', metricsAccessor(Object.getOwnPropertyDescriptor(requests, 'metrics')));
}

/** Whether a request inherits from Node's `IncomingMessage` (and so from its counting). */
function isNodeRequest(req: IncomingMessage): boolean {
  return req instanceof IncomingMessage;
}

/** Whether a response inherits from Node's `ServerResponse` (and so from its counting). */
function isNodeResponse(res: ServerResponse): boolean {
  return res instanceof ServerResponse;
}

/**
 * For a request or response that does not inherit from Node's (a test double such as
 * Fastify's `inject`, whose request is a plain `Readable`): the counting functions and
 * `metrics` set on the object itself, as the prototypes' would do, and a `close` listener
 * that finds the recording by this request (such a response may have no `req`).
 */
function countOnInstances(req: IncomingMessage, res: ServerResponse): void {
  const ofThisRequest = (): RequestRecording | undefined => RECORDINGS.get(req);
  if (!isNodeRequest(req)) {
    req.push = countingPush(req.push, ofThisRequest);
    Object.defineProperty(req, 'metrics', metricsAccessor());
  }
  if (!isNodeResponse(res)) {
    res.write = countingWrite(res.write, ofThisRequest);
    res.end = countingEnd(res.end, ofThisRequest);
  }
  res.on('close', () => ofThisRequest()?.finish());
}

/**
 * The shared core of `kadabra/http`, `kadabra/express` and `kadabra/fastify`: one
 * collector per request, the request's dimensions, counters and timer, sent once.
 * `Source` is what the framework's route template is read from (its request object).
 */
export class HttpRequestRecorder<Source> {
  private readonly options: ResolvedHttpOptions;
  private readonly client: MetricsClient;
  private warnedClosed = false;
  private warnedRoute = false;

  /**
   * @param templateOf - The framework's route template of a request, `undefined` when no route matched.
   * @param where - The entry point, for error messages and warnings.
   * @throws InvalidArgumentError for a bad client or option.
   */
  constructor(
    client: unknown,
    options: unknown,
    private readonly templateOf: (source: Source) => string | undefined,
    private readonly where: string,
  ) {
    this.options = resolveHttpOptions(client, options, where);
    this.client = client as MetricsClient;
    installCounting();
  }

  /**
   * Starts recording a request, unless its path is skipped: a collector on `req.metrics`
   * (also returned), the body bytes counted both ways, the message sent when the response closes.
   * Call it synchronously from the request listener, before the body is read.
   */
  begin(req: IncomingMessage, res: ServerResponse, source: Source): MetricsCollector | undefined {
    if (this.options.skipPaths.length > 0 && this.skipped(req)) return undefined;
    const collector = this.client.metrics();
    const earlier = RECORDINGS.get(req);
    const recording = new RequestRecording(this, source, req, res, collector, earlier);
    const options = this.options;
    if (options.method) collector.setDimension('method', req.method ?? '');
    // Placeholders keep the dimensions in this order; both are set when the request ends.
    if (options.route) collector.setDimension('route', '');
    if (options.status) collector.setDimension('status', '');
    // `req.metrics` reads the latest recording (see installCounting).
    RECORDINGS.set(req, recording);
    // A request instrumented again is counted and closed by what is already in place.
    if (earlier === undefined) {
      if (isNodeRequest(req) && isNodeResponse(res)) res.on('close', responseClosed);
      else countOnInstances(req, res);
    }
    return collector;
  }

  /** Marks the request's error as thrown by its handler (a no-op for a request not recorded). */
  static markThrown(req: IncomingMessage): void {
    const recording = RECORDINGS.get(req);
    if (recording !== undefined) recording.thrown = true;
  }

  private skipped(req: IncomingMessage): boolean {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    for (const skip of this.options.skipPaths) {
      if (typeof skip === 'string' ? skip === path : skip.test(path)) return true;
    }
    return false;
  }

  /** @internal The `route` dimension of a recording. */
  routeOf(recording: RequestRecording): string {
    let template: string | undefined;
    let route: unknown;
    try {
      template = this.templateOf(recording.source as Source);
      route = this.options.normalizeRoute(template, recording.req);
    } catch (error) {
      this.warnRoute(`normalizeRoute threw ${error instanceof Error ? error.message : String(error)}`);
      return template ?? UNMATCHED_ROUTE;
    }
    if (typeof route === 'string') return route;
    this.warnRoute(`normalizeRoute returned ${typeof route}, not a string`);
    return template ?? UNMATCHED_ROUTE;
  }

  /** @internal Completes a recording's collector and sends it. */
  send(recording: RequestRecording): void {
    const { collector, req, res } = recording;
    if (collector.closed) {
      this.warnClosedOnce();
      return;
    }
    const finished = res.writableFinished;
    const status = res.headersSent ? String(res.statusCode) : CLOSED_BEFORE_RESPONSE_STATUS;
    if (this.options.route) {
      recording.responding();
      collector.setDimension('route', recording.route as string);
    }
    if (this.options.status) collector.setDimension('status', status);
    collector.addCount(HTTP_METRICS.requests, 1);
    const reason: HttpErrorReason | undefined = recording.thrown
      ? 'thrown'
      : !finished
        ? 'aborted'
        : res.statusCode >= 500
          ? 'status'
          : undefined;
    if (reason !== undefined) collector.addCount(HTTP_METRICS.errors, 1, { metadata: { reason } });
    collector.addCount(HTTP_METRICS.requestBytes, recording.requestBytes);
    // Node sends no body for these, whatever the application wrote.
    const bodiless = req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    collector.addCount(HTTP_METRICS.responseBytes, bodiless ? 0 : recording.responseBytes);
    collector.setTimer(HTTP_METRICS.duration, performance.now() - recording.started, Units.MILLISECONDS);
    this.client.send(collector.close());
  }

  private warnClosedOnce(): void {
    if (this.warnedClosed) return;
    this.warnedClosed = true;
    process.emitWarning(
      `${this.where}: a request's collector (req.metrics) was closed by the application, so its request was not ` +
        'recorded; add metrics to req.metrics and let the instrumentation close and send it',
      { code: 'KADABRA_HTTP_COLLECTOR_CLOSED' },
    );
  }

  private warnRoute(what: string): void {
    if (this.warnedRoute) return;
    this.warnedRoute = true;
    process.emitWarning(
      `${this.where}: ${what}; the route template (or 'unmatched') was used instead; make normalizeRoute return a string`,
      { code: 'KADABRA_HTTP_ROUTE' },
    );
  }
}
