// What the no-credential-in-any-output tests share (test/process/secrets-*.test.ts):
// credentials configured under many key spellings and container shapes (valid and broken
// JSON files, valid and broken environment values, URLs with credentials, nested
// arguments), a CLI run as a child process, and the search of every output for them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { CLI } from './agent-process.js';

/** Spellings a credential key may take: right, misspelled, other names, and names that say nothing. */
export const SPELLINGS = [
  'password', 'pasword', 'passwd', 'Password', 'pwd', 'pass', 'token', 'tokn', 'api_key', 'apiKey',
  'secret', 'secert', 'auth', 'credentials', 'db_password', 'x', 'value',
];

const dir = mkdtempSync(join(tmpdir(), 'kadabra-secrets-'));
let fileCount = 0;

export function file(text: string): string {
  const path = join(dir, `config-${(fileCount += 1)}.json`);
  writeFileSync(path, text);
  return path;
}

/** One way of handing the CLI a configuration: a file's text and environment variables. */
export interface Setup {
  readonly label: string;
  readonly fileText?: string;
  readonly env?: Record<string, string>;
}

/** Every shape a credential can arrive in, for one key spelling; `S` is the secret. */
export function shapes(name: string, S: string): Setup[] {
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
export const COMMANDS = [['status'], ['dead-letters', 'list'], ['send', 'count', 'c', '1'], ['agent']];

/** Where a configuration that happens to be valid connects: nowhere (never a system Redis). */
export const UNREACHABLE: Record<string, string> = {
  KADABRA_AGENT_CHANNEL_ARGS: '{"port": 1}',
  KADABRA_CLIENT_CHANNEL_ARGS: '{"port": 1}',
  KADABRA_CLIENT_FLUSH_TIMEOUT_SECONDS: '0.5',
};

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI; with `stopWhen`, SIGTERMs it once its output matches (or after `limitMs`). */
export function runCli(args: string[], env: Record<string, string>, stopWhen?: RegExp, limitMs = 15_000): Promise<Run> {
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
export async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
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
export function everythingIn(error: unknown): string {
  return inspect(error, { depth: 10, showHidden: true });
}

export function assertNoSecret(text: string, secret: string, where: string): void {
  assert.ok(!text.includes(secret), `${where} shows the secret:\n${text.slice(0, 3000)}`);
}

