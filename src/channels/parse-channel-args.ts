import type { z } from 'zod';
import { parseArguments } from '../config/parse-arguments.js';
import { CHANNEL_TYPES } from './channel-types.js';

/**
 * The arguments of a channel constructed directly: merged over `defaults` and validated,
 * or, when the configuration already resolved them (`createChannel` from a resolved
 * configuration), taken as they are.
 * @param channelName the class (`RedisChannel`), named in messages when its type is not registered.
 * @throws ConfigurationError naming the first bad argument (`CHANNEL_ARGS.port`), the value and what is accepted.
 */
export function parseChannelArgs<Schema extends z.ZodObject>(
  channelName: string,
  schema: Schema,
  defaults: Readonly<Record<string, unknown>>,
  args: Readonly<Record<string, unknown>>,
): Readonly<z.infer<Schema>> {
  // The registered spec, so that arguments the configuration resolved are recognised.
  const registered = Object.entries(CHANNEL_TYPES).find(([, spec]) => spec.schema === schema);
  const [typeName, spec] = registered ?? [channelName, { schema, defaults }];
  return parseArguments(spec, args, { argsKey: 'CHANNEL_ARGS', kind: 'channel', typeName, namesType: true });
}
