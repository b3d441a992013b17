import { abortableSleep } from '../../agent/abortable-sleep.js';
import { describeError } from '../../agent/channel-failures.js';
import type { Channel } from '../../channels/channel.js';
import { statusReport } from '../status-report.js';
import { messageRates, readAgentTotals, type AgentTotals } from './agent-rates.js';
import { formatWatchFrame } from './watch-frame.js';
import { watchSampleLine, type WatchSample } from './watch-sample.js';

/** Refreshes a sparkline shows (a minute at the default interval). */
export const WATCH_HISTORY_LENGTH = 60;

/** Where the agent's `/metrics` is, when the configuration says. */
export interface AgentListener {
  readonly url: string;
  readonly token: string | null;
}

/** What `watchStatus` needs. */
export interface WatchStatusOptions {
  readonly channel: Channel;
  readonly endpoint: string;
  readonly intervalSeconds: number;
  /** One JSON object per line per refresh instead of the text frame. */
  readonly json: boolean;
  /** Standard output is a terminal: redraw the frame in place with ANSI cursor movement. */
  readonly terminal: boolean;
  /** The agent's listener, for messages per second; undefined when not configured. */
  readonly agent: AgentListener | undefined;
  readonly write: (text: string) => void;
  /** Ends the watch (Ctrl-C). */
  readonly signal: AbortSignal;
}

/**
 * Puts the cursor top left and erases the screen from there, before each frame on a
 * terminal (as watch(1) does): unlike moving up by the previous frame's line count, it
 * stays right when a long line (an error) wrapped or the window was resized.
 */
const REDRAW = '\u001B[H\u001B[J';

const NO_LISTENER = 'read from the agent\'s HTTP listener: set its AGENT_HTTP_PORT (and AGENT_HTTP_TOKEN) in this configuration';

/** Reads the channel's figures and the agent's totals; a failure of either becomes a line, never a throw. */
class Sampler {
  private previousTotals: AgentTotals | undefined;

  constructor(private readonly options: WatchStatusOptions) {}

  async take(): Promise<WatchSample> {
    const { channel, endpoint, agent } = this.options;
    const [status, totals] = await Promise.allSettled([
      channel.status(),
      agent === undefined ? Promise.resolve(undefined) : readAgentTotals(agent.url, agent.token),
    ]);
    const at = new Date();
    const channelPart =
      status.status === 'fulfilled' ? { report: statusReport(endpoint, status.value) } : { channelError: describeError(status.reason) };
    return { at, endpoint, ...channelPart, ...this.rates(totals) };
  }

  private rates(totals: PromiseSettledResult<AgentTotals | undefined>): Pick<WatchSample, 'rates' | 'ratesUnavailable'> {
    const none = { receivedPerSecond: null, publishedPerSecond: null };
    if (this.options.agent === undefined) return { rates: none, ratesUnavailable: NO_LISTENER };
    if (totals.status === 'rejected' || totals.value === undefined) {
      this.previousTotals = undefined;
      const why = totals.status === 'rejected' ? describeError(totals.reason).replace(/^Error: /, '') : 'not read';
      return { rates: none, ratesUnavailable: `the agent at ${this.options.agent.url}: ${why}` };
    }
    const rates = messageRates(this.previousTotals, totals.value);
    const first = this.previousTotals === undefined;
    this.previousTotals = totals.value;
    return first ? { rates, ratesUnavailable: 'from the next refresh on' } : { rates };
  }
}

/**
 * `kadabra status --watch`: reads the channel (and the agent's totals) every interval and
 * prints a frame (or a JSON line) per refresh until `signal` aborts. A channel or agent
 * that cannot be read shows as a line and is tried again at the next refresh.
 */
export async function watchStatus(options: WatchStatusOptions): Promise<void> {
  const { signal, write } = options;
  const sampler = new Sampler(options);
  const history: WatchSample[] = [];
  const intervalMs = options.intervalSeconds * 1000;
  // Ctrl-C ends the watch at once, also while a read waits on a server that does not
  // answer: that read settles against the closed channel, unseen.
  const stopped = new Promise<undefined>((resolve) => {
    if (signal.aborted) resolve(undefined);
    signal.addEventListener('abort', () => resolve(undefined), { once: true });
  });
  while (!signal.aborted) {
    const started = Date.now();
    const sample = await Promise.race([sampler.take(), stopped]);
    if (sample === undefined || signal.aborted) break;
    history.push(sample);
    if (history.length > WATCH_HISTORY_LENGTH) history.shift();
    if (options.json) {
      write(watchSampleLine(sample));
    } else if (options.terminal) {
      write(REDRAW + formatWatchFrame(history, options.intervalSeconds));
    } else {
      write(`${formatWatchFrame(history, options.intervalSeconds)}\n`);
    }
    await abortableSleep(intervalMs - (Date.now() - started), signal);
  }
}
