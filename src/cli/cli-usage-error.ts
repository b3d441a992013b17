import { KadabraError } from '../errors/kadabra-error.js';

/** A command-line argument is missing or malformed; the CLI exits with code 2. */
export class CliUsageError extends KadabraError {
  constructor(message: string) {
    super('KADABRA_CLI_USAGE', message);
  }
}
