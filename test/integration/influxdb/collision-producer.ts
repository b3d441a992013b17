// A child process of collision-rate.test.ts: waits until the agreed start time, then
// builds N collectors as fast as it can (identical names and dimensions, as an
// application would) and prints each encoded message on a line. Timestamps by mode:
// `default` (now, the client's clock), `date-now` (`{ timestamp: new Date() }` at each
// record) or `date-fixed` (`{ timestamp: new Date(start) }`, the same Date in every
// process).
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../../src/metrics/metrics.js';
import { encodeMetrics } from '../../../src/wire/codec.js';

const count = Number(process.argv[2]);
const startAt = Number(process.argv[3]);
const mode = process.argv[4] ?? 'default';
while (Date.now() < startAt) {
  // Busy-wait: the processes must overlap in time, as in the test.
}
const fixed = new Date(startAt);
const lines: string[] = [];
for (let i = 0; i < count; i += 1) {
  const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { host: 'web-01', program: 'load' });
  if (mode === 'default') collector.addCount('requests', 1);
  else collector.addCount('requests', 1, { timestamp: mode === 'date-fixed' ? fixed : new Date() });
  lines.push(encodeMetrics(collector.close()));
}
process.stdout.write(`${lines.join('\n')}\n`);
