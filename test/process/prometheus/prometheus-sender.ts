// A sender process for the Prometheus tests: sends COUNT messages to the channel described
// by the JSON CHANNEL ({ type, args }) with the Kadabra client, each with the dimension
// `producer` PRODUCER, the counters `requests` (1) and `bytes` (1.5), the timer `work`
// (i % 17 milliseconds) and the gauge `level` (i, so the latest is COUNT - 1), then prints
// the client's delivery counts as JSON, with `failedWrites`: messages in writes that failed
// after they may have reached the channel (sent again, so possibly queued twice).
// Usage: node prometheus-sender.js CHANNEL PRODUCER COUNT
import { countingChannel } from '../../../chaos/app/counting-channel.js';
import { createChannel } from '../../../src/channels/create-channel.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { createLogger } from '../../../src/logging/logger.js';
import { Units } from '../../../src/metrics/unit.js';

const [channelText, producer, countText] = process.argv.slice(2);
const count = Number(countText);
if (!channelText || !producer || !Number.isInteger(count)) {
  process.stderr.write('usage: prometheus-sender CHANNEL PRODUCER COUNT\n');
  process.exit(2);
}
const channel = JSON.parse(channelText) as { type: string; args: Record<string, unknown> };

const logger = createLogger({ level: 'warn' });
const counting = countingChannel(createChannel(channel.type, channel.args, logger));
const client = new Kadabra({ CLIENT_CHANNEL_TYPE: channel.type, CLIENT_CHANNEL_ARGS: channel.args, CLIENT_LOG_LEVEL: 'warn' }, { logger, channel: counting.channel });
for (let i = 0; i < count; i += 1) {
  const metrics = client.metrics();
  metrics.setDimension('producer', producer);
  metrics.addCount('requests', 1);
  metrics.addCount('bytes', 1.5);
  metrics.setTimer('work', i % 17, Units.MILLISECONDS);
  metrics.setGauge('level', i);
  client.send(metrics.close());
  // Spread the sends over about 10 s (400 messages) so that they stream in while the agent
  // works and is killed three times: sent in a burst, they were all counted before the
  // second kill, which then waited for more in vain.
  if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 250));
}
const stats = await client.close();
await counting.channel.close();
process.stdout.write(`${JSON.stringify({ ...stats, failedWrites: counting.failedWrites() })}\n`);
process.exitCode = stats.delivered === count ? 0 : 1;
