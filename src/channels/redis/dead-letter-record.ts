import type { DeadLetter } from '../channel.js';

/** Builds the JSON record stored in the dead-letter list for a message's exact bytes. */
export function deadLetterRecord(raw: Buffer, reason: string, now: Date = new Date()): string {
  const text = raw.toString('utf8');
  // Bytes that are not valid UTF-8 would not survive a round trip through text.
  const valid = Buffer.from(text, 'utf8').equals(raw);
  const record: DeadLetter = {
    message: valid ? text : raw.toString('base64'),
    encoding: valid ? 'utf8' : 'base64',
    reason,
    time: now.toISOString(),
  };
  return JSON.stringify(record);
}

/** Parses a stored dead-letter record; a record that is not ours is returned as its raw text. */
export function parseDeadLetter(record: string): DeadLetter {
  try {
    const value = JSON.parse(record) as Partial<DeadLetter>;
    if (typeof value.message === 'string' && typeof value.reason === 'string') {
      return {
        message: value.message,
        encoding: value.encoding === 'base64' ? 'base64' : 'utf8',
        reason: value.reason,
        time: typeof value.time === 'string' ? value.time : '',
      };
    }
  } catch {
    // Fall through: not a record we wrote.
  }
  return { message: record, encoding: 'utf8', reason: 'unrecognised dead-letter record', time: '' };
}

/** The exact message bytes a dead letter holds. */
export function deadLetterBytes(letter: DeadLetter): Buffer {
  return Buffer.from(letter.message, letter.encoding);
}
