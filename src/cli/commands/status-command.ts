import { defineCommand, type CommandDef } from 'citty';
import { EXIT_CODES, type CliContext, type CliOutcome } from '../cli-context.js';
import { CliUsageError } from '../cli-usage-error.js';
import { READ_ONLY, withAgentChannel, type CliChannel } from '../open-agent-channel.js';
import { parseFiniteNumber } from '../parse-number.js';
import { formatStatus, statusReport } from '../status-report.js';
import { agentMetricsUrl } from '../status-watch/agent-rates.js';
import { watchStatus } from '../status-watch/watch-status.js';
import { CONFIG_ARG, JSON_ARG } from './common-args.js';
import { reportChannelFailure } from './report-channel-failure.js';

/** `--interval` of `--watch`: its default and bounds, in seconds. */
export const WATCH_INTERVAL_SECONDS = Object.freeze({ default: 1, min: 0.1, max: 3600 });

const args = {
  config: CONFIG_ARG,
  json: JSON_ARG,
  watch: {
    type: 'boolean',
    description: 'Refresh every interval until Ctrl-C, with sparklines (with --json: one JSON object per line per refresh)',
  },
  interval: {
    type: 'string',
    valueHint: 'SECONDS',
    description: `Seconds between refreshes of --watch (default ${WATCH_INTERVAL_SECONDS.default}, from ${WATCH_INTERVAL_SECONDS.min} to ${WATCH_INTERVAL_SECONDS.max})`,
  },
} as const;

/**
 * Parses `--interval` (given only with `--watch`).
 * @throws CliUsageError naming the value and the accepted range.
 */
export function parseWatchInterval(text: string | undefined, watch: boolean): number {
  if (text === undefined) return WATCH_INTERVAL_SECONDS.default;
  if (!watch) throw new CliUsageError(`--interval applies only with --watch; got --interval ${JSON.stringify(text)} without it`);
  const { min, max } = WATCH_INTERVAL_SECONDS;
  const seconds = parseFiniteNumber(text, '--interval');
  if (seconds < min || seconds > max) {
    throw new CliUsageError(`--interval must be from ${min} to ${max} seconds; got ${JSON.stringify(text)}`);
  }
  return seconds;
}

/** `kadabra status --watch` until the user asks to stop (Ctrl-C); exits 0 then, whatever it saw. */
async function watch(context: CliContext, opened: CliChannel, json: boolean, intervalSeconds: number): Promise<void> {
  const { configuration } = opened;
  const url = agentMetricsUrl(configuration);
  const stop = new AbortController();
  const unregister = context.onStopRequest(() => stop.abort());
  try {
    await watchStatus({
      channel: opened.channel,
      endpoint: opened.endpoint,
      intervalSeconds,
      json,
      terminal: context.stdoutIsTerminal === true,
      agent: url === undefined ? undefined : { url, token: configuration.AGENT_HTTP_TOKEN },
      write: context.stdout,
      signal: stop.signal,
    });
  } finally {
    unregister();
  }
}

/** `kadabra status [--config FILE] [--json] [--watch [--interval SECONDS]]`: queue, in-progress and dead-letter counts. */
export function statusCommand(context: CliContext, outcome: CliOutcome): CommandDef<typeof args> {
  return defineCommand({
    meta: {
      name: 'kadabra status',
      description:
        'Show queue length, in-progress count and age of the oldest, dead-letter count; exits 3 while there are more dead letters than dead_max_length. --watch refreshes until Ctrl-C (exit 0)',
    },
    args,
    async run({ args: parsed }) {
      const watching = parsed.watch === true;
      const intervalSeconds = parseWatchInterval(parsed.interval, watching);
      await withAgentChannel(parsed.config, context, async (opened) => {
        if (watching) {
          await watch(context, opened, parsed.json === true, intervalSeconds);
          outcome.exitCode = EXIT_CODES.OK;
          return;
        }
        const { channel, endpoint } = opened;
        try {
          const report = statusReport(endpoint, await channel.status());
          context.stdout(parsed.json ? `${JSON.stringify(report)}\n` : formatStatus(report));
          outcome.exitCode = report.deadLetterAlarm ? EXIT_CODES.ALARM : EXIT_CODES.OK;
        } catch (error) {
          reportChannelFailure(context, outcome, 'status', endpoint, error);
        }
      }, READ_ONLY);
    },
  });
}
