import type { ProbeResult } from './publisher.js';

/**
 * What a publisher has running (publishes, probes) and its close, in one place: nothing
 * starts after `close()`, and `close()` waits for what runs before it releases the
 * publisher's connections.
 */
export class PublisherWork {
  private readonly running = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  /** @param owner the publisher's class name, for the error of a publish after close. */
  constructor(private readonly owner: string) {}

  /** Runs a publish; after `close()`, rejects without running it. */
  publish<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error(`${this.owner}.publish() was called after close()`));
    return this.track(work());
  }

  /** Runs a readiness probe; after `close()`, answers not ok without running it. */
  probe(work: () => Promise<ProbeResult>): Promise<ProbeResult> {
    if (this.closing) return Promise.resolve({ ok: false, reason: 'the publisher is closed' });
    return this.track(work());
  }

  /** Waits for everything running (whatever its outcome), then `release()`s once. Idempotent. */
  close(release: () => void | Promise<void>): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.running]);
      await release();
    })();
    return this.closing;
  }

  private track<T>(run: Promise<T>): Promise<T> {
    this.running.add(run);
    const forget = (): void => {
      this.running.delete(run);
    };
    run.then(forget, forget);
    return run;
  }
}
