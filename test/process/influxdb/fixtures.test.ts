import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMetrics } from '../../../src/wire/codec.js';
import { timestampResolutionNs } from '../../../src/publishers/influxdb/point-timestamps.js';
import { comparable, expectedPoints, readPoints, type StoredPoint } from '../../integration/influxdb/stored-points.js';
import { readFixture, wireFixtureNames } from '../../support/fixtures.js';
import { uniqueDatabase } from '../../support/influxdb-server.js';
import { AgentProcess, runKadabra, writeConfig } from '../../support/agent-process.js';
import { waitFor } from '../../support/wait-for.js';
import { redisClient } from '../agent-rig.js';
import { AGENT_TYPES, channelArgs, influxAgentConfig, sharedServers, waitForDrained } from './influx-agent-rig.js';

/** An expected point and how precisely its message's format carries time (µs). */
interface Expected {
  readonly fixture: string;
  readonly point: StoredPoint;
  readonly resolutionMicros: bigint;
}

function expectedOfFixtures(): Expected[] {
  return wireFixtureNames().flatMap((fixture) => {
    const metrics = decodeMetrics(readFixture(`${fixture}.json`));
    const resolutionMicros = BigInt(timestampResolutionNs(metrics.timestampFormat) / 1000);
    return expectedPoints(metrics).map((point) => ({ fixture, point, resolutionMicros }));
  });
}

/**
 * Pairs every stored point with an expected one of the same measurement, tags and
 * fields whose time it falls within (the publisher adds sub-resolution digits);
 * returns what is left unpaired on either side.
 */
function unpaired(stored: readonly StoredPoint[], expected: readonly Expected[]): { stored: unknown[]; expected: string[] } {
  const withoutTime = (p: StoredPoint): string => JSON.stringify(comparable({ ...p, micros: 0n }));
  const open = [...expected];
  const extra: unknown[] = [];
  for (const point of stored) {
    const at = open.findIndex(
      (e) =>
        withoutTime(e.point) === withoutTime(point) &&
        point.micros >= e.point.micros &&
        point.micros < e.point.micros + e.resolutionMicros,
    );
    if (at === -1) extra.push(comparable(point));
    else open.splice(at, 1);
  }
  return { stored: extra, expected: open.map((e) => `${e.fixture}: ${JSON.stringify(comparable(e.point))}`) };
}

describe('kadabra agent process: every python-wire fixture, pushed raw onto the queue, lands in a real InfluxDB', () => {
  const servers = sharedServers();

  for (const type of AGENT_TYPES) {
    it(`${type}: the expected measurements, tags, fields and times; nan_inf.json dead-lettered with its reason`, async () => {
      const database = uniqueDatabase(`fixtures_${type}`);
      await servers.influx.createDatabase(database);
      const channel = channelArgs(servers.redis.port, `fixtures-${type}`);
      const queue = redisClient(servers.redis.port);
      const agent = AgentProcess.start(influxAgentConfig(type, channel, servers.influx, database));
      try {
        await agent.waitUntilStarted();
        const invalid = readFixture('invalid/nan_inf.json');
        // The exact bytes the Python client pushed, as a Python producer would push them.
        await queue.lpush(channel.queue_key, ...wireFixtureNames().map((name) => readFixture(`${name}.json`)), invalid);
        await waitForDrained(queue, channel, 'all fixtures taken');
        await waitFor(async () => (await queue.llen(channel.dead_key)) === 1, 'nan_inf dead-lettered');

        const expected = expectedOfFixtures();
        assert.ok(expected.length > 30, `${expected.length} points expected`);
        let stored: StoredPoint[] = [];
        await waitFor(async () => (stored = await readPoints(servers.influx, database)).length >= expected.length, 'every point stored', 20_000);
        assert.deepEqual(unpaired(stored, expected), { stored: [], expected: [] });
        assert.deepEqual(
          [...new Set(stored.map((p) => p.measurement))].sort(),
          [...new Set(expected.map((e) => e.point.measurement))].sort(),
        );

        const listed = runKadabra(['dead-letters', 'list', '--json', '--config', writeConfig({ AGENT_CHANNEL_ARGS: channel })]);
        assert.equal(listed.code, 0, listed.stderr);
        const letters = JSON.parse(listed.stdout) as { message: string; reason: string }[];
        assert.equal(letters.length, 1);
        assert.equal(letters[0]?.message, invalid.toString('utf8'));
        assert.match(letters[0]?.reason ?? '', /NaN|Infinity/);

        await agent.stopCleanly();
      } finally {
        queue.disconnect();
        await agent.dispose();
      }
    });
  }
});
