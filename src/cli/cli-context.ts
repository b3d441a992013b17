import type { DestinationStream } from 'pino';

/**
 * Everything a CLI command touches outside itself, so commands run in tests without a
 * child process. `main.ts` fills it from `process`; only it exits and handles signals.
 */
export interface CliContext {
  /** Environment (`KADABRA_<KEY>` overrides). */
  readonly env: NodeJS.ProcessEnv;
  /** Writes command output (text as given, no newline added). */
  readonly stdout: (text: string) => void;
  /** Writes error messages (text as given, no newline added). */
  readonly stderr: (text: string) => void;
  /** Whether usage text may carry ANSI colours (a terminal). Default false. */
  readonly color?: boolean;
  /** Whether standard output is a terminal (`kadabra status --watch` redraws in place). Default false. */
  readonly stdoutIsTerminal?: boolean;
  /** Where the agent's log lines go. Default: standard output. */
  readonly logDestination?: DestinationStream;
  /**
   * Registers what to do when the user asks the process to stop (SIGINT/SIGTERM).
   * @returns a function that unregisters it.
   */
  readonly onStopRequest: (handler: () => void) => () => void;
}

/** Exit codes of the `kadabra` command. */
export const EXIT_CODES = Object.freeze({
  /** Done. */
  OK: 0,
  /** The command ran and failed (e.g. channel unreachable, message not delivered). */
  FAILED: 1,
  /** Bad usage or bad configuration: nothing was attempted. */
  USAGE: 2,
  /** `kadabra status`: read, and an alarm is raised (more dead letters than `dead_max_length`). */
  ALARM: 3,
});

/** Mutable outcome of one CLI run, set by the command that ran. */
export interface CliOutcome {
  exitCode: number;
}
