import type { KadabraLogger } from '../logging/logger.js';
import type { AgentComponent } from './agent-component.js';
import { describeError } from './channel-failures.js';

/**
 * Start/stop bookkeeping shared by receivers and nannies: one `AbortSignal` that every
 * wait of the component listens to, a stored run promise, an idempotent `stop()`.
 */
export abstract class ComponentLifecycle implements AgentComponent {
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  protected constructor(protected readonly logger: KadabraLogger) {}

  /** Aborted once `stop()` is called. */
  protected get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The component's work; returns once `signal` has aborted and its work has wound down. */
  protected abstract run(signal: AbortSignal): Promise<void>;

  /** Runs until stopped (see `AgentComponent.start`). Calling it again returns the same promise. */
  start(): Promise<void> {
    if (this.running) return this.running;
    if (this.controller.signal.aborted) {
      this.running = Promise.resolve();
      return this.running;
    }
    this.running = this.run(this.controller.signal).catch((error: unknown) => {
      // run() handles its own failures; reaching here is a bug, and the agent must still stop cleanly.
      this.logger.error({ err: describeError(error) }, 'agent component stopped unexpectedly');
    });
    return this.running;
  }

  /** Stops taking new work and resolves once in-flight work has finished (see `AgentComponent.stop`). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.controller.abort();
      await this.running;
    })();
    return this.stopping;
  }
}
