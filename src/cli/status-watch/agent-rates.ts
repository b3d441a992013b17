import type { AgentConfiguration } from '../../config/index.js';
import { describeError } from '../../agent/channel-failures.js';

/** The agent's message totals read from its `/metrics`, and when (this process's clock). */
export interface AgentTotals {
  readonly received: number;
  readonly published: number;
  readonly atMs: number;
}

/** Messages per second, each null until two readings of one agent run are at hand. */
export interface MessageRates {
  readonly receivedPerSecond: number | null;
  readonly publishedPerSecond: number | null;
}

const RECEIVED = 'kadabra_agent_messages_received_total';
const PUBLISHED = 'kadabra_agent_messages_published_total';

/** How long one `/metrics` request may take before the refresh shows it as failed. */
const METRICS_TIMEOUT_MS = 2000;

/**
 * The URL of the agent's `/metrics` by its configuration, or undefined when
 * `AGENT_HTTP_PORT` is unset or `0` (a port chosen at start cannot be known from here).
 * A wildcard bind address (`0.0.0.0`, `::`) is reached on loopback.
 */
export function agentMetricsUrl(configuration: Pick<AgentConfiguration, 'AGENT_HTTP_HOST' | 'AGENT_HTTP_PORT'>): string | undefined {
  const port = configuration.AGENT_HTTP_PORT;
  if (port === null || port === 0) return undefined;
  const bound = configuration.AGENT_HTTP_HOST;
  const host = bound === '0.0.0.0' ? '127.0.0.1' : bound === '::' ? '::1' : bound;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
}

/** The value of an unlabelled sample `name` in Prometheus text, or undefined. */
function sampleValue(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `)) continue;
    const value = Number(line.slice(name.length + 1).trim().split(' ')[0]);
    return Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

/**
 * Reads the received and published totals from the text of an agent's `/metrics`.
 * @throws Error when either is missing (not a kadabra agent's page).
 */
export function parseAgentTotals(text: string, atMs: number): AgentTotals {
  const received = sampleValue(text, RECEIVED);
  const published = sampleValue(text, PUBLISHED);
  if (received === undefined || published === undefined) {
    throw new Error(`the answer has no ${RECEIVED} and ${PUBLISHED}: is it a kadabra agent's /metrics?`);
  }
  return { received, published, atMs };
}

/**
 * Per-second rates between two readings. A total that went down means the agent
 * restarted in between (its counters start at 0): no rate for that step.
 */
export function messageRates(previous: AgentTotals | undefined, next: AgentTotals): MessageRates {
  const seconds = previous === undefined ? 0 : (next.atMs - previous.atMs) / 1000;
  const rate = (before: number | undefined, after: number): number | null =>
    before === undefined || seconds <= 0 || after < before ? null : (after - before) / seconds;
  return { receivedPerSecond: rate(previous?.received, next.received), publishedPerSecond: rate(previous?.published, next.published) };
}

/**
 * Fetches the agent's totals, with `token` as the bearer token when one is configured.
 * @throws Error with one line saying why (no answer, a status other than 200, no totals);
 *   never the token.
 */
export async function readAgentTotals(url: string, token: string | null, now: () => number = Date.now): Promise<AgentTotals> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(METRICS_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`no answer: ${describeError(error instanceof Error && error.cause ? error.cause : error)}`);
  }
  const text = await response.text();
  if (response.status !== 200) {
    const hint = response.status === 401 ? ' (set AGENT_HTTP_TOKEN to the agent\'s token)' : '';
    throw new Error(`HTTP ${response.status}${hint}: ${text.split('\n')[0]?.slice(0, 200) ?? ''}`);
  }
  return parseAgentTotals(text, now());
}
