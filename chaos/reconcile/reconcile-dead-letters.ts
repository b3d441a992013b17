import type { Redis } from 'ioredis';
import { parseDeadLetter } from '../../src/channels/redis/dead-letter-record.js';
import type { BadMessage } from '../support/malformed.js';

/** The dead-letter list compared with the bad messages injected. */
export interface DeadLetterReconciliation {
  /** Records in the dead-letter list. */
  readonly deadLettered: number;
  /** Bad messages found there, each with a non-empty reason. */
  readonly found: number;
  /** Bad messages not there (published, lost or still in progress): the suite fails on any. */
  readonly missing: readonly string[];
  /** Records that are none of the injected bad messages (a good message dead-lettered?). */
  readonly unexpected: number;
  /** One reason per kind of bad message, for the report. */
  readonly reasons: Readonly<Record<string, string>>;
}

/** Reads the dead-letter list at `deadKey` and finds every injected bad message in it by its marker. */
export async function reconcileDeadLetters(
  redis: Redis,
  deadKey: string,
  bad: readonly BadMessage[],
): Promise<DeadLetterReconciliation> {
  // Buffers, read as the channel reads them: a message over the agent's maximum is kept
  // as raw bytes after a JSON header line, not inside JSON.
  const records = await redis.lrangeBuffer(deadKey, 0, -1);
  const byMarker = new Map(bad.map((message) => [message.marker, message]));
  const found = new Set<string>();
  const reasons: Record<string, string> = {};
  let unexpected = 0;
  for (const stored of records) {
    const record = parseDeadLetter(stored);
    const message = record.encoding === 'base64' ? Buffer.from(record.message, 'base64').toString('latin1') : record.message;
    // Markers sit near the start of every bad message.
    const marker = /chaos-bad-[a-z0-9]+-\d+/.exec(message.slice(0, 300))?.[0];
    const source = marker === undefined ? undefined : byMarker.get(marker);
    if (!source || record.reason === '') {
      unexpected += 1;
      continue;
    }
    found.add(source.marker);
    reasons[source.kind] ??= record.reason.slice(0, 160);
  }
  return {
    deadLettered: records.length,
    found: found.size,
    missing: bad.filter((message) => !found.has(message.marker)).map((m) => `${m.marker} (${m.kind})`),
    unexpected,
    reasons,
  };
}
