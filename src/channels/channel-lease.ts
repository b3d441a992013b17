import { MAX_TIMER_MS } from '../config/duration-seconds.js';
import { describeValue } from '../errors/describe-value.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/** A lease name is part of a key or a row: a short, plain word. */
const LEASE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Longest owner text: a host name, a pid and a random part fit well within it. */
const MAX_OWNER_LENGTH = 256;

/** A lease request, checked (see `checkLease`). */
export interface LeaseRequest {
  readonly name: string;
  readonly owner: string;
  /** Whole milliseconds; 0 gives the lease up. */
  readonly ttlMs: number;
}

/**
 * Checks the arguments of `Channel.lease` before anything is asked of the server.
 * @throws InvalidArgumentError naming the bad value and what is allowed.
 */
export function checkLease(name: unknown, owner: unknown, ttlMs: unknown): LeaseRequest {
  if (typeof name !== 'string' || !LEASE_NAME.test(name)) {
    throw new InvalidArgumentError(
      `lease name ${describeValue(name)} is not allowed: use 1 to 64 letters, digits, '-' or '_' (e.g. "prometheus-remote-write")`,
    );
  }
  if (typeof owner !== 'string' || owner === '' || owner.length > MAX_OWNER_LENGTH) {
    throw new InvalidArgumentError(
      `lease owner ${describeValue(owner)} is not allowed: use a non-empty string of at most ${MAX_OWNER_LENGTH} characters that names this process alone (e.g. host, pid and a random part)`,
    );
  }
  if (typeof ttlMs !== 'number' || !Number.isInteger(ttlMs) || ttlMs < 0 || ttlMs > MAX_TIMER_MS) {
    throw new InvalidArgumentError(
      `lease time ${describeValue(ttlMs)} ms is not allowed: use a whole number of milliseconds from 1 to ${MAX_TIMER_MS}, or 0 to give the lease up`,
    );
  }
  return { name, owner, ttlMs };
}
