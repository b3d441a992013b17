/** The dead-letter alarm threshold, as every channel has it. */
const DEAD_MAX_LENGTH =
  'Alarm threshold: beyond this many dead letters the channel logs at error level and `kadabra status` exits 3. Dead letters are never deleted for it.';

/** How both Redis channels reach and log in to the server. */
const REDIS_ACCESS = {
  url: '`redis://[user:password@]host:port/db` or `rediss://...`; overrides host, port and db.',
  username: 'Redis ACL user name.',
  password: 'Redis password; never logged.',
  connect_timeout: 'Seconds to wait for a connection.',
  tls: 'Connect with TLS to `host`:`port` (what `rediss://` does for a `url`).',
  ca: 'PEM file of the CA to trust for TLS (instead of the system CAs).',
  cert: "PEM file of a client certificate, for a server with `tls-auth-clients yes` (Redis' default); with `key`.",
  key: "PEM file of the client certificate's private key; with `cert`.",
  servername: "Name to verify the server's certificate against (and send as SNI) instead of the host.",
} as const;

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
      dead_max_length: DEAD_MAX_LENGTH,
      ...REDIS_ACCESS,
    },
    'redis-streams': {
      host: 'Redis host.',
      port: 'Redis port.',
      db: 'Redis database number.',
      logger: 'Name of the channel\'s logger.',
      stream_key: 'STREAM of messages, one entry each (field `m`). Must contain a hash tag (`{...}`): the dead letters (`<stream_key>:dead`) and publisher state (`<stream_key>:state:<namespace>`) start with it, so every key of the stream lands on one Redis Cluster slot.',
      group: 'Consumer group every agent of the stream reads with (created, with the stream, on an agent\'s first read).',
      consumer: 'This agent\'s consumer name in the group. Unset: `<host>:<pid>:<random>`, unique to the process and stable for its life. Consumers of agents that are gone are removed by a nanny once they hold nothing.',
      shards: 'How many streams the messages are spread over. 1: `stream_key` itself; N > 1: shard i is `stream_key` with `:i` inside its hash tag (`{kadabra:0}:stream`, ...), each on its own Redis Cluster slot. Recorded in Redis on first use (`<stream_key>:shards`): a client or agent configured with another count refuses to work with it, naming both.',
      cluster_nodes: 'Redis Cluster: a few of its nodes as `"host:port"`; the topology is read from them, MOVED/ASK redirects and failovers are followed. Unset: the single server of `host`/`port`/`url`. `db` must be 0 and `url` unset with it.',
      wait_replicas: 'A client counts a batch as delivered only once `WAIT` confirms this many replicas of the node that took it have it (else it is sent again, appended once only): nothing acknowledged is lost when a master fails over. 0: once the node answers.',
      wait_timeout_ms: 'The longest `WAIT` for `wait_replicas`, in ms; a batch not confirmed by then is not counted as delivered and is sent again.',
      dead_max_length: DEAD_MAX_LENGTH,
      ...REDIS_ACCESS,
    },
    sqlite: {
      path: 'SQLite database file shared by the apps and agents of one host (created if missing); relative to the working directory.',
      logger: 'Name of the channel\'s logger.',
      dead_max_length: DEAD_MAX_LENGTH,
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
