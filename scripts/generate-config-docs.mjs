// Rewrites the generated reference in docs/configuration.md (between the
// config-table markers) from the key table in src/config, with scripts/configuration-reference.ts.
// Run after `npm run build`.
// Usage: node scripts/generate-config-docs.mjs [--check]   (--check: exit 1 if stale)
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceConfigurationReference } from '../dist/scripts/configuration-reference.js';

const path = 'docs/configuration.md';
const current = readFileSync(path, 'utf8');
const generated = replaceConfigurationReference(current);

if (process.argv.includes('--check')) {
  if (generated !== current) {
    console.error(`${path} is stale: run npm run build && node scripts/generate-config-docs.mjs`);
    process.exit(1);
  }
} else if (generated !== current) {
  writeFileSync(path, generated);
  console.log(`updated ${path}`);
}
