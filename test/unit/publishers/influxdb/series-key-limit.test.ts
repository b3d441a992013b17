import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createLogger } from '../../../../src/logging/logger.js';
import { Counter } from '../../../../src/metrics/counter.js';
import { Dimension } from '../../../../src/metrics/dimension.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import { InfluxDBPublisher } from '../../../../src/publishers/influxdb/influxdb-publisher.js';
import { LineFormatter } from '../../../../src/publishers/influxdb/line-formatter.js';
import { MAX_KEY_BYTES } from '../../../../src/publishers/influxdb/series-key-limit.js';
import { startFakeInflux, type FakeInflux } from './fake-influx.js';

const T = 1_704_164_645_123_456n;

function message(name: string, tagValue = 'web-01'): Metrics {
  return new Metrics([new Dimension('host', tagValue)], [new Counter(name, T, {}, 1)], [], undefined, 'fixed');
}

// Regression (found by the chaos suite): a batch holding messages with 5 MB tag values
// took InfluxDB longer than the publisher's timeout to refuse, so it failed transiently on
// every attempt and was retried forever, the good messages with it.
describe('keys longer than InfluxDB stores are refused before sending (chaos: 5 MB tag value kept its batch retrying)', () => {
  let fake: FakeInflux;
  let publisher: InfluxDBPublisher;
  beforeEach(async () => {
    fake = await startFakeInflux();
    publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: fake.port }, logger: createLogger({ level: 'silent' }) });
  });
  afterEach(async () => {
    await publisher.close();
    await fake.close();
  });

  test('a message with a 5 MB tag value is rejected without a request; the rest is written', async () => {
    const huge = 'y'.repeat(5 * 1024 * 1024);
    const outcome = await publisher.publish([message('good'), message('bad', huge), message('also-good')]);
    assert.equal(outcome.rejected.length, 1);
    assert.equal(outcome.rejected[0]?.index, 1);
    assert.match(outcome.rejected[0]?.reason ?? '', /^max key length exceeded: .* is 5242889 bytes, 5242898 with its longest field key; InfluxDB stores at most 65535$/);
    assert.equal(fake.requests.length, 1, 'one request, for the good messages only');
    assert.ok(!fake.requests[0]?.body.includes('yyyy'));
    assert.match(fake.requests[0]?.body ?? '', /^good,host=web-01 value=1 .*\nalso-good,host=web-01 value=1 /);
  });

  // The limits as influxd 1.6 applies them, tried against the real server: `m,t=<65522 a>
  // value=1` is stored (65526 + 4 + 5 = 65535), one `a` more is refused.
  test('the limit: series key, and series key + 4 + each field key, at most 65535 UTF-8 bytes', () => {
    const formatter = new LineFormatter(true);
    const unstorable = (tagValue: string, metadata: Record<string, string> = {}): string | undefined =>
      formatter.format(new Metrics([new Dimension('t', tagValue)], [new Counter('m', T, metadata, 1)], [])).unstorable;
    assert.equal(unstorable('a'.repeat(MAX_KEY_BYTES - 4 - 4 - 5)), undefined, '65535 with the field key is stored');
    assert.match(unstorable('a'.repeat(MAX_KEY_BYTES - 4 - 4 - 4)) ?? '', /is 65527 bytes, 65536 with its longest field key/);
    assert.match(unstorable('é'.repeat(33_000)) ?? '', /is 66004 bytes/, 'UTF-8 bytes are counted');
    assert.equal(unstorable('a'.repeat(33_000)), undefined, '33,000 ASCII characters are 33,004 bytes');
    assert.equal(unstorable('a', { text: 'x, y=\\" '.repeat(20_000) }), undefined, 'a long string field is not part of any key');
    assert.match(
      unstorable('a'.repeat(30_000), { ['k'.repeat(40_000)]: 'v' }) ?? '',
      /is 30004 bytes, 70008 with its longest field key/,
    );
    assert.match(unstorable(`a ${'b'.repeat(70_000)}`) ?? '', /is 70007 bytes/, 'an escaped space belongs to the key');
  });
});
