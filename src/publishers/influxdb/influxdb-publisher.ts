import { constants as zlibConstants, gzipSync } from 'node:zlib';
import { TransientPublishError } from '../../errors/publish-error.js';
import { componentLogger, createLogger, type KadabraLogger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { ProbeResult, Publisher, PublisherOptions, PublishOutcome, RejectedMessage } from '../publisher.js';
import { PublisherWork } from '../publisher-work.js';
import { classifyWriteAnswer, fixForRefusal, type WriteVerdict } from './classify-write-answer.js';
import { errorText } from '../http-writes/error-text.js';
import { influxDBTlsOptions, resolveEndpoint, type InfluxDBEndpoint } from './influxdb-endpoint.js';
import { parsePublisherArgs } from '../publisher-types.js';
import { INFLUXDB_PUBLISHER_DEFAULT_ARGS, type InfluxDBPublisherArgs } from './influxdb-publisher-args.js';
import { HttpTimeoutError, KeepAliveClient, type HttpAnswer } from '../http-writes/keep-alive-client.js';
import { LineFormatter } from './line-formatter.js';
import { LogLimiter } from '../../logging/log-limiter.js';
import { RefusalEvidence } from './refusal-evidence.js';
import { unwritableReason } from './unwritable-reason.js';
import { groupUnits, halve, type WriteUnit } from './write-unit.js';
import { secondsToMilliseconds } from '../../config/duration-seconds.js';

/** Write requests one publish keeps in flight. */
const REQUESTS_IN_FLIGHT = 2;

/** Setup problems and outages are logged at most this often (per distinct text). */
const LOG_INTERVAL_MS = 60_000;

/** A write without data: InfluxDB answers 204 to a comment line and stores nothing. */
const PROBE_BODY = '# kadabra write check';

/** Why a message can never be written, and the class of that reason (`RejectedMessage.reasonClass`). */
interface Rejection {
  readonly reason: string;
  readonly reasonClass: 'invalid' | 'too_large' | 'refused';
}

/** One publish in progress. */
interface PublishRun {
  /** Messages that can never be written (checks that need no server, or evidence), by index. */
  readonly rejected: Map<number, Rejection>;
  /** Messages the server refused alone in a request, not yet judged, by index. */
  readonly refused: Map<number, string>;
  /** Requests the server wrote in full. */
  written: number;
  /** The write without data, once one was needed. */
  probe: Promise<void> | undefined;
}

/** Options of `InfluxDBPublisher` (`args`: `host`, `port`, `database`, `timeout`, ...); it logs as `kadabra.publisher`. */
export type InfluxDBPublisherOptions = PublisherOptions<InfluxDBPublisherArgs>;

/**
 * Publishes metrics to InfluxDB over its HTTP write API. Each counter, timer and gauge is
 * one point: measurement = metric name, tags = dimensions, float field `value`, timers also
 * string field `unit`, gauges also string field `kadabra_kind="gauge"`, metadata as string
 * fields (`value`, `unit` and `kadabra_kind` win over metadata of the same name). Strings InfluxDB cannot hold as given are stored in one reversible
 * form (see `encodeStoredText`); timestamps are nanoseconds whose sub-microsecond part
 * comes from the message, so republishing writes the same points.
 *
 * A batch goes out in requests of about `max_lines_per_request` lines. A refused request
 * is split until the refused messages stand alone. A message refused alone while InfluxDB
 * wrote others is returned in `rejected` with InfluxDB's reason; when nothing was written,
 * a write without data tells the setup from the data: refused too, the publish throws
 * (the setup is wrong: wrong scheme, a proxy); accepted, the messages are `held` (see
 * `RefusalEvidence`). Outages and setup problems (missing database, bad credentials,
 * every write refused) throw `TransientPublishError`, the latter logged at error level
 * with the server's text and the fix.
 */
export class InfluxDBPublisher implements Publisher {
  /** Default arguments (the original's `InfluxDBPublisher.DEFAULT_ARGS`, extended). */
  static readonly DEFAULT_ARGS = INFLUXDB_PUBLISHER_DEFAULT_ARGS;

  /** The resolved arguments. */
  readonly args: Readonly<InfluxDBPublisherArgs>;
  private readonly endpoint: InfluxDBEndpoint;
  private readonly client: KeepAliveClient;
  private readonly logger: KadabraLogger;
  private readonly logLimiter = new LogLimiter(LOG_INTERVAL_MS);
  private readonly work = new PublisherWork('InfluxDBPublisher');
  private readonly formatter: LineFormatter;
  private readonly evidence = new RefusalEvidence();
  private databaseReady: Promise<void> | undefined;

  /**
   * Reads the TLS files now, so a wrong path fails at startup.
   * @throws ConfigurationError naming the argument that is not accepted.
   */
  constructor(options: InfluxDBPublisherOptions = {}) {
    this.args = parsePublisherArgs('influxdb', options.args);
    this.endpoint = resolveEndpoint(this.args);
    this.client = new KeepAliveClient({
      base: this.endpoint.base,
      timeoutMs: secondsToMilliseconds(this.args.timeout),
      tls: influxDBTlsOptions(this.args, this.endpoint),
    });
    this.formatter = new LineFormatter(this.args.api === 'v1');
    this.logger = componentLogger(options.logger ?? createLogger(), 'kadabra.publisher');
  }

  /**
   * Writes every message of `batch`, or reports it in `rejected` (dead-letter it) or
   * `held` (try it again later) with InfluxDB's reason.
   * @throws TransientPublishError when InfluxDB is unreachable, slow, overloaded (with its
   *   Retry-After) or not set up (database missing, credentials refused).
   */
  publish(batch: readonly Metrics[]): Promise<PublishOutcome> {
    return this.work.publish(() => this.publishBatch(batch));
  }

  /**
   * Sends the write without data (`# kadabra write check`, after creating the database
   * when `create_database` is set), the agent's readiness probe. A write rather than
   * `/ping`: `/ping` answers while the database is missing, the credentials are refused or
   * the user may not write, and each of those stops publishing as surely as an outage; the
   * write goes through all of them and stores nothing.
   */
  probe(): Promise<ProbeResult> {
    return this.work.probe(async (): Promise<ProbeResult> => {
      try {
        await this.ensureDatabase();
        await this.writeCheck();
        // InfluxDB answers again: the next outage or setup problem is logged at once.
        this.logLimiter.reset();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    });
  }

  /** Waits for publishes in flight, then closes the connections. Idempotent. */
  close(): Promise<void> {
    return this.work.close(() => this.client.close());
  }

  private async publishBatch(batch: readonly Metrics[]): Promise<PublishOutcome> {
    const run: PublishRun = { rejected: new Map(), refused: new Map(), written: 0, probe: undefined };
    const groups = groupUnits(this.writeUnits(batch, run.rejected), this.args.max_lines_per_request);
    await this.writeGroups(groups, run);
    if (run.written > 0) this.logLimiter.reset();
    const held = this.judgeRefused(batch, run);
    if (run.rejected.size > 0) {
      const [firstIndex, { reason: firstReason }] = [...run.rejected][0] as [number, Rejection];
      this.logger.error(
        { endpoint: this.endpoint.description, rejected: run.rejected.size, index: firstIndex, reason: firstReason },
        `InfluxDB cannot store ${run.rejected.size} of ${batch.length} message(s); they are dead-lettered; first: ${firstReason}`,
      );
    }
    const rejected = [...run.rejected]
      .sort(([a], [b]) => a - b)
      .map(([index, { reason, reasonClass }]) => ({ index, reason, reasonClass }));
    return held.size === 0 ? { rejected } : { rejected, held: byIndex(held) };
  }

  /**
   * Turns the messages the server refused alone into rejections or holds. Refused while
   * the server wrote the rest of the batch: evidence, rejected. Refused with nothing
   * written (the server answered a write without data, or it would have failed earlier):
   * held, unless the server has accepted other writes since it was last refused.
   * @returns the held messages, by index, with the server's reason.
   */
  private judgeRefused(batch: readonly Metrics[], run: PublishRun): Map<number, string> {
    const held = new Map<number, string>();
    for (const [index, reason] of run.refused) {
      if (run.written > 0) {
        run.rejected.set(index, { reason, reasonClass: 'refused' });
      } else if (this.evidence.refusedAgain(this.formatter.format(batch[index] as Metrics).lines)) {
        run.rejected.set(index, {
          reason: `${reason} (refused alone again after InfluxDB had accepted other writes)`,
          reasonClass: 'refused',
        });
      } else {
        held.set(index, reason);
      }
    }
    if (held.size > 0) {
      const [first] = held.values();
      const suppressed = this.logLimiter.admit(`held:${first ?? ''}`);
      if (suppressed !== undefined) {
        this.logger.error(
          { endpoint: this.endpoint.description, held: held.size, suppressed, reason: first },
          `InfluxDB at ${this.endpoint.description} refuses ${held.size} message(s) and wrote nothing else of their batch: ${first ?? ''}; ` +
            'they stay in progress and are tried again (dead-lettered only if InfluxDB accepts other writes meanwhile and still refuses them alone); ' +
            'fix: if InfluxDB is at a limit (max-series-per-database, max-values-per-tag), raise it',
        );
      }
    }
    return held;
  }

  /** The lines of each message InfluxDB can store, made as they are asked for; the others go to `rejected`. */
  private *writeUnits(batch: readonly Metrics[], rejected: Map<number, Rejection>): Generator<WriteUnit> {
    for (const [index, metrics] of batch.entries()) {
      const reason = unwritableReason(metrics);
      if (reason !== undefined) {
        rejected.set(index, { reason, reasonClass: 'invalid' });
        continue;
      }
      // Identical bytes are one message delivered twice (a client re-send after an
      // unacknowledged write, a nanny republish): they map to the same points on purpose.
      // Distinct sends never share bytes: serialized_at increases strictly in a process
      // and carries a per-process lane across processes (src/time/clock.ts).
      const { lines, unstorable } = this.formatter.format(metrics);
      if (unstorable !== undefined) rejected.set(index, { reason: unstorable, reasonClass: 'invalid' });
      else if (lines.length > 0) yield { index, lines };
    }
  }

  /**
   * Writes the groups with up to `REQUESTS_IN_FLIGHT` requests at a time, so InfluxDB
   * parses one while the next is made. After a failure no new request starts; the first
   * failure is thrown once the others have settled.
   */
  private async writeGroups(groups: Iterator<WriteUnit[]>, run: PublishRun): Promise<void> {
    let failure: { error: unknown } | undefined;
    const lane = async (): Promise<void> => {
      while (failure === undefined) {
        const next = groups.next();
        if (next.done === true) return;
        try {
          await this.ensureDatabase();
          await this.writeGroup(next.value, run, true);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, lane));
    if (failure !== undefined) throw failure.error;
  }

  private async writeGroup(group: readonly WriteUnit[], run: PublishRun, mayCreate: boolean): Promise<void> {
    const verdict = await this.send(linesOf(group));
    switch (verdict.kind) {
      case 'written':
        run.written += 1;
        this.evidence.accepted();
        return;
      case 'refused':
      case 'too-large': {
        // A refusal before anything was written may be the setup (a wrong scheme, a proxy):
        // one write without data tells, before the batch is split into many requests.
        if (verdict.kind === 'refused' && run.written === 0) await (run.probe ??= this.writeCheck());
        // Only a single message is refused for its data; a whole group is split until
        // the refused ones stand alone. Re-sending the good points is harmless: same points.
        const halves = verdict.kind === 'refused' && group.length === 1 ? undefined : halve(group);
        if (halves === undefined) {
          const index = (group[0] as WriteUnit).index;
          if (verdict.kind === 'too-large') {
            if (!run.rejected.has(index)) {
              run.rejected.set(index, { reason: `too large for one request: ${verdict.reason}`, reasonClass: 'too_large' });
            }
          } else if (!run.refused.has(index)) {
            run.refused.set(index, verdict.reason);
          }
          return;
        }
        for (const half of halves) await this.writeGroup(half, run, mayCreate);
        return;
      }
      case 'misconfigured':
        if (mayCreate && this.args.create_database && /database not found/i.test(verdict.reason)) {
          this.databaseReady = undefined;
          await this.ensureDatabase();
          return this.writeGroup(group, run, false);
        }
        throw this.setupError(`write refused: ${verdict.reason}`, verdict);
      case 'unavailable':
        throw this.outage(verdict.reason, undefined, verdict.retryAfterMs);
    }
  }

  /**
   * Sends a write without data (a comment line: InfluxDB answers 204 and stores nothing).
   * Refused too, the refusal is about the setup, not the messages: it throws, and they stay
   * in progress until the setup is fixed.
   */
  private async writeCheck(): Promise<void> {
    const verdict = await this.send(PROBE_BODY);
    switch (verdict.kind) {
      case 'written':
        return;
      case 'unavailable':
        throw this.outage(verdict.reason, undefined, verdict.retryAfterMs);
      case 'misconfigured':
        throw this.setupError(`write refused: ${verdict.reason}`, verdict);
      default:
        throw this.setupError(`every write is refused, even one without data: ${verdict.reason}`, {
          kind: 'misconfigured',
          reason: verdict.reason,
          fix: fixForRefusal(verdict.reason),
        });
    }
  }

  private async send(text: string): Promise<WriteVerdict> {
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
    let body = Buffer.from(text, 'utf8');
    if (this.args.gzip) {
      // Line protocol compresses 11x at the fastest level and 12x at the default, which
      // costs more than twice the CPU: the agent shares its host with the application.
      // On the event loop (under 2 ms for 5,000 lines): the threadpool's gzip measured
      // 15% slower end to end and grew the agent's RSS by 8 MB (its threads' malloc arenas,
      // most likely).
      body = gzipSync(body, { level: zlibConstants.Z_BEST_SPEED });
      headers['Content-Encoding'] = 'gzip';
    }
    const answer = await this.post(this.endpoint.writePath, body, headers);
    return classifyWriteAnswer(answer, { database: this.args.database, api: this.args.api });
  }

  private async post(path: string, body: Buffer, headers: Record<string, string>): Promise<HttpAnswer> {
    if (this.endpoint.authorization !== undefined) headers['Authorization'] = this.endpoint.authorization;
    try {
      return await this.client.post(path, body, headers);
    } catch (error) {
      const reason =
        error instanceof HttpTimeoutError
          ? `InfluxDB did not answer within ${this.args.timeout} s (timeout)`
          : `cannot reach InfluxDB: ${describeNetworkError(error)}`;
      throw this.outage(reason, error, undefined);
    }
  }

  /** Creates the database once when `create_database` is set (1.x); retried on the next publish if it fails. */
  private ensureDatabase(): Promise<void> {
    if (!this.args.create_database || this.args.api !== 'v1') return Promise.resolve();
    this.databaseReady ??= this.createDatabase().catch((error: unknown) => {
      this.databaseReady = undefined;
      throw error;
    });
    return this.databaseReady;
  }

  private async createDatabase(): Promise<void> {
    const statement = `CREATE DATABASE "${this.args.database.replace(/[\\"]/g, '\\$&')}"`;
    const body = Buffer.from(new URLSearchParams({ q: statement }).toString());
    const answer = await this.post(this.endpoint.queryPath, body, { 'Content-Type': 'application/x-www-form-urlencoded' });
    const failure = queryFailure(answer);
    if (failure === undefined) {
      this.logger.info({ endpoint: this.endpoint.description }, `created the database (${statement})`);
      return;
    }
    // influxd answers 200 with this error while it shuts down: an outage, not a setup problem
    // (the chaos suite caught an agent logging "create the database by hand" for it).
    if (/query engine shutdown/i.test(failure)) throw this.outage(failure, undefined, undefined);
    const verdict = classifyWriteAnswer(answer, { database: this.args.database, api: this.args.api });
    if (verdict.kind === 'unavailable') throw this.outage(verdict.reason, undefined, verdict.retryAfterMs);
    throw this.setupError(`${statement} failed: ${failure}`, {
      kind: 'misconfigured',
      reason: failure,
      fix: verdict.kind === 'misconfigured' ? verdict.fix : 'create the database by hand, or let the user create it (ALL PRIVILEGES)',
    });
  }

  private setupError(what: string, verdict: Extract<WriteVerdict, { kind: 'misconfigured' }>): TransientPublishError {
    const message = `InfluxDB at ${this.endpoint.description}: ${what}; fix: ${verdict.fix}`;
    const suppressed = this.logLimiter.admit(`setup:${verdict.reason}`);
    if (suppressed !== undefined) {
      this.logger.error({ endpoint: this.endpoint.description, suppressed, fix: verdict.fix }, message);
    }
    return new TransientPublishError(message);
  }

  private outage(reason: string, cause: unknown, retryAfterMs: number | undefined): TransientPublishError {
    const message = `InfluxDB at ${this.endpoint.description} is unavailable: ${reason}`;
    const suppressed = this.logLimiter.admit('outage');
    if (suppressed !== undefined) {
      this.logger.warn({ endpoint: this.endpoint.description, suppressed, retryAfterMs }, message);
    }
    return new TransientPublishError(message, { cause, retryAfterMs });
  }
}

/** The lines of a group as one request body. */
function linesOf(group: readonly WriteUnit[]): string {
  const lines: string[] = [];
  for (const unit of group) for (const line of unit.lines) lines.push(line);
  return lines.join('\n');
}

function byIndex(messages: ReadonlyMap<number, string>): RejectedMessage[] {
  return [...messages].sort(([a], [b]) => a - b).map(([index, reason]) => ({ index, reason }));
}

function describeNetworkError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.includes(code) ? `${code} ${message}` : message;
}

/** The error of an InfluxQL answer (HTTP status or `results[0].error`), undefined on success. */
function queryFailure(answer: HttpAnswer): string | undefined {
  if (answer.status < 200 || answer.status >= 300) return errorText(answer);
  try {
    const parsed = JSON.parse(answer.body) as { results?: { error?: unknown }[]; error?: unknown };
    const error = parsed.results?.[0]?.error ?? parsed.error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}
