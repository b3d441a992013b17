import type { KadabraLogger } from '../logging/logger.js';

/** A message a channel just moved to its dead-letter list. */
export interface DeadLetterReport {
  readonly reason: string;
  /** Size of the message in bytes. */
  readonly bytes: number;
  /** Dead letters held now, this one included. */
  readonly deadLetters: number;
  /** The channel's `dead_max_length`. */
  readonly threshold: number;
}

/**
 * Logs a new dead letter: at warn level, or at error level (the alarm) while the list
 * holds more than `dead_max_length`. Nothing is ever deleted for the threshold.
 */
export function reportDeadLetter(logger: KadabraLogger, report: DeadLetterReport): void {
  if (report.deadLetters > report.threshold) {
    logger.error(
      report,
      `${report.deadLetters} dead letters, more than dead_max_length (${report.threshold}); none is deleted: ` +
        'see them with `kadabra dead-letters list`, fix the cause, then `kadabra dead-letters requeue` (or purge)',
    );
    return;
  }
  logger.warn({ reason: report.reason, bytes: report.bytes }, 'message dead-lettered');
}

/** What one receive step moved to the dead letters for its size, by the server, unread. */
export interface OversizedMoved {
  /** How many messages it moved (0: nothing to report). */
  readonly deadLettered: number;
  /** Dead letters held afterwards. */
  readonly deadLetters: number;
  /** Size in bytes of the last one moved. */
  readonly lastSize: number;
}

/** Logs what a receive step moved to the dead letters for being over `maxMessageBytes`. */
export function reportOversized(
  logger: KadabraLogger,
  moved: OversizedMoved,
  maxMessageBytes: number | undefined,
  threshold: number,
): void {
  if (moved.deadLettered === 0) return;
  reportDeadLetter(logger, {
    reason: `${moved.deadLettered} message(s) over the maximum of ${maxMessageBytes} bytes (AGENT_MESSAGE_MAX_BYTES), moved without being read`,
    bytes: moved.lastSize,
    deadLetters: moved.deadLetters,
    threshold,
  });
}
