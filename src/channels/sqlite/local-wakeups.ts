/** Waiters by database file (absolute path), in this process. */
const waiters = new Map<string, Set<() => void>>();

/**
 * Wakes the blocking receives of this process waiting on `path` when a channel of this
 * process sends to it, so a receiver in the same process (the demo, tests, an app that
 * runs its own agent) need not wait for its next poll. Other processes are seen by polling.
 */
export function notifySent(path: string): void {
  const set = waiters.get(path);
  if (!set) return;
  for (const wake of set) wake();
}

/**
 * Registers `wake` to be called when this process sends to `path`.
 * @returns a function that unregisters it.
 */
export function onSent(path: string, wake: () => void): () => void {
  let set = waiters.get(path);
  if (!set) {
    set = new Set();
    waiters.set(path, set);
  }
  set.add(wake);
  return () => {
    set.delete(wake);
    if (set.size === 0 && waiters.get(path) === set) waiters.delete(path);
  };
}
