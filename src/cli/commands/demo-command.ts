import { defineCommand, type CommandDef, type ParsedArgs } from 'citty';
import { runDemo, type DemoOptions } from '../../demo/run-demo.js';
import type { CliContext, CliOutcome } from '../cli-context.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parseFiniteNumber } from '../parse-number.js';

/** How long the workload runs when `--seconds` is not given. */
export const DEFAULT_DEMO_SECONDS = 5;
/** Longest demo accepted (an hour): it is a demonstration, not a load test. */
const MAX_DEMO_SECONDS = 3600;

const DESCRIPTION = 'See Kadabra work: an agent on an embedded channel, a sample workload, the published metrics (no Redis needed)';

const demoArgs = {
  seconds: {
    type: 'string',
    valueHint: 'N',
    description: `How long the sample workload runs (default ${DEFAULT_DEMO_SECONDS})`,
  },
  influxdb: {
    type: 'string',
    valueHint: 'URL',
    description: 'Publish to this InfluxDB (http://host:8086) instead of the debug publisher',
  },
} as const;

/**
 * The demo's `--seconds` and `--influxdb`, checked.
 * @throws CliUsageError for a duration out of range or a URL that is not http(s)://host.
 */
function demoOptions(args: ParsedArgs<typeof demoArgs>): Pick<DemoOptions, 'seconds' | 'influxdbUrl'> {
  const seconds = args.seconds === undefined ? DEFAULT_DEMO_SECONDS : parseFiniteNumber(args.seconds, '--seconds');
  if (seconds <= 0 || seconds > MAX_DEMO_SECONDS) {
    throw new CliUsageError(`--seconds must be more than 0 and at most ${MAX_DEMO_SECONDS}; got ${args.seconds}`);
  }
  const influxdbUrl = args.influxdb;
  if (influxdbUrl !== undefined && !/^https?:\/\/[^/?#]+(?:\/[^?#]*)?$/.test(influxdbUrl)) {
    throw new CliUsageError(`--influxdb must be an http:// or https:// URL such as http://localhost:8086; got ${JSON.stringify(influxdbUrl)}`);
  }
  return influxdbUrl === undefined ? { seconds } : { seconds, influxdbUrl };
}

/**
 * `kadabra demo [--seconds N] [--influxdb URL]`: runs an agent on an embedded SQLite
 * channel and a sample workload for a few seconds, then prints what was published.
 * Ctrl-C (through `context.onStopRequest`) ends the workload early; the table is still printed.
 */
export function demoCommand(context: CliContext, outcome: CliOutcome): CommandDef<typeof demoArgs> {
  return defineCommand({
    meta: { name: 'kadabra demo', description: DESCRIPTION },
    args: demoArgs,
    async run({ args }) {
      const options = demoOptions(args);
      const controller = new AbortController();
      const unregister = context.onStopRequest(() => controller.abort());
      try {
        await runDemo({ ...options, signal: controller.signal, write: context.stdout, warn: context.stderr });
      } finally {
        unregister();
      }
      outcome.exitCode = 0;
    },
  });
}
