#!/usr/bin/env node
import { runCli } from './run-cli.js';
import type { CliContext } from './cli-context.js';
import { useColour } from './use-colour.js';

/**
 * How long the process may linger after the command finished before it is ended: only a
 * connection a server never answered (left behind by a bounded stop) keeps it longer.
 */
const EXIT_GRACE_MS = 1000;

const handlers = new Set<() => void>();
let stopRequests = 0;

function onSignal(signal: NodeJS.Signals): void {
  stopRequests += 1;
  if (handlers.size === 0) {
    // Nothing to stop gracefully (status, send, ...): behave as without a handler.
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  }
  if (stopRequests > 1) {
    // A second signal while stopping: the user insists; in-progress items stay for the nanny.
    process.stderr.write(`kadabra: ${signal} again; exiting now\n`);
    process.exit(130);
  }
  for (const handler of handlers) handler();
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const context: CliContext = {
  env: process.env,
  color: useColour([process.stdout, process.stderr], process.env),
  stdoutIsTerminal: process.stdout.isTTY === true,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  onStopRequest: (handler) => {
    handlers.add(handler);
    return () => handlers.delete(handler);
  },
};

const exitCode = await runCli(process.argv.slice(2), context);
process.exitCode = exitCode;
// Normally the process ends by itself now; this only ends it if some handle lingers.
setTimeout(() => process.exit(exitCode), EXIT_GRACE_MS).unref();
