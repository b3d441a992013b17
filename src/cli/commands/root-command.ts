import { defineCommand, type CommandDef } from 'citty';
import type { CliContext, CliOutcome } from '../cli-context.js';
import { agentCommand } from './agent-command.js';
import { deadLettersCommand } from './dead-letters-command.js';
import { demoCommand } from './demo-command.js';
import { sendCommand } from './send-command.js';
import { setupCommand } from './setup-command.js';
import { statusCommand } from './status-command.js';

/** The `kadabra` command tree, bound to one context and outcome. */
export function rootCommand(context: CliContext, outcome: CliOutcome): CommandDef {
  return defineCommand({
    meta: {
      name: 'kadabra',
      description: 'Kadabra metrics: run the agent, inspect the channel, send metrics',
    },
    subCommands: {
      agent: agentCommand(context, outcome),
      status: statusCommand(context, outcome),
      'dead-letters': deadLettersCommand(context, outcome),
      send: sendCommand(context, outcome),
      demo: demoCommand(context, outcome),
      setup: setupCommand(context, outcome),
    },
  });
}
