import pg from 'pg';
import { ConfigurationError } from '../../errors/configuration-error.js';
import { classifyPostgresError, errorReason } from './classify-postgres-error.js';
import { postgresTarget, withoutSecret } from './postgres-connection.js';
import type { PostgresPublisherArgs } from './postgres-publisher-args.js';
import { applySchema, maintainPartitions, tableNames, type PartitionChange, type SchemaChange } from './postgres-schema.js';

/** What `setUpPostgres` did. */
export interface PostgresSetup {
  /** `postgres://user@host:port/database` (no password). */
  readonly endpoint: string;
  readonly table: string;
  readonly schema: SchemaChange;
  readonly partitions: PartitionChange;
}

/** A setup that failed, with PostgreSQL's reason (no password) and what to change. */
export class PostgresSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostgresSetupError';
  }
}

/**
 * Creates or migrates the table of `args` to this Kadabra's schema version and makes its
 * partitions (and drops those past `retention_days`): what `kadabra setup postgres` and
 * an agent with `create_schema` do. One connection, closed after.
 * @throws SchemaVersionError for a table of a newer schema version; ConfigurationError for
 *   a table of that name Kadabra did not create; PostgresSetupError when PostgreSQL cannot
 *   be reached or refuses (the credentials, a privilege).
 */
export async function setUpPostgres(args: PostgresPublisherArgs, now = Date.now()): Promise<PostgresSetup> {
  const target = postgresTarget(args);
  const names = tableNames(args.table);
  const client = new pg.Client(target.pool);
  client.on('error', () => undefined);
  try {
    await client.connect();
    const schema = await applySchema(client, names);
    const partitions = await maintainPartitions(client, names, { ahead: args.partitions_ahead, retentionDays: args.retention_days, now });
    return { endpoint: target.description, table: names.key, schema, partitions };
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    const reason = withoutSecret(errorReason(error), target.password);
    const verdict = classifyPostgresError(error, reason);
    const fix = verdict.kind === 'misconfigured' ? `; fix: ${verdict.fix}` : '';
    throw new PostgresSetupError(`PostgreSQL at ${target.description}: ${verdict.reason}${fix}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
