import { defineCommand, type ArgsDef, type CommandDef, type ParsedArgs } from 'citty';
import { Kadabra } from '../../client/kadabra.js';
import type { MetricsCollector } from '../../client/metrics-collector.js';
import { loadConfigurationFile, resolveClientConfiguration } from '../../config/index.js';
import { createLogger } from '../../logging/logger.js';
import { Units } from '../../metrics/unit.js';
import { EXIT_CODES, type CliContext, type CliOutcome } from '../cli-context.js';
import { parseKeyValues } from '../parse-key-values.js';
import { parseFiniteNumber } from '../parse-number.js';
import { repeatedOption } from '../repeated-option.js';
import { CONFIG_ARG } from './common-args.js';

const COMMON_ARGS = {
  config: CONFIG_ARG,
  dimension: { type: 'string', valueHint: 'KEY=VALUE', description: 'A dimension of the message (repeatable)' },
  metadata: { type: 'string', valueHint: 'KEY=VALUE', description: 'Metadata of the metric (repeatable)' },
} as const;

const countArgs = {
  name: { type: 'positional', required: true, description: 'Counter name' },
  value: { type: 'positional', required: true, description: 'Counter value (a number; put -- before a negative one)' },
  ...COMMON_ARGS,
} as const;

const TIMER_UNITS = { seconds: Units.SECONDS, milliseconds: Units.MILLISECONDS } as const;

const timerArgs = {
  name: { type: 'positional', required: true, description: 'Timer name' },
  milliseconds: { type: 'positional', required: true, description: 'Duration in milliseconds (may be fractional)' },
  unit: {
    type: 'enum',
    options: Object.keys(TIMER_UNITS),
    default: 'milliseconds',
    description: 'Unit the duration is reported in',
  },
  ...COMMON_ARGS,
} as const;

/** Fills the one message's collector: the metric, with the `--metadata` given. */
type Recorder = (metrics: MetricsCollector, metadata: Record<string, string>) => void;

/**
 * Builds a one-message client from the client side of the configuration, lets `record`
 * fill a collector, sends it and waits for the channel to acknowledge it (bounded by
 * `CLIENT_FLUSH_TIMEOUT_SECONDS`). Exit code 1 when it was not delivered.
 */
async function sendOne(
  context: CliContext,
  outcome: CliOutcome,
  rawArgs: readonly string[],
  configPath: string | undefined,
  record: Recorder,
): Promise<void> {
  const dimensions = parseKeyValues(repeatedOption(rawArgs, 'dimension'), 'dimension');
  const metadata = parseKeyValues(repeatedOption(rawArgs, 'metadata'), 'metadata');
  const input = configPath === undefined ? {} : loadConfigurationFile(configPath);
  const configuration = resolveClientConfiguration(input, context.env);
  const logger = createLogger({
    level: 'error',
    destination: { write: (line: string) => context.stderr(line) },
  });
  const client = new Kadabra(configuration, { logger });
  let stats;
  try {
    const metrics = client.metrics();
    for (const [name, value] of Object.entries(dimensions)) metrics.setDimension(name, value);
    record(metrics, metadata);
    client.send(metrics.close());
  } finally {
    stats = await client.close();
  }
  if (stats.delivered >= 1) {
    context.stdout('sent\n');
    outcome.exitCode = EXIT_CODES.OK;
  } else {
    const waited = `${configuration.CLIENT_FLUSH_TIMEOUT_SECONDS} s (CLIENT_FLUSH_TIMEOUT_SECONDS)`;
    const why =
      stats.lastError === undefined
        ? `the channel did not acknowledge it within ${waited}; is the server running and answering?`
        : `${stats.lastError} (gave up after ${waited})`;
    context.stderr(`kadabra send: the message was not delivered: ${why}\n`);
    outcome.exitCode = EXIT_CODES.FAILED;
  }
}

/** One `kadabra send <name>` subcommand: its arguments and the metric it records. */
interface SendSubcommand<T extends typeof COMMON_ARGS & ArgsDef> {
  readonly description: string;
  readonly args: T;
  /** Parses the subcommand's own arguments (a usage error before anything is sent) into its recorder. */
  readonly recorder: (args: ParsedArgs<T>) => Recorder;
}

/** `kadabra send <name>`: parses the subcommand's arguments, then sends the one message (see `sendOne`). */
function sendSubcommand<T extends typeof COMMON_ARGS & ArgsDef>(
  context: CliContext,
  outcome: CliOutcome,
  name: string,
  subcommand: SendSubcommand<T>,
): CommandDef<T> {
  return defineCommand({
    meta: { name: `kadabra send ${name}`, description: subcommand.description },
    args: subcommand.args,
    async run({ args, rawArgs }) {
      const record = subcommand.recorder(args);
      // The common options, by their own types (TypeScript does not narrow them through T).
      const common = args as ParsedArgs<typeof COMMON_ARGS>;
      await sendOne(context, outcome, rawArgs, common.config, record);
    },
  });
}

const COUNT: SendSubcommand<typeof countArgs> = {
  description: 'Send one counter',
  args: countArgs,
  recorder: (args) => {
    const value = parseFiniteNumber(args.value, 'VALUE');
    return (metrics, metadata) => metrics.addCount(args.name, value, { metadata });
  },
};

const TIMER: SendSubcommand<typeof timerArgs> = {
  description: 'Send one timer',
  args: timerArgs,
  recorder: (args) => {
    const milliseconds = parseFiniteNumber(args.milliseconds, 'MILLISECONDS');
    const unit = args.unit === 'seconds' ? TIMER_UNITS.seconds : TIMER_UNITS.milliseconds;
    return (metrics, metadata) => metrics.setTimer(args.name, milliseconds, unit, { metadata });
  },
};

/** `kadabra send count|timer`: record one metric from a shell script or cron job. */
export function sendCommand(context: CliContext, outcome: CliOutcome): CommandDef {
  return defineCommand({
    meta: {
      name: 'kadabra send',
      description: 'Send one counter or timer (uses the CLIENT_* configuration)',
    },
    subCommands: {
      count: sendSubcommand(context, outcome, 'count', COUNT),
      timer: sendSubcommand(context, outcome, 'timer', TIMER),
    },
  });
}
