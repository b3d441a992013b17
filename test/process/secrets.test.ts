// No credential value in any output: credentials are configured under many key spellings
// and container shapes (valid and broken JSON files, valid and broken environment values,
// URLs with credentials, nested arguments), and every output channel is searched for them:
// thrown errors with their causes, and the stdout and stderr of `kadabra agent`, `status`,
// `send` and `dead-letters list` run as child processes (the agent's log lines included).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { loadConfigurationFile, resolveAgentConfiguration, resolveClientConfiguration } from '../../src/config/index.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../support/redis-server.js';
import { cli } from '../unit/cli/cli-harness.js';
import { CLI } from '../support/agent-process.js';

/** Spellings a credential key may take: right, misspelled, other names, and names that say nothing. */
const SPELLINGS = [
  'password', 'pasword', 'passwd', 'Password', 'pwd', 'pass', 'token', 'tokn', 'api_key', 'apiKey',
  'secret', 'secert', 'auth', 'credentials', 'db_password', 'x', 'value',
];

const dir = mkdtempSync(join(tmpdir(), 'kadabra-secrets-'));
let fileCount = 0;

function file(text: string): string {
  const path = join(dir, `config-${(fileCount += 1)}.json`);
  writeFileSync(path, text);
  return path;
}

/** One way of handing the CLI a configuration: a file's text and environment variables. */
interface Setup {
  readonly label: string;
  readonly fileText?: string;
  readonly env?: Record<string, string>;
}

/** Every shape a credential can arrive in, for one key spelling; `S` is the secret. */
function shapes(name: string, S: string): Setup[] {
  const q = JSON.stringify;
  return [
    { label: 'channel args', fileText: q({ AGENT_CHANNEL_ARGS: { [name]: S }, CLIENT_CHANNEL_ARGS: { [name]: S } }) },
    { label: 'publisher args', fileText: q({ AGENT_PUBLISHER_TYPE: 'influxdb', AGENT_PUBLISHER_ARGS: { [name]: S } }) },
    { label: 'top level', fileText: q({ [name]: S }) },
    { label: 'nested object', fileText: q({ AGENT_CHANNEL_ARGS: { [name]: { inner: S } }, CLIENT_CHANNEL_ARGS: { tls: { [name]: S } } }) },
    { label: 'array', fileText: q({ AGENT_CHANNEL_ARGS: [S], CLIENT_CHANNEL_ARGS: [{ [name]: S }] }) },
    { label: 'string where args belong', fileText: q({ AGENT_CHANNEL_ARGS: S, CLIENT_CHANNEL_ARGS: `${name}=${S}` }) },
    { label: 'wrong type of a known secret', fileText: q({ AGENT_PUBLISHER_TYPE: 'influxdb', AGENT_PUBLISHER_ARGS: { password: [S], token: { [name]: S } } }) },
    { label: 'unterminated file', fileText: `{"AGENT_CHANNEL_ARGS": {"${name}": "${S}"` },
    { label: 'unquoted file', fileText: `{AGENT_CHANNEL_ARGS: {${name}: ${S}}}` },
    { label: 'trailing comma file', fileText: `{"CLIENT_CHANNEL_ARGS": {"${name}": "${S}",}, "AGENT_CHANNEL_ARGS": {"${name}": "${S}",}}` },
    { label: 'single quotes file', fileText: `{'AGENT_CHANNEL_ARGS': {'${name}': '${S}'}}` },
    { label: 'valid environment', env: { KADABRA_AGENT_CHANNEL_ARGS: q({ [name]: S, port: 1 }), KADABRA_CLIENT_CHANNEL_ARGS: q({ [name]: S, port: 1 }) } },
    { label: 'broken environment', env: { KADABRA_AGENT_CHANNEL_ARGS: `{"${name}": "${S}"`, KADABRA_CLIENT_CHANNEL_ARGS: `{${name}: ${S}}` } },
    { label: 'broken environment, text key', env: { KADABRA_AGENT_RECEIVER_THREADS: `${name}=${S}`, KADABRA_CLIENT_BUFFER_MAX_MESSAGES: S } },
    { label: 'broken url', fileText: q({ AGENT_CHANNEL_ARGS: { url: `redis://${name}:${S}@[::1` }, CLIENT_CHANNEL_ARGS: { url: `redis://:${S}@host:port:port` } }) },
    { label: 'url of the wrong scheme', fileText: q({ AGENT_CHANNEL_ARGS: { url: `http://${name}:${S}@h:1` }, AGENT_PUBLISHER_TYPE: 'influxdb', AGENT_PUBLISHER_ARGS: { url: `redis://u:${S}@h:1` } }) },
  ];
}

