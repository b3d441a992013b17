import { KadabraError } from '../../errors/kadabra-error.js';

/**
 * Redis did not accept a connection in time. The message carries the server's or the TLS
 * layer's own reason and the argument to change; `cause` is the last connection error.
 */
export class RedisNotReadyError extends KadabraError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KADABRA_CHANNEL_NOT_READY', message, options);
  }
}
