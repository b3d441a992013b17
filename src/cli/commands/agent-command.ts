import { defineCommand, type CommandDef } from 'citty';
import { Agent } from '../../agent/agent.js';
import { loadConfigurationFile, resolveAgentConfiguration } from '../../config/index.js';
import { createLogger } from '../../logging/logger.js';
import type { CliContext, CliOutcome } from '../cli-context.js';
import { CONFIG_ARG } from './common-args.js';

const args = { config: CONFIG_ARG } as const;

/**
 * `kadabra agent [--config FILE]`: runs the agent until the process is asked to stop
 * (SIGINT/SIGTERM through `context.onStopRequest`), then stops it gracefully.
 */
export function agentCommand(context: CliContext, outcome: CliOutcome): CommandDef<typeof args> {
  return defineCommand({
    meta: {
      name: 'kadabra agent',
      description: 'Run the agent: publish metrics from the channel until SIGINT/SIGTERM',
    },
    args,
    async run({ args: parsed }) {
      const input = parsed.config === undefined ? {} : loadConfigurationFile(parsed.config);
      const configuration = resolveAgentConfiguration(input, context.env);
      const logger = createLogger({
        level: configuration.AGENT_LOG_LEVEL,
        format: configuration.AGENT_LOG_FORMAT,
        colour: context.color === true,
        ...(context.logDestination ? { destination: context.logDestination } : {}),
      });
      const agent = new Agent(configuration, { logger });
      const unregister = context.onStopRequest(() => void agent.stop());
      try {
        await agent.start();
      } finally {
        unregister();
      }
      outcome.exitCode = 0;
    },
  });
}
