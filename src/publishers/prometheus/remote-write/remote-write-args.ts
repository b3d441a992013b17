import { z } from 'zod';
import { durationSeconds } from '../../../config/duration-seconds.js';
import { secretValue } from '../../../config/secret-setting.js';
import { TLS_ARGUMENTS } from '../../../config/tls-files.js';

/** Seconds one push to a receiver may take, unless its `timeout` says otherwise. */
export const DEFAULT_REMOTE_WRITE_TIMEOUT_SECONDS = 10;

/**
 * Headers a receiver's `headers` may not set: the remote-write protocol's own, and
 * `Authorization`, which `bearer_token` or `username`/`password` set.
 */
const RESERVED_HEADERS = new Set([
  'authorization', 'content-encoding', 'content-type', 'content-length', 'host', 'user-agent', 'x-prometheus-remote-write-version',
]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A Prometheus label name that is not reserved (`__*`). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One remote-write receiver: where, how long, and with which credentials and headers. */
const receiverSchema = z
  .object({
    url: z
      .string()
      .refine(
        (url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol),
        'must be an http:// or https:// URL with the path, e.g. http://prometheus:9090/api/v1/write',
      )
      .refine(
        (url) => !URL.canParse(url) || (new URL(url).username === '' && new URL(url).password === ''),
        'must not carry credentials: give them as username and password, or bearer_token',
      )
      .describe('Where to POST, e.g. `http://prometheus:9090/api/v1/write` (Prometheus with `--web.enable-remote-write-receiver`) or `http://victoria-metrics:8428/api/v1/write`.'),
    timeout: durationSeconds()
      .optional()
      .describe(`Seconds one push may take, connect to answer; default ${DEFAULT_REMOTE_WRITE_TIMEOUT_SECONDS}.`),
    username: z.string().min(1).optional().describe('User name, sent with HTTP basic auth (with `password`).'),
    password: secretValue(z.string().optional().describe('Password for HTTP basic auth; never logged.')),
    bearer_token: secretValue(z.string().min(1).optional().describe('Token sent as `Authorization: Bearer ...`; never logged.')),
    headers: z
      .record(z.string(), secretValue(z.string()))
      .refine((headers) => Object.keys(headers).every((name) => HEADER_NAME.test(name)), 'must have HTTP header names as keys')
      .refine(
        (headers) => Object.keys(headers).every((name) => !RESERVED_HEADERS.has(name.toLowerCase())),
        `must leave out ${[...RESERVED_HEADERS].join(', ')}: the remote-write protocol sets them, and bearer_token or username/password set authorization`,
      )
      .optional()
      .describe('Extra HTTP headers of every push (e.g. `X-Scope-OrgID` for a multi-tenant receiver); their values are never logged.'),
    ca: TLS_ARGUMENTS.ca.describe('PEM file of the CA to trust for https (instead of the system CAs).'),
    cert: TLS_ARGUMENTS.cert.describe('PEM file of a client certificate, for a receiver that requires one; with `key`.'),
    key: TLS_ARGUMENTS.key.describe("PEM file of the client certificate's private key; with `cert`."),
    servername: TLS_ARGUMENTS.servername.describe("Name to verify the receiver's certificate against (and send as SNI) instead of the host."),
  })
  .strict()
  .refine((receiver) => receiver.bearer_token === undefined || receiver.username === undefined, {
    message: 'give either bearer_token or username and password, not both',
    path: ['bearer_token'],
  })
  .refine((receiver) => receiver.password === undefined || receiver.username !== undefined, {
    message: 'a password needs its username',
    path: ['password'],
  });

/** One remote-write receiver, as configured. */
export type RemoteWriteReceiverArgs = z.infer<typeof receiverSchema>;

/**
 * The Prometheus publisher's remote-write arguments (spread into its schema): the
 * receivers, how often the series are pushed, and labels added to every series.
 */
export const REMOTE_WRITE_ARGUMENTS = {
  /** Receivers the series are pushed to (remote write 1.0); empty: no remote write. Default `[]`. */
  remote_write: z
    .array(receiverSchema)
    .max(16)
    .describe(
      'Remote-write receivers (objects with `url`, and optionally `timeout`, `username`/`password` or `bearer_token`, `headers`, `ca`/`cert`/`key`/`servername`): ' +
        'every `remote_write_interval`, one agent of the channel pushes the series of `/metrics` to each (see docs/prometheus.md). Empty: no remote write.',
    ),
  /** Seconds between two pushes. Default 15. */
  remote_write_interval: durationSeconds()
    .min(0.1)
    .describe('Seconds between two pushes of the series to the receivers; the agent holding the push lease renews it as often (it lasts 3 intervals).'),
  /** Labels added to every series pushed (as Prometheus' `external_labels`). Default `{}`. */
  remote_write_labels: z
    .record(z.string(), z.string().min(1))
    .refine(
      (labels) => Object.keys(labels).every((name) => LABEL_NAME.test(name) && !name.startsWith('__')),
      'must have Prometheus label names as keys ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __, which Prometheus reserves)',
    )
    .describe('Labels added to every series pushed, as Prometheus\' `external_labels` (e.g. `{"job": "kadabra"}`); a series\' own label of the same name wins.'),
} as const;

/** Defaults of the remote-write arguments. */
export const REMOTE_WRITE_DEFAULT_ARGS = Object.freeze({
  remote_write: [] as RemoteWriteReceiverArgs[],
  remote_write_interval: 15,
  remote_write_labels: {} as Record<string, string>,
});
