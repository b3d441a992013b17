// Runs node's test runner over the compiled tests. Node 20's --test takes no globs,
// so the file list is built here. Usage: node scripts/run-tests.mjs [unit|integration|process]...
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const kinds = process.argv.slice(2);
const roots = (kinds.length > 0 ? kinds : ['unit', 'integration', 'process']).map((k) => join('dist', 'test', k));

function collect(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(collect(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = roots.flatMap(collect);
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}; run npm run build first`);
  process.exit(1);
}
// The chaos files measure the apps' event-loop delay and the agents' drain times against
// real servers: they run last, one at a time, so that no other test file loads the
// machine under them (two at once made their event-loop check fail on a 2-core machine).
const chaos = join('process', 'chaos');
const groups = [
  { files: files.filter((file) => !file.includes(chaos)), concurrency: 2 },
  { files: files.filter((file) => file.includes(chaos)), concurrency: 1 },
];
let status = 0;
for (const group of groups) {
  if (group.files.length === 0) continue;
  const result = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--test', `--test-concurrency=${group.concurrency}`, '--test-timeout=120000', ...group.files],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
