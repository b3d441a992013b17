import { KadabraError } from './kadabra-error.js';

/**
 * Raised when bytes from a channel cannot be decoded into `Metrics` (not JSON, `NaN`,
 * missing or mistyped keys, unparseable timestamps). Channels catch it and dead-letter
 * the message with `message` as the reason; it never reaches an agent worker.
 */
export class WireFormatError extends KadabraError {
  constructor(message: string) {
    super('KADABRA_WIRE_FORMAT', message);
  }
}
