// A child process of the InfluxDB process tests: an application that sends COUNT
// messages through the Kadabra client (configured by KADABRA_CLIENT_* variables), one
// counter named MEASUREMENT each, with no dimensions beyond the defaults, either as fast
// as it can (INTERVAL_MS 0) or at a steady rate. Prints {"sent","sum","delivered","dropped"}.
// Usage: sender.js COUNT MEASUREMENT INTERVAL_MS ones|sequence FIRST START_AT_MS
import { Kadabra } from '../../../src/client/kadabra.js';

const [count, measurement, intervalMs, values, first, startAt] = process.argv.slice(2);
const total = Number(count);
const interval = Number(intervalMs);
const firstValue = Number(first);

const client = new Kadabra();
while (Date.now() < Number(startAt)) {
  // Busy-wait: several senders must overlap in time.
}
let sum = 0;
const began = Date.now();
for (let i = 0; i < total; i += 1) {
  const value = values === 'sequence' ? firstValue + i : 1;
  const metrics = client.metrics();
  metrics.setDimension('host', 'web-01');
  metrics.addCount(measurement ?? 'requests', value);
  client.send(metrics.close());
  sum += value;
  if (interval > 0) {
    // A steady rate: each send at its own slot, however long the previous took.
    const wait = began + (i + 1) * interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
const stats = await client.close();
process.stdout.write(JSON.stringify({ sent: total, sum, delivered: stats.delivered, dropped: stats.dropped }));
