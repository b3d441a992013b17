import { describeError } from '../../agent/channel-failures.js';
import { EXIT_CODES, type CliContext, type CliOutcome } from '../cli-context.js';

/** Prints one line saying the channel could not be used, and sets exit code 1. */
export function reportChannelFailure(
  context: CliContext,
  outcome: CliOutcome,
  command: string,
  endpoint: string,
  error: unknown,
): void {
  context.stderr(`kadabra ${command}: cannot use the channel at ${endpoint}: ${describeError(error)}\n`);
  outcome.exitCode = EXIT_CODES.FAILED;
}
