import { KadabraError } from './kadabra-error.js';

/** Raised when `send()` is called on a `Kadabra` client after `close()`. */
export class ClientClosedError extends KadabraError {
  constructor() {
    super(
      'KADABRA_CLIENT_CLOSED',
      'send() was called after close(); create a new Kadabra client, or close it only at shutdown',
    );
  }
}
