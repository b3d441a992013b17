import { readFileSync } from 'node:fs';
import type { Result } from 'ioredis';
import type { RedisClient } from './redis-connection.js';

/** What the Redis Streams channel's scripts share: the clock, and dead-lettering an entry unread. */
const STREAM_SHARED = ['receive-helpers.lua', 'stream-helpers.lua'] as const;

/**
 * Each Lua script (scripts/<verb>-<numKeys>.lua, with its KEYS/ARGV header), the command
 * name it gets, and the shared parts (scripts/shared/*.lua) put in front of it when it is
 * loaded: Redis runs each script alone, so a function two scripts need is prepended to both.
 * A script that takes a number of keys that varies (two per state change of a completion,
 * scripts/<verb>-changes.lua) has `keys` null: each call gives the number first.
 */
const SCRIPTS: Readonly<Record<string, { file: string; keys: number | null; shared?: readonly string[] }>> = {
  kadabraReceiveBatch: { file: 'receive-batch-3.lua', keys: 3, shared: ['receive-helpers.lua'] },
  kadabraComplete: { file: 'complete-changes.lua', keys: null, shared: ['state-totals.lua'] },
  kadabraInProgress: { file: 'in-progress-3.lua', keys: 3, shared: ['receive-helpers.lua'] },
  kadabraDeadLetter: { file: 'dead-letter-3.lua', keys: 3 },
  kadabraRequeueDeadLetter: { file: 'requeue-dead-letter-2.lua', keys: 2 },
  kadabraStreamReceive: { file: 'stream-receive-2.lua', keys: 2, shared: STREAM_SHARED },
  kadabraStreamInProgress: { file: 'stream-in-progress-2.lua', keys: 2, shared: STREAM_SHARED },
  kadabraStreamClaim: { file: 'stream-claim-2.lua', keys: 2, shared: STREAM_SHARED },
  kadabraStreamComplete: { file: 'stream-complete-changes.lua', keys: null, shared: ['state-totals.lua'] },
  kadabraStreamDeadLetter: { file: 'stream-dead-letter-2.lua', keys: 2, shared: STREAM_SHARED },
  kadabraStreamRequeueDeadLetter: { file: 'stream-requeue-dead-letter-2.lua', keys: 2 },
  kadabraStreamPruneConsumers: { file: 'stream-prune-consumers-1.lua', keys: 1 },
  kadabraLease: { file: 'lease-1.lua', keys: 1 },
  kadabraStreamShardCount: { file: 'stream-shard-count-2.lua', keys: 2 },
};

