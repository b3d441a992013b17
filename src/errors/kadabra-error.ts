/**
 * Base class of every error Kadabra throws on purpose. `code` is stable and is what
 * code should test (or `instanceof`), never the message text.
 */
export class KadabraError extends Error {
  /** Stable machine-readable code, e.g. `KADABRA_CONFIGURATION`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
