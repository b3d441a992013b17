import type { Channel, ChannelStatus } from '../../channels/channel.js';

/** Longest wait for `channel.status()` during a scrape or a sample; past it the channel's figures are absent. */
export const STATUS_TIMEOUT_MS = 2000;

/** `channel.status()`, or undefined when it fails or takes longer than `timeoutMs`. */
export async function statusWithin(channel: Channel, timeoutMs: number = STATUS_TIMEOUT_MS): Promise<ChannelStatus | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([channel.status().catch(() => undefined), expired]);
  } finally {
    clearTimeout(timer);
  }
}
