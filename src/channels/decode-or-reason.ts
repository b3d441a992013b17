import { WireFormatError } from '../errors/wire-format-error.js';
import type { Metrics } from '../metrics/metrics.js';
import { decodeMetrics } from '../wire/codec.js';

/** The metrics of `raw`, or why it has none (the dead-letter reason). Synchronous: it runs per message. */
export function decodeOrReason(raw: Buffer): Metrics | string {
  try {
    return decodeMetrics(raw);
  } catch (error) {
    if (error instanceof WireFormatError) return error.message;
    throw error;
  }
}
