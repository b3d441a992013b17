import { defineCommand, type CommandDef } from 'citty';
import { loadConfigurationFile, resolveAgentConfiguration } from '../../config/index.js';
import { PostgresSetupError, setUpPostgres } from '../../publishers/postgres/postgres-setup.js';
import { parsePublisherArgs } from '../../publishers/publisher-types.js';
import { EXIT_CODES, type CliContext, type CliOutcome } from '../cli-context.js';
import { CliUsageError } from '../cli-usage-error.js';
import { CONFIG_ARG } from './common-args.js';

const postgresArgs = { config: CONFIG_ARG } as const;

function postgresCommand(context: CliContext, outcome: CliOutcome): CommandDef<typeof postgresArgs> {
  return defineCommand({
    meta: {
      name: 'kadabra setup postgres',
      description:
        "Create or migrate the PostgreSQL table of the agent's configuration (AGENT_PUBLISHER_TYPE postgres) and its partitions; safe to run again and beside running agents",
    },
    args: postgresArgs,
    async run({ args }) {
      const input = args.config === undefined ? {} : loadConfigurationFile(args.config);
      const configuration = resolveAgentConfiguration(input, context.env);
      if (configuration.AGENT_PUBLISHER_TYPE !== 'postgres') {
        throw new CliUsageError(
          `kadabra setup postgres sets up the table of a postgres publisher, and AGENT_PUBLISHER_TYPE is ${JSON.stringify(configuration.AGENT_PUBLISHER_TYPE)}: ` +
            'set AGENT_PUBLISHER_TYPE to "postgres" (and AGENT_PUBLISHER_ARGS) in --config FILE or KADABRA_AGENT_PUBLISHER_TYPE',
        );
      }
      try {
        const setup = await setUpPostgres(parsePublisherArgs('postgres', configuration.AGENT_PUBLISHER_ARGS));
        const { from, to } = setup.schema;
        const schema =
          from === undefined ? `created (schema version ${to})` : from === to ? `already at schema version ${to}` : `migrated from schema version ${from} to ${to}`;
        const { created, dropped, deletedFromDefault, done } = setup.partitions;
        const partitions = done
          ? `${created.length} partition(s) created, ${dropped.length} dropped, ${deletedFromDefault} row(s) past retention deleted from DEFAULT`
          : 'partitions left to the agent that holds the table lock';
        context.stdout(`table ${setup.table} at ${setup.endpoint}: ${schema}; ${partitions}\n`);
        outcome.exitCode = EXIT_CODES.OK;
      } catch (error) {
        if (!(error instanceof PostgresSetupError)) throw error;
        context.stderr(`kadabra setup postgres: ${error.message}\n`);
        outcome.exitCode = EXIT_CODES.FAILED;
      }
    },
  });
}

/** `kadabra setup <database>`: prepares a publisher's database. */
export function setupCommand(context: CliContext, outcome: CliOutcome): CommandDef {
  return defineCommand({
    meta: { name: 'kadabra setup', description: "Prepare a publisher's database: `kadabra setup postgres`" },
    subCommands: { postgres: postgresCommand(context, outcome) },
  });
}
