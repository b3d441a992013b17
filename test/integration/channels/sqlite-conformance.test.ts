import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteChannel } from '../../../src/channels/sqlite/sqlite-channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { channelConformance } from '../../conformance/channel-conformance.js';
import { insertRaw } from './sqlite-support.js';

const silent = createLogger({ level: 'silent' });

channelConformance('SqliteChannel on a temporary file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-sqlite-conformance-'));
  let stores = 0;
  return {
    newStore: async () => {
      stores += 1;
      const path = join(dir, `channel-${stores}.db`);
      return {
        open: (options = {}) =>
          new SqliteChannel({ path, ...(options.deadMaxLength ? { dead_max_length: options.deadMaxLength } : {}) }, silent),
        pushRaw: (raws) => insertRaw(path, raws),
      };
    },
    dispose: async () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
