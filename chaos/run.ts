// `npm run chaos` (= npm run build && node dist/chaos/run.js): runs every chaos scenario
// against real processes and prints one row each; `npm run chaos -- --help` lists the
// options (USAGE below). Exits 1 when any row shows a loss, a double, or another broken
// promise; 2 for a bad command line.
import { parseArgs } from 'node:util';
import { FULL_PROFILE, SHORT_PROFILE } from './profile.js';
import { formatTable, type Row } from './row.js';
import { startEnvironment } from './support/environment.js';
import { runScenario, SCENARIOS, scenariosOn } from './suite.js';
import { CHAOS_CHANNEL_TYPES } from './support/chaos-channel.js';

const USAGE = `usage: npm run chaos -- [--short] [--only KEY,KEY...] [--channel TYPE]
  --short          the CI-sized run (small counts, short outages)
  --only KEYS      only these scenarios, comma-separated (keys: ${SCENARIOS.map((s) => s.key).join(' ')}), c1 and c2 on redis-streams only
  --channel TYPE   only on this channel type (${CHAOS_CHANNEL_TYPES.join(', ')}); default: every scenario on each
`;

function usageError(text: string): never {
  process.stderr.write(`${text}\n${USAGE}`);
  process.exit(2);
}

/** The command line's options; an unknown option or a missing value is a usage error. */
function commandLine(): { short: boolean; only?: string; channel?: string; help: boolean } {
  try {
    return parseArgs({
      options: {
        short: { type: 'boolean', default: false },
        only: { type: 'string' },
        channel: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
}

const values = commandLine();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const profile = values.short ? SHORT_PROFILE : FULL_PROFILE;
const only = values.only?.split(',').map((key) => key.trim());
const unknown = only?.filter((key) => !SCENARIOS.some((s) => s.key === key)) ?? [];
if (unknown.length > 0) usageError(`no scenario has the key ${unknown.join(', ')} (--only ${values.only})`);
const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.key)) : SCENARIOS;

const channels = values.channel === undefined ? CHAOS_CHANNEL_TYPES : CHAOS_CHANNEL_TYPES.filter((type) => type === values.channel);
if (channels.length === 0) usageError(`no channel type ${values.channel}; types: ${CHAOS_CHANNEL_TYPES.join(' ')}`);

if (!channels.some((type) => scenariosOn(type, scenarios).length > 0)) {
  process.stderr.write(`no scenario of --only ${values.only} runs on channel type ${channels.join(', ')} (c1 and c2 run on redis-streams only)\n`);
  process.exit(2);
}

const log = (text: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
const started = Date.now();
log(`chaos suite (${profile.name}): starting redis-server (AOF, appendfsync everysec) and influxd`);
const env = await startEnvironment();
const rows: Row[] = [];
try {
  for (const channel of channels) {
    for (const scenario of scenariosOn(channel, scenarios)) rows.push(await runScenario(env, profile, scenario, log, channel));
  }
} finally {
  await env.close();
}
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
process.stdout.write(`\nKadabra chaos suite, ${profile.name} profile, ${new Date().toISOString()}, ${minutes} min\n\n`);
process.stdout.write(`${formatTable(rows)}\n`);
const failed = rows.filter((row) => row.failures.length > 0);
process.stdout.write(failed.length === 0 ? '\nall rows pass\n' : `\n${failed.length} row(s) FAILED\n`);
process.exitCode = failed.length === 0 ? 0 : 1;
