/**
 * One-line descriptions of each channel and publisher argument for the reference
 * tables, by kind, then type, then argument. A `.describe()` on the argument's schema
 * takes precedence, so the owner of a type can document a new argument there.
 */
export const ARGUMENT_DESCRIPTIONS: Readonly<
  Record<'channel' | 'publisher', Readonly<Record<string, Readonly<Record<string, string>>>>>
> = Object.freeze({
  channel: {
    redis: {
      host: 'Redis host.',
      port: 'Redis port.',
      db: 'Redis database number; a database used only by Kadabra avoids key collisions.',
      logger: 'Name of the channel\'s logger.',
      queue_key: 'LIST of messages waiting to be published (shared with Python Kadabra by default).',
      inprogress_key: 'LIST of messages being published.',
      dead_key: 'LIST of dead-letter records: messages that can never be published, with the reason (never trimmed).',
      dead_max_length: 'Alarm threshold: beyond this many dead letters the channel logs at error level and `kadabra status` exits 3. Dead letters are never deleted for it.',
      url: '`redis://[user:password@]host:port/db` or `rediss://...`; overrides host, port and db.',
      username: 'Redis ACL user name.',
      password: 'Redis password; never logged.',
      connect_timeout: 'Seconds to wait for a connection.',
      tls: 'Connect with TLS to `host`:`port` (what `rediss://` does for a `url`).',
      ca: 'PEM file of the CA to trust for TLS (instead of the system CAs).',
      cert: "PEM file of a client certificate, for a server with `tls-auth-clients yes` (Redis' default); with `key`.",
      key: "PEM file of the client certificate's private key; with `cert`.",
      servername: "Name to verify the server's certificate against (and send as SNI) instead of the host.",
    },
    sqlite: {
      path: 'SQLite database file shared by the apps and agents of one host (created if missing); relative to the working directory.',
      logger: 'Name of the channel\'s logger.',
      dead_max_length: 'Alarm threshold: beyond this many dead letters the channel logs at error level and `kadabra status` exits 3. Dead letters are never deleted for it.',
      busy_timeout: 'Seconds an operation waits while another process holds the write lock, before it fails.',
      synchronous: '`"normal"`: a sent message survives the crash of any process; `"full"`: also a power loss or OS crash (an fsync per commit).',
    },
  },
  publisher: {
    debug: {
      logger_name: 'Logger the metrics are written to (as JSON, at INFO).',
    },
    influxdb: {
      host: 'InfluxDB host.',
      port: 'InfluxDB port.',
      database: 'Database the metrics are written to; create it before publishing.',
      timeout: 'Seconds to wait for InfluxDB before failing a write.',
    },
  },
});
