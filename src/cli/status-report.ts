import type { ChannelStatus } from '../channels/channel.js';

/** `kadabra status` as JSON. */
export interface StatusReport {
  readonly endpoint: string;
  readonly queued: number;
  readonly inProgress: number;
  /**
   * Seconds the oldest in-progress item has been in progress by the channel's clock, or
   * null when none is (or it has no record yet). Negative when its record lies in the
   * channel's future: shown as it is, never clamped.
   */
  readonly oldestInProgressAgeSeconds: number | null;
  readonly deadLetters: number;
  /** `dead_max_length`: more dead letters than this raises the alarm (none is deleted). */
  readonly deadLetterAlarmThreshold: number;
  /** Whether `deadLetters` exceeds the threshold (`kadabra status` then exits 3). */
  readonly deadLetterAlarm: boolean;
  /** On a channel read by named consumers (`redis-streams`): each one, what it holds, seconds since it last read. */
  readonly consumers?: readonly { readonly name: string; readonly pending: number; readonly idleSeconds: number }[];
  /** On a channel spread over shards (`redis-streams` with `shards` > 1, or on a cluster): each shard, its node and figures. */
  readonly shards?: readonly {
    readonly stream: string;
    readonly node: string;
    readonly queued: number;
    readonly inProgress: number;
    readonly oldestInProgressAgeSeconds: number | null;
  }[];
}

/** Builds the report from a channel status (ages by the channel's clock, not this process's). */
export function statusReport(endpoint: string, status: ChannelStatus): StatusReport {
  const age = status.oldestInProgressMs;
  return {
    endpoint,
    queued: status.queued,
    inProgress: status.inProgress,
    oldestInProgressAgeSeconds: age === undefined ? null : age / 1000,
    deadLetters: status.deadLetters,
    deadLetterAlarmThreshold: status.deadLetterAlarmThreshold,
    deadLetterAlarm: status.deadLetters > status.deadLetterAlarmThreshold,
    ...(status.consumers
      ? { consumers: status.consumers.map(({ name, pending, idleMs }) => ({ name, pending, idleSeconds: idleMs / 1000 })) }
      : {}),
    ...(status.shards
      ? {
          shards: status.shards.map(({ stream, node, queued, inProgress, oldestInProgressMs }) => ({
            stream, node, queued, inProgress, oldestInProgressAgeSeconds: oldestInProgressMs === undefined ? null : oldestInProgressMs / 1000,
          })),
        }
      : {}),
  };
}

/** How long the oldest item has been in progress, as it is, an impossible age included. */
function describeAge(age: number | null): string {
  if (age === null) return '';
  if (age < 0) {
    return ` (oldest entered ${(-age).toFixed(1)} s in the future by the channel's clock: recorded by a clock that ran fast)`;
  }
  return ` (oldest for ${age.toFixed(1)} s)`;
}

/** The report as aligned text lines. */
export function formatStatus(report: StatusReport): string {
  const oldest = describeAge(report.oldestInProgressAgeSeconds);
  return [
    `channel:      ${report.endpoint}`,
    `queued:       ${report.queued}`,
    `in progress:  ${report.inProgress}${oldest}`,
    `dead letters: ${report.deadLetters} (alarm above ${report.deadLetterAlarmThreshold})`,
    ...(report.consumers
      ? [
          `consumers:    ${report.consumers.length}`,
          ...report.consumers.map((c) => `  ${c.name}: holds ${c.pending}, last read ${c.idleSeconds.toFixed(1)} s ago`),
        ]
      : []),
    ...(report.shards
      ? [
          `shards:       ${report.shards.length}`,
          ...report.shards.map((shard) =>
            `  ${shard.stream} on ${shard.node}: queued ${shard.queued}, in progress ${shard.inProgress}${describeAge(shard.oldestInProgressAgeSeconds)}`),
        ]
      : []),
    ...(report.deadLetterAlarm
      ? [
          `ALARM: ${report.deadLetters} dead letters, more than dead_max_length (${report.deadLetterAlarmThreshold}); none is deleted.`,
          '       See them with `kadabra dead-letters list`, fix the cause, then `kadabra dead-letters requeue` (or purge).',
        ]
      : []),
    '',
  ].join('\n');
}
