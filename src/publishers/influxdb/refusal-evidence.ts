import { hash } from 'node:crypto';

/** Messages remembered as refused; the oldest memory is dropped beyond this (it is then held once more). */
const MAX_REMEMBERED = 10_000;

/**
 * Decides when a refusal is evidence against a message rather than against the setup.
 *
 * A message refused alone while the same server accepted the rest of its batch is at
 * fault: the publisher dead-letters it at once. A batch refused as a whole proves nothing
 * (a wrong scheme, a proxy, a server at its series limit refuse everything): its messages
 * are held. A message held this way is remembered with the count of data writes the server
 * had accepted then; when it is refused again after the server has accepted other writes
 * in between, it alone is the problem, and it is dead-lettered. So a poisoned message that
 * arrives alone never holds back the others, and nothing is dead-lettered while every
 * write fails.
 */
export class RefusalEvidence {
  private acceptedWrites = 0;
  /** Digest of a message's lines -> `acceptedWrites` when it was last refused. */
  private readonly refusedAt = new Map<string, number>();

  /** Counts a data write the server accepted. */
  accepted(): void {
    this.acceptedWrites += 1;
  }

  /**
   * Judges a message refused in a batch of which nothing was written.
   * @param lines the message's lines (its identity: a republish has the same lines).
   * @returns `true` when the server accepted other writes since this message was last
   *   refused (dead-letter it); `false` when it is to be held (it is remembered).
   */
  refusedAgain(lines: readonly string[]): boolean {
    const key = hash('sha1', lines.join('\n'), 'hex');
    const before = this.refusedAt.get(key);
    if (before !== undefined && before < this.acceptedWrites) {
      this.refusedAt.delete(key);
      return true;
    }
    this.refusedAt.delete(key);
    this.refusedAt.set(key, this.acceptedWrites);
    if (this.refusedAt.size > MAX_REMEMBERED) {
      const oldest = this.refusedAt.keys().next();
      if (oldest.done !== true) this.refusedAt.delete(oldest.value);
    }
    return false;
  }
}
