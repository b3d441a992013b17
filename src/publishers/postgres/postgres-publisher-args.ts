import { z } from 'zod';
import { durationSeconds } from '../../config/duration-seconds.js';
import { secretValue, urlWithCredentials } from '../../config/secret-setting.js';
import { TLS_ARGUMENTS } from '../../config/tls-files.js';

/** A table name, optionally with its schema: identifiers PostgreSQL takes unquoted, short enough for partition names. */
const TABLE_NAME = /^(?:[a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,39}$/;

/**
 * Arguments of `PostgresPublisher`: where the database is (`url`, or `host`, `port`,
 * `database`, `username`, `password`), TLS (`sslmode`, `ca`, `cert`, `key`), the pool,
 * the table and its partitions.
 */
export const postgresPublisherArgsSchema = z
  .object({
    /** `postgres://[user[:password]@]host[:port]/database`; overrides host, port, database, username and password. */
    url: urlWithCredentials(
      z
        .string()
        .min(1)
        .optional()
        .describe('`postgres://[user[:password]@]host[:port]/database`; overrides host, port, database, username and password. Never logged with its password.'),
    ),
    /** PostgreSQL host. Default `localhost`. */
    host: z.string().min(1).describe('PostgreSQL host name or address.'),
    /** PostgreSQL port. Default 5432. */
    port: z.number().int().min(1).max(65535).describe('PostgreSQL port.'),
    /** Database holding the table. Default `kadabra`. */
    database: z.string().min(1).describe('Database holding the table (create it first).'),
    /** User name; the server's default (the OS user) when unset. */
    username: z.string().min(1).optional().describe('User to connect as.'),
    /** Password. Never logged. */
    password: secretValue(z.string().optional().describe('Password of `username`; never logged.')),
    /** TLS: `disable` (default), `require` (encrypted, not verified), `verify-ca`, `verify-full` (libpq's meanings). */
    sslmode: z
      .enum(['disable', 'require', 'verify-ca', 'verify-full'])
      .meta({
        refusedValues: {
          prefer: 'libpq\'s "prefer" tries TLS and silently falls back to an unencrypted connection, which node-postgres cannot do; choose "require" (or a "verify-" mode) to encrypt, or "disable"',
          allow: 'libpq\'s "allow" tries an unencrypted connection first and TLS only if the server insists, which node-postgres cannot do; choose "disable" or "require"',
        },
      })
      .describe('`"disable"`: no TLS; `"require"`: TLS without verifying the server; `"verify-ca"`: its certificate must chain to `ca` (or the system CAs); `"verify-full"`: and name the host.'),
    ca: TLS_ARGUMENTS.ca.describe('PEM file of the CA to trust for TLS (instead of the system CAs).'),
    cert: TLS_ARGUMENTS.cert.describe('PEM file of a client certificate (with `key`), for a server that requires one.'),
    key: TLS_ARGUMENTS.key.describe("PEM file of the client certificate's private key; with `cert`."),
    /** Connections the publisher keeps. Default 2. */
    pool_size: z.number().int().min(1).max(100).describe('Connections kept open; one batch uses one.'),
    /** Table of the points, optionally schema-qualified. Default `kadabra_points`. */
    table: z
      .string()
      .regex(TABLE_NAME, 'must be a lower-case name of at most 40 characters (letters, digits, _), optionally schema.name')
      .describe("Table of the points (in the connection's default schema unless given as `schema.table`)."),
    /** Create or migrate the table at start (under an advisory lock). Default false. */
    create_schema: z
      .boolean()
      .describe('Create or migrate the table when the agent starts (as `kadabra setup postgres` does); otherwise a missing table stops publishing until it is set up.'),
    /** Days of partitions kept ahead of today. Default 7. */
    partitions_ahead: z.number().int().min(1).max(366).describe('Daily partitions created ahead of today (checked at the first publish and every hour after).'),
    /** Days of points kept; older partitions are dropped. Unset: kept forever. */
    retention_days: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Days of points kept: older daily partitions are dropped (and older rows of the DEFAULT partition deleted) every hour. Unset: kept forever.'),
    /** Seconds a connection attempt or a statement may take. Default 10. */
    timeout: durationSeconds().describe('Seconds a connection attempt or one statement may take before it fails (and is retried).'),
  })
  .strict();

/** Arguments of `PostgresPublisher`, fully resolved. */
export type PostgresPublisherArgs = z.infer<typeof postgresPublisherArgsSchema>;

/** Default arguments of the PostgreSQL publisher. */
export const POSTGRES_PUBLISHER_DEFAULT_ARGS: Readonly<PostgresPublisherArgs> = Object.freeze({
  host: 'localhost',
  port: 5432,
  database: 'kadabra',
  sslmode: 'disable',
  pool_size: 2,
  table: 'kadabra_points',
  create_schema: false,
  partitions_ahead: 7,
  timeout: 10,
});
