// A producer process for the multi-process tests: sends `count` messages to the SQLite
// channel at `path` with the Kadabra client, each carrying a unique `seq` metadata value
// `<producer>-<i>`, then prints the client's delivery counts as JSON. With `hold`, it
// flushes, prints the counts and then waits to be killed instead of closing.
// Usage: node sqlite-producer.js PATH PRODUCER COUNT [hold]
import { Kadabra } from '../../../src/client/kadabra.js';
import { Units } from '../../../src/metrics/unit.js';

const [path, producer, countText, mode] = process.argv.slice(2);
const count = Number(countText);
if (!path || !producer || !Number.isInteger(count)) {
  process.stderr.write('usage: sqlite-producer PATH PRODUCER COUNT\n');
  process.exit(2);
}

const client = new Kadabra({ CLIENT_CHANNEL_TYPE: 'sqlite', CLIENT_CHANNEL_ARGS: { path }, CLIENT_LOG_LEVEL: 'warn' });
for (let i = 0; i < count; i += 1) {
  const metrics = client.metrics();
  metrics.setDimension('producer', producer);
  metrics.addCount('produced', 1, { metadata: { seq: `${producer}-${i}` } });
  metrics.setTimer('work', i % 17, Units.MILLISECONDS);
  client.send(metrics.close());
  // Spread the sends out a little so producers and agents interleave.
  if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 5));
}
if (mode === 'hold') {
  process.stdout.write(`${JSON.stringify(await client.flush())}\n`);
  setInterval(() => undefined, 1 << 30);
  await new Promise(() => undefined);
}
const stats = await client.close();
process.stdout.write(`${JSON.stringify(stats)}\n`);
process.exitCode = stats.delivered === count ? 0 : 1;
