import { redactSecrets } from '../../logging/redact-secrets.js';

/**
 * Whether the agent can do its work, as `/readyz` answers: the channel answered its last
 * operation and the publisher its last write (a publish, or the probe the agent sends
 * while idle). Each side holds the last failure's reason until a success clears it. A
 * side nothing has been heard from yet counts as ready: the first receive may block for
 * the channel's whole timeout on an empty queue, and the first probe follows at start.
 */
export class Readiness {
  private channelProblem: string | undefined;
  private publisherProblem: string | undefined;
  private publisherHeardAt = Number.NEGATIVE_INFINITY;

  /** @param clock monotonic milliseconds (tests pass their own). */
  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** The channel answered. */
  channelReachable(): void {
    this.channelProblem = undefined;
  }

  /** A channel operation failed; `reason` is one line (credentials are masked here). */
  channelFailed(reason: string): void {
    this.channelProblem = oneLine(reason);
  }

  /** The publisher wrote (or answered a write, refusals included). */
  publisherWriting(): void {
    this.publisherProblem = undefined;
    this.publisherHeardAt = this.clock();
  }

  /** The publisher could not write for a reason that may pass (its own classification). */
  publisherFailed(reason: string): void {
    this.publisherProblem = oneLine(reason);
    this.publisherHeardAt = this.clock();
  }

  /** Milliseconds since the publisher last answered (a publish or a probe), Infinity if never. */
  sincePublisherAnswered(): number {
    return this.clock() - this.publisherHeardAt;
  }

  /** Why the agent is not ready, in one line, or undefined when it is. */
  problem(): string | undefined {
    if (this.channelProblem !== undefined) return `channel unreachable: ${this.channelProblem}`;
    if (this.publisherProblem !== undefined) return `publisher not writing: ${this.publisherProblem}`;
    return undefined;
  }
}

/** One line, credentials masked: reasons come from errors that may quote a URL. */
function oneLine(text: string): string {
  return redactSecrets(text).replace(/\s*[\r\n]+\s*/g, ' ');
}
