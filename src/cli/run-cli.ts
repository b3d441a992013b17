import { renderUsage, runCommand, type ArgsDef, type CommandDef } from 'citty';
import { ConfigurationError } from '../errors/configuration-error.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { describeError } from '../agent/channel-failures.js';
import { EXIT_CODES, type CliContext, type CliOutcome } from './cli-context.js';
import { CliUsageError } from './cli-usage-error.js';
import { redactSecrets } from '../logging/redact-secrets.js';
import { rootCommand } from './commands/root-command.js';

/** The command `rawArgs` names (following subcommands), for `--help` and usage errors. */
async function targetCommand(root: CommandDef, rawArgs: readonly string[]): Promise<CommandDef> {
  let command = root;
  for (const arg of rawArgs) {
    if (arg === '--') break;
    if (arg.startsWith('-')) continue;
    const subCommands = (await resolve(command.subCommands)) as Record<string, unknown> | undefined;
    if (!subCommands || !Object.hasOwn(subCommands, arg)) break;
    command = (await resolve(subCommands[arg])) as CommandDef;
  }
  return command;
}

async function resolve<T>(value: T | Promise<T> | (() => T | Promise<T>)): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value;
}

/**
 * Matches ANSI colour codes (SGR sequences) citty puts in its text. Cursor movement
 * (`kadabra status --watch` on a terminal) is not colour and passes.
 */
// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\u001B\[[0-9;]*m/g;

async function usageOf(root: CommandDef, rawArgs: readonly string[], color: boolean): Promise<string> {
  const text = await renderUsage((await targetCommand(root, rawArgs)) as CommandDef<ArgsDef>);
  return `${color ? text : text.replace(ANSI_COLOUR, '')}\n`;
}

function isHelpRequest(rawArgs: readonly string[]): boolean {
  const end = rawArgs.indexOf('--');
  const options = end === -1 ? rawArgs : rawArgs.slice(0, end);
  return options.includes('--help') || options.includes('-h');
}

/** Whether citty rejected the command line (it does not export its error class). */
function isCittyUsageError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'CLIError';
}

/**
 * Runs the `kadabra` command line `rawArgs` against `context` and resolves the exit code:
 * 0 done, 1 failed, 2 bad usage or configuration. Never exits the process and never
 * touches signals: `main.ts` does.
 */
export async function runCli(rawArgs: readonly string[], given: CliContext): Promise<number> {
  // Everything the CLI prints passes here: no configured credential reaches the terminal,
  // and no colour code reaches a file or pipe (citty colours some of its messages).
  const plain = (text: string): string => (given.color === true ? text : text.replace(ANSI_COLOUR, ''));
  const context: CliContext = {
    ...given,
    stdout: (text) => given.stdout(plain(redactSecrets(text))),
    stderr: (text) => given.stderr(plain(redactSecrets(text))),
  };
  const outcome: CliOutcome = { exitCode: EXIT_CODES.OK };
  const root = rootCommand(context, outcome);
  if (isHelpRequest(rawArgs)) {
    context.stdout(await usageOf(root, rawArgs, context.color === true));
    return EXIT_CODES.OK;
  }
  try {
    await runCommand(root, { rawArgs: [...rawArgs] });
    return outcome.exitCode;
  } catch (error) {
    const command = ['kadabra', ...(await commandPath(root, rawArgs))].join(' ');
    if (error instanceof ConfigurationError) {
      const key = error.key && !error.message.includes(error.key) ? `${error.key}: ` : '';
      context.stderr(`${command}: invalid configuration: ${key}${oneLine(error.message)}\n`);
      return EXIT_CODES.USAGE;
    }
    if (error instanceof CliUsageError || error instanceof InvalidArgumentError || isCittyUsageError(error)) {
      context.stderr(`${await usageOf(root, rawArgs, context.color === true)}\n${command}: ${oneLine(error.message)}\n`);
      return EXIT_CODES.USAGE;
    }
    context.stderr(`${command}: ${oneLine(describeError(error))}\n`);
    return EXIT_CODES.FAILED;
  }
}

/** The subcommand names `rawArgs` selects, e.g. `['dead-letters', 'list']`. */
async function commandPath(root: CommandDef, rawArgs: readonly string[]): Promise<string[]> {
  const target = await targetCommand(root, rawArgs);
  const meta = (await resolve(target.meta)) as { name?: string } | undefined;
  return (meta?.name ?? 'kadabra').split(' ').slice(1);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
