import type { ScenarioRun } from '../scenario-run.js';

/**
 * Resolves as soon as a message is newly in progress (received by an agent, not yet
 * completed, and not left over by an earlier kill), so that a SIGKILL right after it
 * lands mid-publish; gives up after `timeoutMs` (the kill then lands wherever the agent is).
 */
export async function waitForInProgress(run: ScenarioRun, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [newest] = await run.channel.inProgressIds();
    if (newest !== undefined && !run.orphans.has(newest)) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  run.step('no new message in progress; killing anyway');
}
