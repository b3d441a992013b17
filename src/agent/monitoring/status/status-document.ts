import { hostname } from 'node:os';
import type { ChannelDescription } from '../../../channels/channel.js';
import { redactSecrets } from '../../../logging/redact-secrets.js';
import type { AgentStats, PublishAttemptOutcome } from '../agent-stats.js';
import type { DeadLettersView, RecentDeadLetters } from './recent-dead-letters.js';
import type { HistoryColumns, StatusHistory } from './status-history.js';
import type { StatusSample } from './status-sample.js';

/** What `/status.json` is built from. */
export interface StatusDocumentSources {
  readonly stats: AgentStats;
  readonly history: StatusHistory;
  readonly deadLetters: RecentDeadLetters;
  /** The agent's configuration with its credentials masked (`maskConfiguration`). */
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly channel: ChannelDescription;
  /** Wall-clock milliseconds the agent started at. */
  readonly startedAtMs: number;
}

/** The figures of the page's tiles: the totals now, the channel's counts and rates of the latest sample. */
export interface CurrentFigures {
  readonly received: number;
  readonly published: number;
  readonly republished: number;
  readonly points: number;
  readonly deadLettered: number;
  readonly attempts: Readonly<Record<PublishAttemptOutcome, number>>;
  /** The latest sample (null before the first): queue, in progress, rates, latency. */
  readonly sample: StatusSample | null;
}

/** The agents reading the channel, or why they are not known. */
export type OtherAgents =
  | {
      readonly known: true;
      readonly consumers: readonly { readonly name: string; readonly pending: number; readonly idleSeconds: number }[];
    }
  | { readonly known: false; readonly why: string };

/** What `/status.json` answers; every string passed through `redactSecrets`. */
export interface StatusDocument {
  readonly agent: {
    readonly host: string;
    readonly pid: number;
    readonly startedAt: string;
    readonly uptimeSeconds: number;
    /** Why the agent is not ready (`/readyz`'s reason), or null when it is. */
    readonly unready: string | null;
    readonly channel: ChannelDescription;
  };
  readonly current: CurrentFigures;
  readonly history: HistoryColumns;
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly deadLetters: DeadLettersView;
  /**
   * The agents on the channel where it records them (Redis Streams: its consumers, this
   * agent's among them, with what each holds); elsewhere why they are not known.
   */
  readonly otherAgents: OtherAgents;
}

/** Builds `/status.json`'s document from the agent's state (the dead-letter listing may be a few seconds old). */
export async function statusDocument(sources: StatusDocumentSources): Promise<StatusDocument> {
  const { stats } = sources;
  const now = Date.now();
  let deadLettered = 0;
  for (const count of stats.deadLettered.values()) deadLettered += count;
  return {
    agent: {
      host: hostname(),
      pid: process.pid,
      startedAt: new Date(sources.startedAtMs).toISOString(),
      uptimeSeconds: Math.max(0, (now - sources.startedAtMs) / 1000),
      unready: stats.readiness.problem() ?? null,
      channel: sources.channel,
    },
    current: {
      received: stats.received,
      published: stats.published,
      republished: stats.republished,
      points: stats.points,
      deadLettered,
      attempts: { ...stats.attempts },
      sample: sources.history.latest() ?? null,
    },
    history: sources.history.columns(),
    configuration: sources.configuration,
    deadLetters: await sources.deadLetters.latest(),
    otherAgents: otherAgents(sources),
  };
}

function otherAgents(sources: StatusDocumentSources): OtherAgents {
  const consumers = sources.history.consumers();
  if (consumers === undefined) {
    return {
      known: false,
      why: `the ${sources.channel.type} channel does not record which agents take from it; each agent's own page shows its figures`,
    };
  }
  return { known: true, consumers: consumers.map(({ name, pending, idleMs }) => ({ name, pending, idleSeconds: idleMs / 1000 })) };
}

/**
 * The document as the JSON text `/status.json` sends, with every credential the process
 * knows masked once more (dead letters and error reasons are text from elsewhere).
 */
export function statusJson(document: StatusDocument): string {
  return redactSecrets(JSON.stringify(document));
}
