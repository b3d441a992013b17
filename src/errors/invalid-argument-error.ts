import { KadabraError } from './kadabra-error.js';

/** Raised at the call site when a metric is recorded with a bad name, value, unit or timestamp. */
export class InvalidArgumentError extends KadabraError {
  constructor(message: string) {
    super('KADABRA_INVALID_ARGUMENT', message);
  }
}
