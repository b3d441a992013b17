import { KadabraError } from './kadabra-error.js';

/** Raised at construction when a configuration key, value or type is not accepted. */
export class ConfigurationError extends KadabraError {
  /** The configuration key at fault (e.g. `AGENT_CHANNEL_ARGS.port`). */
  readonly key: string;

  constructor(key: string, message: string) {
    super('KADABRA_CONFIGURATION', message);
    this.key = key;
  }
}
