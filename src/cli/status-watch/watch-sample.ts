import type { StatusReport } from '../status-report.js';
import type { MessageRates } from './agent-rates.js';

/** One refresh of `kadabra status --watch`: the channel's figures and the agent's rates. */
export interface WatchSample {
  /** When it was taken (this process's clock). */
  readonly at: Date;
  readonly endpoint: string;
  /** The channel's figures; absent when the channel could not be read. */
  readonly report?: StatusReport;
  /** Why the channel could not be read (one line, no credentials). */
  readonly channelError?: string;
  readonly rates: MessageRates;
  /** Why the rates are null: no listener configured, its read failed, or the first reading. */
  readonly ratesUnavailable?: string;
}

/**
 * One line of `kadabra status --watch --json`: `time`, the `kadabra status --json`
 * fields (or `endpoint` and `error`), `receivedPerSecond` and `publishedPerSecond` (null
 * when not known, with `ratesUnavailable` saying why).
 */
export function watchSampleLine(sample: WatchSample): string {
  const channel = sample.report ?? { endpoint: sample.endpoint, error: sample.channelError ?? 'not read' };
  return `${JSON.stringify({
    time: sample.at.toISOString(),
    ...channel,
    ...sample.rates,
    ...(sample.ratesUnavailable === undefined ? {} : { ratesUnavailable: sample.ratesUnavailable }),
  })}\n`;
}
