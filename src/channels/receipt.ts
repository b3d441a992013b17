import { describeValue } from '../errors/describe-value.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { Receipt } from './channel.js';

/**
 * The error for a receipt a channel did not issue (from another channel type, or built
 * by hand): receipts are opaque handles, so a foreign one can only be a mistake.
 * @param channel - the channel that refuses it, e.g. `RedisChannel`.
 */
export function foreignReceipt(channel: string, receipt: unknown): InvalidArgumentError {
  return new InvalidArgumentError(
    `${channel} did not issue the receipt ${describeValue(receipt)}: pass the receipt of a message received ` +
      `from a ${channel} (ReceivedMessage.receipt), unchanged`,
  );
}

/**
 * Narrows receipts to a channel's own receipt class.
 * @throws InvalidArgumentError (see `foreignReceipt`) for the first that is not one, before anything is changed.
 */
export function ownReceipts<R extends Receipt>(
  channel: string,
  own: abstract new (...args: never[]) => R,
  receipts: readonly Receipt[],
): R[] {
  return receipts.map((receipt) => {
    if (!(receipt instanceof own)) throw foreignReceipt(channel, receipt);
    return receipt;
  });
}
