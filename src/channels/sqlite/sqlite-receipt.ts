import type { Receipt } from '../channel.js';

/**
 * The receipt of a message received from the SQLite channel: its row id, which is never
 * reused, so a receipt can never complete another message, even one with the same bytes.
 */
export class SqliteReceipt implements Receipt {
  /** One table holds every message. */
  readonly shard = '';
  /** The row id as text, as `Receipt.id` is. */
  readonly id: string;

  constructor(
    readonly rowId: number,
    readonly bytes: number,
  ) {
    this.id = String(rowId);
  }
}
