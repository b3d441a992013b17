import { resolveAgentConfiguration } from '../../src/config/agent-configuration.js';

/** Agent configuration keys of one benchmarked agent (channel and publisher are added per run). */
export type AgentConfig = Readonly<Record<string, unknown>>;

/** The agents measured: the default one with its shipped settings, and the batched one with a short interval. */
export const AGENT_CONFIGS = {
  default: { AGENT_TYPE: 'default' },
  batched: { AGENT_TYPE: 'batched', BATCHED_AGENT_INTERVAL_SECONDS: 0.05, BATCHED_AGENT_MAX_BATCH_SIZE: 10_000 },
} as const satisfies Record<string, AgentConfig>;

/** The default agent publishing one message per request, as the original did (when the key exists). */
export const ONE_PER_PUBLISH: AgentConfig = { AGENT_TYPE: 'default', AGENT_RECEIVER_MAX_BATCH_SIZE: 1 };

/** Whether this build of the agent accepts `config` (a key may not exist yet). */
export function accepted(config: AgentConfig): boolean {
  try {
    resolveAgentConfiguration(config, {});
    return true;
  } catch {
    return false;
  }
}

/** The settings that matter for speed, resolved as the agent resolves them, e.g. `3 receivers, ≤ 1000 msgs/publish`. */
export function describeAgent(config: AgentConfig): string {
  const resolved = resolveAgentConfiguration(config, {}) as unknown as Record<string, unknown>;
  if (resolved['AGENT_TYPE'] === 'batched') {
    return `every ${String(resolved['BATCHED_AGENT_INTERVAL_SECONDS'])} s, ≤ ${String(resolved['BATCHED_AGENT_MAX_BATCH_SIZE'])} msgs`;
  }
  const batch = resolved['AGENT_RECEIVER_MAX_BATCH_SIZE'];
  const perPublish = batch === undefined || batch === 1 ? '1 msg/publish' : `≤ ${String(batch)} msgs/publish`;
  return `${String(resolved['AGENT_RECEIVER_THREADS'])} receivers, ${perPublish}`;
}
