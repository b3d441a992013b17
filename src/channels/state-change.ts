import { describeValue } from '../errors/describe-value.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import type { LatestValue, StateChange, StateChanges, StateSelection } from './channel.js';

/** A namespace names storage (a Redis key, SQLite rows): a short, plain word. */
const NAMESPACE = /^[A-Za-z0-9_-]{1,64}$/;

/** The range of a total: what Redis `HINCRBY` and an SQLite INTEGER hold exactly. */
export const TOTAL_MIN = -(2n ** 63n);
export const TOTAL_MAX = 2n ** 63n - 1n;

/**
 * Checks a publisher-state namespace.
 * @throws InvalidArgumentError naming the value and what is allowed.
 */
export function checkNamespace(namespace: unknown): string {
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new InvalidArgumentError(
      `state namespace ${describeValue(namespace)} is not allowed: use 1 to 64 letters, digits, '-' or '_' (e.g. "prometheus")`,
    );
  }
  return namespace;
}

/**
 * Checks a state change before anything is applied: the namespace, and every total's
 * name (a non-empty string) and amount (a bigint within the 64-bit range).
 * @throws InvalidArgumentError naming the first bad part.
 */
export function checkStateChange(change: StateChange): StateChange {
  checkNamespace(change.namespace);
  if (!(change.add instanceof Map)) {
    throw new InvalidArgumentError(`stateChange.add must be a Map of total names to bigint amounts; got ${describeValue(change.add)}`);
  }
  for (const [name, amount] of change.add) {
    if (typeof name !== 'string' || name === '') {
      throw new InvalidArgumentError(`a state total's name must be a non-empty string; got ${describeValue(name)}`);
    }
    if (typeof amount !== 'bigint' || amount < TOTAL_MIN || amount > TOTAL_MAX) {
      throw new InvalidArgumentError(
        `the amount added to state total ${describeValue(name)} must be a bigint within the signed 64-bit range; got ${describeValue(amount)}`,
      );
    }
  }
  if (change.set !== undefined) checkLatest(change.set);
  return change;
}

/**
 * Checks `CompleteOptions.stateChange` before anything is applied: undefined without one,
 * else the changes as a list (one change, or several), each checked by
 * `checkStateChange`, their namespaces distinct.
 * @throws InvalidArgumentError naming the first bad part, or a namespace given twice.
 */
export function checkStateChanges(changes: StateChanges | undefined): readonly StateChange[] | undefined {
  if (changes === undefined) return undefined;
  const list: readonly StateChange[] = Array.isArray(changes) ? changes : [changes as StateChange];
  const namespaces = new Set<string>();
  for (const change of list) {
    checkStateChange(change);
    if (namespaces.has(change.namespace)) {
      throw new InvalidArgumentError(
        `state namespace ${describeValue(change.namespace)} has two changes in one completion: merge them into one change`,
      );
    }
    namespaces.add(change.namespace);
  }
  return list;
}

function checkLatest(set: unknown): void {
  if (!(set instanceof Map)) {
    throw new InvalidArgumentError(`stateChange.set must be a Map of names to { value, timestamp }; got ${describeValue(set)}`);
  }
  for (const [name, latest] of set as Map<unknown, Partial<LatestValue> | undefined>) {
    if (typeof name !== 'string' || name === '') {
      throw new InvalidArgumentError(`a state value's name must be a non-empty string; got ${describeValue(name)}`);
    }
    if (typeof latest?.value !== 'number' || !Number.isFinite(latest.value)) {
      throw new InvalidArgumentError(`the value set for state value ${describeValue(name)} must be a finite number; got ${describeValue(latest?.value)}`);
    }
    if (typeof latest.timestamp !== 'bigint' || latest.timestamp < TOTAL_MIN || latest.timestamp > TOTAL_MAX) {
      throw new InvalidArgumentError(
        `the timestamp of state value ${describeValue(name)} must be a bigint of µs within the signed 64-bit range; got ${describeValue(latest.timestamp)}`,
      );
    }
  }
}

/**
 * Whether `candidate` replaces `kept` (`StateChange.set`): it is the first, or it has the
 * later timestamp, or the same timestamp and the greater value. A total order, so the
 * value kept does not depend on the order values arrive in (nor on how they are merged).
 */
export function isNewerLatest(candidate: LatestValue, kept: LatestValue | undefined): boolean {
  if (kept === undefined || candidate.timestamp > kept.timestamp) return true;
  return candidate.timestamp === kept.timestamp && candidate.value > kept.value;
}

