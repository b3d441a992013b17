import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_DOCS_END,
  CONFIG_DOCS_START,
  configurationKeysTable,
  configurationReferenceMarkdown,
  replaceConfigurationReference,
} from '../../../scripts/configuration-reference.js';
import { ARGUMENT_KEYS, CONFIG_KEY_NAMES } from '../../../src/config/index.js';

// Compiled to dist/test/unit/scripts/, so the repository root is four levels up.
const DOCS = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));

describe('configuration reference', () => {
  it('docs/configuration.md holds the current generated tables (run scripts/generate-config-docs.mjs)', () => {
    const document = readFileSync(DOCS, 'utf8');
    assert.equal(document, replaceConfigurationReference(document));
    assert.ok(document.includes(configurationReferenceMarkdown()));
  });

  it('lists every key with side, type and default', () => {
    const table = configurationKeysTable();
    for (const name of CONFIG_KEY_NAMES) assert.match(table, new RegExp(`^\\| \`${name}\` \\| (client|agent) \\| `, 'm'));
    assert.match(table, /^\| `AGENT_RECEIVER_THREADS` \| agent \| positive integer \| `3` \| /m);
    assert.match(table, /^\| `AGENT_PUBLISHER_TYPE` \| agent \| one of `"debug"`, `"influxdb"`, `"postgres"`, `"prometheus"` \| `"debug"` \| /m);
    assert.match(table, /^\| `CLIENT_CHANNEL_ARGS` \| client \| object or null \| `null` \| /m);
  });

  it('documents every argument of every channel and publisher type', () => {
    const reference = configurationReferenceMarkdown();
    assert.doesNotMatch(reference, /\(undocumented\)/);
    for (const pair of ARGUMENT_KEYS) {
      for (const [typeName, type] of Object.entries(pair.registry)) {
        assert.ok(reference.includes(`#### \`${typeName}\``), typeName);
        for (const argument of Object.keys(type.schema.shape)) {
          assert.match(reference, new RegExp(`^\\| \`${argument}\` \\| `, 'm'), `${typeName}.${argument}`);
        }
      }
    }
    assert.match(reference, /^\| `port` \| integer from 1 to 65535 \| `6379` \| /m);
    assert.match(reference, /^\| `password` \| string \| unset \| /m);
  });

  it('replaces only the text between the markers', () => {
    const document = `intro\n${CONFIG_DOCS_START}\nold table\n${CONFIG_DOCS_END}\noutro\n`;
    const replaced = replaceConfigurationReference(document);
    assert.ok(replaced.startsWith(`intro\n${CONFIG_DOCS_START}\n### Keys\n`));
    assert.ok(replaced.endsWith(`\n${CONFIG_DOCS_END}\noutro\n`));
    assert.equal(replaceConfigurationReference(replaced), replaced);
    assert.throws(() => replaceConfigurationReference('no markers'), /config-table:start/);
  });
});
