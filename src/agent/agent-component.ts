/** A long-running part of an agent (receiver or nanny). */
export interface AgentComponent {
  /** Runs until stopped; resolves once every worker has finished. Never rejects. */
  start(): Promise<void>;
  /**
   * Stops taking new work; in-flight publishes finish. Idempotent; resolves once the
   * component has stopped (at once if it never started).
   */
  stop(): Promise<void>;
}
