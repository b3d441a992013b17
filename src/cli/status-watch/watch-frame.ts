import { sparkline } from './sparkline.js';
import type { WatchSample } from './watch-sample.js';

/** Width of the label column. */
const LABEL_WIDTH = 20;
/** Width of the value column. */
const VALUE_WIDTH = 12;

/** One figure of the frame: its label, how it is shown now, and its value in a sample. */
interface Figure {
  readonly label: string;
  readonly value: (sample: WatchSample) => number | null;
  readonly show: (value: number) => string;
}

const count = (value: number): string => String(value);
const perSecond = (value: number): string => value.toFixed(1);

const FIGURES: readonly Figure[] = [
  { label: 'queued', value: (s) => s.report?.queued ?? null, show: count },
  { label: 'in progress', value: (s) => s.report?.inProgress ?? null, show: count },
  {
    // None in progress is an age of 0 for the plot. A negative age (a record from a clock
    // that ran fast) is shown as it is, and plotted as 0.
    label: 'oldest in progress',
    value: (s) => (s.report ? (s.report.oldestInProgressAgeSeconds ?? 0) : null),
    show: (value) => `${value.toFixed(1)} s`,
  },
  { label: 'dead letters', value: (s) => s.report?.deadLetters ?? null, show: count },
  { label: 'messages in /s', value: (s) => s.rates.receivedPerSecond, show: perSecond },
  { label: 'messages out /s', value: (s) => s.rates.publishedPerSecond, show: perSecond },
];

function clock(at: Date): string {
  return at.toTimeString().slice(0, 8);
}

/**
 * The text of one refresh of `kadabra status --watch`: a header, each figure now with a
 * sparkline of `history` (oldest first, the last one now), then what went wrong, if
 * anything. Lines end with a newline; no ANSI codes (the caller moves the cursor).
 * @param intervalSeconds the refresh interval, for the header.
 */
export function formatWatchFrame(history: readonly WatchSample[], intervalSeconds: number): string {
  const latest = history.at(-1);
  if (latest === undefined) return '';
  const span = `${history.length} × ${intervalSeconds} s`;
  const lines = [
    `${latest.endpoint}  every ${intervalSeconds} s, Ctrl-C stops  ${clock(latest.at)}`,
    `${''.padEnd(LABEL_WIDTH)}${'now'.padEnd(VALUE_WIDTH)}last ${span}`,
  ];
  for (const figure of FIGURES) {
    const now = figure.value(latest);
    const values = history.map((sample) => figure.value(sample));
    lines.push(`${figure.label.padEnd(LABEL_WIDTH)}${(now === null ? '-' : figure.show(now)).padEnd(VALUE_WIDTH)}${sparkline(values)}`.trimEnd());
  }
  const report = latest.report;
  if (report) {
    lines.push(`dead letters alarm above ${report.deadLetterAlarmThreshold}`);
    if (report.deadLetterAlarm) {
      lines.push(`ALARM: ${report.deadLetters} dead letters, more than dead_max_length (${report.deadLetterAlarmThreshold}); none is deleted.`);
    }
  } else {
    lines.push(`cannot use the channel at ${latest.endpoint}: ${latest.channelError ?? 'not read'}; trying again every ${intervalSeconds} s`);
  }
  if (latest.ratesUnavailable !== undefined) lines.push(`messages per second: ${latest.ratesUnavailable}`);
  return `${lines.join('\n')}\n`;
}
