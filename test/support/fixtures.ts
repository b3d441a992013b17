import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The Python wire fixtures live in the shared folder beside the repository
 * (`<repo>/../shared/fixtures/python-wire`), both here and in CI's fresh clone.
 * KADABRA_WIRE_FIXTURES overrides the location.
 */

function locate(): string {
  const override = process.env.KADABRA_WIRE_FIXTURES;
  // This module runs from <repo>/dist/test/support.
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const candidates = [
    ...(override !== undefined && override !== '' ? [resolve(override)] : []),
    resolve(process.cwd(), '..', 'shared', 'fixtures', 'python-wire'),
    resolve(repoRoot, '..', 'shared', 'fixtures', 'python-wire'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'README.md')));
  if (found === undefined) {
    throw new Error(`python-wire fixtures not found; looked in ${candidates.join(', ')} (set KADABRA_WIRE_FIXTURES)`);
  }
  return found;
}

/** Absolute path of the `python-wire` fixture folder. */
export const WIRE_FIXTURES_DIR = locate();

/**
 * The exact bytes of a fixture file.
 *
 * @param relativePath - Path inside the fixture folder, e.g. `empty.json` or `invalid/nan_inf.json`.
 */
export function readFixture(relativePath: string): Buffer {
  return readFileSync(join(WIRE_FIXTURES_DIR, relativePath));
}

/** Names (e.g. `empty`) of every valid message fixture: the top-level `NAME.json`, not `*.influx.json`. */
export function wireFixtureNames(): string[] {
  return readdirSync(WIRE_FIXTURES_DIR)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.influx.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Names (e.g. `nan_inf`) of every fixture under `invalid/`. */
export function invalidFixtureNames(): string[] {
  return readdirSync(join(WIRE_FIXTURES_DIR, 'invalid'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
