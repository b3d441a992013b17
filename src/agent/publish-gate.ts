/**
 * The shared circuit of an agent's receivers (the original's receivers kept moving the
 * whole queue into in-progress while the database was down): while publishing keeps
 * failing, the gate is closed and no worker takes a new message from the channel.
 * The workers that already hold a message retry it with backoff; the first success opens
 * the gate again. So in-progress stays bounded by the number of workers during an outage.
 */
export class PublishGate {
  private closed = false;
  private readonly waiters = new Set<() => void>();

  /** Whether workers may take new messages. */
  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Closes the gate (a publish failed transiently).
   * @returns `true` if it was open until now (the caller reports the outage once).
   */
  close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    return true;
  }

  /**
   * Opens the gate (a publish succeeded) and wakes every waiting worker.
   * @returns `true` if it was closed until now (the caller reports the recovery once).
   */
  open(): boolean {
    if (!this.closed) return false;
    this.closed = false;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
    return true;
  }

  /** Resolves once the gate is open, or at once when `signal` aborts. Never rejects. */
  whenOpen(signal?: AbortSignal): Promise<void> {
    if (this.isOpen || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}
