import { CliUsageError } from './cli-usage-error.js';

/**
 * Parses a finite number given on the command line.
 * @throws CliUsageError naming the argument and the value.
 */
export function parseFiniteNumber(text: string | undefined, what: string): number {
  const value = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw new CliUsageError(`${what} must be a finite number; got ${JSON.stringify(text ?? '')}`);
  }
  return value;
}

/**
 * Parses a positive integer option (`--limit`), or returns `fallback` when it is absent.
 * @throws CliUsageError naming the option and the value.
 */
export function parsePositiveInteger(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CliUsageError(`--${option} must be a positive integer; got ${JSON.stringify(text)}`);
  }
  return value;
}
