// The CI-sized chaos suite (`npm run chaos -- --short`), split over a few test files so
// that each stays within the test runner's per-file timeout: every scenario of the suite,
// with small counts and short outages, against real processes (apps, `kadabra agent`,
// redis-server with AOF everysec, influxd behind a fault proxy; PostgreSQL or a Prometheus
// scraping the agent for the rows of parts 4 and 5, a Redis Cluster for those of part 6,
// on the Redis Streams channel only). Each scenario is one
// test; it passes when its row does: lost 0, doubled 0, stored = sent (less counted
// drops not stored and the Redis-side limit), every bad message dead-lettered with a
// reason, and re-publishes within what the row's faults explain.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SHORT_PROFILE } from '../../../chaos/profile.js';
import { formatTable, type Row } from '../../../chaos/row.js';
import { startEnvironment, type Environment } from '../../../chaos/support/environment.js';
import { rowTitle, runScenario, SCENARIOS, scenariosOn } from '../../../chaos/suite.js';
import type { ChaosChannelType } from '../../../chaos/support/chaos-channel.js';

/** Per scenario; the longest ("all at once") takes about 25 s on an idle machine. */
const SCENARIO_TIMEOUT_MS = 240_000;

/** The scenarios (`--only` keys) of each test file; together, every scenario once. */
export const CHAOS_SHORT_PARTS: readonly (readonly string[])[] = [
  ['1', '2', '3', '4'],
  ['5', '6', '6b', '7', '8'],
  ['9', '10', 'all'],
  ['p1', 'p2'],
  ['prom1', 'prom2'],
  ['c1', 'c2'],
];

/**
 * Runs part `part` (1-based) of `CHAOS_SHORT_PARTS` on a channel of `channelType`, each
 * scenario as one test, on one environment.
 */
export function chaosShortRows(part: number, channelType: ChaosChannelType = 'redis'): void {
  const keys = CHAOS_SHORT_PARTS[part - 1] ?? [];
  const scenarios = scenariosOn(channelType, SCENARIOS.filter((scenario) => keys.includes(scenario.key)));
  if (part === 1 && channelType === 'redis') {
    test('every scenario of the suite is in one part of the CI-sized run', () => {
      assert.deepEqual(CHAOS_SHORT_PARTS.flat().sort(), SCENARIOS.map((scenario) => scenario.key).sort());
    });
  }
  describe(`chaos suite, CI-sized (npm run chaos -- --short --channel ${channelType} --only ${keys.join(',')})`, { timeout: SCENARIO_TIMEOUT_MS * (scenarios.length + 1) }, () => {
    let env: Environment;
    const rows: Row[] = [];

    before(async () => {
      env = await startEnvironment();
    });
    after(async () => {
      await env.close();
      process.stdout.write(`\n${formatTable(rows)}\n`);
    });

    for (const scenario of scenarios) {
      test(rowTitle(scenario, channelType), { timeout: SCENARIO_TIMEOUT_MS }, async () => {
        const row = await runScenario(env, SHORT_PROFILE, scenario, undefined, channelType);
        rows.push(row);
        assert.deepEqual(row.failures, [], `${row.scenario}: ${row.failures.join('; ')}\nnotes: ${row.notes.join('; ')}`);
        assert.equal(row.lost, 0);
        assert.equal(row.doubled, 0);
        assert.equal(
          row.stored + row.dropped - row.droppedStored + row.redisLost,
          row.sent,
          'every message sent is stored, or counted as dropped (and not stored) or lost by Redis',
        );
        assert.ok(row.sent > 0, 'the scenario sent messages');
      });
    }
  });
}
