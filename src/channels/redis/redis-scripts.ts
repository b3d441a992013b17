import { readFileSync } from 'node:fs';
import type { Redis, Result } from 'ioredis';

/** Each Lua script (scripts/<verb>-<numKeys>.lua) and the command name it gets. */
const SCRIPTS = {
  kadabraReceiveBatch: { file: 'receive-batch-4.lua', keys: 4 },
  kadabraRecordEntered: { file: 'record-entered-2.lua', keys: 2 },
  kadabraComplete: { file: 'complete-3.lua', keys: 3 },
  kadabraInProgress: { file: 'in-progress-3.lua', keys: 3 },
  kadabraDeadLetter: { file: 'dead-letter-5.lua', keys: 5 },
} as const;

type ScriptArg = string | number | Buffer;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    kadabraReceiveBatchBuffer(
      queue: string, inprogress: string, entered: string, copies: string,
      max: number, nowMs: number,
    ): Result<Buffer[], Context>;
    kadabraRecordEntered(entered: string, copies: string, digest: string, nowMs: number): Result<number, Context>;
    kadabraComplete(
      inprogress: string, entered: string, copies: string, from: 'head' | 'tail', ...messages: ScriptArg[]
    ): Result<number, Context>;
    kadabraInProgressBuffer(
      inprogress: string, entered: string, copies: string, limit: number, nowMs: number,
    ): Result<Buffer[], Context>;
    kadabraDeadLetter(
      inprogress: string, entered: string, copies: string, dead: string, dropped: string,
      message: Buffer, record: string, cap: number, from: 'head' | 'tail',
    ): Result<number, Context>;
  }
}

let sources: Map<string, string> | undefined;

function loadSources(): Map<string, string> {
  if (!sources) {
    sources = new Map();
    for (const { file } of Object.values(SCRIPTS)) {
      sources.set(file, readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8'));
    }
  }
  return sources;
}

/** Registers Kadabra's Lua scripts as commands on a connection (ioredis handles EVALSHA/NOSCRIPT). */
export function defineScripts(connection: Redis): void {
  const lua = loadSources();
  for (const [name, { file, keys }] of Object.entries(SCRIPTS)) {
    connection.defineCommand(name, { numberOfKeys: keys, lua: lua.get(file) ?? '' });
  }
}
