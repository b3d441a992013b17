import { defineCommand, type CommandDef } from 'citty';
import { runDemo } from '../../demo/run-demo.js';
import type { CliContext, CliOutcome } from '../cli-context.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parseFiniteNumber } from '../parse-number.js';

/** How long the workload runs when `--seconds` is not given. */
export const DEFAULT_DEMO_SECONDS = 5;
/** Longest demo accepted (an hour): it is a demonstration, not a load test. */
const MAX_DEMO_SECONDS = 3600;

const args = {
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
 * `kadabra demo [--seconds N] [--influxdb URL]`: runs an agent on an embedded SQLite
 * channel and a sample workload for a few seconds, then prints what was published.
 * Ctrl-C (through `context.onStopRequest`) ends the workload early; the table is still printed.
 */
export function demoCommand(context: CliContext, outcome: CliOutcome): CommandDef<typeof args> {
  return defineCommand({
    meta: {
      name: 'kadabra demo',
      description: 'See Kadabra work: an agent on an embedded channel, a sample workload, the published metrics (no Redis needed)',
    },
    args,
    async run({ args: parsed }) {
      const seconds = parsed.seconds === undefined ? DEFAULT_DEMO_SECONDS : parseFiniteNumber(parsed.seconds, '--seconds');
      if (seconds <= 0 || seconds > MAX_DEMO_SECONDS) {
        throw new CliUsageError(`--seconds must be more than 0 and at most ${MAX_DEMO_SECONDS}; got ${parsed.seconds}`);
      }
      const influxdbUrl = parsed.influxdb;
      if (influxdbUrl !== undefined && !/^https?:\/\/[^/?#]+(?:\/[^?#]*)?$/.test(influxdbUrl)) {
        throw new CliUsageError(`--influxdb must be an http:// or https:// URL such as http://localhost:8086; got ${JSON.stringify(influxdbUrl)}`);
      }
      const controller = new AbortController();
      const unregister = context.onStopRequest(() => controller.abort());
      try {
        await runDemo({
          seconds,
          signal: controller.signal,
          write: context.stdout,
          warn: context.stderr,
          ...(influxdbUrl === undefined ? {} : { influxdbUrl }),
        });
      } finally {
        unregister();
      }
      outcome.exitCode = 0;
    },
  });
}