/** The commands searched; the agent is stopped once it printed something. */
const COMMANDS = [['status'], ['dead-letters', 'list'], ['send', 'count', 'c', '1'], ['agent']];

/** Where a configuration that happens to be valid connects: nowhere (never a system Redis). */
const UNREACHABLE: Record<string, string> = {
  KADABRA_AGENT_CHANNEL_ARGS: '{"port": 1}',
  KADABRA_CLIENT_CHANNEL_ARGS: '{"port": 1}',
  KADABRA_CLIENT_FLUSH_TIMEOUT_SECONDS: '0.5',
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI; with `stopWhen`, SIGTERMs it once its output matches (or after `limitMs`). */
function runCli(args: string[], env: Record<string, string>, stopWhen?: RegExp, limitMs = 15_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const check = (): void => {
      if (stopWhen !== undefined && stopWhen.test(stdout + stderr)) child.kill('SIGTERM');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      check();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    // 'close', not 'exit': only then has all the output been read.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `jobs` with at most `limit` at once. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const index = next++;
        results[index] = await (jobs[index] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

/** Every text an error carries: message, stack, own properties, and its causes, all the way down. */
function everythingIn(error: unknown): string {
  return inspect(error, { depth: 10, showHidden: true });
}

function assertNoSecret(text: string, secret: string, where: string): void {
  assert.ok(!text.includes(secret), `${where} shows the secret:\n${text.slice(0, 3000)}`);
}

describe('no credential value in any output', () => {
  test('configuration errors thrown in-process (message, stack, causes) for every spelling and shape', () => {
    let checked = 0;
    SPELLINGS.forEach((name, i) => {
      const secret = `S3CRET-inproc-${i}-q7`;
      for (const setup of shapes(name, secret)) {
        const attempts: (() => unknown)[] = [
          () => resolveAgentConfiguration(setup.fileText === undefined ? {} : loadConfigurationFile(file(setup.fileText)), setup.env ?? {}),
          () => resolveClientConfiguration(setup.fileText === undefined ? {} : loadConfigurationFile(file(setup.fileText)), setup.env ?? {}),
        ];
        for (const attempt of attempts) {
          try {
            attempt();
          } catch (error) {
            assertNoSecret(everythingIn(error), secret, `${name} / ${setup.label}`);
            checked += 1;
          }
        }
      }
    });
    assert.ok(checked > SPELLINGS.length * 20, `${checked} errors checked`);
  });

  test('the CLI run in-process prints no credential for any spelling, shape and command', async () => {
    for (const [i, name] of SPELLINGS.entries()) {
      const secret = `S3CRET-cli-inproc-${i}-z4`;
      for (const setup of shapes(name, secret)) {
        const config = setup.fileText === undefined ? [] : ['--config', file(setup.fileText)];
        for (const command of COMMANDS.filter((c) => c[0] !== 'agent')) {
          const result = await cli([...command, ...config], { ...UNREACHABLE, ...setup.env });
          const where = `kadabra ${command.join(' ')} with ${name} / ${setup.label}`;
          assertNoSecret(result.stdout + result.stderr + result.logs, secret, where);
          assert.ok(result.stderr.length > 0, `${where} says what is wrong`);
        }
      }
    }
  });

  test('CLI status, dead-letters list, send and agent as child processes print no credential', async () => {
    const jobs: (() => Promise<void>)[] = [];
    // Child processes are slow: one command per shape (in turn) for two misspellings; the
    // in-process runs cover every spelling with every command.
    ['pasword', 'api_key'].forEach((name, i) => {
      const secret = `S3CRET-cli-${i}-w2`;
      shapes(name, secret).forEach((setup, j) => {
        const config = setup.fileText === undefined ? [] : ['--config', file(setup.fileText)];
        const chosen = [COMMANDS[(i + j) % COMMANDS.length] as string[]];
        for (const command of chosen) {
          jobs.push(async () => {
            const run = await runCli([...command, ...config], { ...UNREACHABLE, ...setup.env }, /./, 8000);
            const where = `kadabra ${command.join(' ')} with ${name} / ${setup.label}`;
            assertNoSecret(run.stdout, secret, `${where} (stdout)`);
            assertNoSecret(run.stderr, secret, `${where} (stderr)`);
            assert.ok(run.stdout.length + run.stderr.length > 0, `${where} printed something`);
          });
        }
      });
    });
    await pool(jobs, 4);
  });

  describe('at run time, against a redis-server that wants another password', () => {
    let server: RedisServerHandle;
    before(async () => {
      server = await startRedisServer({ password: 'the-right-one' });
    });
    after(async () => {
      await server?.dispose();
    });

    test('wrong password, as an argument, in a url (with and without a user), from the environment', async () => {
      const secret = 'S3CRET-runtime-k9';
      const port = server.port;
      const setups: Record<string, unknown>[] = [
        { port, host: '127.0.0.1', password: secret },
        { url: `redis://:${secret}@127.0.0.1:${port}/0` },
        { url: `redis://default:${secret}@127.0.0.1:${port}/0` },
        { url: `redis://127.0.0.1:${port}/0`, password: secret, username: 'default' },
      ];
      const jobs: (() => Promise<void>)[] = [];
      for (const [index, args] of setups.entries()) {
        const channelArgs = { ...args, ...uniqueKeys('secrets') };
        const fromFile = ['--config', file(JSON.stringify({ AGENT_CHANNEL_ARGS: channelArgs, CLIENT_CHANNEL_ARGS: channelArgs, CLIENT_FLUSH_TIMEOUT_SECONDS: 1 }))];
        const fromEnv = { KADABRA_AGENT_CHANNEL_ARGS: JSON.stringify(channelArgs), KADABRA_CLIENT_CHANNEL_ARGS: JSON.stringify(channelArgs), KADABRA_CLIENT_FLUSH_TIMEOUT_SECONDS: '1' };
        for (const [config, env] of [[fromFile, {}], [[], fromEnv]] as const) {
          // Every command for the first setup; `status` for the others (child processes are slow).
          const commands = index === 0 ? [['status'], ['status', '--json'], ['dead-letters', 'list'], ['send', 'count', 'c', '1']] : [['status']];
          for (const command of commands) {
            jobs.push(async () => {
              const run = await runCli([...command, ...config], env);
              const where = `kadabra ${command.join(' ')} with ${JSON.stringify(Object.keys(args))}`;
              assert.equal(run.code, 1, `${where} fails: ${run.stderr}`);
              assertNoSecret(run.stdout + run.stderr, secret, where);
              if (command[0] !== 'send') {
                assert.match(run.stderr, /WRONGPASS.*fix: check password and username/, where);
                assert.equal(run.stderr.trim().split('\n').length, 1, `${where}: one line`);
              }
            });
          }
          jobs.push(async () => {
            const run = await runCli(['agent', ...config], env, /WRONGPASS/);
            assertNoSecret(run.stdout + run.stderr, secret, 'kadabra agent');
            assert.match(run.stdout, /WRONGPASS.*fix: check password and username/, 'the agent logs the cause and the fix');
          });
        }
      }
      await pool(jobs, 4);
    });

    test('InfluxDB credentials (url, password, token) stay out of the agent log while InfluxDB is unreachable', async () => {
      const secret = 'S3CRET-influx-p3';
      const keys = uniqueKeys('secrets-influx');
      const channel = { port: server.port, host: '127.0.0.1', password: 'the-right-one', ...keys };
      for (const publisher of [
        { url: `http://admin:${secret}@127.0.0.1:1` },
        { url: 'http://127.0.0.1:1', username: 'admin', password: secret },
        { url: 'http://127.0.0.1:1', token: secret },
      ]) {
        // A message for this agent to publish (the one before stays in progress when it stops).
        const sent = await runCli(['send', 'count', 'c', '1', '--config', file(JSON.stringify({ CLIENT_CHANNEL_ARGS: channel }))], {});
        assert.equal(sent.code, 0, sent.stderr);
        const config = { AGENT_CHANNEL_ARGS: channel, AGENT_PUBLISHER_TYPE: 'influxdb', AGENT_PUBLISHER_ARGS: publisher };
        const run = await runCli(['agent', '--config', file(JSON.stringify(config))], {}, /unavailable/);
        assert.match(run.stdout, /ECONNREFUSED.*fix: start InfluxDB/);
        assertNoSecret(run.stdout + run.stderr, secret, `agent with ${Object.keys(publisher).join(', ')}`);
      }
    });
  });
});
