import { KadabraError } from './kadabra-error.js';

/**
 * Raised at the call site for a bad argument: a metric recorded with a bad name, value,
 * unit or timestamp, or a channel handed a receipt it did not issue or a bad state change.
 */
export class InvalidArgumentError extends KadabraError {
  constructor(message: string) {
    super('KADABRA_INVALID_ARGUMENT', message);
  }
}
