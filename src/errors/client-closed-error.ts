import { KadabraError } from './kadabra-error.js';

/**
 * Kept for code that recognises it; no longer raised: `send()` after `close()` counts the
 * message as dropped (`stats().droppedBy.afterClose`) instead of throwing.
 */
export class ClientClosedError extends KadabraError {
  constructor() {
    super(
      'KADABRA_CLIENT_CLOSED',
      'send() was called after close(); create a new Kadabra client, or close it only at shutdown',
    );
  }
}
