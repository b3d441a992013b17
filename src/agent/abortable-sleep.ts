/**
 * Waits `ms` milliseconds, or less if `signal` aborts first. Never rejects: callers check
 * `signal.aborted` afterwards. The timer is unref'd so a sleeping component never keeps a
 * process alive on its own (the `Agent` holds the process open while it runs).
 *
 * @returns `true` if the full time passed, `false` if the wait was cut short by `signal`.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
