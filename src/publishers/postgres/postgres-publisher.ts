import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ConfigurationError } from '../../errors/configuration-error.js';
import { TransientPublishError } from '../../errors/publish-error.js';
import { LogLimiter } from '../../logging/log-limiter.js';
import { componentLogger, createLogger, type KadabraLogger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { MessageIdentity, ProbeResult, Publisher, PublisherOptions, PublishOutcome, RejectedMessage } from '../publisher.js';
import { PublisherWork } from '../publisher-work.js';
import { parsePublisherArgs } from '../publisher-types.js';
import { classifyPostgresError, errorReason, type PostgresVerdict } from './classify-postgres-error.js';
import { postgresTarget, withoutSecret, type PostgresTarget } from './postgres-connection.js';
import { POSTGRES_PUBLISHER_DEFAULT_ARGS, type PostgresPublisherArgs } from './postgres-publisher-args.js';
import { copyRows, POINT_COLUMNS } from './postgres-rows.js';
import {
  applySchema,
  checkSchema,
  maintainPartitions,
  SchemaNotReadyError,
  tableNames,
  type TableNames,
} from './postgres-schema.js';

/** Setup problems and outages are logged at most this often (per distinct text). */
const LOG_INTERVAL_MS = 60_000;

/** How often partitions are created ahead and old ones dropped. */
const MAINTENANCE_INTERVAL_MS = 3_600_000;

/** The session's staging table: COPY lands here, one INSERT ... SELECT moves it on. */
const STAGING = 'kadabra_staging';

/** The COPY text of one message's rows. */
interface CopyUnit {
  readonly index: number;
  readonly rows: string;
}

/** One publish in progress. */
interface PublishRun {
  /** Messages refused alone, by index, with PostgreSQL's reason. */
  readonly refused: Map<number, string>;
  /** Messages written (in statements that committed). */
  written: number;
}

/** Options of `PostgresPublisher`; it logs as `kadabra.publisher`. */
export type PostgresPublisherOptions = PublisherOptions<PostgresPublisherArgs>;

/**
 * Publishes metrics to a PostgreSQL table, one row per counter, timer and gauge (see
 * docs/postgres.md for the table). Each batch is COPYed into a temporary staging table
 * and moved on by one `INSERT ... SELECT ... ON CONFLICT DO NOTHING`, in one transaction:
 * the rows' key `(time, identity, position)` makes a republish add nothing.
 *
 * A batch PostgreSQL refuses for its data (a data exception, a program limit) is split
 * until the refused messages stand alone: refused alone while others of the batch were
 * written, a message is rejected with PostgreSQL's reason; otherwise it is held. A server
 * that cannot be reached, refuses the credentials or TLS, is starting, in recovery,
 * read-only or out of disk, and a table that is missing or at another schema version,
 * throw `TransientPublishError`: the messages stay in progress, never dead-lettered.
 */
export class PostgresPublisher implements Publisher {
  /** Default arguments. */
  static readonly DEFAULT_ARGS = POSTGRES_PUBLISHER_DEFAULT_ARGS;

  /** The resolved arguments. */
  readonly args: Readonly<PostgresPublisherArgs>;
  private readonly target: PostgresTarget;
  private readonly names: TableNames;
  private readonly pool: pg.Pool;
  private readonly logger: KadabraLogger;
  private readonly logLimiter = new LogLimiter(LOG_INTERVAL_MS);
  private readonly work = new PublisherWork('PostgresPublisher');
  /** Connections whose session has the staging table. */
  private readonly staged = new WeakSet<pg.PoolClient>();
  private schemaReady: Promise<void> | undefined;
  private maintainedAt = Number.NEGATIVE_INFINITY;

  /**
   * Reads the TLS files now, so a wrong path fails at startup. Connects only when asked to.
   * @throws ConfigurationError naming the argument that is not accepted.
   */
  constructor(options: PostgresPublisherOptions = {}) {
    this.args = parsePublisherArgs('postgres', options.args);
    this.target = postgresTarget(this.args);
    this.names = tableNames(this.args.table);
    this.logger = componentLogger(options.logger ?? createLogger(), 'kadabra.publisher');
    this.pool = new pg.Pool(this.target.pool);
    // An idle connection the server ends (a restart) is dropped from the pool; the next
    // publish opens another.
    this.pool.on('error', (error) => {
      const suppressed = this.logLimiter.admit('idle');
      if (suppressed !== undefined) {
        this.logger.warn({ endpoint: this.target.description, suppressed }, `an idle PostgreSQL connection ended: ${this.reasonOf(error)}`);
      }
    });
  }

  /**
   * Sets the table up before the agent receives anything: creates or migrates it with
   * `create_schema`, else checks its schema version; then makes the partitions ahead.
   * @throws SchemaVersionError when the table has a schema version this Kadabra does not
   *   know, or ConfigurationError for a table of that name Kadabra did not create: the
   *   agent refuses to start. Anything else (the server is down, the table missing) is
   *   logged; publishes wait for it.
   */
  async prepare(): Promise<void> {
    try {
      await this.ensureSchema();
    } catch (error) {
      // Logged by ensureSchema; anything but a setup Kadabra can never write to waits for publishes.
      const cause = error instanceof TransientPublishError ? error.cause : error;
      if (cause instanceof ConfigurationError) throw cause;
    }
  }

  /**
   * Writes every message of `batch`, or reports it in `rejected` (dead-letter it) or
   * `held` (try it again later) with PostgreSQL's reason.
   * @param identities the channel's identity of each message (its receipt), index for index.
   * @throws TransientPublishError when PostgreSQL cannot be written now (see the class).
   */
  publish(batch: readonly Metrics[], identities?: readonly MessageIdentity[]): Promise<PublishOutcome> {
    return this.work.publish(() => this.publishBatch(batch, identities));
  }

  /**
   * Checks that the table is at this Kadabra's schema version and that the user may
   * insert into it: a query that stores nothing, through the same pool.
   */
  probe(): Promise<ProbeResult> {
    return this.work.probe(async (): Promise<ProbeResult> => {
      try {
        await this.withClient(async (client) => {
          await checkSchema(client, this.names);
          const { rows } = await client.query<{ may: boolean }>("SELECT has_table_privilege($1, 'INSERT') AS may", [this.names.table]);
          if (rows[0]?.may !== true) throw Object.assign(new Error(`permission denied for table ${this.names.key}`), { code: '42501', severity: 'ERROR' });
        });
        this.logLimiter.reset();
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: this.failure(error).message };
      }
    });
  }

  /** Waits for publishes in flight, then closes the connections. Idempotent. */
  close(): Promise<void> {
    return this.work.close(() => this.pool.end());
  }

  private async publishBatch(batch: readonly Metrics[], identities: readonly MessageIdentity[] | undefined): Promise<PublishOutcome> {
    await this.ensureSchema();
    await this.maintainIfDue();
    const units: CopyUnit[] = [];
    for (const [index, metrics] of batch.entries()) {
      const rows = copyRows(metrics, identities?.[index]);
      if (rows !== '') units.push({ index, rows });
    }
    const run: PublishRun = { refused: new Map(), written: 0 };
    if (units.length > 0) await this.writeUnits(units, run);
    if (run.written > 0) this.logLimiter.reset();
    return this.judgeRefused(batch.length, run);
  }

  /**
   * Refused alone while PostgreSQL wrote other messages of the batch: evidence, rejected.
   * Refused with nothing else written: held, tried again later.
   */
  private judgeRefused(batchSize: number, run: PublishRun): PublishOutcome {
    const refused: RejectedMessage[] = [...run.refused].sort(([a], [b]) => a - b).map(([index, reason]) => ({ index, reason, reasonClass: 'refused' }));
    if (refused.length === 0) return { rejected: [] };
    const first = refused[0] as RejectedMessage;
    if (run.written > 0) {
      this.logger.error(
        { endpoint: this.target.description, rejected: refused.length, index: first.index, reason: first.reason },
        `PostgreSQL refuses ${refused.length} of ${batchSize} message(s) alone and wrote the others; they are dead-lettered; first: ${first.reason}`,
      );
      return { rejected: refused };
    }
    const suppressed = this.logLimiter.admit(`held:${first.reason}`);
    if (suppressed !== undefined) {
      this.logger.error(
        { endpoint: this.target.description, held: refused.length, suppressed, reason: first.reason },
        `PostgreSQL refuses ${refused.length} message(s) and wrote nothing else of their batch: ${first.reason}; they stay in progress and are tried again`,
      );
    }
    return { rejected: [], held: refused.map(({ index, reason }) => ({ index, reason })) };
  }

  /** Writes `units` in one transaction; refused for their data, in two halves, until the refused ones stand alone. */
  private async writeUnits(units: readonly CopyUnit[], run: PublishRun): Promise<void> {
    let verdict: PostgresVerdict;
    try {
      await this.withClient((client) => this.copyAndInsert(client, units));
      run.written += units.length;
      return;
    } catch (error) {
      verdict = classifyPostgresError(error, this.reasonOf(error));
      if (verdict.kind !== 'refused') throw this.failure(error, verdict);
    }
    if (units.length === 1) {
      run.refused.set((units[0] as CopyUnit).index, verdict.reason);
      return;
    }
    const middle = Math.ceil(units.length / 2);
    await this.writeUnits(units.slice(0, middle), run);
    await this.writeUnits(units.slice(middle), run);
  }

  private async copyAndInsert(client: pg.PoolClient, units: readonly CopyUnit[]): Promise<void> {
    if (!this.staged.has(client)) {
      await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (LIKE ${this.names.table}) ON COMMIT DELETE ROWS`);
      this.staged.add(client);
    }
    const columns = POINT_COLUMNS.join(', ');
    await client.query('BEGIN');
    try {
      const copy = client.query(copyFrom(`COPY ${STAGING} (${columns}) FROM STDIN`));
      await pipeline(Readable.from(units.map((unit) => unit.rows), { objectMode: false }), copy);
      await client.query(`INSERT INTO ${this.names.table} (${columns}) SELECT ${columns} FROM ${STAGING} ON CONFLICT DO NOTHING`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Runs `work` on a pooled connection; a connection that failed is closed rather than reused. */
  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let failed: unknown;
    // A checked-out client emits 'error' when its connection dies (the server shut down
    // mid-statement): the pool listens only while it is idle, and an 'error' nobody
    // listens to would end the agent. The statement in flight fails with it too.
    const onError = (error: unknown): void => {
      failed ??= error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      failed = error;
      throw error;
    } finally {
      client.removeListener('error', onError);
      // A refused statement leaves the session fine; anything else may have broken it.
      const keep = failed === undefined || classifyPostgresError(failed, '').kind === 'refused';
      client.release(keep ? undefined : true);
    }
  }

  /** Creates, migrates or checks the table once (again after a failure). */
  private ensureSchema(): Promise<void> {
    this.schemaReady ??= this.withClient(async (client) => {
      if (this.args.create_schema) {
        const change = await applySchema(client, this.names);
        if (change.from !== change.to) {
          this.logger.info(
            { endpoint: this.target.description, table: this.names.key, from: change.from ?? null, to: change.to },
            change.from === undefined
              ? `created the table ${this.names.key} (schema version ${change.to})`
              : `migrated the table ${this.names.key} from schema version ${change.from} to ${change.to}`,
          );
        }
      } else {
        await checkSchema(client, this.names);
      }
    }).catch((error: unknown) => {
      this.schemaReady = undefined;
      throw this.failure(error);
    });
    return this.schemaReady;
  }

  /** Makes partitions ahead and drops old ones, hourly; a failure is logged, and rows go to the DEFAULT partition meanwhile. */
  private async maintainIfDue(now = Date.now()): Promise<void> {
    if (now - this.maintainedAt < MAINTENANCE_INTERVAL_MS) return;
    this.maintainedAt = now;
    try {
      const change = await this.withClient((client) =>
        maintainPartitions(client, this.names, { ahead: this.args.partitions_ahead, retentionDays: this.args.retention_days, now }),
      );
      if (change.created.length > 0 || change.dropped.length > 0 || change.deletedFromDefault > 0) {
        this.logger.info({ table: this.names.key, ...change }, `partitions of ${this.names.key}: ${change.created.length} created, ${change.dropped.length} dropped`);
      }
    } catch (error) {
      this.maintainedAt = now - MAINTENANCE_INTERVAL_MS + LOG_INTERVAL_MS;
      const reason = this.reasonOf(error);
      const suppressed = this.logLimiter.admit(`partitions:${reason}`);
      if (suppressed !== undefined) {
        this.logger.warn(
          { endpoint: this.target.description, table: this.names.key, suppressed },
          `cannot maintain the partitions of ${this.names.key}: ${reason}; rows outside the partitions go to its DEFAULT partition (the table's owner can run \`kadabra setup postgres\`)`,
        );
      }
    }
  }

  /** The error's text without the password. */
  private reasonOf(error: unknown): string {
    return withoutSecret(errorReason(error), this.target.password);
  }

  /** The `TransientPublishError` for a failure, logged (at most once a minute per text) with what to do. */
  private failure(error: unknown, verdict?: PostgresVerdict): TransientPublishError {
    if (error instanceof TransientPublishError) return error;
    const where = `PostgreSQL at ${this.target.description}`;
    if (error instanceof SchemaNotReadyError) return this.logged('error', `${where}: ${error.message}; fix: ${error.fix}`, error);
    if (error instanceof ConfigurationError) return this.logged('error', `${where}: ${error.message}`, error);
    const judged = verdict ?? classifyPostgresError(error, this.reasonOf(error));
    if (judged.kind === 'misconfigured') return this.logged('error', `${where}: ${judged.reason}; fix: ${judged.fix}`, error);
    if (judged.kind === 'refused') return this.logged('error', `${where} refuses the statement: ${judged.reason}`, error);
    return this.logged('warn', `${where} is unavailable: ${judged.reason}`, error);
  }

  private logged(level: 'warn' | 'error', message: string, cause: unknown): TransientPublishError {
    const suppressed = this.logLimiter.admit(message);
    if (suppressed !== undefined) this.logger[level]({ endpoint: this.target.description, suppressed }, message);
    // The cause is kept out: its fields (the connection's parameters) are not the publisher's to show.
    return new TransientPublishError(message, cause instanceof ConfigurationError ? { cause } : undefined);
  }
}
