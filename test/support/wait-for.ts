/**
 * Polls `condition` (possibly async) every `intervalMs` until it returns true; throws
 * `timed out waiting for <what>` (with `details()`, e.g. a child process's output tail)
 * after `timeoutMs`, or whatever `condition` throws (e.g. the server exited). The one
 * polling helper of the tests.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  details: () => string = () => '',
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const more = details();
      throw new Error(`timed out waiting for ${what}${more ? `\n${more}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