type ScriptArg = string | number | Buffer;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** Returns `[server ms, dead-lettered count, dead-letter list length, last dead-lettered size, ...messages]`. */
    kadabraReceiveBatchBuffer(
      queue: string, inprogress: string, dead: string, max: number, maxMessageBytes: number, maxBatchBytes: number,
    ): Result<[number, number, number, number, ...Buffer[]], Context>;
    /**
     * `numKeys`: 2 + 2 per state change; `keys`: inprogress, entered, then each change's
     * two hashes (`stateChangeKeys`); then n, the number of state changes (-1 without),
     * the n messages, their n SHA-1 digests (hex) in the same order, and the changes
     * (`stateChangeArgs`). Returns how many messages were removed.
     */
    kadabraComplete(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<number, Context>;
    /** Returns `[server ms, dead-lettered count, dead-letter list length, last dead-lettered size, message, entered ms, ...]`. */
    kadabraInProgressBuffer(
      inprogress: string, entered: string, dead: string, limit: number, maxMessageBytes: number, maxBatchBytes: number,
    ): Result<[number, number, number, number, ...Buffer[]], Context>;
    /** Returns the dead-letter list's length after the push, 0 when the message was not in progress. */
    kadabraDeadLetter(
      inprogress: string, entered: string, dead: string,
      message: Buffer, digest: string, record: string, from: 'head' | 'tail',
    ): Result<number, Context>;
    /** Returns 1 when this call moved the record's message to the queue, 0 when it was gone. */
    kadabraRequeueDeadLetter(dead: string, queue: string, record: string | Buffer, message: Buffer): Result<number, Context>;
    /** Returns `[server ms, dead-lettered count, dead-letter list length, last dead-lettered size, id, message, ...]`. */
    kadabraStreamReceiveBuffer(
      stream: string, dead: string, group: string, consumer: string, max: number, maxMessageBytes: number, maxBatchBytes: number,
    ): Result<[number, number, number, number, ...Buffer[]], Context>;
    /** Returns `[server ms, dead-lettered count, dead-letter list length, last dead-lettered size, id, message, idle ms, ...]`. */
    kadabraStreamInProgressBuffer(
      stream: string, dead: string, group: string, limit: number, maxMessageBytes: number, maxBatchBytes: number,
    ): Result<[number, number, number, number, ...(Buffer | number)[]], Context>;
    /** Returns `[server ms, dead-lettered count, dead-letter list length, last dead-lettered size, id, message, idle ms, ...]`. */
    kadabraStreamClaimBuffer(
      stream: string, dead: string, group: string, consumer: string, minIdleMs: number, limit: number,
      maxDeliveries: number, maxMessageBytes: number, maxBatchBytes: number,
    ): Result<[number, number, number, number, ...(Buffer | number)[]], Context>;
    /**
     * `numKeys`: 1 + 2 per state change; `keys`: the stream, then each change's two hashes
     * (`stateChangeKeys`); then the group, n, the number of state changes (-1 without),
     * the n entry ids and the changes (`stateChangeArgs`). Returns how many entries were acknowledged.
     */
    kadabraStreamComplete(numKeys: number, ...keysAndArgs: ScriptArg[]): Result<number, Context>;
    /**
     * `reason` '': the entry is checked against `maxMessageBytes` and the Kadabra entry form,
     * and dead-lettered with that check's reason only when it fails it.
     * Returns the dead-letter list's length after the push, 0 when the entry was not pending (or passed the check).
     */
    kadabraStreamDeadLetter(
      stream: string, dead: string, group: string, id: string, reason: string, maxMessageBytes?: number,
    ): Result<number, Context>;
    /** Returns 1 when this call moved the record's message to the stream, 0 when it was gone. */
    kadabraStreamRequeueDeadLetter(dead: string, stream: string, record: string | Buffer, message: Buffer): Result<number, Context>;
    /** Returns the shard count recorded (`record` '1': recording `shards` when none is), 0 when none is. */
    kadabraStreamShardCount(count: string, stream: string, shards: number, record: '0' | '1'): Result<number, Context>;
    /** Returns the names of the consumers removed. */
    kadabraStreamPruneConsumers(stream: string, group: string, self: string, minIdleMs: number): Result<string[], Context>;
    /** Takes or renews (`ttlMs` > 0) or gives up (0) a lease; returns 1 when `owner` holds it after the call. */
    kadabraLease(key: string, owner: string, ttlMs: number): Result<number, Context>;
  }
}

let sources: Map<string, string> | undefined;

/** The text of the script `scripts/<path>`. */
export function readScript(path: string): string {
  return readFileSync(new URL(`./scripts/${path}`, import.meta.url), 'utf8');
}

/** The full text of each command's script: its shared parts, then its own file. */
function loadSources(): Map<string, string> {
  if (!sources) {
    sources = new Map();
    for (const [name, { file, shared = [] }] of Object.entries(SCRIPTS)) {
      sources.set(name, [...shared.map((part) => readScript(`shared/${part}`)), readScript(file)].join('\n'));
    }
  }
  return sources;
}

/** Registers Kadabra's Lua scripts as commands on a connection (ioredis handles EVALSHA/NOSCRIPT). */
export function defineScripts(connection: RedisClient): void {
  const lua = loadSources();
  for (const [name, { keys }] of Object.entries(SCRIPTS)) {
    connection.defineCommand(name, keys === null ? { lua: lua.get(name) ?? '' } : { numberOfKeys: keys, lua: lua.get(name) ?? '' });
  }
}
