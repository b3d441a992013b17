import { KadabraError } from './kadabra-error.js';

/**
 * A call that would start work on a client after its `close()`: `collectRuntimeMetrics()`.
 * (`send()` after `close()` does not raise it: it counts the message as dropped,
 * `stats().droppedBy.afterClose`.)
 */
export class ClientClosedError extends KadabraError {
  /** @param method the call that came too late; default `send`, for code that built this error itself. */
  constructor(method = 'send') {
    super(
      'KADABRA_CLIENT_CLOSED',
      `${method}() was called after close(); create a new Kadabra client, or close it only at shutdown`,
    );
  }
}
