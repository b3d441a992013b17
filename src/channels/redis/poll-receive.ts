import { secondsToMilliseconds } from '../../config/duration-seconds.js';
import { backoffDelayMs, type BackoffSteps } from '../../retry/backoff.js';
import { DEFAULT_RECEIVE_TIMEOUT_SECONDS, type ReceivedMessage, type ReceiveLimits, type ReceiveOptions } from '../channel.js';
import { sleepUnlessAborted } from '../until-aborted.js';

/**
 * An empty queue is polled every `POLL_BACKOFF.initialMs` for the first `BUSY_POLL_FOR_MS`
 * of a wait, then less and less often (by half each time) up to every `POLL_BACKOFF.maxMs`. Under
 * steady traffic a message waits at most a few ms and messages are taken one by one as
 * they arrive (so the receivers' batches, and what they hold during an outage, stay as
 * with a blocking move); an idle queue costs about 20 calls a second per worker.
 */
const POLL_BACKOFF: BackoffSteps = { initialMs: 4, maxMs: 50, factor: 1.5 };
const BUSY_POLL_FOR_MS = 1000;

/** What one non-blocking take of one message found. */
export interface TakeResult {
  /** The decodable messages taken (at most one). */
  readonly messages: readonly ReceivedMessage[];
  /** How many items left the queue (dead-lettered ones included): more may be waiting. */
  readonly moved: number;
}

/**
 * A blocking receive made of non-blocking, size-checking takes (a Lua script the server
 * runs alone): called again at once while messages are waiting, every 4 ms for the first
 * second on an empty queue, then up to every 50 ms. A blocking Redis command cannot run
 * in a script, and would hand over any message whole, whatever its size.
 *
 * @param take one take of at most one message; `undefined` when `signal` aborted first.
 * @param closed aborted when the channel closes.
 */
export async function pollReceive(
  take: (limits: ReceiveLimits, signal: AbortSignal | undefined) => Promise<TakeResult | undefined>,
  options: ReceiveOptions,
  closed: AbortSignal,
): Promise<ReceivedMessage | null> {
  const { signal } = options;
  const timeoutMs = secondsToMilliseconds(options.timeoutSeconds ?? DEFAULT_RECEIVE_TIMEOUT_SECONDS);
  const deadline = Date.now() + timeoutMs;
  const limits: ReceiveLimits = options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes };
  let idleSince = Date.now();
  let slowdowns = 0;
  while (!signal?.aborted && !closed.aborted) {
    const taken = await take(limits, signal);
    if (!taken) return null;
    const [message] = taken.messages;
    if (message) return message;
    if (taken.moved > 0) {
      idleSince = Date.now();
      slowdowns = 0;
      continue;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return null;
    await sleepUnlessAborted(Math.min(backoffDelayMs(slowdowns, POLL_BACKOFF), remaining), signal, closed);
    if (Date.now() - idleSince >= BUSY_POLL_FOR_MS) slowdowns += 1;
  }
  return null;
}
