// A sender process for the Prometheus tests: sends COUNT messages to the channel described
// by the JSON CHANNEL ({ type, args }) with the Kadabra client, each with the dimension
// `producer` PRODUCER, the counters `requests` (1) and `bytes` (1.5), and the timer `work`
// (i % 17 milliseconds), then prints the client's delivery counts as JSON.
// Usage: node prometheus-sender.js CHANNEL PRODUCER COUNT
import { Kadabra } from '../../../src/client/kadabra.js';
import { Units } from '../../../src/metrics/unit.js';

const [channelText, producer, countText] = process.argv.slice(2);
const count = Number(countText);
if (!channelText || !producer || !Number.isInteger(count)) {
  process.stderr.write('usage: prometheus-sender CHANNEL PRODUCER COUNT\n');
  process.exit(2);
}
const channel = JSON.parse(channelText) as { type: string; args: Record<string, unknown> };

const client = new Kadabra({ CLIENT_CHANNEL_TYPE: channel.type, CLIENT_CHANNEL_ARGS: channel.args, CLIENT_LOG_LEVEL: 'warn' });
for (let i = 0; i < count; i += 1) {
  const metrics = client.metrics();
  metrics.setDimension('producer', producer);
  metrics.addCount('requests', 1);
  metrics.addCount('bytes', 1.5);
  metrics.setTimer('work', i % 17, Units.MILLISECONDS);
  client.send(metrics.close());
  // Spread the sends over about 10 s (400 messages) so that they stream in while the agent
  // works and is killed three times: sent in a burst, they were all counted before the
  // second kill, which then waited for more in vain.
  if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 250));
}
const stats = await client.close();
process.stdout.write(`${JSON.stringify(stats)}\n`);
process.exitCode = stats.delivered === count ? 0 : 1;
