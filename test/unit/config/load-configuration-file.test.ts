import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfigurationFile, resolveAgentConfiguration } from '../../../src/config/index.js';
import { configurationErrorOf } from './helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'kadabra-config-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('loadConfigurationFile', () => {
  it('reads a JSON object of keys, which then resolves', () => {
    const path = file('good.json', '\uFEFF{"AGENT_TYPE": "batched", "AGENT_CHANNEL_ARGS": {"port": 6500}, "CLIENT_CHANNEL_ARGS": null}');
    const loaded = loadConfigurationFile(path);
    assert.deepEqual(loaded, { AGENT_TYPE: 'batched', AGENT_CHANNEL_ARGS: { port: 6500 }, CLIENT_CHANNEL_ARGS: null });
    const config = resolveAgentConfiguration(loaded, {});
    assert.equal(config.AGENT_TYPE, 'batched');
    assert.ok(config.AGENT_CHANNEL_TYPE === 'redis');
    assert.equal(config.AGENT_CHANNEL_ARGS.port, 6500);
  });

  it('names a missing file', () => {
    const path = join(directory, 'missing.json');
    const error = configurationErrorOf(() => loadConfigurationFile(path), '');
    assert.ok(error.message.startsWith(`cannot read configuration file ${path}: `), error.message);
    assert.match(error.message, /ENOENT/);
  });

  it('names the file and the JSON problem with its line and column', () => {
    const path = file('broken.json', '{\n  "AGENT_TYPE": "batched",\n}\n');
    const error = configurationErrorOf(() => loadConfigurationFile(path), '');
    assert.ok(error.message.startsWith(`configuration file ${path} is not valid JSON: `), error.message);
    assert.match(error.message, /line 3/);
  });

  it('rejects a file that holds no object', () => {
    for (const [name, text, shown] of [
      ['array.json', '[{"AGENT_TYPE": "batched"}]', 'an array of 1 item'],
      ['null.json', 'null', 'null'],
      ['string.json', '"AGENT_TYPE"', 'a string of 10 characters'],
    ] as const) {
      const path = file(name, text);
      const error = configurationErrorOf(() => loadConfigurationFile(path), '');
      assert.equal(error.message, `configuration file ${path} must hold a JSON object of keys to values; got ${shown}`);
    }
  });
});
