import { z } from 'zod';
import { durationSeconds } from '../../config/duration-seconds.js';
import { secretValue, urlWithCredentials } from '../../config/secret-setting.js';
import { TLS_ARGUMENTS } from '../../config/tls-files.js';

/**
 * Arguments of `InfluxDBPublisher`: the original's (`host`, `port`, `database`, `timeout`)
 * plus credentials, TLS or a `url`, a retention policy, gzip, the 2.x/3.x write API and
 * request sizing. Keys are snake_case as in the original's `AGENT_PUBLISHER_ARGS`.
 */
export const influxDBPublisherArgsSchema = z
  .object({
    /** InfluxDB host. Default `localhost`. */
    host: z.string().min(1),
    /** InfluxDB port. Default 8086. */
    port: z.number().int().min(1).max(65535),
    /** Database the metrics are written to. Default `kadabra`. */
    database: z
      .string()
      .min(1)
      .describe('Database the metrics are written to (1.x); create it first, or set `create_database`.'),
    /** Seconds to wait for InfluxDB before failing a write. Default 5. */
    timeout: durationSeconds().describe('Seconds one write request may take before it fails (and is retried).'),
    /** InfluxDB 1.x user name (HTTP basic auth). */
    username: z.string().min(1).optional().describe('InfluxDB 1.x user name (sent with HTTP basic auth).'),
    /** InfluxDB 1.x password. Never logged. */
    password: secretValue(z.string().optional().describe('InfluxDB 1.x password; never logged.')),
    /** Use https for host and port. Default false. */
    ssl: z.boolean().describe('Connect with https to `host`:`port`.'),
    /** `http(s)://host:port[/prefix]`; overrides host, port and ssl. */
    url: urlWithCredentials(
      z
        .string()
        .regex(/^https?:\/\/[^/?#]+(?:\/[^?#]*)?$/, 'must be http://host:port or https://host:port, optionally with a path prefix')
        .refine((url) => URL.canParse(url), 'must be a valid URL')
        .optional()
        .describe('`http(s)://host:port[/prefix]`; overrides host, port and ssl.'),
    ),
    /** Retention policy to write into (1.x `rp`); the database's default when unset. */
    retention_policy: z
      .string()
      .min(1)
      .optional()
      .describe("Retention policy to write into (1.x); the database's default when unset."),
    /** Compress request bodies with gzip. Default true. */
    gzip: z.boolean().describe('Compress request bodies with gzip (at the fastest level).'),
    /** `v1`: `/write` (InfluxDB 1.x, and 2.x/3.x compatibility); `v2`: `/api/v2/write`. Default `v1`. */
    api: z
      .enum(['v1', 'v2'])
      .describe('`"v1"`: `POST /write?db=` (InfluxDB 1.x); `"v2"`: `POST /api/v2/write?org=&bucket=` (InfluxDB 2.x/3.x).'),
    /** Organization for the v2 API (name); omitted when unset. */
    org: z.string().min(1).optional().describe('Organization for `api: "v2"`.'),
    /** Bucket for the v2 API. Default: `database` (with `/retention_policy` when set). */
    bucket: z
      .string()
      .min(1)
      .optional()
      .describe('Bucket for `api: "v2"`; default `database` (plus `/retention_policy` when set).'),
    /** API token, sent as `Authorization: Token ...` (v2, or v1 against 2.x/3.x). Never logged. */
    token: secretValue(z.string().min(1).optional().describe('API token sent as `Authorization: Token ...`; never logged.')),
    /** Create the database at start with `CREATE DATABASE` (1.x only). Default false. */
    create_database: z
      .boolean()
      .describe('Run `CREATE DATABASE` before the first write and whenever the database is missing (1.x).'),
    /** TLS (https): CA file, client certificate and key files, server name to verify. */
    ca: TLS_ARGUMENTS.ca.describe('PEM file of the CA to trust for https (instead of the system CAs).'),
    cert: TLS_ARGUMENTS.cert.describe('PEM file of a client certificate, for an InfluxDB (or proxy) that requires one; with `key`.'),
    key: TLS_ARGUMENTS.key.describe('PEM file of the client certificate\'s private key; with `cert`.'),
    servername: TLS_ARGUMENTS.servername.describe("Name to verify the server's certificate against (and send as SNI) instead of the host."),
    /** Most line-protocol lines in one request; a batch is split into requests of about this many. Default 5000. */
    max_lines_per_request: z
      .number()
      .int()
      .min(1)
      .describe('Most points (lines) in one write request; bigger batches are split by message.'),
  })
  .strict();

/** Arguments of `InfluxDBPublisher`, fully resolved. */
export type InfluxDBPublisherArgs = z.infer<typeof influxDBPublisherArgsSchema>;

/** Default arguments for the InfluxDB publisher (the original's `InfluxDBPublisher.DEFAULT_ARGS`, extended). */
export const INFLUXDB_PUBLISHER_DEFAULT_ARGS: Readonly<InfluxDBPublisherArgs> = Object.freeze({
  host: 'localhost',
  port: 8086,
  database: 'kadabra',
  timeout: 5,
  ssl: false,
  gzip: true,
  api: 'v1',
  create_database: false,
  max_lines_per_request: 5000,
});
