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

/** Text or base64 for bytes, whichever keeps them exactly. */
function messageText(raw: Buffer): Pick<DeadLetter, 'message' | 'encoding'> {
  const text = raw.toString('utf8');
  return Buffer.from(text, 'utf8').equals(raw) ? { message: text, encoding: 'utf8' } : { message: raw.toString('base64'), encoding: 'base64' };
}

const NEWLINE = 0x0a;

/**
 * A record written by the receive scripts for a message over the maximum size: a line of
 * JSON (`reason`, `time_ms`, `bytes`, `encoding: "raw"`), a newline, then the message's
 * exact bytes, so the server moves the message without any agent reading it. The JSON
 * records above never contain a raw newline (JSON.stringify escapes it).
 */
function parseRawRecord(record: Buffer): DeadLetter | undefined {
  const end = record.indexOf(NEWLINE);
  if (end === -1) return undefined;
  try {
    const header = JSON.parse(record.subarray(0, end).toString('utf8')) as { reason?: unknown; time_ms?: unknown; encoding?: unknown };
    if (header.encoding !== 'raw' || typeof header.reason !== 'string') return undefined;
    const time = typeof header.time_ms === 'number' ? new Date(header.time_ms).toISOString() : '';
    return { ...messageText(record.subarray(end + 1)), reason: header.reason, time };
  } catch {
    return undefined;
  }
}

/** Parses a stored dead-letter record; a record that is not ours is returned as its raw text. */
export function parseDeadLetter(stored: string | Buffer): DeadLetter {
  const record = typeof stored === 'string' ? stored : stored.toString('utf8');
  if (Buffer.isBuffer(stored)) {
    const raw = parseRawRecord(stored);
    if (raw) return raw;
  }
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
