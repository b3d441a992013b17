import { z } from 'zod';
import { CHANNEL_TYPES } from '../channels/channel-types.js';
import { PUBLISHER_TYPES } from '../publishers/publisher-types.js';
import { durationSeconds } from './duration-seconds.js';
import { secretValue } from './secret-setting.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../time/default-timestamp.js';
import { LOG_FORMATS } from '../logging/log-format.js';

/** Which part of Kadabra reads a key: the client (`Kadabra`) or the `Agent`. */
export type ConfigSide = 'client' | 'agent';

/** One configuration key: where it applies, what it accepts, its default, what it does. */
export interface ConfigKeySpec<Side extends ConfigSide = ConfigSide, S extends z.ZodType = z.ZodType> {
  /** The part that reads the key; the other part ignores it. */
  readonly side: Side;
  /** What the key accepts. */
  readonly schema: S;
  /** Value used when neither the configuration nor the environment sets the key. */
  readonly default: z.output<S>;
  /** One line for the reference table. */
  readonly description: string;
  /** How `KADABRA_<KEY>` is read: `text` takes the raw string, `json` parses it as JSON. */
  readonly environment: 'text' | 'json';
}

/** pino level names accepted by `CLIENT_LOG_LEVEL` and `AGENT_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * @param environment how `KADABRA_<KEY>` is read; default: `text` for a string default,
 *   `json` otherwise (a key whose default is `null` but holds text says `text`).
 */
function key<Side extends ConfigSide, S extends z.ZodType>(
  side: Side,
  schema: S,
  defaultValue: z.output<S>,
  description: string,
  environment: 'text' | 'json' = typeof defaultValue === 'string' ? 'text' : 'json',
): ConfigKeySpec<Side, S> {
  return Object.freeze({ side, schema, default: defaultValue, description, environment });
}

const positiveInteger = (): z.ZodNumber => z.number().int().positive();
const nonEmptyString = (): z.ZodString => z.string().min(1);
const argumentOverrides = () => z.record(z.string(), z.unknown()).nullable();
const logLevel = () => z.enum(LOG_LEVELS);
const channelType = () => z.enum(Object.keys(CHANNEL_TYPES));
const publisherType = () => z.enum(Object.keys(PUBLISHER_TYPES));

/**
 * Every configuration key, in reference order: the original's keys and defaults, plus
 * `BATCHED_AGENT_NANNY_MAX_BATCH_SIZE` (in the original's code, missing from its table)
 * and the keys this port adds. The reference table in docs/configuration.md is
 * generated from this constant.
 */
