import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

test('kadabra/http, kadabra/express and kadabra/fastify resolve through the package exports', async () => {
  const http = (await import('kadabra/http')) as Record<string, unknown>;
  const expressEntry = (await import('kadabra/express')) as Record<string, unknown>;
  const fastifyEntry = (await import('kadabra/fastify')) as Record<string, unknown>;
  assert.equal(typeof http.kadabraHttp, 'function');
  assert.equal(typeof expressEntry.kadabraExpress, 'function');
  assert.equal(typeof fastifyEntry.kadabraFastify, 'function');
  for (const entry of [http, expressEntry, fastifyEntry]) {
    assert.equal(entry.UNMATCHED_ROUTE, 'unmatched');
    assert.deepEqual(entry.HTTP_DIMENSIONS, ['method', 'route', 'status']);
  }
});

test('no HTTP entry point loads Express or Fastify at run time: they stay optional peers', () => {
  const folder = new URL('../../../src/http/', import.meta.url);
  const files = readdirSync(folder).filter((name) => name.endsWith('.js'));
  assert.ok(files.includes('express.js') && files.includes('fastify.js'));
  for (const name of files) {
    const code = readFileSync(new URL(name, folder), 'utf8');
    assert.doesNotMatch(code, /from ['"](express|fastify)['"]|import\(['"](express|fastify)['"]\)|require\(/, name);
  }
});
