import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStatus, statusReport } from '../../../src/cli/status-report.js';
import { formatDeadLetter } from '../../../src/cli/commands/dead-letters-command.js';
import { parseKeyValues } from '../../../src/cli/parse-key-values.js';
import { parseFiniteNumber, parsePositiveInteger } from '../../../src/cli/parse-number.js';
import { repeatedOption } from '../../../src/cli/repeated-option.js';
import { CliUsageError } from '../../../src/cli/cli-usage-error.js';

describe('CLI parsing', () => {
  it('collects every value of a repeated option, in both spellings, up to --', () => {
    const args = ['x', '--dimension', 'a=1', '--metadata', 'm=2', '--dimension=b=c=d', '--', '--dimension', 'z=9'];
    assert.deepEqual(repeatedOption(args, 'dimension'), ['a=1', 'b=c=d']);
    assert.deepEqual(repeatedOption(args, 'metadata'), ['m=2']);
  });

  it('parses key=value pairs; the value may hold =', () => {
    assert.deepEqual(parseKeyValues(['env=prod', 'q=a=b', 'empty='], 'dimension'), { env: 'prod', q: 'a=b', empty: '' });
    assert.throws(() => parseKeyValues(['=x'], 'dimension'), CliUsageError);
  });

  it('parses numbers strictly', () => {
    assert.equal(parseFiniteNumber('-2.5', 'VALUE'), -2.5);
    assert.throws(() => parseFiniteNumber('', 'VALUE'), CliUsageError);
    assert.throws(() => parseFiniteNumber('Infinity', 'VALUE'), CliUsageError);
    assert.equal(parsePositiveInteger(undefined, 'limit', 20), 20);
    assert.equal(parsePositiveInteger('7', 'limit', 20), 7);
    assert.throws(() => parsePositiveInteger('1.5', 'limit', 20), CliUsageError);
  });
});

describe('status output', () => {
  const status = {
    queued: 4, inProgress: 2, oldestInProgressAt: 1_000, oldestInProgressMs: 3_500, deadLetters: 1, deadLetterAlarmThreshold: 10,
  };

  it('gives the age of the oldest in-progress item in seconds, by the channel\'s clock', () => {
    const report = statusReport('redis://127.0.0.1:6379/0', status);
    assert.equal(report.oldestInProgressAgeSeconds, 3.5);
    assert.match(formatStatus(report), /in progress: {2}2 \(oldest for 3\.5 s\)/);
  });

  it('raises the alarm only while there are more dead letters than dead_max_length', () => {
    assert.equal(statusReport('x', { ...status, deadLetters: 10 }).deadLetterAlarm, false);
    const report = statusReport('x', { ...status, deadLetters: 11 });
    assert.equal(report.deadLetterAlarm, true);
    assert.match(formatStatus(report), /ALARM: 11 dead letters, more than dead_max_length \(10\); none is deleted/);
  });

  it('shows an age in the future as what it is, never clamped to 0', () => {
    const report = statusReport('x', { ...status, oldestInProgressMs: -3_600_000 });
    assert.equal(report.oldestInProgressAgeSeconds, -3600);
    const text = formatStatus(report);
    assert.match(text, /oldest entered 3600\.0 s in the future by the channel's clock/);
    assert.doesNotMatch(text, /oldest for 0\.0 s/);
  });

  it('lists each shard of a sharded channel: its stream, node, lag, in progress and the oldest age', () => {
    const report = statusReport('redis+cluster://10.0.0.5:6379', {
      ...status,
      shards: [
        { stream: '{kadabra:0}:stream', node: '10.0.0.5:6379', queued: 4, inProgress: 2, oldestInProgressMs: 3500 },
        { stream: '{kadabra:1}:stream', node: '10.0.0.6:6379', queued: 0, inProgress: 0, oldestInProgressMs: undefined },
      ],
    });
    assert.deepEqual(report.shards?.map((shard) => shard.oldestInProgressAgeSeconds), [3.5, null]);
    const text = formatStatus(report);
    assert.match(text, /shards: {7}2\n {2}\{kadabra:0\}:stream on 10\.0\.0\.5:6379: queued 4, in progress 2 \(oldest for 3\.5 s\)\n/);
    assert.match(text, / {2}\{kadabra:1\}:stream on 10\.0\.0\.6:6379: queued 0, in progress 0\n/);
  });

  it('says null when nothing is in progress', () => {
    const report = statusReport('x', { ...status, inProgress: 0, oldestInProgressAt: undefined, oldestInProgressMs: undefined });
    assert.equal(report.oldestInProgressAgeSeconds, null);
  });

  it('formats a dead letter with its reason', () => {
    const text = formatDeadLetter({ message: 'junk', encoding: 'utf8', reason: 'not JSON', time: '2024-01-01T00:00:00.000Z' });
    assert.equal(text, '2024-01-01T00:00:00.000Z  not JSON\n    junk\n');
  });
});
