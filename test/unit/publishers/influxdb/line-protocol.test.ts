import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeMetrics } from '../../../../src/wire/codec.js';
import { LineFormatter } from '../../../../src/publishers/influxdb/line-formatter.js';
import { readFixture, WIRE_FIXTURES_DIR } from '../../../support/fixtures.js';
import { formatLine } from '../../../support/influx-oracle/line-protocol.js';

/** The lines the publisher writes (InfluxDB 1.x) for a fixture message. */
function linesOf(fixture: string): readonly string[] {
  return new LineFormatter(true).format(decodeMetrics(readFixture(`${fixture}.json`))).lines;
}

/** A line with its float fields normalised (`1.0` -> `1`) and its timestamp cut to microseconds. */
function normalise(line: string): string {
  return line
    .replace(/=(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?=[, ])/g, (_m, n: string) => `=${Number(n)}`)
    .replace(/ (\d+)$/, (_m, ns: string) => ` ${BigInt(ns) / 1000n}`);
}

describe('formatLine of the reference points', () => {
  test('escapes each part by its own rules and quotes string fields', () => {
    const line = formatLine({
      measurement: 'm a,b=c"d',
      tags: [['k a,b=c', 'v a,b=c"\\x']],
      fields: [
        ['f a,b=c', 'say "hi" \\ \n next'],
        ['value', 1.5],
      ],
      timestampNs: 1_704_164_645_123_456_789n,
    });
    assert.equal(
      line,
      'm\\ a\\,b=c"d,k\\ a\\,b\\=c=v\\ a\\,b\\=c"\\x f\\ a\\,b\\=c="say \\"hi\\" \\\\ \n next",value=1.5 1704164645123456789',
    );
  });

  test('floats are written so Go parses them back exactly, never as integers', () => {
    const values = [1, -0, 0.1 + 0.2, 1e20, 1e21, 1e-7, 5e-324, Number.MAX_VALUE];
    for (const value of values) {
      const line = formatLine({ measurement: 'm', tags: [], fields: [['value', value]], timestampNs: 1n });
      const written = /value=(\S+) /.exec(line)?.[1] ?? '';
      assert.ok(!written.endsWith('i'));
      assert.equal(Number(written), value === 0 ? 0 : value);
    }
  });
});

describe('the fixtures as lines, against what the Python original POSTed', () => {
  for (const fixture of ['dimensions', 'metadata']) {
    test(`${fixture}: the same points (timers first, sorted tags and fields, value/unit win)`, () => {
      const original = readFileSync(join(WIRE_FIXTURES_DIR, `${fixture}.lineprotocol.txt`), 'utf8').trim().split('\n');
      assert.deepEqual(linesOf(fixture).map(normalise), original.map(normalise));
    });
  }

  test('special_chars: newlines and backslashes stored as given, unlike the original', () => {
    const ours = linesOf('special_chars').map(normalise);
    assert.deepEqual(ours, [
      'timer\\ a\\ b\\,c=d"e\'f\\g\u241B000Ah\ti,dim\\ with\\ space=v\\ a\\,l\\=u"e,dim\\,comma\\=eq=back\\slash\u241B000Anewline,unicode_dim=café\\ 日本\\ 🚀 nl="line1\nline2",q"uote="say \\"hi\\"\\\\n",unit="milliseconds",value=42 1704164645123458',
      'counter\\ a\\ b\\,c=d"e\'f\\g\u241B000Ah\ti,dim\\ with\\ space=v\\ a\\,l\\=u"e,dim\\,comma\\=eq=back\\slash\u241B000Anewline,unicode_dim=café\\ 日本\\ 🚀 emoji="🚀 üß",empty="",meta\\ key\\,\\="="a b,c=d\\"e\'f\\\\g\nh\ti",value=1 1704164645123456',
      'zähler_üñîçødé,dim\\ with\\ space=v\\ a\\,l\\=u"e,dim\\,comma\\=eq=back\\slash\u241B000Anewline,unicode_dim=café\\ 日本\\ 🚀 value=2 1704164645123457',
    ]);
  });

  test('trailing_backslash: written with the backslash encoded, where the original was refused', () => {
    assert.deepEqual(linesOf('trailing_backslash').map(normalise), ['files,path=C:\\temp\u241B005C value=3 1704164645123456']);
  });
});
