import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { ConfigurationError } from '../../errors/configuration-error.js';

/** The `better-sqlite3` module's export: the `Database` constructor. */
export type BetterSqlite3Module = typeof BetterSqlite3;

const requireFromHere = createRequire(import.meta.url);
let loaded: BetterSqlite3Module | undefined;

/**
 * Loads `better-sqlite3`, an optional dependency (a native module), the first time a
 * SQLite channel is made, so apps on Redis never need it installed or compiled.
 *
 * @param load how to load a module by name (tests pass one that fails).
 * @throws ConfigurationError saying what to install when the module is missing or broken.
 */
export function loadBetterSqlite3(load: (name: string) => unknown = requireFromHere): BetterSqlite3Module {
  if (loaded && load === requireFromHere) return loaded;
  let module: BetterSqlite3Module;
  try {
    module = load('better-sqlite3') as BetterSqlite3Module;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND';
    const why = missing ? 'it is not installed' : `it failed to load (${(error as Error).message})`;
    throw new ConfigurationError(
      'CHANNEL_TYPE',
      `the sqlite channel needs the optional dependency better-sqlite3, but ${why}; ` +
        "install better-sqlite3 to use CLIENT_CHANNEL_TYPE / AGENT_CHANNEL_TYPE 'sqlite' " +
        '(npm install better-sqlite3; it needs a C++ toolchain when no prebuilt binary fits), or use the redis channel',
    );
  }
  if (load === requireFromHere) loaded = module;
  return module;
}