export const CONFIG_KEYS = Object.freeze({
  CLIENT_DEFAULT_DIMENSIONS: key(
    'client',
    z.record(z.string(), z.string()),
    {},
    'Dimensions every collector made by the client starts with (names to values).',
  ),
  CLIENT_TIMESTAMP_FORMAT: key(
    'client',
    nonEmptyString(),
    DEFAULT_TIMESTAMP_FORMAT,
    'strftime-style format of the timestamps the client writes; Python agents expect the default.',
  ),
  CLIENT_CHANNEL_TYPE: key('client', channelType(), 'redis', 'Channel that carries metrics to the agent.'),
  CLIENT_CHANNEL_ARGS: key(
    'client',
    argumentOverrides(),
    null,
    'Overrides of the channel type\'s default arguments (see "Channel arguments"); `null` keeps every default.',
  ),
  CLIENT_BUFFER_MAX_MESSAGES: key(
    'client',
    positiveInteger(),
    100000,
    'Messages the client holds in memory while the channel is unreachable; beyond it the oldest are dropped and counted.',
  ),
  CLIENT_BUFFER_MAX_BYTES: key(
    'client',
    positiveInteger(),
    67108864,
    'Bytes of messages the client holds in memory (64 MiB); beyond it the oldest are dropped and counted, as beyond `CLIENT_BUFFER_MAX_MESSAGES`.',
  ),
  CLIENT_MESSAGE_MAX_BYTES: key(
    'client',
    positiveInteger(),
    1048576,
    'Largest message `send()` accepts, in bytes (1 MiB); a larger one is dropped and counted (`droppedBy.tooLarge` in `stats()`), never thrown.',
  ),
  CLIENT_FLUSH_TIMEOUT_SECONDS: key(
    'client',
    durationSeconds(),
    5,
    'Longest time `flush()` and `close()` wait for the channel to acknowledge buffered messages.',
  ),
  CLIENT_OVERFLOW_LOG_INTERVAL_SECONDS: key(
    'client',
    durationSeconds(),
    10,
    'At most one buffer-overflow warning is logged per interval.',
  ),
  CLIENT_LOG_LEVEL: key('client', logLevel(), 'info', 'pino level of the client\'s log lines.'),
  CLIENT_RUNTIME_METRICS_INTERVAL_SECONDS: key(
    'client',
    durationSeconds().nullable(),
    null,
    'When set, the client sends the process\'s runtime metrics (event-loop delay, memory, CPU, GC, active resources) every this many seconds from its construction, as `collectRuntimeMetrics({ intervalSeconds })` does; `close()` stops it. `null`: off.',
  ),
  AGENT_LOGGER_NAME: key('agent', nonEmptyString(), 'kadabra.agent', 'Name of the logger the agent logs with.'),
  AGENT_TYPE: key(
    'agent',
    z.enum(['default', 'batched']),
    'default',
    '`default` publishes each message as it arrives; `batched` publishes batches every `BATCHED_AGENT_INTERVAL_SECONDS`.',
  ),
  AGENT_CHANNEL_TYPE: key('agent', channelType(), 'redis', 'Channel the agent receives metrics from.'),
  AGENT_CHANNEL_ARGS: key(
    'agent',
    argumentOverrides(),
    null,
    'Overrides of the channel type\'s default arguments (see "Channel arguments"); `null` keeps every default.',
  ),
  AGENT_PUBLISHER_TYPE: key('agent', publisherType(), 'debug', 'Where the agent publishes metrics.'),
  AGENT_PUBLISHER_ARGS: key(
    'agent',
    argumentOverrides(),
    null,
    'Overrides of the publisher type\'s default arguments (see "Publisher arguments"); `null` keeps every default.',
  ),
  AGENT_RECEIVER_THREADS: key(
    'agent',
    positiveInteger(),
    3,
    'Concurrent workers taking messages from the channel and publishing them (default agent type).',
  ),
  AGENT_RECEIVER_MAX_BATCH_SIZE: key(
    'agent',
    positiveInteger(),
    250,
    'Most messages a default-agent worker publishes in one request: after a successful publish it adds messages already waiting in the queue (never waits for them). 1 publishes one message per request, as the original. Larger batches hold more decoded messages at once (1000: about 50 MB more RSS and 15-30% more CPU per point, for no more throughput).',
  ),
  AGENT_MESSAGE_MAX_BYTES: key(
    'agent',
    positiveInteger(),
    1048576,
    'Largest message (bytes) the agent takes from the channel. A longer one is moved to the dead-letter list whole, with the reason, by the channel\'s server (a Lua script, an SQL statement) without the agent ever reading it, so one oversized message cannot exhaust the agent (on `redis-streams`, a blocking read, which cannot look at sizes first, reads at most one and dead-letters it undecoded). Keep `CLIENT_MESSAGE_MAX_BYTES` at or below it.',
  ),
  AGENT_RECEIVER_MAX_BATCH_BYTES: key(
    'agent',
    positiveInteger(),
    8388608,
    'Most message bytes one receiver batch holds (a default-agent worker\'s batch, or one slice of the batched agent\'s batch): the batch stops before the message that would exceed it, and always takes at least one. Decoded and encoded for publishing, a batch takes a few times this in memory.',
  ),
  AGENT_NANNY_MAX_BATCH_BYTES: key(
    'agent',
    positiveInteger(),
    8388608,
    'Most message bytes one nanny pass reads from in-progress (oldest first, at least one message); the rest waits for the next pass.',
  ),
  BATCHED_AGENT_INTERVAL_SECONDS: key(
    'agent',
    durationSeconds(),
    60,
    'How often the batched agent takes a batch from the channel.',
  ),
  BATCHED_AGENT_MAX_BATCH_SIZE: key(
    'agent',
    positiveInteger(),
    10000,
    'Most messages the batched agent takes per batch (a message may hold several metrics).',
  ),
  BATCHED_AGENT_NANNY_MAX_BATCH_SIZE: key(
    'agent',
    positiveInteger(),
    10000,
    'Most stuck messages the batched agent\'s nanny re-publishes per batch.',
  ),
  AGENT_NANNY_FREQUENCY_SECONDS: key(
    'agent',
    durationSeconds(),
    30,
    'How often the nanny looks for messages stuck in progress.',
  ),
  AGENT_NANNY_THRESHOLD_SECONDS: key(
    'agent',
    durationSeconds(),
    60,
    'How long a message must have been in progress before the nanny re-publishes it.',
  ),
  AGENT_MAX_DELIVERIES: key(
    'agent',
    positiveInteger(),
    10,
    'On a channel that counts deliveries (`redis-streams`): a message delivered this many times without being completed (its publish crashed or hung the agent each time) is dead-lettered with its delivery history by the next nanny that finds it stuck, instead of being delivered again.',
  ),
  AGENT_NANNY_QUERY_LIMIT: key(
    'agent',
    positiveInteger(),
    5000,
    'Most in-progress messages the nanny examines per run (oldest first).',
  ),
  AGENT_NANNY_THREADS: key(
    'agent',
    positiveInteger(),
    3,
    'Concurrent nanny workers re-publishing stuck messages.',
  ),
  AGENT_LOG_LEVEL: key('agent', logLevel(), 'info', 'pino level of the agent\'s log lines.'),
  AGENT_LOG_FORMAT: key(
    'agent',
    z.enum(LOG_FORMATS),
    'auto',
    'How the agent writes its log lines: `json` (one JSON object per line), `pretty` (short lines for a person: time, level, message, the short fields), or `auto`: pretty when its standard output is a terminal, JSON otherwise.',
  ),
  AGENT_HTTP_HOST: key(
    'agent',
    nonEmptyString(),
    '127.0.0.1',
    'Address the agent\'s HTTP listener (`/healthz`, `/readyz`, `/metrics`, the status page at `/`) binds to, when `AGENT_HTTP_PORT` is set. `0.0.0.0` serves every interface.',
  ),
  AGENT_HTTP_PORT: key(
    'agent',
    z.number().int().min(0).max(65535).nullable(),
    null,
    'Port of the agent\'s HTTP listener; `null` (the default) turns it off, `0` takes a free port (logged at start).',
  ),
  AGENT_HTTP_TOKEN: key(
    'agent',
    secretValue(nonEmptyString().nullable()),
    null,
    'Token every path of the HTTP listener but `/healthz` requires (`Authorization: Bearer <token>`, or as the password of HTTP Basic authentication with any user name, as a browser sends it for the status page); `null`: none. Never logged or shown.',
    'text',
  ),
});

/** Name of a configuration key. */
export type ConfigKeyName = keyof typeof CONFIG_KEYS;

/** The validated type of a key's value. */
export type ConfigValue<K extends ConfigKeyName> = z.output<(typeof CONFIG_KEYS)[K]['schema']>;

/** Keys read by one side. */
export type ConfigKeyOf<Side extends ConfigSide> = {
  [K in ConfigKeyName]: (typeof CONFIG_KEYS)[K]['side'] extends Side ? K : never;
}[ConfigKeyName];

/** Every key name, in reference order. */
export const CONFIG_KEY_NAMES: readonly ConfigKeyName[] = Object.freeze(
  Object.keys(CONFIG_KEYS) as ConfigKeyName[],
);

/** Whether `name` is a configuration key of either side. */
export function isConfigKeyName(name: string): name is ConfigKeyName {
  return Object.hasOwn(CONFIG_KEYS, name);
}

/** The keys one side reads, in reference order. */
export function configKeysOf(side: ConfigSide): readonly ConfigKeyName[] {
  return CONFIG_KEY_NAMES.filter((name) => CONFIG_KEYS[name].side === side);
}