/** Keeps `latest` under `name` in `values` when it is newer than what is there (`isNewerLatest`). */
export function keepNewest(values: Map<string, LatestValue>, name: string, latest: LatestValue): void {
  if (isNewerLatest(latest, values.get(name))) values.set(name, { value: latest.value === 0 ? 0 : latest.value, timestamp: latest.timestamp });
}

/**
 * `total + amount`, for channels that add in JavaScript.
 * @throws InvalidArgumentError when the sum leaves the signed 64-bit range (the caller applies nothing then).
 */
export function addToTotal(namespace: string, name: string, total: bigint, amount: bigint): bigint {
  const sum = total + amount;
  if (sum < TOTAL_MIN || sum > TOTAL_MAX) {
    throw new InvalidArgumentError(
      `adding ${amount} to state total ${describeValue(name)} of namespace ${describeValue(namespace)} (now ${total}) ` +
        'would leave the signed 64-bit range; nothing was applied',
    );
  }
  return sum;
}

/**
 * The Redis key of a namespace's values set if newer: its totals' key and `:latest` (a
 * namespace has no `:`, so it is no other namespace's key).
 */
export function latestKey(statePrefix: string, namespace: string): string {
  return `${statePrefix}${namespace}:latest`;
}

/** The keys a completing script takes for `changes` (`apply_changes`, shared/state-totals.lua): each namespace's totals HASH and its `:latest` HASH. */
export function stateChangeKeys(statePrefix: string, changes: readonly StateChange[]): string[] {
  return changes.flatMap((change) => [`${statePrefix}${change.namespace}`, latestKey(statePrefix, change.namespace)]);
}

/**
 * The arguments a completing script takes for `changes` (`apply_changes`): per change,
 * its number of totals and of values set if newer, then `name, amount` per total and
 * `name, timestamp, value` per value (the timestamp a decimal integer, the value in
 * JavaScript's shortest round-trip form).
 */
export function stateChangeArgs(changes: readonly StateChange[]): string[] {
  const args: string[] = [];
  for (const { add, set } of changes) {
    args.push(String(add.size), String(set?.size ?? 0));
    for (const [name, amount] of add) args.push(name, amount.toString());
    for (const [name, { value, timestamp }] of set ?? []) args.push(name, timestamp.toString(), String(value === 0 ? 0 : value));
  }
  return args;
}

/** A value set if newer as a script stores it in a HASH field: `<timestamp> <value>`. */
export function parseLatest(text: string): LatestValue {
  const space = text.indexOf(' ');
  return { timestamp: BigInt(text.slice(0, space)), value: Number(text.slice(space + 1)) };
}

/**
 * What a failed completing script call throws: an overflowing total (the script restored
 * those it had added and removed nothing) as an InvalidArgumentError, anything else as it is.
 */
export function overflowFailure(error: unknown, changes: readonly StateChange[]): Error {
  if (error instanceof Error && error.message.startsWith('state total ')) {
    const namespaces = changes.map((change) => `"${change.namespace}"`).join(', ');
    return new InvalidArgumentError(
      `completing with a change to state namespace${changes.length === 1 ? '' : 's'} ${namespaces} failed, nothing was applied: ${error.message}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Checks a `readState` selection: a string `prefix`, or `names`, an array of strings; not both.
 * @throws InvalidArgumentError naming the bad part.
 */
export function checkStateSelection(select: StateSelection | undefined): StateSelection | undefined {
  if (select === undefined) return undefined;
  const { prefix, names } = select as { prefix?: unknown; names?: unknown };
  if (prefix !== undefined && names !== undefined) {
    throw new InvalidArgumentError('a state selection takes a prefix or names, not both; read twice for both');
  }
  if (prefix !== undefined) {
    if (typeof prefix !== 'string') throw new InvalidArgumentError(`a state selection's prefix must be a string; got ${describeValue(prefix)}`);
    return select;
  }
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new InvalidArgumentError(`a state selection needs a prefix (a string) or names (an array of strings); got ${describeValue(select)}`);
  }
  return select;
}

/** The totals of `totals` that `select` picks, for channels that hold a namespace's totals in memory. */
export function selectTotals(totals: ReadonlyMap<string, bigint>, select: StateSelection | undefined): Map<string, bigint> {
  if (select === undefined) return new Map(totals);
  if (select.names !== undefined) {
    const picked = new Map<string, bigint>();
    for (const name of select.names) {
      const total = totals.get(name);
      if (total !== undefined) picked.set(name, total);
    }
    return picked;
  }
  return new Map([...totals].filter(([name]) => name.startsWith(select.prefix)));
}
