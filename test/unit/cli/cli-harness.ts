import type { CliContext } from '../../../src/cli/cli-context.js';
import { runCli } from '../../../src/cli/run-cli.js';

/** What a CLI run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly logs: string;
}

/** Runs the CLI in-process with captured output; `stop()` plays the role of SIGTERM. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): { result: Promise<CliResult>; stop: () => void } {
  let stdout = '';
  let stderr = '';
  let logs = '';
  const handlers = new Set<() => void>();
  const context: CliContext = {
    env,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    logDestination: { write: (line: string) => void (logs += line) },
    onStopRequest: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
  const result = runCli(args, context).then((code) => ({ code, stdout, stderr, logs }));
  return { result, stop: () => handlers.forEach((handler) => handler()) };
}

/** Runs a CLI command to completion. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).result;
}
