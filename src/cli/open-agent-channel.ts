import type { Channel } from '../channels/channel.js';
import type { ChannelOpenOptions } from '../channels/channel-open-options.js';
import { createChannel } from '../channels/create-channel.js';
import { loadConfigurationFile, resolveAgentConfiguration, type AgentConfiguration } from '../config/index.js';
import { componentLogger, createLogger } from '../logging/logger.js';
import type { CliContext } from './cli-context.js';

/** A channel opened by a CLI command, with where it points (safe to print). */
export interface CliChannel {
  readonly channel: Channel;
  /** Where it points, without credentials (`Channel.describe()`). */
  readonly endpoint: string;
  /** The resolved agent configuration it was opened with. */
  readonly configuration: AgentConfiguration;
}

/**
 * Opens the channel the agent side of the configuration describes (`AGENT_CHANNEL_*`,
 * from `--config` and `KADABRA_*` variables). Its warnings go to standard error so the
 * command's output stays clean.
 * @throws ConfigurationError for a bad file or configuration.
 */
export function openAgentChannel(
  configPath: string | undefined,
  context: CliContext,
  options: ChannelOpenOptions = {},
): CliChannel {
  const input = configPath === undefined ? {} : loadConfigurationFile(configPath);
  const configuration = resolveAgentConfiguration(input, context.env);
  const root = createLogger({
    level: 'error',
    destination: { write: (line: string) => context.stderr(line) },
  });
  const args = configuration.AGENT_CHANNEL_ARGS;
  const channel = createChannel(configuration.AGENT_CHANNEL_TYPE, args, componentLogger(root, args.logger), options);
  return { channel, endpoint: channel.describe().endpoint, configuration };
}

/** Options of commands that only look at a channel. */
export const READ_ONLY: ChannelOpenOptions = Object.freeze({ readOnly: true });

/**
 * Runs `action` with the agent-side channel, closing it afterwards. Commands that only
 * look pass `{ readOnly: true }`: then nothing is ever created (no SQLite file or folder).
 */
export async function withAgentChannel<T>(
  configPath: string | undefined,
  context: CliContext,
  action: (opened: CliChannel) => Promise<T>,
  options: ChannelOpenOptions = {},
): Promise<T> {
  const opened = openAgentChannel(configPath, context, options);
  try {
    return await action(opened);
  } finally {
    await opened.channel.close().catch(() => undefined);
  }
}
