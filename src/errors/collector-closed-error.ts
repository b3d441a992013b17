import { KadabraError } from './kadabra-error.js';

/** Raised when a `MetricsCollector` is used (or closed again) after `close()`. */
export class CollectorClosedError extends KadabraError {
  constructor(operation: string) {
    super(
      'KADABRA_COLLECTOR_CLOSED',
      `${operation}() was called on a MetricsCollector that is already closed; ` +
        'take a new collector from client.metrics() for further metrics',
    );
  }
}
