import { defineCommand, type CommandDef } from 'citty';
import type { DeadLetter } from '../../channels/channel.js';
import type { CliContext, CliOutcome } from '../cli-context.js';
import { READ_ONLY, withAgentChannel } from '../open-agent-channel.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parsePositiveInteger } from '../parse-number.js';
import { CONFIG_ARG, JSON_ARG } from './common-args.js';
import { reportChannelFailure } from './report-channel-failure.js';

/** Dead letters listed when `--limit` is not given. */
const DEFAULT_LIST_LIMIT = 20;

const LIMIT_ARG = { type: 'string', valueHint: 'N' } as const;

/** One dead letter as text: time and reason, then the message indented. */
export function formatDeadLetter(letter: DeadLetter): string {
  const message = letter.encoding === 'base64' ? `(base64) ${letter.message}` : letter.message;
  return `${letter.time}  ${letter.reason}\n    ${message}\n`;
}

const listArgs = {
  config: CONFIG_ARG,
  json: JSON_ARG,
  limit: { ...LIMIT_ARG, description: `Most dead letters to show, newest first (default ${DEFAULT_LIST_LIMIT})` },
} as const;
const requeueArgs = {
  config: CONFIG_ARG,
  limit: { ...LIMIT_ARG, description: 'Most dead letters to put back on the queue, oldest first (default: all)' },
  reason: {
    type: 'string',
    valueHint: 'TEXT',
    description:
      'Only dead letters whose reason contains TEXT (case-sensitive), e.g. --reason max-series-per-database once the limit is raised',
  },
} as const;
const purgeArgs = { config: CONFIG_ARG } as const;

function listCommand(context: CliContext, outcome: CliOutcome): CommandDef<typeof listArgs> {
  return defineCommand({
    meta: { name: 'kadabra dead-letters list', description: 'Show dead letters (newest first) with their reasons' },
    args: listArgs,
    async run({ args }) {
      const limit = parsePositiveInteger(args.limit, 'limit', DEFAULT_LIST_LIMIT);
      await withAgentChannel(args.config, context, async ({ channel, endpoint }) => {
        try {
          const letters = await channel.deadLetters(limit);
          if (args.json) context.stdout(`${JSON.stringify(letters)}\n`);
          else if (letters.length === 0) context.stdout('no dead letters\n');
          else context.stdout(letters.map(formatDeadLetter).join(''));
          outcome.exitCode = 0;
        } catch (error) {
          reportChannelFailure(context, outcome, 'dead-letters list', endpoint, error);
        }
      }, READ_ONLY);
    },
  });
}

function requeueCommand(context: CliContext, outcome: CliOutcome): CommandDef<typeof requeueArgs> {
  return defineCommand({
    meta: {
      name: 'kadabra dead-letters requeue',
      description: 'Put dead letters back on the queue for the agent (all, or those whose reason contains --reason TEXT); each exactly once, even with two requeues at once',
    },
    args: requeueArgs,
    async run({ args }) {
      const limit = args.limit === undefined ? Number.POSITIVE_INFINITY : parsePositiveInteger(args.limit, 'limit', 1);
      const reason = args.reason;
      if (reason === '') throw new CliUsageError('--reason needs a text to look for in the dead letters\' reasons (e.g. --reason max-series-per-database)');
      await withAgentChannel(args.config, context, async ({ channel, endpoint }) => {
        try {
          const moved = await channel.requeueDeadLetters(limit, reason === undefined ? {} : { reason });
          const which = reason === undefined ? '' : ` whose reason contains ${JSON.stringify(reason)}`;
          context.stdout(`requeued ${moved} dead letter(s)${which}\n`);
          outcome.exitCode = 0;
        } catch (error) {
          reportChannelFailure(context, outcome, 'dead-letters requeue', endpoint, error);
        }
      });
    },
  });
}

function purgeCommand(context: CliContext, outcome: CliOutcome): CommandDef<typeof purgeArgs> {
  return defineCommand({
    meta: { name: 'kadabra dead-letters purge', description: 'Delete every dead letter' },
    args: purgeArgs,
    async run({ args }) {
      await withAgentChannel(args.config, context, async ({ channel, endpoint }) => {
        try {
          const purged = await channel.purgeDeadLetters();
          context.stdout(`purged ${purged} dead letter(s)\n`);
          outcome.exitCode = 0;
        } catch (error) {
          reportChannelFailure(context, outcome, 'dead-letters purge', endpoint, error);
        }
      });
    },
  });
}

/** `kadabra dead-letters list|requeue|purge`: inspect and recover messages that could not be published. */
export function deadLettersCommand(context: CliContext, outcome: CliOutcome): CommandDef {
  return defineCommand({
    meta: {
      name: 'kadabra dead-letters',
      description: 'Inspect, requeue or purge messages that could not be published',
    },
    subCommands: {
      list: listCommand(context, outcome),
      requeue: requeueCommand(context, outcome),
      purge: purgeCommand(context, outcome),
    },
  });
}
